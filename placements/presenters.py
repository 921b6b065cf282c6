"""What the placements pages show of the stored figures: pure functions from what the selectors read.

The dashboard (its tiles, their judgement, each chart's series and what it lacks), a measure's published
figures, the figures download and the headline moves after an import. No database: views read with
`placements.selectors` and pass the rows here.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from placements import measures
from placements.charts import CHARTS, Series, chart_figure, chart_table
from placements.labels import measure_title, measure_unit
from sufficiency.sources import document_title, reader_text, source_citation
from sufficiency.templatetags.portal_format import collection_year, measure_change, measure_value

if TYPE_CHECKING:
    from sufficiency.models import LocalAuthority

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
SOURCE_ORDER = {"computed": 0, "published": 1, "comparator": 2}
COMPUTED_CITATION = "Imported SSDA903 returns"

# A headline figure that moves more than this from the year before is worth a second look after an
# import (a wrong year, a partial extract, a duplicated file): (relative change, smallest absolute change).
HEADLINE_MOVES = {
    "cla_31_march": (0.25, 20),
    "starts": (0.4, 20),
    "ceases": (0.4, 20),
    "rate_per_10k": (0.25, 5),
}


def format_value(code: str, value: float | None) -> str:
    """A stored value as the export and the API print it: counts whole, percentages and rates one decimal."""
    if value is None:
        return ""
    if measure_unit(code) == "count":
        return str(round(value))
    return f"{value:.1f}"


# ---- after an import ---------------------------------------------------------------------------------------


def headline_moves(held: dict[tuple[int, str], float], year: int) -> list[dict]:
    """Headline figures of `year` that moved implausibly far from the year before, for the data admin
    to check after an import. `held` is `selectors.headline_figures` of the two years."""
    moves = []
    for code, (relative, smallest) in HEADLINE_MOVES.items():
        before, after = held.get((year - 1, code)), held.get((year, code))
        if before is None or after is None or before == 0:
            continue
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


# ---- a measure's published figures and every figure held ------------------------------------------------


def published_note(note: str, document: str, section: str) -> dict:
    """A published figure's note (its period and caveats) and its source, as a reader would cite them,
    and whether it is an in-year figure (said on the tile or page itself: headings promise years
    ending 31 March)."""
    note = reader_text(note or "")
    return {
        "note": note,
        "cited": source_citation(document, section),
        "in_year": "not a year ending 31 March" in note,
    }


def _figure(value: float, code: str) -> str:
    return measure_value(value, measure_unit(code))


def published_figures(rows: list[dict]) -> list[dict]:
    """`selectors.published_rows` for a measure's About page: title, year, figure, note and source."""
    return [
        {
            "title": measure_title(row["measure"]),
            "year_label": collection_year(row["year"]),
            "display": "–" if row["value"] is None else _figure(row["value"], row["measure"]),
            **published_note(row["note"], row["document"], row["section"]),
        }
        for row in rows
    ]


def download_rows(rows: list[dict], la: LocalAuthority) -> list[dict]:
    """`selectors.figures_held` for the measures download, in order: by year, then the reference's measure
    order, then source (computed, published, comparator).

    Each row has year, measure, title, value, source ("computed", "published" or "comparator"), area
    (the authority, England, its region or its statistical neighbours' average) and document (the
    published or comparator figure's document as a reader would cite it, with its section).
    """
    order = {code: i for i, code in enumerate(measures.MEASURE_CODES)}
    out = []
    for row in rows:
        if row["source"] == "sn_average":
            kind, area = "comparator", f"Statistical neighbours of {la.name} (average)"
        else:
            kind, area = row["source"], row["area"]
        if kind == "computed":
            cited = COMPUTED_CITATION
        else:
            cited = ", ".join(part for part in (document_title(row["document"]), row["section"]) if part)
        out.append(
            {
                "year": row["year"],
                "measure": row["measure"],
                "title": measure_title(row["measure"]),
                "value": row["value"],
                "source": kind,
                "area": area,
                "document": cited,
            }
        )
    out.sort(
        key=lambda r: (
            r["year"],
            order.get(r["measure"], len(order)),
            r["measure"],
            SOURCE_ORDER.get(r["source"], 3),
            r["area"],
            r["document"],
        )
    )
    return out


# ---- the dashboard ---------------------------------------------------------------------------------------


def _in_range(values: dict[int, float | None], first: int | None, last: int | None) -> dict:
    return {y: v for y, v in values.items() if (first is None or y >= first) and (last is None or y <= last)}


def _held(values: dict[int, float | None]) -> bool:
    return any(v is not None for v in values.values())


def chart_series(spec, values: dict, la: LocalAuthority, first: int | None, last: int | None) -> list[Series]:
    """The series one chart draws: computed, then published (labelled by document), then comparators.

    A stacked chart stacks one figure a category and year: the computed one where the year has computed
    figures, else the published one (the first document that gives it), so the published history stays
    beside the imported years without being counted twice.
    """
    series = []
    computed_years: set[int] = set()
    for code in spec.measures:
        computed = _in_range(values["computed"].get(code, {}), first, last)
        if _held(computed):
            computed_years.update(y for y, v in computed.items() if v is not None)
            name = f"{measure_title(code)} (computed from returns)"
            series.append(Series(name, "computed", code, computed, measure_unit(code)))
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
                    name = f"{measure_title(code)} (published, {document_title(document)})"
                    series.append(Series(name, "published", code, docvalues, measure_unit(code)))
    if spec.comparators:
        for code in spec.measures:
            for key, label in COMPARATOR_LABELS.items():
                comp = _in_range(values[key].get(code, {}), first, last)
                if _held(comp):
                    area = la.region.name if key == "region" and la.region else label
                    pooled = values.get("computed_areas", {}).get(key)
                    if pooled:
                        area += f" (computed from {pooled} authorities' returns where all are held, else published)"
                    name = f"{measure_title(code)}: {area}"
                    series.append(Series(name, key, code, comp, measure_unit(code)))
    return series


def chart_missing(spec, series: list[Series]) -> list[str]:
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
        f"{years_text(years)}: no figures for {_or_list([titles[c] for c in missing])}."
        for missing, years in sorted(runs.items(), key=lambda item: item[1][0])
    ]


def years_text(years: list[int]) -> str:
    """Collection years as a reader writes them: "2014/15 to 2019/20", "2018/19 and 2020/21"."""
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{collection_year(years[0])} to {collection_year(years[-1])}"
    labels = [collection_year(y) for y in years]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def comparators_missing(spec, series: list[Series], la: LocalAuthority) -> list[str]:
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


def _judgement(code: str, change: float) -> str:
    """better | worse | no change | no judgement: a change read by the measure's polarity."""
    definition = measures.MEASURES.get(code)
    polarity = definition.polarity if definition else None
    if change == 0:
        return "no change"
    if not polarity:
        return "no judgement"
    return "better" if (change > 0) == (polarity == "higher_better") else "worse"


def dashboard_tiles(values: dict, year: int | None) -> list[dict]:
    """Headline tiles for a year: value, source, change since the year before and its judgement."""
    tiles = []
    for code in TILE_MEASURES:
        current, previous, source, at = _tile_value(values, code, year)
        change = judgement = None
        if current is not None and previous is not None:
            change = round(current - previous, 1)
            judgement = _judgement(code, change)
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


def _tile_value(
    values: dict, code: str, year: int | None
) -> tuple[float | None, float | None, str, int | None]:
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


def dashboard(
    values: dict, *, la: LocalAuthority, first_year: int | None = None, last_year: int | None = None
) -> dict:
    """Everything the placements dashboard shows for an authority and year range, from
    `selectors.dashboard_values`."""
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
        "computed_span": years_text(computed_years) if computed_years else "",
    }


def _or_list(names: list[str]) -> str:
    """Names joined as a reader writes them: "England, East of England or statistical neighbour"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]
