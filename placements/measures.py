"""The SSDA903 headline measures: pure, vectorised functions over episodes (pandas/numpy only).

The rules are those of shared/reference/ssda903.md ("Building the longitudinal record" and "Headline
measures"), with the portal's documented interpretations of the points the reference leaves open. Every
interpretation is written into the measure's `rule` text (shown on its "About this measure" page) and is
pinned by a test in tests/placements/test_measures_*.py.

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

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from placements.groups import GROUP_MEASURES, GROUPS, group_index_of_codes

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
]

# ---- codes ---------------------------------------------------------------------------------------------

SHORT_BREAKS = ("V3", "V4")
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
ADOPTION = ("A3", "A4", "A5", "A6")
NEW_CARER = ("S", "P", "B")
CIN_CODES = tuple(f"N{i}" for i in range(1, 9))

PLACEMENT_GROUPS = GROUP_MEASURES  # placements/groups.py holds the groups and their rule
AGE_BANDS = ["age_under_1", "age_1_4", "age_5_9", "age_10_15", "age_16_plus"]

MEASURE_CODES: list[str] = [
    "cla_31_march",
    "starts",
    "ceases",
    "rate_per_10k",
    "uasc_31_march",
    *PLACEMENT_GROUPS,
    *AGE_BANDS,
    "sex_male",
    "sex_female",
    *[f"cin_{c}" for c in CIN_CODES],
    "stability_3plus_count",
    "stability_3plus_pct",
    "long_term_eligible",
    "long_term_stable_count",
    "long_term_stability_pct",
    "distance_known_count",
    "distance_over_20_count",
    "distance_over_20_pct",
]

# The measures that are ratios of other measures; every other measure counts children, so it is a sum over
# children of what each child contributes (see compute_counts and from_counts).
DERIVED_CODES = ("rate_per_10k", "stability_3plus_pct", "long_term_stability_pct", "distance_over_20_pct")
COUNT_CODES: list[str] = [c for c in MEASURE_CODES if c not in DERIVED_CODES]

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

# Day numbers: DEC / DUC blank are stored as "never", so "blank or > D" is one comparison.
_NEVER = np.iinfo(np.int64).max
_EPOCH = dt.date(1970, 1, 1)


# ---- measure definitions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureDef:
    """What a measure is, for the UI and exports: the rule is shown verbatim on "About this measure"."""

    code: str
    title: str
    unit: str  # "count" | "percent" | "rate"
    polarity: str | None  # "higher_better" | "lower_better" | None
    group: str
    rule: str
    denominator: str | None = None
    caveats: str = ""


_OPEN = (
    "An episode is open on a date D when DECOM is on or before D and DEC is blank or after D "
    "(an episode that ceased on 31 March is not open on 31 March)."
)
_LONGITUDINAL = (
    "Computed from the longitudinal record: every imported return of the authority, with episodes "
    "whose legal status is V3 or V4 (short breaks) dropped first, then, where the same child and DECOM "
    "appear in several returns, the row from the latest collection year kept."
)
_CLA = "the children counted in children looked after on 31 March"
_CURRENT = (
    "the episode open on 31 March of the collection year (the one with the latest DECOM if a child has "
    "more than one open)"
)
_HEADER = (
    "Date of birth and sex come from the Header row of the latest return that holds the child "
    "(the latest collection year wins, so corrections in later returns apply to every year)."
)
_PERIOD = (
    "The period of care open on 31 March begins at the child's latest episode with RNE = S whose DECOM "
    "is on or before 31 March, or at the child's earliest held episode where no such episode is held."
)
_RETURN = (
    "An episode is a return, not a new placement, when the child's immediately preceding held episode "
    "(by DECOM, in the whole longitudinal record) is a temporary placement (PLACE T0-T4) and the episode "
    "has the same PLACE and the same PL_POST as the last non-temporary episode before that run of "
    "consecutive temporary episodes; PLACE and PL_POST must both be given (not blank) on both episodes "
    "to be the same."
)
_NEW_PLACEMENT = (
    "An episode counts as a new placement when its PLACE is not temporary (T0-T4), its RNE is S, P or B "
    "(a new carer) and it is not a return. " + _RETURN
)
_PCT = "Given to one decimal place, rounded half up on the exact ratio (0.25 becomes 0.3)."
_BLANK = "Blank, not 0, when the denominator is zero."


def _m(code, title, unit, group, rule, polarity=None, denominator=None, caveats="") -> MeasureDef:
    return MeasureDef(code, title, unit, polarity, group, rule, denominator, caveats)


_GROUP_RULES = {g.measure: (g.title, g.rule) for g in GROUPS}

_AGE_RULES = {
    "age_under_1": ("Aged under 1", "under 1 (a date of birth after 31 March also falls here)"),
    "age_1_4": ("Aged 1 to 4", "1 to 4"),
    "age_5_9": ("Aged 5 to 9", "5 to 9"),
    "age_10_15": ("Aged 10 to 15", "10 to 15"),
    "age_16_plus": ("Aged 16 and over", "16 or over"),
}

_CIN_TITLES = {
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental illness or disability",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
}


def _definitions() -> dict[str, MeasureDef]:
    defs = [
        _m(
            "cla_31_march",
            "Children looked after on 31 March",
            "count",
            "Children looked after",
            f"Distinct children with an episode open on 31 March of the collection year. {_OPEN} "
            f"{_LONGITUDINAL}",
        ),
        _m(
            "starts",
            "Children who started to be looked after",
            "count",
            "Children looked after",
            "Distinct children with an episode with RNE = S and DECOM from 1 April to 31 March of the "
            "collection year (both dates included). A child who started twice in the year counts once. "
            + _LONGITUDINAL,
        ),
        _m(
            "ceases",
            "Children who ceased to be looked after",
            "count",
            "Children looked after",
            "Distinct children with an episode with DEC from 1 April to 31 March of the collection year "
            "(both dates included) and REC not blank and not X1 (X1 means care continues in a new "
            "episode). A child who ceased twice in the year counts once. " + _LONGITUDINAL,
        ),
        _m(
            "rate_per_10k",
            "Children looked after per 10,000 children",
            "rate",
            "Children looked after",
            "Children looked after on 31 March divided by the authority's population aged 0 to 17 for "
            "that year, times 10,000, to one decimal place rounded half up on the exact ratio.",
            caveats="The population is reference data (ONS mid-year estimate) entered or imported per "
            "authority and year; the rate is blank where no population (or a population of 0) is held.",
        ),
        _m(
            "uasc_31_march",
            "Unaccompanied asylum-seeking children looked after on 31 March",
            "count",
            "UASC",
            f"Of {_CLA}, those who appear in the UASC table with DUC (date UASC status ceased) blank or "
            "after 31 March of the collection year. The UASC row of the latest return that holds the "
            "child is used.",
            caveats="The UASC table is optional: where an authority's returns do not include it, this "
            "count is 0.",
        ),
    ]
    for code in PLACEMENT_GROUPS:
        title, rule = _GROUP_RULES[code]
        defs.append(
            _m(
                code,
                title,
                "count",
                "Placement mix",
                f"Of {_CLA}, by the PLACE and PLACE_PROVIDER of {_CURRENT}: {rule} Codes are compared "
                "case-insensitively. The eight placement groups sum to children looked after on 31 March.",
            )
        )
    for code in AGE_BANDS:
        title, band = _AGE_RULES[code]
        defs.append(
            _m(
                code,
                title,
                "count",
                "Age",
                f"Of {_CLA}, those aged {band} on 31 March of the collection year, in whole years from "
                "the date of birth (a child whose birthday is 31 March has had it; a 29 February "
                f"birthday is compared as month and day). {_HEADER}",
                caveats="Children with no date of birth are in no age band, so the bands may sum to "
                "less than children looked after.",
            )
        )
    defs += [
        _m(
            "sex_male",
            "Boys",
            "count",
            "Sex",
            f"Of {_CLA}, those whose SEX is 1 or M (case-insensitive). {_HEADER}",
            caveats="SEX U, blank or any other value is counted in neither boys nor girls.",
        ),
        _m(
            "sex_female",
            "Girls",
            "count",
            "Sex",
            f"Of {_CLA}, those whose SEX is 2 or F (case-insensitive). {_HEADER}",
            caveats="SEX U, blank or any other value is counted in neither boys nor girls.",
        ),
    ]
    for c in CIN_CODES:
        defs.append(
            _m(
                f"cin_{c}",
                f"Category of need: {_CIN_TITLES[c]} ({c})",
                "count",
                "Category of need",
                f"Of {_CLA}, those whose CIN is {c} on the first episode of the period of care open on "
                f"31 March. {_PERIOD}",
                caveats="A blank or unrecognised CIN on that episode is counted in no category.",
            )
        )
    placements_rule = (
        "Placements during the year, for each of " + _CLA + ": take the child's episodes that overlap the "
        "collection year (DECOM on or before 31 March and DEC blank or on or after 1 April), ignoring "
        "temporary placements (PLACE T0-T4). The first such episode counts as one placement; each later "
        "one counts only if its RNE is S, P or B (a new carer) and it is not a return. " + _RETURN
    )
    defs += [
        _m(
            "stability_3plus_count",
            "Children with 3 or more placements in the year",
            "count",
            "Stability",
            placements_rule + " Counted: children with 3 or more placements.",
        ),
        _m(
            "stability_3plus_pct",
            "Children with 3 or more placements in the year (%)",
            "percent",
            "Stability",
            "Children with 3 or more placements during the year divided by children looked after on "
            f"31 March, times 100. {placements_rule} {_PCT} {_BLANK}",
            polarity="lower_better",
            denominator="cla_31_march",
        ),
    ]
    long_term = (
        f"Eligible: {_CLA} who are aged under 16 on 31 March (by date of birth; children with no date of "
        "birth are not eligible) and whose period of care began on or before 30 September three years "
        f"before the end of the collection year (2½ years before 31 March). {_PERIOD} "
        "Stable: eligible children whose current placement began on or before 31 March two years before "
        "the end of the collection year. The current placement begins at the latest episode with DECOM "
        "on or before 31 March that counts as a new placement, or at the child's earliest held episode "
        f"where there is none. {_NEW_PLACEMENT} When the open episode is an adoption placement (PLACE "
        "A3-A6), the placement before the adoption placement counts as its beginning: find the adoption "
        "placement's own beginning as above, then take the latest episode counting as a new placement "
        "whose DECOM is strictly before that beginning, or the child's earliest held episode where there "
        "is none."
    )
    defs += [
        _m(
            "long_term_eligible",
            "Children eligible for the long-term stability measure",
            "count",
            "Stability",
            long_term,
        ),
        _m(
            "long_term_stable_count",
            "Children in a long-term stable placement",
            "count",
            "Stability",
            long_term,
        ),
        _m(
            "long_term_stability_pct",
            "Children in a long-term stable placement (%)",
            "percent",
            "Stability",
            f"Stable children divided by eligible children, times 100. {long_term} {_PCT} {_BLANK}",
            polarity="higher_better",
            denominator="long_term_eligible",
        ),
    ]
    distance = (
        f"Of {_CLA}, the distance from home of the placement of {_CURRENT}: PL_DISTANCE where the "
        "Episodes table gives it, otherwise the straight-line distance between HOME_POST and PL_POST "
        "where both resolve to coordinates; unknown otherwise."
    )
    defs += [
        _m(
            "distance_known_count",
            "Children whose placement distance is known",
            "count",
            "Distance",
            distance + " Counted: children whose distance is known.",
        ),
        _m(
            "distance_over_20_count",
            "Children placed more than 20 miles from home",
            "count",
            "Distance",
            distance + " Counted: children whose distance is strictly more than 20.0 miles (exactly "
            "20.0 is not over).",
        ),
        _m(
            "distance_over_20_pct",
            "Children placed more than 20 miles from home (%)",
            "percent",
            "Distance",
            "Children placed strictly more than 20.0 miles from home divided by children whose distance "
            f"is known, times 100. {distance} {_PCT} {_BLANK}",
            polarity="lower_better",
            denominator="distance_known_count",
            caveats="Children whose distance is unknown are left out of both the count and the denominator.",
        ),
    ]
    out = {d.code: d for d in defs}
    assert list(out) == MEASURE_CODES
    return out


MEASURES: dict[str, MeasureDef] = _definitions()


# ---- helpers -------------------------------------------------------------------------------------------


def round_half_up(numerator: int, denominator: float | int | None, scale: int = 100) -> float | None:
    """numerator / denominator * scale to one decimal place, half up, on the exact ratio; None if /0.

    Exact (fractions.Fraction), so 1/400*100 = 0.25 gives 0.3, never float's 0.2.
    """
    if _missing(denominator):
        return None
    den = Fraction(denominator)
    if den == 0:
        return None
    tenths = Fraction(int(numerator)) * scale * 10 / den
    return math.floor(tenths + Fraction(1, 2)) / 10


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _clean_text(value: object, upper: bool = True) -> str | None:
    """One code value as the measures compare it: stripped, upper-cased; blank forms -> None."""
    if _missing(value):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)  # a code such as SEX 1 read as the number 1.0
    text = str(value).strip()
    if upper:
        text = text.upper()
    return text or None


def _codes(series: pd.Series, upper: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Normalised integer codes (-1 = blank) and their values, cleaning each distinct value once."""
    raw_codes, uniques = pd.factorize(series, use_na_sentinel=True)
    cleaned = pd.Series([_clean_text(u, upper) for u in uniques], dtype=object)
    clean_codes, clean_uniques = pd.factorize(cleaned, use_na_sentinel=True)
    lookup = np.append(clean_codes, -1).astype(np.int64)  # index -1 (blank) -> -1
    return lookup[raw_codes], np.asarray(clean_uniques, dtype=object)


def _in(codes: np.ndarray, uniques: np.ndarray, values: Iterable[str]) -> np.ndarray:
    """Boolean mask: the code's value is one of `values` (blank is never in)."""
    hit = np.append(np.isin(uniques.astype(str), list(values)), False)
    return hit[codes]


def _days(series: pd.Series, blank: int | None = None) -> np.ndarray:
    """Dates as int64 day numbers; NaT -> `blank` (or stays the NaT integer if blank is None)."""
    if not pd.api.types.is_datetime64_any_dtype(series):
        series = pd.to_datetime(series)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(None)
    values = series.to_numpy().astype("datetime64[D]")
    out = values.view(np.int64).copy()
    if blank is not None:
        out[np.isnat(values)] = blank
    return out


def _day(year: int, month: int, day: int) -> int:
    return (dt.date(year, month, day) - _EPOCH).days


def _child_key(series: pd.Series) -> pd.Series:
    """Child ids as plain str (object), missing -> None, so ints and strs of the same id match."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    names = np.append(np.array([str(u) for u in uniques], dtype=object), None)
    return pd.Series(names[codes], index=series.index, dtype=object)


def _last_per_group(group: np.ndarray) -> np.ndarray:
    """Positions of the last element of each run of equal values in a sorted array."""
    if group.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.append(group[1:] != group[:-1], True))


def _first_per_group(group: np.ndarray) -> np.ndarray:
    if group.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.insert(group[1:] != group[:-1], 0, True))


def _distinct(sorted_ids: np.ndarray) -> int:
    return int(_first_per_group(sorted_ids).size)


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
        "long_term_stability_pct": round_half_up(counts["long_term_stable_count"], counts["long_term_eligible"]),
        "distance_over_20_pct": round_half_up(counts["distance_over_20_count"], counts["distance_known_count"]),
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
    episodes_raw: pd.DataFrame, header_raw: pd.DataFrame, uasc_raw: pd.DataFrame, years: Iterable[int]
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
    """
    longitudinal = build_longitudinal(episodes_raw)
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
