"""The only part of the 903 pipeline that touches the database: write a clean return, read frames back.

A return is written as STAGING in short chunked transactions (`return_stage`, so a long import never locks
out other users on SQLite). The caller then reads "the current returns with this staged one in place of its
year" (`la_frames(la, staged=ret)`) to compute the measures, and in ONE short transaction makes the staged
return CURRENT (`return_make_current`, which marks the previous one SUPERSEDED) and replaces the measures.
Superseded rows are deleted afterwards, in chunks (`return_delete`). Readers only ever see CURRENT
returns, so an import is all-or-nothing from their point of view; a crash leaves only STAGING or
SUPERSEDED returns behind, which nobody reads and the housekeeping sweep deletes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from placements import measures
from placements.models import ChildHeader, Episode, Return, UASCRecord
from placements.ssda903.transform import EPISODE_COLUMNS, HEADER_COLUMNS, UASC_COLUMNS
from sufficiency.models import LocalAuthority

CHUNK = 5000
CHILD_BATCH = 2000  # children per query when reading some children's rows (well under SQLite's limit)
# PostgreSQL: a list of children as one text value, split by the server (`CHILDREN_SQL`): a text[] parameter
# is quoted element by element on the client, which for 100,000 children cost about half a second a query.
CHILDREN_SQL = "unnest(string_to_array(%s, chr(31)))"
_SEPARATOR = chr(31)  # the ASCII unit separator: never in a child's pseudonym (hexadecimal)


def children_param(children: list[str]) -> str:
    """The parameter for CHILDREN_SQL."""
    joined = _SEPARATOR.join(children)
    if joined.count(_SEPARATOR) != max(len(children) - 1, 0):
        raise ValueError("A child identifier holds the ASCII unit separator.")
    return joined


# The stored columns: what transform_return produces, less collection_year (held on the Return).
EPISODE_FIELDS = [c for c in EPISODE_COLUMNS if c != "collection_year"]
HEADER_FIELDS = [c for c in HEADER_COLUMNS if c != "collection_year"]
UASC_FIELDS = [c for c in UASC_COLUMNS if c != "collection_year"]
DATE_FIELDS = {"decom", "dec", "dob", "duc"}


def _bulk(model, ret: Return, df: pd.DataFrame, fields: list[str], on_chunk: Callable[[int], None]) -> None:
    """Write a table's rows in chunks, each chunk its own short transaction.

    Rows go straight to the database (COPY on PostgreSQL, executemany elsewhere): building a model
    instance per row costs far more than the write itself for a national-scale return.
    """
    columns = [model._meta.get_field(f).column for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in ["ret_id", *columns])
    out = _plain_frame(ret, df, fields)
    step = CHUNK * 4
    for start in range(0, len(out), step):
        chunk = out.iloc[start : start + step]
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                text = chunk.to_csv(header=False, index=False, na_rep="\\N")
                with cursor.connection.cursor().copy(
                    f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
                ) as copy:
                    copy.write(text)
            else:
                rows = chunk.astype(object).where(chunk.notna(), None).itertuples(index=False, name=None)
                placeholders = ", ".join(["%s"] * (len(fields) + 1))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", list(rows))
        on_chunk(len(chunk))


def _plain_frame(ret: Return, df: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    """ret_id then the fields as database values: ISO dates, floats, text ('' for missing text)."""
    out = pd.DataFrame({"ret_id": ret.pk}, index=df.index)
    for field in fields:
        if field not in df.columns:
            out[field] = None if field in DATE_FIELDS or field == "distance" else ""
        elif field in DATE_FIELDS:
            out[field] = pd.to_datetime(df[field]).dt.strftime("%Y-%m-%d")
        elif field == "distance":
            out[field] = pd.to_numeric(df[field]).astype("float64")
        else:
            out[field] = df[field].astype(object).where(df[field].notna(), "").astype(str)
    return out


def return_stage(
    *,
    la: LocalAuthority,
    collection_year: int,
    episodes: pd.DataFrame,
    header: pd.DataFrame,
    uasc: pd.DataFrame,
    summary: dict,
    checksum: str,
    user=None,
    job=None,
    progress: Callable[[float], None] = lambda fraction: None,
) -> Return:
    """Write a clean return as STAGING (nobody reads it yet), in chunks; `progress` is called per chunk.

    On an ordinary error (or one raised by `progress`, such as a deadline) the staged rows are deleted
    before the error propagates. A process killed here leaves a STAGING return for the sweep.
    """
    ret = Return.objects.create(
        la=la,
        collection_year=collection_year,
        state=Return.State.STAGING,
        checksum=checksum,
        imported_by=user,
        job=job,
        rows_per_table=summary.get("rows_per_table", {}),
        children=summary.get("children", 0),
        episodes=len(episodes),
        first_decom=summary.get("first_decom"),
        last_decom=summary.get("last_decom"),
    )
    total = max(1, len(episodes) + len(header) + len(uasc))
    done = 0

    def on_chunk(n: int) -> None:
        nonlocal done
        done += n
        progress(done / total)

    try:
        _bulk(Episode, ret, episodes, EPISODE_FIELDS, on_chunk)
        _bulk(ChildHeader, ret, header, HEADER_FIELDS, on_chunk)
        _bulk(UASCRecord, ret, uasc, UASC_FIELDS, on_chunk)
    except Exception:
        return_delete(ret)
        raise
    return ret


def return_make_current(ret: Return) -> list[Return]:
    """Make a staged return CURRENT and the one it replaces SUPERSEDED; returns the superseded returns.

    Call it inside the transaction that also replaces the authority's measures, so both happen or
    neither. The authority's row is locked so two imports of one authority flip one after the other.
    """
    with transaction.atomic():
        LocalAuthority.objects.select_for_update().get(pk=ret.la_id)
        previous = list(
            Return.objects.filter(
                la_id=ret.la_id, collection_year=ret.collection_year, state=Return.State.CURRENT
            ).exclude(pk=ret.pk)
        )
        Return.objects.filter(pk__in=[r.pk for r in previous]).update(state=Return.State.SUPERSEDED)
        ret.state = Return.State.CURRENT
        ret.save(update_fields=["state"])
    return previous


def return_delete(ret: Return) -> None:
    """Delete a return's rows in chunks (short transactions), then the return itself."""
    for model in (Episode, ChildHeader, UASCRecord):
        while True:
            ids = list(model.objects.filter(ret=ret).values_list("pk", flat=True)[: CHUNK * 4])
            if not ids:
                break
            with transaction.atomic():
                model.objects.filter(pk__in=ids).delete()
    Return.objects.filter(pk=ret.pk).delete()


def la_returns(la: LocalAuthority, staged: Return | None = None) -> dict[int, int]:
    """{return id: collection year} of the authority's current returns; with `staged`, the staged return
    in place of the current one of its year (what the authority will hold once it is made current)."""
    returns = Return.objects.current().for_la(la)
    if staged is not None:
        returns = returns.exclude(collection_year=staged.collection_year)
    found = dict(returns.values_list("pk", "collection_year"))
    if staged is not None:
        found[staged.pk] = staged.collection_year
    return found


def la_frames(
    la: LocalAuthority, staged: Return | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Episodes, header and UASC rows of every current return of an authority, with collection_year;
    with `staged`, read as if that staged return were already current (see `la_returns`)."""
    frames = returns_frames(la_returns(la, staged))
    return tuple(df.drop(columns="ret_id") for df in frames)  # type: ignore[return-value]


def children_in(ret_ids) -> list[str]:
    """The children (CHILD) a set of returns holds in any table: the rows an import of them can change."""
    ids = list(ret_ids)
    found: set[str] = set()
    for model in (Episode, ChildHeader, UASCRecord):
        found.update(model.objects.filter(ret_id__in=ids).values_list("child", flat=True).distinct())
    return sorted(found)


def children_looked_after_in(ret_ids, first: date, last: date) -> list[str]:
    """The children who can count in a year within first..last: those with an episode row in these
    returns that overlaps it (DECOM on or before `last`, DEC blank or on or after `first`) and that no
    later return among them replaces (a row for the same CHILD and DECOM, not a short break: the
    longitudinal record keeps the latest). Without that, a child open at the end of any year held, who
    left care since, would be read again by every later import. Codes are stored stripped and upper-case,
    so LS is compared as stored."""
    ids = list(ret_ids)
    replaced = Episode.objects.filter(
        ret_id__in=ids,
        child=OuterRef("child"),
        decom=OuterRef("decom"),
        ret__collection_year__gt=OuterRef("ret__collection_year"),
    ).exclude(ls__in=measures.SHORT_BREAKS)
    rows = (
        Episode.objects.filter(ret_id__in=ids, decom__lte=last)
        .filter(Q(dec__isnull=True) | Q(dec__gte=first))
        .filter(~Exists(replaced))
    )
    return sorted(set(rows.values_list("child", flat=True).distinct()))


def returns_frames(
    returns: dict[int, int], children: list[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Episodes, header and UASC rows of the given returns ({return id: collection year}), each with
    ret_id and collection_year; with `children` (children_in, children_looked_after_in), only the rows of
    those children, from every one of the returns.

    Children are looked up by the (return, child) index, so the plan does not depend on how fresh the
    database's statistics are (a sub-select or a long IN list can be planned as a scan of every row of
    every return, once per batch).
    """
    ids = list(returns)

    def fetch(query) -> list[tuple]:
        # Plain tuples from the cursor: a Django row iterator costs more than the query for these sizes.
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def rows(model, fields: list[str]) -> list[tuple]:
        if not ids:
            return []
        if children is None:
            return fetch(model.objects.filter(ret_id__in=ids).values_list("ret_id", *fields))
        found: list[tuple] = []
        if connection.vendor == "postgresql":
            # Index probes per child ((return, child) index), whatever the statistics say: a lateral
            # sub-select that cannot be flattened (OFFSET 0) is always a loop over the children, where a
            # plain join can be planned as a scan of every row of the returns.
            table = connection.ops.quote_name(model._meta.db_table)
            columns = ", ".join(
                f"t.{connection.ops.quote_name(model._meta.get_field(f).column)}" for f in fields
            )
            sql = (
                f"SELECT t.ret_id, {columns} FROM {CHILDREN_SQL} AS c(child) CROSS JOIN LATERAL "
                f"(SELECT * FROM {table} p WHERE p.child = c.child AND p.ret_id = ANY(%s) OFFSET 0) t"
            )
            for start in range(0, len(children), CHILD_BATCH * 10):
                with connection.cursor() as cursor:
                    cursor.execute(sql, [children_param(children[start : start + CHILD_BATCH * 10]), ids])
                    found += cursor.fetchall()
            return found
        for start in range(0, len(children), CHILD_BATCH):
            batch = children[start : start + CHILD_BATCH]
            found += fetch(
                model.objects.filter(ret_id__in=ids, child__in=batch).values_list("ret_id", *fields)
            )
        return found

    def frame(model, fields: list[str]) -> pd.DataFrame:
        df = pd.DataFrame.from_records(rows(model, fields), columns=["ret_id", *fields])
        df["ret_id"] = df["ret_id"].astype("int64")
        df["collection_year"] = df["ret_id"].map(returns).astype("int64")
        for field in fields:
            if field in DATE_FIELDS:
                df[field] = pd.to_datetime(df[field])
            elif field == "distance":
                df[field] = pd.to_numeric(df[field]).astype("float64")
            else:
                df[field] = df[field].astype(object).where(df[field] != "", None)
        return df

    # What the measures read (placements.measures.EPISODE_COLUMNS etc.), less collection_year.
    episodes = frame(Episode, [c for c in measures.EPISODE_COLUMNS if c != "collection_year"])
    header = frame(ChildHeader, ["child", "sex", "dob"])
    uasc = frame(UASCRecord, ["child", "duc"])
    return episodes, header, uasc
