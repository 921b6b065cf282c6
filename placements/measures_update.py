"""How an import changes an authority's computed measures, and writing them.

`measures_change` works out what making a staged return current changes, from the stored longitudinal
record (placements.longitudinal) of the children that return holds and nobody else's, for the years that
return can change and no others; `measures_apply` writes it, with the children's new record, in the
transaction that makes the return current. `measure_rows` computes every measure of every year held from
the returns themselves (the full recompute). placements.services runs them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from django.db import transaction
from django.db.models import Q

from placements import longitudinal, measures, record_prefetch
from placements.models import ImportJob, Population, Return, YearlyFigure
from placements.ssda903 import load

_EPOCH = dt.date(1970, 1, 1)


def measures_inputs(la, staged: Return | None = None) -> tuple:
    """What an authority's computed measures depend on: its current returns (with `staged` in place of
    its year) and its populations. Equal keys, equal measures."""
    return (
        tuple(sorted(load.la_returns(la, staged).items())),
        tuple(Population.objects.filter(la=la).order_by("year").values_list("year", "population")),
    )


def full_record(returns: dict[int, int]) -> longitudinal.Frames:
    """The longitudinal record built from every row of the returns."""
    return longitudinal.merged(*load.returns_frames(returns))


def measure_rows(la, record: longitudinal.Frames, years) -> list[YearlyFigure]:
    """Every computed measure of the years, from the authority's whole longitudinal record."""
    populations = dict(Population.objects.filter(la=la).values_list("year", "population"))
    years = sorted(set(years))
    table = (
        measures.compute_years(*record, years, populations)
        if years
        else pd.DataFrame(columns=["year", "measure", "value"])
    )
    return [
        YearlyFigure(
            la=la,
            year=int(r.year),
            measure=r.measure,
            source=YearlyFigure.Source.COMPUTED,
            value=None if r.value is None or pd.isna(r.value) else float(r.value),
        )
        for r in table.itertuples(index=False)
    ]


@dataclass(frozen=True)
class MeasuresChange:
    """How making a staged return current changes an authority's computed measures.

    `counts`: the count measures of the years worked out whole (a year the authority did not hold, or
    whose stored counts are incomplete). `deltas`: for the other years held, the change of each count
    (only years where some count changes). `held`: every year held once the return is current.
    `returns`, `record`, `children`: the longitudinal record of those children (every child when None)
    once the return is current, built from those returns; `previous`: what is stored for them now. With
    `previous`, both may hold only the episodes that can differ (the rest are kept as stored); with
    `compared`, only the episodes that differ (longitudinal.record_write).
    """

    counts: dict[int, dict[str, int]]
    deltas: dict[int, dict[str, int]]
    held: frozenset[int]
    returns: dict[int, int]
    record: longitudinal.Frames
    children: frozenset[str] | None
    previous: longitudinal.Frames | None = None
    compared: bool = False


def stored_counts(la, years) -> dict[int, dict[str, int]]:
    """The stored count measures of those years that have every one of them and hang together (none
    negative; the eight placement groups sum to children looked after, as they always do)."""
    found: dict[int, dict[str, int]] = {}
    rows = YearlyFigure.objects.filter(
        la=la, source=YearlyFigure.Source.COMPUTED, year__in=list(years), measure__in=measures.COUNT_CODES
    ).values_list("year", "measure", "value")
    for year, code, value in rows:
        if value is not None:
            found.setdefault(year, {})[code] = round(value)
    return {
        year: counts
        for year, counts in found.items()
        if len(counts) == len(measures.COUNT_CODES)
        and min(counts.values()) >= 0
        and sum(counts[g] for g in measures.PLACEMENT_GROUPS) == counts["cla_31_march"]
    }


def measures_suspect(la) -> bool:
    """A current return was made current by a job that did not succeed (left by a crash before the flip
    and the measures were one transaction), so the stored measures are not known to match it."""
    return (
        Return.objects.current()
        .for_la(la)
        .filter(job__isnull=False)
        .exclude(job__status=ImportJob.Status.SUCCEEDED)
        .exists()
    )


def _ref_day(year: int) -> int:
    return (dt.date(year, 3, 31) - _EPOCH).days


def measures_change(la, staged: Return) -> MeasuresChange:
    """What making `staged` current changes in the authority's computed measures.

    Every count measure counts children, each child's part depending only on that child's own record (see
    measures.compute_counts), and a child's part in a year only on what can be seen of it by that year's
    31 March (longitudinal.first_change). So a year already held changes by (after - before) over the
    children whose record changed early enough to be seen in it, and only those years are computed; a year
    not yet held is computed whole from the children with an episode overlapping it. For a return later
    than every return held, the rows read are those of the return and of its children's stored record:
    their number depends on the size of the return, not on how many years are held (a return replacing
    another, or for an earlier year, reads every return held for its children). The result equals a
    computation over every return.

    When the stored record was not built from the current returns (or the stored measures are suspect),
    everything is computed from the returns.
    """
    after = load.la_returns(la, staged)
    before = load.la_returns(la)
    held = frozenset(after.values())
    stored = set(stored_counts(la, held & set(before.values())))
    if not before or measures_suspect(la) or not longitudinal.record_valid(la, before):
        record = full_record(after)
        computed = measures.compute_counts(*record, held, built=True) if held else {}
        zero = dict.fromkeys(measures.COUNT_CODES, 0)
        counts = {year: computed.get(year, zero) for year in held}
        return MeasuresChange(
            counts=counts, deltas={}, held=held, returns=after, record=record, children=None
        )

    replaced = {pk: year for pk, year in before.items() if year == staged.collection_year}
    ahead = None
    if replaced or max(before.values()) > staged.collection_year:
        # The rows the replaced return held may have hidden an earlier return's; and the stored collection
        # years are those of a return holding the row as it is, not always the latest (rows re-reported
        # unchanged are not written again), so a return older than one held cannot be merged by them:
        # merge every return again.
        children = set(load.children_in([staged.pk, *replaced]))
        was = longitudinal.record_read(la, children)
        now = longitudinal.merged(*load.returns_frames(after, sorted(children)))
        changing, history = (was, now), None
    else:
        rows = load.returns_frames({staged.pk: staged.collection_year})
        children = set().union(*(set(df["child"]) for df in rows))
        ahead = record_prefetch.take(la, children)
        was = ahead.frames if ahead else longitudinal.record_read(la, children, ids=True)
        # Only the episodes with a (CHILD, DECOM) of the return can differ: the rest of the children's
        # history is compared and written as it was, whatever its length.
        now, *changing = longitudinal.merge_later(was, rows)
        history = now[0]

    zero = dict.fromkeys(measures.COUNT_CODES, 0)
    whole = sorted(held - stored)
    counts: dict[int, dict[str, int]] = {}
    if whole:
        first, last = dt.date(whole[0] - 1, 4, 1), dt.date(whole[-1], 3, 31)
        overlapping = ahead.children_overlapping(first, last) if ahead else None
        if overlapping is None:
            overlapping = longitudinal.children_overlapping(la, first, last)
        others = overlapping - children
        everyone = longitudinal.combine(now, longitudinal.record_read(la, others))
        computed = measures.compute_counts(*everyone, whole, built=True)
        counts = {year: computed.get(year, zero) for year in whole}

    deltas: dict[int, dict[str, int]] = {}
    comparison = longitudinal.compare(*changing, history=history)
    seen_from = comparison.days
    for year in sorted(stored):
        changed = seen_from.index[seen_from.to_numpy() <= _ref_day(year)]
        if not len(changed):
            continue
        new = measures.compute_counts(*longitudinal.only(now, changed), [year], built=True).get(year, zero)
        old = measures.compute_counts(*longitudinal.only(was, changed), [year], built=True).get(year, zero)
        delta = {c: new[c] - old[c] for c in measures.COUNT_CODES}
        if any(delta.values()):
            deltas[year] = delta
    return MeasuresChange(
        counts=counts,
        deltas=deltas,
        held=held,
        returns=after,
        # Only the episodes that differ are written (an episode a later return re-reports as it was is not).
        record=(changing[1][0][~comparison.same_after], *changing[1][1:]),
        children=frozenset(children),
        previous=(changing[0][0][~comparison.same_before], *changing[0][1:]),
        compared=True,
    )


def measures_apply(la, change: MeasuresChange) -> list[int] | None:
    """Write the changed years' measures (counts, then ratios from them and the populations) and the
    children's longitudinal record; returns those years, or None when the stored counts are not those the
    change was worked out against."""
    stored = stored_counts(la, change.deltas)
    if set(change.deltas) - set(stored):
        return None
    counts = dict(change.counts)
    for year, delta in change.deltas.items():
        counts[year] = {c: stored[year][c] + delta[c] for c in measures.COUNT_CODES}
        if any(value < 0 for value in counts[year].values()):
            return None
    populations = dict(
        Population.objects.filter(la=la, year__in=list(counts)).values_list("year", "population")
    )
    rows = [
        YearlyFigure(
            la=la,
            year=year,
            measure=code,
            source=YearlyFigure.Source.COMPUTED,
            value=None if value is None else float(value),
        )
        for year in sorted(counts)
        for code, value in measures.from_counts(counts[year], populations.get(year)).items()
    ]
    with transaction.atomic():
        computed = YearlyFigure.objects.filter(la=la, source=YearlyFigure.Source.COMPUTED)
        computed.filter(Q(year__in=list(counts)) | ~Q(year__in=list(change.held))).delete()
        YearlyFigure.objects.bulk_create(rows, batch_size=2000)
        longitudinal.record_write(
            la, change.returns, change.record, change.children, change.previous, compared=change.compared
        )
    return sorted(counts)
