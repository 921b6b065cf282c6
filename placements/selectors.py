"""Reads for the placements app: stored figures, authorities with data and import jobs.

Database reads only. Dashboards read stored YearlyFigure rows (never episodes); what a reader sees
of them (titles, formatting, tiles, chart series) is made in `placements.presenters`.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
from django.db.models import F, QuerySet

from placements import longitudinal, measures
from placements.models import ChildHeader, Episode, ImportJob, Return, YearlyFigure
from sufficiency.models import LocalAuthority

ENGLAND = "E92000001"
F_AREA, F_DOCUMENT, F_SECTION = F("la__name"), F("source_document"), F("source_section")


def computed_measures(*, la: LocalAuthority, year: int | None = None) -> list[tuple[int, str, float | None]]:
    """(year, measure, value) of every computed measure, in the reference's order, for imported years."""
    qs = YearlyFigure.objects.filter(la=la, source=YearlyFigure.Source.COMPUTED)
    if year is not None:
        qs = qs.filter(year=year)
    order = {code: i for i, code in enumerate(measures.MEASURE_CODES)}
    rows = list(qs.values_list("year", "measure", "value"))
    return sorted(rows, key=lambda r: (r[0], order.get(r[1], len(order)), r[1]))


def headline_figures(
    *, la: LocalAuthority, years: list[int], codes: list[str]
) -> dict[tuple[int, str], float]:
    """{(year, measure): value} of these measures and years: the computed figure where one is held,
    else a published one."""
    rows = YearlyFigure.objects.filter(
        la=la,
        year__in=years,
        measure__in=codes,
        value__isnull=False,
        source__in=[YearlyFigure.Source.COMPUTED, YearlyFigure.Source.PUBLISHED],
    ).values_list("year", "measure", "source", "value")
    held: dict[tuple[int, str], float] = {}
    for year, code, _source, value in sorted(rows, key=lambda r: r[2] != YearlyFigure.Source.COMPUTED):
        held.setdefault((year, code), value)
    return held


def published_rows(*, la: LocalAuthority, codes: list[str]) -> list[dict]:
    """The figures published for an authority on these measures, by measure then year: measure, year,
    value, document, section and note."""
    return list(
        YearlyFigure.objects.filter(la=la, measure__in=codes, source=YearlyFigure.Source.PUBLISHED)
        .order_by("measure", "year")
        .values("measure", "year", "value", "note", document=F_DOCUMENT, section=F_SECTION)
    )


def figures_held(*, la: LocalAuthority, year: int | None = None) -> list[dict]:
    """Every figure held for an authority, unordered: its own computed, published and stated neighbours'
    average figures, and the comparator figures of England and its region.

    Rows are dicts with year, measure, value, source, area (the name of the area the figure is of),
    document and section.
    """
    comparator_las = LocalAuthority.objects.filter(code=ENGLAND)
    if la.region_id:
        comparator_las = comparator_las | LocalAuthority.objects.filter(pk=la.region_id)
    qs = YearlyFigure.objects.filter(la=la).exclude(source=YearlyFigure.Source.COMPARATOR) | (
        YearlyFigure.objects.filter(la__in=comparator_las, source=YearlyFigure.Source.COMPARATOR)
    )
    if year is not None:
        qs = qs.filter(year=year)
    return list(
        qs.values("year", "measure", "value", "source", area=F_AREA, document=F_DOCUMENT, section=F_SECTION)
    )


def measure_series(la_code: str, measure: str) -> list[dict]:
    """Yearly values of one measure for an authority: computed where held, else published (for FLOURISH)."""
    rows = YearlyFigure.objects.filter(
        la__code=la_code,
        measure=measure,
        source__in=[YearlyFigure.Source.COMPUTED, YearlyFigure.Source.PUBLISHED],
    ).values_list("year", "value", "source")
    by_year: dict[int, dict] = {}
    for year, value, source in rows:
        if year not in by_year or source == YearlyFigure.Source.COMPUTED:
            by_year[year] = {"year": year, "value": value, "source": source}
    return [by_year[y] for y in sorted(by_year)]


def las_with_data(user) -> QuerySet[LocalAuthority]:
    """Authorities the user may see that hold any computed or published figure."""
    return (
        LocalAuthority.objects.visible_to(user)
        .filter(measure_values__source__in=[YearlyFigure.Source.COMPUTED, YearlyFigure.Source.PUBLISHED])
        .distinct()
        .order_by("is_synthetic", "name")
    )


def dashboard_values(*, la: LocalAuthority) -> dict:
    """Every stored figure the placements dashboard draws for an authority, in three or four queries.

    Returns {"computed": {measure: {year: value}}, "published": {measure: {year: [row...]}},
    "england": {...}, "region": {...}, "sn_average": {...}, "sn_computed": {...}} where comparator dicts
    map measure → year → value, a published row is {value, document, section, note}, and
    "sn_computed" maps measure → year → the neighbours' own comparator figures.
    """
    out: dict[str, dict] = {
        "computed": defaultdict(dict),
        "published": defaultdict(lambda: defaultdict(list)),
        "england": defaultdict(dict),
        "region": defaultdict(dict),
        "sn_average": defaultdict(dict),
        "sn_computed": defaultdict(lambda: defaultdict(list)),
    }
    own = YearlyFigure.objects.filter(la=la).values_list(
        "year", "measure", "value", "source", "source_document", "source_section", "note"
    )
    for year, measure, value, source, document, section, note in own:
        if source == YearlyFigure.Source.COMPUTED:
            out["computed"][measure][year] = value
        elif source == YearlyFigure.Source.PUBLISHED:
            out["published"][measure][year].append(
                {"value": value, "document": document, "section": section, "note": note}
            )
        elif source == YearlyFigure.Source.SN_AVERAGE:
            out["sn_average"][measure][year] = value
    comparator_codes = {ENGLAND: "england"}
    if la.region_id:
        comparator_codes[la.region.code] = "region"
    rows = YearlyFigure.objects.filter(
        la__code__in=list(comparator_codes), source=YearlyFigure.Source.COMPARATOR
    ).values_list("la__code", "year", "measure", "value")
    for code, year, measure, value in rows:
        out[comparator_codes[code]][measure][year] = value
    # Where no stated neighbour average is held, average the neighbours' own comparator figures.
    neighbour_ids = list(la.statistical_neighbours.values_list("pk", flat=True))
    if neighbour_ids:
        rows = YearlyFigure.objects.filter(
            la_id__in=neighbour_ids, source=YearlyFigure.Source.COMPARATOR
        ).values_list("year", "measure", "value")
        for year, measure, value in rows:
            if value is not None:
                out["sn_computed"][measure][year].append(value)
        for measure, years in out["sn_computed"].items():
            for year, values in years.items():
                if len(values) == len(neighbour_ids) and year not in out["sn_average"][measure]:
                    out["sn_average"][measure][year] = round(sum(values) / len(values), 1)
    # Years every authority of England, the region or the neighbours has a return held: computed figures.
    from placements import regional

    out["computed_areas"] = {}
    for key, area in regional.computed_comparators(la).items():
        for measure, years in area["values"].items():
            out[key][measure].update(years)
        out["computed_areas"][key] = area["members"]
    return out


def import_jobs() -> QuerySet[ImportJob]:
    """Every import job with its authority and who started it, newest first (scope it to a user)."""
    return ImportJob.objects.select_related("la", "created_by").order_by("-created_at")


# ---- the returns held, for the forecast --------------------------------------------------------------


def current_return_years(*, la: LocalAuthority) -> list[int]:
    """Collection years of the authority's current returns."""
    return list(Return.objects.current().for_la(la).values_list("collection_year", flat=True))


def current_return_checksums(*, la: LocalAuthority) -> list[tuple[int, str]]:
    """(id, checksum) of the authority's current returns: changes whenever a return is replaced."""
    return list(Return.objects.current().for_la(la).order_by("pk").values_list("pk", "checksum"))


def authorities_with_current_returns() -> QuerySet:
    """Authorities holding at least one current return."""
    return LocalAuthority.objects.filter(returns__state=Return.State.CURRENT).distinct()


def longitudinal_episodes(*, la: LocalAuthority) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The authority's longitudinal episodes from its current returns (measures.build_longitudinal: one row
    per child and DECOM, latest return first, short breaks out) and one header row per child (the latest
    return's). For the forecast; the dashboards read stored figures, never episodes.

    Read from the stored longitudinal record when it was built from the current returns (the same frames,
    without reading every return); otherwise built from the returns."""
    returns = dict(Return.objects.current().for_la(la).values_list("pk", "collection_year"))
    if returns and longitudinal.record_valid(la, returns):
        episodes, header, _ = longitudinal.record_read(la)
        episodes = measures.build_longitudinal(
            episodes[["child", "decom", "dec", "ls", "place", "place_provider", "collection_year"]]
        )
        return episodes, measures.latest_per_child(header[["child", "dob", "collection_year"]])
    ep_fields = ["child", "decom", "dec", "ls", "place", "place_provider"]
    rows = Episode.objects.filter(ret_id__in=list(returns)).values_list("ret_id", *ep_fields)
    episodes = pd.DataFrame.from_records(list(rows), columns=["ret_id", *ep_fields])
    episodes["collection_year"] = episodes["ret_id"].map(returns).astype("int64")
    episodes = episodes.drop(columns="ret_id")
    for field in ("decom", "dec"):
        episodes[field] = pd.to_datetime(episodes[field])
    for field in ("ls", "place", "place_provider"):
        episodes[field] = episodes[field].astype(object).where(episodes[field] != "", None)
    hrows = ChildHeader.objects.filter(ret_id__in=list(returns)).values_list("ret_id", "child", "dob")
    header = pd.DataFrame.from_records(list(hrows), columns=["ret_id", "child", "dob"])
    header["collection_year"] = header["ret_id"].map(returns).astype("int64")
    header["dob"] = pd.to_datetime(header["dob"])
    episodes = measures.build_longitudinal(episodes)
    header = measures.latest_per_child(header.drop(columns="ret_id"))
    return episodes, header
