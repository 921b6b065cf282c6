"""An authority's stored longitudinal record: read it, merge a return into it, see what a merge changes.

The measures are computed from the longitudinal record of the reference ("Building the longitudinal
record": every current return, short breaks dropped, the latest return's row per child and DECOM) and from
each child's latest Header and UASC rows. Rebuilding that record from every return held made an import's
cost grow with the years held, so it is stored (LongitudinalEpisode, LongitudinalChild) with the current
returns it was built from (LongitudinalState), and an import:

- merges its own return into the record of the children that return holds: "the latest collection year
  wins" is the same whether the returns are merged all at once or one at a time, so for a return later
  than every return held the record of those children is their stored record with the new return's rows
  in place of those of the same CHILD and DECOM (only those rows are compared and written); a return
  that replaces another is merged from every return held for its children (the rows it replaced may
  have hidden an earlier return's), and so is a return for a year before one held;
- works out, per child, the first day from which the change is visible (`first_change`): a child's part
  in year Y depends only on its episodes with DECOM on or before 31 March of Y (their DEC mattering only up
  to that day), its Header and its UASC rows. So the measures of a year whose 31 March is before that day
  do not change, and only the years that can change are computed again.

The stored record is written in the transaction that makes the return current (`record_write`), and is
only trusted when it was built from exactly the current returns (`record_valid`); otherwise it is
rebuilt from the returns. A row re-reported unchanged by a later return is not written again, so a stored
row's collection year is that of the return it was written from, which held it as it is but need not be
the latest (nor still current, once replaced). Nothing merges by the stored years: a return later than
every return held wins over all of them whatever they are, and a return for an earlier year or one that
replaces another is merged from every return held for its children.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import connection, transaction

from placements import measures
from placements.models import LongitudinalChild, LongitudinalEpisode, LongitudinalState
from placements.ssda903.load import CHILD_BATCH, CHILDREN_SQL, CHUNK, children_param

EPISODE_FIELDS = [c for c in measures.EPISODE_COLUMNS if c != "child"]
CHILD_FIELDS = ["header_year", "sex", "dob", "uasc_year", "duc"]
_DATES = {"decom", "dec", "dob", "duc"}
_NEVER = 2**40  # day numbers: "never" and "always", exact as floats (a merge may turn them into floats)
_ALWAYS = -(2**40)

Frames = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]  # episodes, header, uasc as measures reads them


# ---- which returns the record was built from -------------------------------------------------------------


def _key(returns: dict[int, int]) -> list[list[int]]:
    return [[int(pk), int(year)] for pk, year in sorted(returns.items())]


def record_valid(la, returns: dict[int, int]) -> bool:
    """The stored record was built from exactly these returns ({return id: collection year})."""
    state = LongitudinalState.objects.filter(la=la).values_list("returns", flat=True).first()
    return state is not None and state == _key(returns)


# ---- merging -----------------------------------------------------------------------------------------


def merged(episodes: pd.DataFrame, header: pd.DataFrame, uasc: pd.DataFrame) -> Frames:
    """The longitudinal record of rows from any number of returns (each row with its collection_year):
    episodes as measures.build_longitudinal, header and UASC as measures.latest_per_child."""
    episodes = measures.build_longitudinal(episodes.drop(columns="ret_id", errors="ignore"))
    episodes = episodes[["child", *EPISODE_FIELDS]] if len(episodes) else _empty_episodes()
    header = header.drop(columns="ret_id", errors="ignore")
    uasc = uasc.drop(columns="ret_id", errors="ignore")
    header = measures.latest_per_child(header) if len(header) else header
    uasc = measures.latest_per_child(uasc) if len(uasc) else uasc
    return (
        episodes.reset_index(drop=True),
        header[["child", "collection_year", "sex", "dob"]],
        uasc[["child", "collection_year", "duc"]],
    )


def combine(*parts: Frames) -> Frames:
    """Several sets of frames as one (each table concatenated)."""
    return tuple(  # type: ignore[return-value]
        pd.concat([p[i] for p in parts if len(p[i])] or [parts[0][i]], ignore_index=True) for i in range(3)
    )


def only(frames: Frames, children) -> Frames:
    """The rows of some children."""
    wanted = set(children)
    return tuple(df[df["child"].isin(wanted)] for df in frames)  # type: ignore[return-value]


def _day_numbers(series: pd.Series, blank: int) -> np.ndarray:
    values = pd.to_datetime(series).to_numpy().astype("datetime64[D]")
    out = values.view(np.int64).copy()
    out[np.isnat(values)] = blank
    return out


def _blank(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Header and UASC values as compared (`compare`): dates as day numbers, blank text and missing alike."""
    out = pd.DataFrame(index=df.index)
    for column in columns:
        values = df[column]
        if column in _DATES:
            out[column] = _day_numbers(values, _NEVER)
        else:
            # Worked out once per distinct value: a column holds few.
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            text = pd.Series(np.append(np.asarray(uniques, dtype=object), None)).where(
                lambda v: v.notna(), ""
            )
            text = text.astype(str)
            if column == "sex":  # 1 and M are both male, 2 and F both female (measures' rule)
                text = text.str.strip().str.upper().replace({"M": "1", "F": "2", "1.0": "1", "2.0": "2"})
            out[column] = text.to_numpy(dtype=object)[codes]
    return out


def _differ(before: pd.DataFrame, after: pd.DataFrame, column: str, pos_b, pos_a) -> np.ndarray:
    """Whether a text column, or the distance, of before[pos_b] and after[pos_a] differs, pair by pair
    (blank text and missing values alike); both positions are those of real rows. Dates are compared as
    day numbers by the caller."""
    if column == "distance":  # both missing alike; no stand-in value that a distance could equal
        b = pd.to_numeric(before[column]).to_numpy(dtype=np.float64, na_value=np.nan)[pos_b]
        a = pd.to_numeric(after[column]).to_numpy(dtype=np.float64, na_value=np.nan)[pos_a]
        return ~((b == a) | (np.isnan(b) & np.isnan(a)))
    b, a = before[column].to_numpy(dtype=object)[pos_b], after[column].to_numpy(dtype=object)[pos_a]
    blank_b, blank_a = pd.isna(b) | (b == ""), pd.isna(a) | (a == "")
    return np.where(blank_b | blank_a, blank_b != blank_a, b != a)


def _either(pos_b: np.ndarray, pos_a: np.ndarray, values_b: np.ndarray, values_a: np.ndarray) -> np.ndarray:
    """Per pair of rows (-1: no such row): the value of the row before where there is one, else after's."""
    on_b = pos_b >= 0
    out = np.empty(len(pos_b), dtype=values_b.dtype)
    out[on_b] = values_b[pos_b[on_b]]
    out[~on_b] = values_a[pos_a[~on_b]]
    return out


def _episode_keys(*frames: pd.DataFrame, children: bool = False):
    """Each frame's (child, DECOM) as one int64 per row, equal exactly where both are equal, within and
    across the frames; with `children`, also (the children of all the rows as integer codes, the child
    of each code)."""
    codes, names = pd.factorize(pd.concat([f["child"].astype(str) for f in frames], ignore_index=True))
    days, _ = pd.factorize(np.concatenate([_day_numbers(f["decom"], _ALWAYS) for f in frames]))
    keys = np.split(
        codes.astype(np.int64) * (int(days.max(initial=0)) + 1) + days,
        np.cumsum([len(f) for f in frames])[:-1],
    )
    return (keys, codes, np.asarray(names, dtype=object)) if children else keys


def merge_later(was: Frames, rows: Frames) -> tuple[Frames, Frames, Frames]:
    """Merge one return's rows (each with its collection year) into the stored record of its children,
    for a return later than every return that record was built from.

    The return's own longitudinal record wins over the stored one wherever both have a (child, DECOM),
    and its Header and UASC rows over the stored ones ("the latest collection year wins"): the result
    equals `merged` over every return, rows in no particular order. Returns (the merged record, the stored
    episodes the return replaces, the return's own episodes), the last two with the Header and UASC rows
    before and after: all that the merge can change (every other stored episode stays as it was).
    """
    own = merged(*rows)
    stored, new = _episode_keys(was[0], own[0])
    replaced = np.isin(stored, new)
    columns = ["child", *EPISODE_FIELDS]
    episodes = pd.concat(
        [f for f in (was[0].loc[~replaced, columns], own[0]) if len(f)] or [own[0]], ignore_index=True
    )
    people = []
    for i in (1, 2):
        kept = was[i].loc[~was[i]["child"].isin(own[i]["child"]), list(own[i].columns)]
        people.append(pd.concat([f for f in (kept, own[i]) if len(f)] or [own[i]], ignore_index=True))
    now = (episodes, people[0], people[1])
    return now, (was[0][replaced], was[1], was[2]), (own[0], now[1], now[2])


@dataclass(frozen=True)
class Comparison:
    """How two records of the same children differ (`compare`). `days`: as `first_change`. `same_before`,
    `same_after`: per episode row of each, whether the other has it with every stored value equal but its
    collection year (blank text and missing values alike), so that writing `after` in place of `before`
    need neither delete nor insert it."""

    days: pd.Series
    same_before: np.ndarray
    same_after: np.ndarray


def first_change(before: Frames, after: Frames, history: pd.DataFrame | None = None) -> pd.Series:
    """Per child whose record differs: the first day (a day number) from which the difference can be seen,
    so every year whose 31 March is on or after it may change, and no earlier year can (`compare`)."""
    return compare(before, after, history).days


def compare(before: Frames, after: Frames, history: pd.DataFrame | None = None) -> Comparison:
    """How two records of the same children differ: per child, the first day from which it can be seen
    (`first_change`), and which episode rows are the same in both.

    A row added or removed, or changed in anything but DEC and REC, is seen from its DECOM; a row whose DEC
    or REC alone changed is seen from the earlier of its two DECs (until then it is open either way, and
    REC only matters once it has ceased); a changed Header or UASC row is seen from the child's earliest
    episode (SEX compared as the measures read it: 1 and M alike, 2 and F alike), taken from `history`
    (every episode of the children, after the change) when the records hold only some of their episodes
    (`merge_later`).
    """
    main = [c for c in EPISODE_FIELDS if c not in ("collection_year", "decom", "dec", "rec")]
    b, a = before[0], after[0]
    (key_b, key_a), codes, names = _episode_keys(b, a, children=True)
    pairs = pd.merge(
        pd.DataFrame({"key": key_b, "b": np.arange(len(b))}),
        pd.DataFrame({"key": key_a, "a": np.arange(len(a))}),
        on="key",
        how="outer",
    )
    pos_b = pairs["b"].fillna(-1).to_numpy(dtype=np.int64)
    pos_a = pairs["a"].fillna(-1).to_numpy(dtype=np.int64)
    both = (pos_b >= 0) & (pos_a >= 0)
    pb, pa = pos_b[both], pos_a[both]
    differs = np.zeros(len(pb), dtype=bool)
    for column in main:
        differs |= _differ(b, a, column, pb, pa)
    dec_b = _day_numbers(b["dec"], _NEVER)[pb]
    dec_a = _day_numbers(a["dec"], _NEVER)[pa]
    ending = (dec_b != dec_a) | _differ(b, a, "rec", pb, pa)
    decom = _either(pos_b, pos_a, _day_numbers(b["decom"], _ALWAYS), _day_numbers(a["decom"], _ALWAYS))
    seen = decom.copy()  # a row on one side only is seen from its DECOM
    seen[both] = np.where(differs, decom[both], np.where(ending, np.minimum(dec_b, dec_a), _NEVER))
    same_before, same_after = np.zeros(len(b), dtype=bool), np.zeros(len(a), dtype=bool)
    same = ~differs & ~ending  # DECOM and child are the pair's key; DEC and REC are `ending`
    same_before[pb[same]], same_after[pa[same]] = True, True
    child = _either(pos_b, pos_a, codes[: len(b)], codes[len(b) :])
    first = np.full(len(names), _NEVER, dtype=np.int64)
    np.minimum.at(first, child, seen)
    changed = first < _NEVER
    days = pd.Series(first[changed], index=names[changed])

    # A child counts in a year only through an episode on or before its 31 March: a new Header or UASC row
    # is seen from the child's earliest episode, in either record.
    personal: set[str] = set()
    for i, columns in ((1, ["sex", "dob"]), (2, ["duc"])):
        rows = pd.merge(
            pd.concat([before[i][["child"]], _blank(before[i], columns)], axis=1),
            pd.concat([after[i][["child"]], _blank(after[i], columns)], axis=1),
            on="child",
            how="outer",
            suffixes=("_b", "_a"),
            indicator=True,
        )
        changed = (rows["_merge"] != "both").to_numpy().copy()
        for column in columns:
            changed |= (rows[f"{column}_b"] != rows[f"{column}_a"]).to_numpy()
        personal.update(rows.loc[changed, "child"])
    if personal:
        if history is None:
            earliest = np.full(len(names), _NEVER, dtype=np.int64)
            np.minimum.at(earliest, child, decom)
            earliest = pd.Series(earliest, index=names)
        else:
            # A merge adds or replaces episodes, never removes one: the history after it holds every DECOM.
            rows = history[history["child"].isin(personal)]
            earliest = pd.Series(_day_numbers(rows["decom"], _ALWAYS), index=rows["child"].to_numpy())
            earliest = earliest.groupby(level=0).min()
        children = sorted(personal & set(earliest.index))
        days = days.reindex(days.index.union(children), fill_value=_NEVER)
        days.loc[children] = np.minimum(days.loc[children].to_numpy(), earliest.loc[children].to_numpy())
    return Comparison(days[days < _NEVER].astype(np.int64).sort_index(), same_before, same_after)


# ---- reading and writing the stored record -------------------------------------------------------------


def _probe(table: str, by: str = "c.child", also: str = "") -> str:
    """A sub-select of the rows of one child (`by`) of the authority (the second parameter), for a lateral
    join: one (la, child) index probe each (PostgreSQL)."""
    return f"SELECT * FROM {table} p WHERE p.la_id = %s AND p.child = {by}{also} OFFSET 0"


_FIELD, _ROW = chr(31), chr(30)  # ASCII unit and record separators: in no stored code, date or pseudonym


def _text_rows(cursor, sql: str, params: list, columns: list[str]) -> pd.DataFrame:
    """The rows of `sql` (whose columns are named `columns`, every value text, NULL as ''), read as one text
    per query that pandas' CSV reader splits (PostgreSQL): a child's history is many rows, and a
    cursor's fetch, which builds a Python tuple of typed values per row, cost more than the query. Values
    are text; a blank date, number or year is missing (as `_typed` reads them)."""
    cursor.execute(
        f"SELECT count(*), string_agg(concat_ws(chr(31), {', '.join(map(connection.ops.quote_name, columns))}), "
        f"chr(30)) FROM ({sql}) r",
        params,
    )
    count, text = cursor.fetchone()
    if not count:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    df = pd.read_csv(
        io.StringIO(text),
        sep=_FIELD,
        lineterminator=_ROW,
        header=None,
        names=columns,
        dtype=str,
        keep_default_na=False,
        na_values={c: [""] for c in columns if not _is_text(c)},
        quoting=csv.QUOTE_NONE,
    )
    if len(df) != count:  # a separator inside a value: never in what is stored, but never misread
        raise ValueError("A stored value holds a separator: the record cannot be read as text.")
    return df


def _as_text(model, field: str) -> str:
    column = f"t.{connection.ops.quote_name(model._meta.get_field(field).column)}"
    if model._meta.get_field(field).get_internal_type() == "DateField":
        text = f"to_char({column}, 'YYYY-MM-DD')"  # whatever the connection's DateStyle
    else:
        text = f"{column}::text"
    return f"coalesce({text}, '') AS {connection.ops.quote_name(field)}"


def _fetch(model, fields: list[str], la_id: int, children: list[str] | None) -> pd.DataFrame:
    """The stored rows of the authority (of some of its children): columns child and `fields`, untyped."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ["child", *fields]
    columns = ", ".join(f"t.{connection.ops.quote_name(model._meta.get_field(f).column)}" for f in fields)
    found: list[tuple] = []
    with connection.cursor() as cursor:
        if children is None:  # every row (the forecast): one scan, fetched as rows
            cursor.execute(f"SELECT t.child, {columns} FROM {table} t WHERE t.la_id = %s", [la_id])
            return pd.DataFrame.from_records(cursor.fetchall(), columns=names)
        if connection.vendor == "postgresql":
            # One probe of the (la, child) index per child, whatever the planner's statistics say: a plain
            # join is planned, with the statistics of a freshly written record, as a scan of every row the
            # authority holds (the cost then grows with the years held); a lateral sub-select that cannot
            # be flattened (OFFSET 0) is always a loop of index probes. Read as text (_text_rows).
            sql = (
                f"SELECT t.child, {', '.join(_as_text(model, f) for f in fields)} "
                f"FROM {CHILDREN_SQL} AS c(child) CROSS JOIN LATERAL ({_probe(table)}) t"
            )
            step = CHILD_BATCH * 50
            parts = [
                _text_rows(cursor, sql, [children_param(children[i : i + step]), la_id], names)
                for i in range(0, len(children), step)
            ]
            return pd.concat(parts or [pd.DataFrame(columns=names)], ignore_index=True)
        for start in range(0, len(children), CHILD_BATCH):
            batch = children[start : start + CHILD_BATCH]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"SELECT t.child, {columns} FROM {table} t WHERE t.la_id = %s AND t.child IN ({marks})",
                [la_id, *batch],
            )
            found += cursor.fetchall()
    return pd.DataFrame.from_records(found, columns=names)


def _is_text(column: str) -> bool:
    return column not in _DATES and column not in ("child", "id", "distance") and not column.endswith("year")


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for column in df.columns:
        if column in _DATES:
            df[column] = pd.to_datetime(df[column]).astype("datetime64[s]")
        elif column == "distance":
            df[column] = pd.to_numeric(df[column]).astype("float64")
        elif column == "id":
            df[column] = df[column].astype("int64")
        elif _is_text(column):
            df[column] = df[column].astype(object).where(df[column] != "", None)
    return df


def _empty_episodes() -> pd.DataFrame:
    return _typed(pd.DataFrame({c: pd.Series(dtype=object) for c in ["child", *EPISODE_FIELDS]})).astype(
        {"collection_year": "int64"}
    )


def record_read(la, children=None, *, ids: bool = False) -> Frames:
    """The stored record of an authority (or of some of its children) as measures reads it; with `ids`,
    each row also has the id of its stored row ("id"), so that writing it again deletes by id."""
    wanted = None if children is None else sorted(set(children))
    extra = ["id"] if ids else []
    if wanted == []:
        rows = pd.DataFrame(columns=["child", *EPISODE_FIELDS, *extra])
        both = pd.DataFrame(columns=["child", *CHILD_FIELDS, *extra])
    else:
        rows = _fetch(LongitudinalEpisode, EPISODE_FIELDS + extra, la.pk, wanted)
        both = _fetch(LongitudinalChild, CHILD_FIELDS + extra, la.pk, wanted)
    episodes = _typed(rows)
    episodes["collection_year"] = episodes["collection_year"].astype("int64")
    header = both[both["header_year"].notna()].rename(columns={"header_year": "collection_year"})
    header = _typed(header[["child", "collection_year", "sex", "dob", *extra]].reset_index(drop=True))
    header["collection_year"] = header["collection_year"].astype("int64")
    uasc = both[both["uasc_year"].notna()].rename(columns={"uasc_year": "collection_year"})
    uasc = _typed(uasc[["child", "collection_year", "duc", *extra]].reset_index(drop=True))
    uasc["collection_year"] = uasc["collection_year"].astype("int64")
    return episodes, header, uasc


def children_overlapping(la, first, last) -> set[str]:
    """The children of the stored record with an episode overlapping first..last (DECOM on or before
    `last`, DEC blank or on or after `first`): those who can count in a year within it."""
    from django.db.models import Q

    rows = LongitudinalEpisode.objects.filter(la=la, decom__lte=last).filter(
        Q(dec__isnull=True) | Q(dec__gte=first)
    )
    return set(rows.values_list("child", flat=True).distinct())


def _text(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "").astype(str)


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d").astype(object).where(pd.notna(values), None)


def _insert(model, columns: list[str], out: pd.DataFrame) -> None:
    if out.empty:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in columns)
    step = CHUNK * 4
    with connection.cursor() as cursor:
        for start in range(0, len(out), step):
            chunk = out.iloc[start : start + step]
            if connection.vendor == "postgresql":
                with cursor.connection.cursor().copy(
                    f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
                ) as copy:
                    copy.write(chunk.to_csv(header=False, index=False, na_rep="\\N"))
            else:
                rows = chunk.astype(object).where(chunk.notna(), None).itertuples(index=False, name=None)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))


def _delete(model, la_id: int, children: list[str] | None) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if children is None:
            cursor.execute(f"DELETE FROM {table} WHERE la_id = %s", [la_id])
        elif connection.vendor == "postgresql":
            # The ids first, by index probes (see _fetch), then a delete by primary key.
            cursor.execute(
                f"DELETE FROM {table} WHERE id = ANY(ARRAY(SELECT t.id FROM {CHILDREN_SQL} AS c(child) "
                f"CROSS JOIN LATERAL ({_probe(table)}) t))",
                [children_param(children), la_id],
            )
        else:
            for start in range(0, len(children), CHILD_BATCH):
                batch = children[start : start + CHILD_BATCH]
                marks = ", ".join(["%s"] * len(batch))
                cursor.execute(
                    f"DELETE FROM {table} WHERE la_id = %s AND child IN ({marks})", [la_id, *batch]
                )


def _stored_episodes(la, episodes: pd.DataFrame) -> pd.DataFrame:
    """Episodes as their rows are stored (ISO dates, '' for blank text), indexed 0..n-1 in their order."""
    ep = pd.DataFrame({"la_id": la.pk, "child": episodes["child"].astype(str)}, index=episodes.index)
    for field in EPISODE_FIELDS:
        values = episodes[field]
        if field in _DATES:
            ep[field] = _dates(values)
        elif field == "distance":
            ep[field] = pd.to_numeric(values).astype("float64")
        elif field == "collection_year":
            ep[field] = values.astype("int64")
        else:
            ep[field] = _text(values)
    return ep.reset_index(drop=True)


def _stored_people(la, header: pd.DataFrame, uasc: pd.DataFrame) -> pd.DataFrame:
    """Header and UASC rows as the children's stored rows (one per child)."""
    head = pd.DataFrame(
        {
            "child": header["child"].astype(str).to_numpy(),
            "header_year": header["collection_year"].astype("int64").to_numpy(),
            "sex": _text(header["sex"]).to_numpy(),
            "dob": _dates(header["dob"]).to_numpy(),
        }
    )
    ua = pd.DataFrame(
        {
            "child": uasc["child"].astype(str).to_numpy(),
            "uasc_year": uasc["collection_year"].astype("int64").to_numpy(),
            "duc": _dates(uasc["duc"]).to_numpy(),
        }
    )
    people = pd.merge(head, ua, on="child", how="outer")
    people["sex"] = people["sex"].fillna("")
    people = people.astype({"header_year": "Int64", "uasc_year": "Int64"})
    people.insert(0, "la_id", la.pk)
    return people[["la_id", "child", *CHILD_FIELDS]]


def _comparable(df: pd.DataFrame) -> pd.DataFrame:
    """A stored row's values as compared: all but the collection year it comes from (whether there is a
    Header or UASC row, not its year)."""
    out = df.drop(columns="collection_year", errors="ignore")
    for column in ("header_year", "uasc_year"):
        if column in out.columns:
            out[column] = out[column].notna()
    return out


def _changed(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows of `old` not in `new`, rows of `new` not in `old`), rows compared whole but for their
    collection year (`_comparable`), by a 64-bit hash of each row's values (both frames are in the stored
    form, so equal rows hash alike). A row a later return re-reports as it was is not written again."""
    old_hash = pd.util.hash_pandas_object(_comparable(old), index=False).to_numpy()
    new_hash = pd.util.hash_pandas_object(_comparable(new[list(old.columns)]), index=False).to_numpy()
    return old[~np.isin(old_hash, new_hash)], new[~np.isin(new_hash, old_hash)]


def _delete_ids(model, ids) -> None:
    """Delete stored rows by id."""
    ids = [int(i) for i in ids]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if ids:
                cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [ids])
            return
        for start in range(0, len(ids), CHILD_BATCH):
            batch = ids[start : start + CHILD_BATCH]
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(batch))})", batch)


def _delete_episodes(la_id: int, rows: pd.DataFrame) -> None:
    """Delete the stored episodes of these (child, DECOM) keys."""
    if rows.empty:
        return
    table = connection.ops.quote_name(LongitudinalEpisode._meta.db_table)
    children, decoms = rows["child"].tolist(), rows["decom"].tolist()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            probe = _probe(table, by="k.child", also=" AND p.decom = k.decom")
            cursor.execute(
                f"DELETE FROM {table} WHERE id = ANY(ARRAY(SELECT t.id FROM unnest(%s::text[], %s::date[]) "
                f"AS k(child, decom) CROSS JOIN LATERAL ({probe}) t))",
                [children, decoms, la_id],
            )
        else:
            cursor.executemany(
                f"DELETE FROM {table} WHERE la_id = %s AND child = %s AND decom = %s",
                [(la_id, c, d) for c, d in zip(children, decoms, strict=True)],
            )


def record_write(
    la,
    returns: dict[int, int],
    record: Frames,
    children=None,
    previous: Frames | None = None,
    *,
    compared: bool = False,
) -> None:
    """Store the record of some children (all of the authority's when `children` is None), built from
    `returns`, in place of what was stored for them. With `previous` (what is stored for those children),
    only the rows that differ are written: then `previous` and `record` may both leave out episodes that
    are the same in both (`merge_later`), and with `compared` they hold only episodes that differ (`compare`:
    each of previous's is deleted and each of record's inserted, without comparing them again). Call it
    in the transaction that makes those returns current."""
    wanted = None if children is None else sorted(set(children))
    ep, people = _stored_episodes(la, record[0]), _stored_people(la, record[1], record[2])
    with transaction.atomic():
        if previous is not None and wanted is not None:
            by_id = "id" in previous[0].columns
            old_ep = None if compared and by_id else _stored_episodes(la, previous[0])
            if compared:
                gone = np.arange(len(previous[0]))  # positions in previous[0]
            else:
                rows, ep = _changed(old_ep, ep)
                gone = rows.index.to_numpy()
            if by_id:
                _delete_ids(LongitudinalEpisode, previous[0]["id"].to_numpy()[gone])
            else:
                _delete_episodes(la.pk, old_ep.iloc[gone])
            old_people = _stored_people(la, previous[1], previous[2])
            gone, people = _changed(old_people, people)
            changed = sorted(set(gone["child"]) | set(people["child"]))
            if "id" in previous[1].columns and "id" in previous[2].columns:
                ids = pd.concat([previous[1][["child", "id"]], previous[2][["child", "id"]]])
                ids = ids.drop_duplicates("child").set_index("child")["id"]
                _delete_ids(LongitudinalChild, ids.reindex(changed).dropna().to_numpy())
            else:
                _delete(LongitudinalChild, la.pk, changed)
        else:
            for model in (LongitudinalEpisode, LongitudinalChild):
                _delete(model, la.pk, wanted)
        _insert(LongitudinalEpisode, ["la", "child", *EPISODE_FIELDS], ep)
        _insert(LongitudinalChild, ["la", "child", *CHILD_FIELDS], people)
        LongitudinalState.objects.update_or_create(la=la, defaults={"returns": _key(returns)})
