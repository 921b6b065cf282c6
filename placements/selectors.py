"""Reads for the placements app. Dashboards read stored MeasureValue rows only (never episodes)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from placements import measures
from placements.models import ImportJob, MeasureValue, Return
from sufficiency.models import LocalAuthority
from sufficiency.templatetags.portal_format import collection_year, measure_change, measure_value

ENGLAND = "E92000001"


def measure_unit(code: str) -> str:
    """count | percent | rate: from the measures registry, else the published figures' titles and units."""
    definition = measures.MEASURES.get(code)
    if definition is not None:
        return definition.unit
    unit = published_meta().get(code, {}).get("unit")
    if unit:
        return unit
    return "percent" if code.endswith("_pct") else "count"


def format_value(code: str, value: float | None) -> str:
    """A stored value as the export and pages print it: counts whole, percentages and rates one decimal."""
    if value is None:
        return ""
    if measure_unit(code) == "count":
        return str(round(value))
    return f"{value:.1f}"


def computed_measures(*, la: LocalAuthority, year: int | None = None) -> list[tuple[int, str, float | None]]:
    """(year, measure, value) of every computed measure, in the reference's order, for imported years."""
    qs = MeasureValue.objects.filter(la=la, source=MeasureValue.Source.COMPUTED)
    if year is not None:
        qs = qs.filter(year=year)
    order = {code: i for i, code in enumerate(measures.MEASURE_CODES)}
    rows = list(qs.values_list("year", "measure", "value"))
    return sorted(rows, key=lambda r: (r[0], order.get(r[1], len(order)), r[1]))


# A headline figure that moves more than this from the year before is worth a second look after an
# import (a wrong year, a partial extract, a duplicated file): (relative change, smallest absolute change).
HEADLINE_MOVES = {
    "cla_31_march": (0.25, 20),
    "starts": (0.4, 20),
    "ceases": (0.4, 20),
    "rate_per_10k": (0.25, 5),
}


def headline_moves(*, la: LocalAuthority, year: int) -> list[dict]:
    """Headline figures of `year` that moved implausibly far from the year before (computed figures,
    else published ones for the year before), for the data admin to check after an import."""
    codes = list(HEADLINE_MOVES)
    rows = MeasureValue.objects.filter(
        la=la, year__in=[year - 1, year], measure__in=codes, value__isnull=False
    ).values_list("year", "measure", "source", "value")
    held: dict[tuple[int, str], float] = {}
    for y, code, source, value in sorted(rows, key=lambda r: r[2] != MeasureValue.Source.COMPUTED):
        if source in (MeasureValue.Source.COMPUTED, MeasureValue.Source.PUBLISHED):
            held.setdefault((y, code), value)
    moves = []
    for code in codes:
        before, after = held.get((year - 1, code)), held.get((year, code))
        if before is None or after is None or before == 0:
            continue
        relative, smallest = HEADLINE_MOVES[code]
        if abs(after - before) >= smallest and abs(after - before) / abs(before) > relative:
            moves.append(
                {
                    "code": code,
                    "title": measure_title(code),
                    "before": before,
                    "after": after,
                    "percent": round(100 * (after - before) / abs(before)),
                }
            )
    return moves


def published_figures(*, la: LocalAuthority, codes: list[str]) -> list[dict]:
    """The figures published for an authority on these measures, with the period, the source as a
    reader cites it and the note (period and caveats), for a measure's About page."""
    rows = MeasureValue.objects.filter(la=la, measure__in=codes, source=MeasureValue.Source.PUBLISHED)
    return [
        {
            "title": measure_title(mv.measure),
            "year_label": collection_year(mv.year),
            "display": measure_value(mv.value, measure_unit(mv.measure)) if mv.value is not None else "–",
            **published_note(mv.note, mv.source_document, mv.source_section),
        }
        for mv in rows.order_by("measure", "year")
    ]


def published_note(note: str, document: str, section: str) -> dict:
    """A published figure's note (its period and caveats) and its source, as a reader would cite them,
    and whether it is an in-year figure (said on the tile or page itself: headings promise years
    ending 31 March)."""
    from sufficiency.sources import reader_text, source_citation

    note = reader_text(note or "")
    return {
        "note": note,
        "cited": source_citation(document, section),
        "in_year": "not a year ending 31 March" in note,
    }


SOURCE_ORDER = {"computed": 0, "published": 1, "comparator": 2}


def measures_for_download(*, la: LocalAuthority, year: int | None = None) -> list[dict]:
    """Every figure held for an authority, for the measures download: computed, published and comparator.

    Rows are dicts with year, measure, title, value, source ("computed", "published" or "comparator"),
    area (the authority, England, its region or its statistical neighbours' average) and document (the
    published or comparator figure's document as a reader would cite it, with its section). Ordered by
    year, then the reference's measure order, then source.
    """
    areas = {la.pk: la.name}
    comparator_las = list(LocalAuthority.objects.filter(code=ENGLAND).values_list("pk", "name"))
    if la.region_id:
        comparator_las.append((la.region_id, la.region.name))
    areas.update(dict(comparator_las))
    qs = MeasureValue.objects.filter(la=la).exclude(source=MeasureValue.Source.COMPARATOR) | (
        MeasureValue.objects.filter(
            la_id__in=[pk for pk, _ in comparator_las], source=MeasureValue.Source.COMPARATOR
        )
    )
    if year is not None:
        qs = qs.filter(year=year)
    order = {code: i for i, code in enumerate(measures.MEASURE_CODES)}
    rows = []
    fields = ("la_id", "year", "measure", "value", "source", "source_document", "source_section")
    for la_id, row_year, measure, value, source, document, section in qs.values_list(*fields):
        if source == MeasureValue.Source.SN_AVERAGE:
            kind, area = "comparator", f"Statistical neighbours of {la.name} (average)"
        else:
            kind, area = source, areas.get(la_id, "")
        if kind == "computed":
            cited = "Imported SSDA903 returns"
        else:
            cited = ", ".join(part for part in (_document_label(document), section) if part)
        rows.append(
            {
                "year": row_year,
                "measure": measure,
                "title": measure_title(measure),
                "value": value,
                "source": kind,
                "area": area,
                "document": cited,
            }
        )
    rows.sort(
        key=lambda r: (
            r["year"],
            order.get(r["measure"], len(order)),
            r["measure"],
            SOURCE_ORDER.get(r["source"], 3),
            r["area"],
            r["document"],
        )
    )
    return rows


def imported_years(*, la: LocalAuthority) -> list[int]:
    return sorted(set(Return.objects.current().for_la(la).values_list("collection_year", flat=True)))


def measure_series(la_code: str, measure: str) -> list[dict]:
    """Yearly values of one measure for an authority: computed where held, else published (for FLOURISH)."""
    rows = MeasureValue.objects.filter(
        la__code=la_code,
        measure=measure,
        source__in=[MeasureValue.Source.COMPUTED, MeasureValue.Source.PUBLISHED],
    ).values_list("year", "value", "source")
    by_year: dict[int, dict] = {}
    for year, value, source in rows:
        if year not in by_year or source == MeasureValue.Source.COMPUTED:
            by_year[year] = {"year": year, "value": value, "source": source}
    return [by_year[y] for y in sorted(by_year)]


def las_with_data(user) -> QuerySet[LocalAuthority]:
    """Authorities the user may see that hold any computed or published figure."""
    return (
        LocalAuthority.objects.visible_to(user)
        .filter(measure_values__source__in=[MeasureValue.Source.COMPUTED, MeasureValue.Source.PUBLISHED])
        .distinct()
        .order_by("is_synthetic", "name")
    )


def dashboard_values(*, la: LocalAuthority) -> dict:
    """Every stored figure the placements dashboard draws for an authority, in three queries.

    Returns {"computed": {measure: {year: value}}, "published": {measure: {year: [row...]}},
    "england": {...}, "region": {...}, "sn_average": {...}} where comparator dicts map measure → year → value.
    """
    out: dict[str, dict] = {
        "computed": defaultdict(dict),
        "published": defaultdict(lambda: defaultdict(list)),
        "england": defaultdict(dict),
        "region": defaultdict(dict),
        "sn_average": defaultdict(dict),
        "sn_computed": defaultdict(lambda: defaultdict(list)),
    }
    own = MeasureValue.objects.filter(la=la).values_list(
        "year", "measure", "value", "source", "source_document", "source_section", "note"
    )
    for year, measure, value, source, document, section, note in own:
        if source == MeasureValue.Source.COMPUTED:
            out["computed"][measure][year] = value
        elif source == MeasureValue.Source.PUBLISHED:
            out["published"][measure][year].append(
                {"value": value, "document": document, "section": section, "note": note}
            )
        elif source == MeasureValue.Source.SN_AVERAGE:
            out["sn_average"][measure][year] = value
    comparator_codes = {ENGLAND: "england"}
    if la.region_id:
        comparator_codes[la.region.code] = "region"
    rows = MeasureValue.objects.filter(
        la__code__in=list(comparator_codes), source=MeasureValue.Source.COMPARATOR
    ).values_list("la__code", "year", "measure", "value")
    for code, year, measure, value in rows:
        out[comparator_codes[code]][measure][year] = value
    # Where no stated neighbour average is held, average the neighbours' own comparator figures.
    neighbour_ids = list(la.statistical_neighbours.values_list("pk", flat=True))
    if neighbour_ids:
        rows = MeasureValue.objects.filter(
            la_id__in=neighbour_ids, source=MeasureValue.Source.COMPARATOR
        ).values_list("year", "measure", "value")
        for year, measure, value in rows:
            if value is not None:
                out["sn_computed"][measure][year].append(value)
        for measure, years in out["sn_computed"].items():
            for year, values in years.items():
                if len(values) == len(neighbour_ids) and year not in out["sn_average"][measure]:
                    out["sn_average"][measure][year] = round(sum(values) / len(values), 1)
    return out


def import_jobs(*, user=None) -> QuerySet[ImportJob]:
    return ImportJob.objects.select_related("la", "created_by").order_by("-created_at")


# ---- the dashboard ---------------------------------------------------------------------------------------

TILE_MEASURES = [
    "cla_31_march",
    "rate_per_10k",
    "starts",
    "ceases",
    "uasc_31_march",
    "stability_3plus_pct",
    "long_term_stability_pct",
    "distance_over_20_pct",
]
COMPARATOR_LABELS = {"england": "England", "region": "Region", "sn_average": "Statistical neighbours"}


def measure_title(code: str) -> str:
    definition = measures.MEASURES.get(code)
    if definition is not None:
        return definition.title
    return published_meta().get(code, {}).get("title", code.replace("_", " ").capitalize())


_META: dict | None = None


def published_meta() -> dict[str, dict]:
    """Titles and units of published-only measure codes (fixtures/published_measures_meta.csv)."""
    global _META
    if _META is None:
        import csv
        from pathlib import Path

        from django.conf import settings

        path = Path(settings.BASE_DIR) / "fixtures" / "published_measures_meta.csv"
        _META = {}
        if path.exists():
            with open(path, newline="", encoding="utf-8") as fh:
                _META = {r["measure"]: r for r in csv.DictReader(fh)}
    return _META


def _in_range(values: dict[int, float | None], first: int | None, last: int | None) -> dict:
    return {y: v for y, v in values.items() if (first is None or y >= first) and (last is None or y <= last)}


def _published_single(rows_by_year: dict[int, list[dict]]) -> dict[int, list[tuple[str, float | None]]]:
    return {y: [(r["document"], r["value"]) for r in rows] for y, rows in rows_by_year.items()}


def _held(values: dict[int, float | None]) -> bool:
    return any(v is not None for v in values.values())


def chart_series(spec, values: dict, la: LocalAuthority, first: int | None, last: int | None) -> list:
    """The series one chart draws: computed, then published (labelled by document), then comparators.

    A stacked chart stacks one figure a category and year: the computed one where the year has computed
    figures, else the published one (the first document that gives it), so the published history stays
    beside the imported years without being counted twice.
    """
    from placements.charts import Series

    series = []
    computed_years: set[int] = set()
    for code in spec.measures:
        computed = _in_range(values["computed"].get(code, {}), first, last)
        if _held(computed):
            computed_years.update(y for y, v in computed.items() if v is not None)
            series.append(
                Series(
                    f"{measure_title(code)} (computed from returns)",
                    "computed",
                    code,
                    computed,
                    measure_unit(code),
                )
            )
    if spec.published:
        for code in [*spec.measures, *spec.extra_published]:
            by_document: dict[str, dict[int, float | None]] = defaultdict(dict)
            for year, rows in values["published"].get(code, {}).items():
                for row in rows:
                    by_document[row["document"]][year] = row["value"]
            taken: set[int] = set(computed_years) if spec.kind == "stacked" else set()
            for document, docvalues in sorted(by_document.items()):
                docvalues = _in_range(docvalues, first, last)
                if spec.kind == "stacked":
                    docvalues = {y: v for y, v in docvalues.items() if y not in taken}
                    taken.update(docvalues)
                if _held(docvalues):
                    series.append(
                        Series(
                            f"{measure_title(code)} (published, {_document_label(document)})",
                            "published",
                            code,
                            docvalues,
                            measure_unit(code),
                        )
                    )
    if spec.comparators:
        for code in spec.measures:
            for key, label in COMPARATOR_LABELS.items():
                comp = _in_range(values[key].get(code, {}), first, last)
                if _held(comp):
                    name = la.region.name if key == "region" and la.region else label
                    series.append(Series(f"{measure_title(code)}: {name}", key, code, comp, measure_unit(code)))
    return series


def chart_missing(spec, series: list) -> list[str]:
    """Sentences naming the chart's categories with no figure held, in the chart's order.

    A stacked chart is read year by year, so it names what each run of years lacks (published
    figures often give one age band only); other charts name the measures with no figure at all.
    """
    titles = {code: measure_title(code) for code in spec.measures}
    if spec.kind != "stacked":
        missing = [titles[code] for code in spec.measures if code not in {s.measure for s in series}]
        return [f"No figures are held for {_or_list(missing)} in these years."] if missing else []
    held_by_year: dict[int, set[str]] = defaultdict(set)
    for s in series:
        for year in s.held():
            held_by_year[year].add(s.measure)
    runs: dict[tuple[str, ...], list[int]] = {}
    for year in sorted(held_by_year):
        missing = tuple(code for code in spec.measures if code not in held_by_year[year])
        if missing:
            runs.setdefault(missing, []).append(year)
    if len(runs) == 1 and len(next(iter(runs.values()))) == len(held_by_year):
        missing = next(iter(runs))
        return [f"No figures are held for {_or_list([titles[c] for c in missing])} in these years."]
    return [
        f"{_years_text(years)}: no figures for {_or_list([titles[c] for c in missing])}."
        for missing, years in sorted(runs.items(), key=lambda item: item[1][0])
    ]


def _years_text(years: list[int]) -> str:
    """Collection years as a reader writes them: "2014/15 to 2019/20", "2018/19 and 2020/21"."""
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{collection_year(years[0])} to {collection_year(years[-1])}"
    labels = [collection_year(y) for y in years]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def comparators_missing(spec, series: list, la: LocalAuthority) -> list[str]:
    """For a chart that compares: the comparators (England, the region, statistical neighbours) with no
    figure in the years shown; empty for a chart that does not compare."""
    if not spec.comparators:
        return []
    held = {s.source for s in series}
    names = {"england": "England", "region": la.region.name if la.region_id else "", "sn_average": ""}
    missing = []
    for key in COMPARATOR_LABELS:
        if key == "region" and not la.region_id:
            continue  # an authority without a region is compared with England and its neighbours only
        if key not in held:
            missing.append(names[key] or "statistical neighbour")
    return missing


def _document_label(document: str) -> str:
    from sufficiency.sources import document_title

    return document_title(document)


def dashboard_tiles(values: dict, year: int | None) -> list[dict]:
    """Headline tiles for a year: value, source, change since the year before and its judgement."""
    tiles = []
    for code in TILE_MEASURES:
        current, previous, source, at = _tile_value(values, code, year)
        definition = measures.MEASURES.get(code)
        polarity = definition.polarity if definition else None
        change = judgement = None
        if current is not None and previous is not None:
            change = round(current - previous, 1)
            if polarity and change != 0:
                better = (change > 0) == (polarity == "higher_better")
                judgement = "better" if better else "worse"
            elif change == 0:
                judgement = "no change"
            else:
                judgement = "no judgement"
        unit = measure_unit(code)
        england = values["england"].get(code, {}).get(at) if at else None
        sn_average = values["sn_average"].get(code, {}).get(at) if at else None
        tiles.append(
            {
                "code": code,
                "title": measure_title(code),
                "value": current,
                "display": measure_value(current, unit) if current is not None else "No figure",
                "change": change,
                "change_display": measure_change(change, unit) if change is not None else "",
                "direction": "up" if change and change > 0 else ("down" if change and change < 0 else "same"),
                "judgement": judgement,
                "source": source,
                "year": at,
                "year_label": collection_year(at) if at else "",
                "previous_label": collection_year(at - 1) if at else "",
                "headline_label": collection_year(year) if year else "",
                "is_earlier": at is not None and at != year,
                "england": england,
                "england_display": measure_value(england, unit) if england is not None else "",
                "sn_average": sn_average,
                "sn_average_display": measure_value(sn_average, unit) if sn_average is not None else "",
                "unit": unit,
                **_tile_published_note(values, code, at, source),
            }
        )
    return tiles


def _tile_published_note(values: dict, code: str, at: int | None, source: str) -> dict:
    """A published figure's note (its period and caveats) and its source, as a reader would cite it."""
    if source != "published" or at is None:
        return {"note": "", "cited": "", "in_year": False}
    row = values["published"][code][at][0]
    return published_note(row["note"], row["document"], row["section"])


def _tile_value(values: dict, code: str, year: int | None) -> tuple[float | None, float | None, str, int | None]:
    """(value, value the year before, source, year of the value): the latest figure held up to `year`.

    Computed figures win over published ones for the same year; a measure with no figure for `year`
    shows its latest earlier one, labelled with its own year.
    """
    if year is None:
        return None, None, "", None
    computed = values["computed"].get(code, {})
    published = values["published"].get(code, {})
    held = sorted(
        {y for y, v in computed.items() if v is not None} | {y for y, rows in published.items() if rows}
    )
    held = [y for y in held if y <= year]
    if not held:
        return None, None, "", None
    at = held[-1]

    def value(y: int) -> tuple[float | None, str]:
        if computed.get(y) is not None:
            return computed[y], "computed"
        rows = published.get(y) or []
        return (rows[0]["value"], "published") if rows else (None, "")

    current, source = value(at)
    previous, previous_source = value(at - 1)
    if previous_source != source:
        previous = None  # never compare a computed figure with a published one
    return current, previous, source, at


def dashboard_years(values: dict) -> list[int]:
    """Every year with a computed or published figure for the authority."""
    years = set()
    for key in ("computed", "published"):
        for by_year in values[key].values():
            years.update(by_year)
    return sorted(years)


def dashboard(*, la: LocalAuthority, first_year: int | None = None, last_year: int | None = None) -> dict:
    """Everything the placements dashboard shows for an authority and year range."""
    from placements.charts import CHARTS, chart_figure, chart_table

    values = dashboard_values(la=la)
    years = dashboard_years(values)
    in_range = [
        y for y in years if (first_year is None or y >= first_year) and (last_year is None or y <= last_year)
    ]
    latest = in_range[-1] if in_range else None
    computed_years = sorted({y for v in values["computed"].values() for y in v})
    charts = []
    for spec in CHARTS:
        series = chart_series(spec, values, la, first_year, last_year)
        missing_comparators = comparators_missing(spec, series, la)
        charts.append(
            {
                "spec": spec,
                "series": series,
                "has_data": bool(series),
                "figure_id": f"figure-{spec.id}",
                "figure": chart_figure(spec, series) if series else None,
                "table": chart_table(series),
                "missing": chart_missing(spec, series) if series else [],
                "comparators_missing": missing_comparators,
                "no_comparators": bool(spec.comparators)
                and not any(s.source in COMPARATOR_LABELS for s in series),
                "comparators_note": (
                    f"No {_or_list(missing_comparators)} figures are held for these years."
                    if missing_comparators
                    else ""
                ),
            }
        )
    return {
        "la": la,
        "years": years,
        "first_year": first_year,
        "last_year": last_year,
        "latest_year": latest,
        "tiles": dashboard_tiles(values, latest),
        "charts": charts,
        "has_computed": bool(computed_years),
        "computed_years": computed_years,
        "has_published": bool(values["published"]),
        "has_figures": bool(years),
        "latest_label": collection_year(latest) if latest else "",
        "computed_span": _years_text(computed_years) if computed_years else "",
    }


def _or_list(names: list[str]) -> str:
    """Names joined as a reader writes them: "England, East of England or statistical neighbour"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]
