"""The SSDA903 headline measures: pure, vectorised functions over episodes (pandas/numpy only).

The rules are those of shared/reference/ssda903.md ("Building the longitudinal record" and "Headline
measures"), with the portal's documented interpretations of the points the reference leaves open. Every
interpretation is written into the measure's `rule` text (placements.measure_definitions, shown on its
"About this measure" page) and is pinned by a test in tests/placements/test_measures_*.py.

Input frames (already normalised by the import pipeline):

- episodes: child, collection_year, decom, dec, rne, ls, cin, place, place_provider, rec, pl_post_key,
  distance. Code columns may be any string dtype; missing (None, NaN, <NA>) and "" are all "blank".
- header: child, collection_year, sex, dob.
- uasc: child, collection_year, duc (may be empty).

How it is vectorised: after the longitudinal record is built, episodes are sorted by (child, DECOM) and
turned into plain numpy arrays once (children as integer codes, dates as day numbers, codes as small
integers). Everything that does not depend on the collection year (temporary placements, returns, which
episodes count as a new placement, each episode's placement group) is computed once; each year is then a
handful of masks and "last row per child" reductions over those arrays. There is no loop per child or per
episode.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from placements.groups import group_index_of_codes
from placements.measure_definitions import (
    AGE_BANDS,
    CIN_CODES,
    COUNT_CODES,
    DERIVED_CODES,
    MEASURE_CODES,
    MEASURES,
    PLACEMENT_GROUPS,
    MeasureDef,
)
from placements.measure_helpers import (
    _NEVER,
    _child_key,
    _codes,
    _day,
    _days,
    _distinct,
    _first_per_group,
    _in,
    _last_per_group,
    _missing,
    round_half_up,
)

__all__ = [
    "MEASURE_CODES",
    "MEASURES",
    "MeasureDef",
    "COUNT_CODES",
    "build_longitudinal",
    "compute_counts",
    "compute_year",
    "compute_years",
    "from_counts",
    "latest_per_child",
    "round_half_up",
    "AGE_BANDS",
    "CIN_CODES",
    "DERIVED_CODES",
    "EPISODE_COLUMNS",
    "PLACEMENT_GROUPS",
    "SHORT_BREAKS",
]

# ---- codes ---------------------------------------------------------------------------------------------

SHORT_BREAKS = ("V3", "V4")
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
ADOPTION = ("A3", "A4", "A5", "A6")
NEW_CARER = ("S", "P", "B")

EPISODE_COLUMNS = [
    "child",
    "collection_year",
    "decom",
    "dec",
    "rne",
    "ls",
    "cin",
    "place",
    "place_provider",
    "rec",
    "pl_post_key",
    "distance",
]


# ---- the longitudinal record ---------------------------------------------------------------------------


def build_longitudinal(episodes: pd.DataFrame) -> pd.DataFrame:
    """The longitudinal record of the reference, from every imported return's episodes.

    1. Episodes whose LS is V3 or V4 (short breaks; case-insensitive) are dropped before anything else,
       so a V3/V4 row in a later return never displaces the earlier return's row for that (CHILD, DECOM).
    2. Where the same (CHILD, DECOM) appears in several collection years, the row from the latest
       collection year wins (within one collection year, the first row as given).
    Rows with no CHILD cannot belong to anyone and are dropped. Sorted by child, then DECOM; new index.
    Idempotent: applying it to its own output changes nothing.
    """
    df = episodes.reset_index(drop=True)
    for column in EPISODE_COLUMNS:
        if column not in df.columns:
            df[column] = np.nan if column == "distance" else None
    ls_codes, ls_values = _codes(df["ls"])
    df = df[~_in(ls_codes, ls_values, SHORT_BREAKS)]
    df = df.assign(child=_child_key(df["child"]).to_numpy())
    df = df[df["child"].notna().to_numpy()]
    if df.empty:
        return df.reset_index(drop=True)
    decom = _days(df["decom"])
    year = df["collection_year"].to_numpy(dtype=np.int64)
    child_codes, _ = pd.factorize(df["child"], sort=True)
    # lexsort is stable: by child, DECOM, latest year first, then input order.
    order = np.lexsort((np.arange(len(df)), -year, decom, child_codes))
    df = df.iloc[order]
    keep = np.ones(len(df), dtype=bool)
    same = (child_codes[order][1:] == child_codes[order][:-1]) & (decom[order][1:] == decom[order][:-1])
    keep[1:] = ~same
    return df[keep].reset_index(drop=True)


def latest_per_child(df: pd.DataFrame) -> pd.DataFrame:
    """Header or UASC rows: one per child, the row from the latest collection year.

    The portal's choice: a child's date of birth, sex and UASC status are taken from the latest return
    that holds the child (later returns carry corrections), and the same row is used for every collection
    year. Within one collection year the last row as given wins. A frame without collection_year is taken
    as already one row per child (the last row per child as given is kept). Rows with no CHILD are dropped.
    """
    out = df.reset_index(drop=True)
    out = out.assign(child=_child_key(out["child"]).to_numpy())
    out = out[out["child"].notna().to_numpy()]
    if "collection_year" in out.columns:
        out = out.iloc[np.argsort(out["collection_year"].to_numpy(dtype=np.int64), kind="stable")]
    return (
        out.drop_duplicates("child", keep="last").sort_values("child", kind="stable").reset_index(drop=True)
    )


# ---- year-independent preparation ----------------------------------------------------------------------


@dataclass
class _Prepared:
    n_children: int
    cid: np.ndarray  # per episode, sorted by (cid, decom)
    decom: np.ndarray
    dec: np.ndarray  # _NEVER when blank
    rne_s: np.ndarray
    temporary: np.ndarray
    new_placement: np.ndarray
    prev_new_placement: np.ndarray  # previous new-placement row of the same child, or -1
    ceased: np.ndarray  # REC not blank and not X1
    adoption: np.ndarray
    group: np.ndarray  # index into PLACEMENT_GROUPS
    cin: np.ndarray  # 0..7 for N1..N8, -1 otherwise
    distance: np.ndarray
    first_row: np.ndarray  # per child: its earliest held episode
    dob: np.ndarray  # per child: day number, NaT integer where unknown
    dob_known: np.ndarray
    dob_year: np.ndarray
    dob_monthday: np.ndarray
    sex: np.ndarray  # per child: 1 male, 2 female, 0 neither
    uasc_until: np.ndarray  # per child: DUC day number, _NEVER if blank, -inf-ish if not in UASC


def _prepare(longitudinal: pd.DataFrame, header: pd.DataFrame, uasc: pd.DataFrame) -> _Prepared:
    df = longitudinal
    child = _child_key(df["child"]) if len(df) else pd.Series([], dtype=object)
    cid, children = pd.factorize(child, sort=True)
    decom = _days(df["decom"]) if len(df) else np.zeros(0, dtype=np.int64)
    order = np.lexsort((decom, cid))
    cid, decom = cid[order].astype(np.int64), decom[order]
    df = df.iloc[order]
    n = len(df)
    dec = _days(df["dec"], blank=_NEVER) if n else np.zeros(0, dtype=np.int64)

    rne, rnes = _codes(df["rne"])
    place, places = _codes(df["place"])
    prov, provs = _codes(df["place_provider"])
    rec, recs = _codes(df["rec"])
    key, _ = _codes(df["pl_post_key"], upper=False)
    cin_codes, cins = _codes(df["cin"])
    cin_index = np.append(
        np.array([CIN_CODES.index(c) if c in CIN_CODES else -1 for c in cins], dtype=np.int64), -1
    )

    same_child_prev = np.zeros(n, dtype=bool)
    same_child_prev[1:] = cid[1:] == cid[:-1]
    temporary = _in(place, places, TEMPORARY)

    # Returns: previous held episode temporary, and same PLACE and PL_POST as the last non-temporary
    # episode before that run of temporary episodes (both given on both episodes).
    positions = np.arange(n)
    last_non_temp = np.maximum.accumulate(np.where(~temporary, positions, -1)) if n else positions
    before = np.full(n, -1)
    before[1:] = last_non_temp[:-1]  # last non-temporary row strictly before this one
    prev_temporary = np.zeros(n, dtype=bool)
    prev_temporary[1:] = temporary[:-1]
    valid = same_child_prev & prev_temporary & (before >= 0)
    valid &= cid[np.maximum(before, 0)] == cid
    b = np.maximum(before, 0)
    is_return = valid & (place >= 0) & (place == place[b]) & (key >= 0) & (key == key[b])
    new_placement = ~temporary & _in(rne, rnes, NEW_CARER) & ~is_return

    # For each row, the previous new-placement row of the same child (used for adoption placements).
    flagged = np.where(new_placement, positions, -1)
    last_flag_incl = np.maximum.accumulate(flagged) if n else positions
    prev_flag = np.full(n, -1)
    prev_flag[1:] = last_flag_incl[:-1]
    prev_flag[(prev_flag < 0) | (cid[np.maximum(prev_flag, 0)] != cid)] = -1

    n_children = len(children)
    first_row = np.full(n_children, -1, dtype=np.int64)
    starts = _first_per_group(cid)
    first_row[cid[starts]] = starts

    index = pd.Index(children.astype(object))
    head = latest_per_child(header)
    hpos = index.get_indexer(head["child"])
    hit = hpos >= 0
    dob_series = head["dob"][hit]
    dob = np.full(n_children, np.iinfo(np.int64).min, dtype=np.int64)
    dob_year = np.zeros(n_children, dtype=np.int64)
    dob_md = np.zeros(n_children, dtype=np.int64)
    if hit.any():
        dob_dt = pd.to_datetime(dob_series)
        if isinstance(dob_dt.dtype, pd.DatetimeTZDtype):
            dob_dt = dob_dt.dt.tz_localize(None)
        dob[hpos[hit]] = _days(dob_dt)
        dob_year[hpos[hit]] = dob_dt.dt.year.fillna(0).to_numpy(dtype=np.int64)
        dob_md[hpos[hit]] = (dob_dt.dt.month.fillna(0) * 100 + dob_dt.dt.day.fillna(0)).to_numpy(
            dtype=np.int64
        )
    dob_known = dob != np.iinfo(np.int64).min
    sex = np.zeros(n_children, dtype=np.int64)
    if hit.any():
        sx, sxs = _codes(head["sex"][hit])
        sex[hpos[hit]] = np.where(_in(sx, sxs, ("1", "M")), 1, np.where(_in(sx, sxs, ("2", "F")), 2, 0))

    uasc_until = np.full(n_children, np.iinfo(np.int64).min, dtype=np.int64)
    if len(uasc):
        ua = latest_per_child(uasc)
        upos = index.get_indexer(ua["child"])
        uhit = upos >= 0
        if uhit.any():
            uasc_until[upos[uhit]] = _days(ua["duc"][uhit], blank=_NEVER)

    distance = pd.to_numeric(df["distance"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)

    return _Prepared(
        n_children=n_children,
        cid=cid,
        decom=decom,
        dec=dec,
        rne_s=_in(rne, rnes, ("S",)),
        temporary=temporary,
        new_placement=new_placement,
        prev_new_placement=prev_flag,
        ceased=(rec >= 0) & ~_in(rec, recs, ("X1",)),
        adoption=_in(place, places, ADOPTION),
        group=group_index_of_codes(place, places, prov, provs),
        cin=cin_index[cin_codes],
        distance=distance,
        first_row=first_row,
        dob=dob,
        dob_known=dob_known,
        dob_year=dob_year,
        dob_monthday=dob_md,
        sex=sex,
        uasc_until=uasc_until,
    )


# ---- one year ------------------------------------------------------------------------------------------


def _latest_row_where(p: _Prepared, mask: np.ndarray) -> np.ndarray:
    """Per child: the last (latest DECOM) row where mask holds, or -1."""
    out = np.full(p.n_children, -1, dtype=np.int64)
    rows = np.flatnonzero(mask)
    last = rows[_last_per_group(p.cid[rows])]
    out[p.cid[last]] = last
    return out


def _year(p: _Prepared, year: int, population: float | int | None) -> dict[str, int | float | None]:
    ref, start = _day(year, 3, 31), _day(year - 1, 4, 1)
    out: dict[str, int | float | None] = {}

    open_rows = np.flatnonzero((p.decom <= ref) & (p.dec > ref))
    current = open_rows[_last_per_group(p.cid[open_rows])]  # latest DECOM among open, per child
    kids = p.cid[current]
    cla = int(current.size)
    in_cla = np.zeros(p.n_children, dtype=bool)
    in_cla[kids] = True

    out["cla_31_march"] = cla
    out["starts"] = _distinct(p.cid[p.rne_s & (p.decom >= start) & (p.decom <= ref)])
    out["ceases"] = _distinct(p.cid[p.ceased & (p.dec >= start) & (p.dec <= ref)])
    out["uasc_31_march"] = int(np.count_nonzero(p.uasc_until[kids] > ref))

    for code, count in zip(PLACEMENT_GROUPS, np.bincount(p.group[current], minlength=8), strict=True):
        out[code] = int(count)

    ref_year, ref_md = year, 331
    known = p.dob_known[kids]
    age = ref_year - p.dob_year[kids] - (p.dob_monthday[kids] > ref_md)
    bands = [age < 1, (age >= 1) & (age < 5), (age >= 5) & (age < 10), (age >= 10) & (age < 16), age >= 16]
    for code, band in zip(AGE_BANDS, bands, strict=True):
        out[code] = int(np.count_nonzero(known & band))
    out["sex_male"] = int(np.count_nonzero(p.sex[kids] == 1))
    out["sex_female"] = int(np.count_nonzero(p.sex[kids] == 2))

    period = _latest_row_where(p, p.rne_s & (p.decom <= ref))
    period = np.where(period >= 0, period, p.first_row)
    cin = p.cin[period[kids]]
    for i, c in enumerate(CIN_CODES):
        out[f"cin_{c}"] = int(np.count_nonzero(cin == i))

    # Placements during the year.
    overlap = np.flatnonzero((p.decom <= ref) & (p.dec >= start) & ~p.temporary & in_cla[p.cid])
    ov_cid = p.cid[overlap]
    counted = p.new_placement[overlap].astype(np.int64)
    counted[_first_per_group(ov_cid)] = 1  # the first such episode always counts as one placement
    placements = np.bincount(ov_cid, weights=counted, minlength=p.n_children)
    three_plus = int(np.count_nonzero(placements[kids] >= 3))
    out["stability_3plus_count"] = three_plus

    # Long-term stability.
    eligible = known & (age < 16) & (p.decom[period[kids]] <= _day(year - 3, 9, 30))
    begin = _latest_row_where(p, p.new_placement & (p.decom <= ref))[kids]
    adopted = p.adoption[current]
    before_adoption = np.where(begin >= 0, p.prev_new_placement[np.maximum(begin, 0)], -1)
    begin = np.where(adopted, before_adoption, begin)
    begin = np.where(begin >= 0, begin, p.first_row[kids])
    stable = eligible & (p.decom[begin] <= _day(year - 2, 3, 31))
    n_eligible, n_stable = int(np.count_nonzero(eligible)), int(np.count_nonzero(stable))
    out["long_term_eligible"] = n_eligible
    out["long_term_stable_count"] = n_stable

    distance = p.distance[current]
    known_distance = ~np.isnan(distance)
    n_known = int(np.count_nonzero(known_distance))
    over = int(np.count_nonzero(known_distance & (distance > 20.0)))
    out["distance_known_count"] = n_known
    out["distance_over_20_count"] = over

    return from_counts(out, population)


def _year_counts(p: _Prepared, year: int) -> dict[str, int]:
    """The count measures of one year (COUNT_CODES), without the ratios."""
    values = _year(p, year, None)
    return {code: values[code] for code in COUNT_CODES}


def from_counts(counts: Mapping[str, int], population: float | int | None) -> dict[str, int | float | None]:
    """Every measure of a year from its count measures (COUNT_CODES) and the year's population: the
    ratios are computed from the counts (never averaged), so counts summed over children give the same
    measures as a computation over all of them. Returns {code: value} in MEASURE_CODES order."""
    counts = {code: int(counts[code]) for code in COUNT_CODES}
    cla = counts["cla_31_march"]
    derived = {
        "rate_per_10k": None if _missing(population) else round_half_up(cla, population, 10_000),
        "stability_3plus_pct": round_half_up(counts["stability_3plus_count"], cla),
        "long_term_stability_pct": round_half_up(
            counts["long_term_stable_count"], counts["long_term_eligible"]
        ),
        "distance_over_20_pct": round_half_up(
            counts["distance_over_20_count"], counts["distance_known_count"]
        ),
    }
    return {code: derived[code] if code in derived else counts[code] for code in MEASURE_CODES}


# ---- public entry points -------------------------------------------------------------------------------


def compute_year(
    episodes: pd.DataFrame, header: pd.DataFrame, uasc: pd.DataFrame, year: int, population: int | None
) -> dict[str, int | float | None]:
    """Every headline measure for collection year `year` (1 April year-1 to 31 March year).

    `episodes` is the longitudinal record (build_longitudinal's output; building is idempotent, so it is
    applied again here when the frame still has collection_year, which makes raw episodes safe too).
    `header` and `uasc` may be raw (all returns): latest_per_child is applied. `population` is the
    authority's population aged 0-17 for the year, or None. Returns {code: value} in MEASURE_CODES order:
    counts are Python ints, percentages and the rate are floats to one decimal or None (zero denominator,
    no population).
    """
    if "collection_year" in episodes.columns:
        episodes = build_longitudinal(episodes)
    return _year(_prepare(episodes, header, uasc), int(year), population)


def compute_years(
    episodes_raw: pd.DataFrame,
    header_raw: pd.DataFrame,
    uasc_raw: pd.DataFrame,
    years: Iterable[int],
    populations: Mapping[int, int | None],
) -> pd.DataFrame:
    """Every measure for each collection year, from the raw union of all imported returns.

    Builds the longitudinal record once, then computes each year. Returns a long frame with columns
    year (int64), measure (str) and value (object: int, float or None), ordered by year and then
    MEASURE_CODES. A year missing from `populations` has no rate.
    """
    prepared = _prepare(build_longitudinal(episodes_raw), header_raw, uasc_raw)
    rows_year: list[int] = []
    rows_code: list[str] = []
    rows_value: list[int | float | None] = []
    for year in sorted({int(y) for y in years}):
        values = _year(prepared, year, populations.get(year))
        rows_year += [year] * len(MEASURE_CODES)
        rows_code += MEASURE_CODES
        rows_value += [values[c] for c in MEASURE_CODES]
    return pd.DataFrame(
        {
            "year": pd.Series(rows_year, dtype=np.int64),
            "measure": pd.Series(rows_code, dtype=object),
            "value": pd.Series(rows_value, dtype=object),
        }
    )


def compute_counts(
    episodes_raw: pd.DataFrame,
    header_raw: pd.DataFrame,
    uasc_raw: pd.DataFrame,
    years: Iterable[int],
    *,
    built: bool = False,
) -> dict[int, dict[str, int]]:
    """The count measures (COUNT_CODES) of each of `years` to which the given children contribute.

    Every count measure counts children, and what a child contributes depends only on that child's own
    episodes, header and UASC rows (the longitudinal record keeps or drops rows per child and DECOM). So
    for any set of children, given all of their rows from every return, these counts are exactly their
    share of the authority's counts: an import changes the counts by (after - before) over the children its
    return holds, and ratios are then recomputed from the counts (from_counts).

    A child contributes to a year only through an episode of the longitudinal record that overlaps it
    (DECOM on or before 31 March and DEC blank or on or after 1 April): years no such episode overlaps are
    left out of the result (all their counts are 0).

    With `built`, the episodes are already a longitudinal record (build_longitudinal's output, or rows of
    several such records of different children, in any order), so it is not built again.
    """
    longitudinal = episodes_raw.reset_index(drop=True) if built else build_longitudinal(episodes_raw)
    wanted = sorted({int(y) for y in years})
    if longitudinal.empty or not wanted:
        return {}
    prepared = _prepare(longitudinal, header_raw, uasc_raw)
    out = {}
    for year in wanted:
        ref, start = _day(year, 3, 31), _day(year - 1, 4, 1)
        if np.any((prepared.decom <= ref) & (prepared.dec >= start)):
            out[year] = _year_counts(prepared, year)
    return out
