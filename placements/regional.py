"""Figures for an area of several authorities — a region, England, an authority's statistical neighbours —
computed from the returns held, and the region's authorities ranked on the headline measures.

An area's figure for a year is computed only when every authority in it has a current return for that
year; it is then built by the measures' own rules from the authorities' stored figures: counts are summed,
and each percentage or rate is the ratio of the summed numerator to the summed denominator (never an
average of the authorities' percentages). Where any authority's return is missing, the area's imported
comparator figure (a published statistic) is shown instead, labelled as such, with the authorities whose
returns are missing.

An area's authorities are those that existed in the year: Cumbria, the county of North Yorkshire and the
county of Somerset up to 2022/23, their unitary successors from 2023/24 (ADR 7). A data admin's statistical
neighbours are taken as set, whatever the year. Synthetic (demonstration) authorities are never members
of an area.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from placements import measures
from placements.models import Population, Return, YearlyFigure
from sufficiency.access import visible_authorities
from sufficiency.models import LocalAuthority, existed_in_years

ENGLAND = "E92000001"
AREA_KINDS = (LocalAuthority.Kind.REGION, LocalAuthority.Kind.NATIONAL)

# A percentage or rate and the stored counts it is the ratio of: (numerator, denominator, scale).
# rate_per_10k's denominator is the population aged 0-17, summed over the area's authorities.
RATIOS: dict[str, tuple[str, str, int]] = {
    "rate_per_10k": ("cla_31_march", "population", 10_000),
    "stability_3plus_pct": ("stability_3plus_count", "cla_31_march", 100),
    "long_term_stability_pct": ("long_term_stable_count", "long_term_eligible", 100),
    "distance_over_20_pct": ("distance_over_20_count", "distance_known_count", 100),
}

# The measures the regional page ranks authorities on (LAIT ranks on the same kind of headline figure).
RANKED_MEASURES = [
    "rate_per_10k",
    "cla_31_march",
    "starts",
    "ceases",
    "uasc_31_march",
    "stability_3plus_pct",
    "long_term_stability_pct",
    "distance_over_20_pct",
]


def _check_rules() -> None:
    """Every measure is a count or one of RATIOS: a new percentage must say how it is pooled."""
    for code, definition in measures.MEASURES.items():
        if definition.unit != "count" and code not in RATIOS:
            raise ValueError(f"{code} is a {definition.unit}: add its numerator and denominator to RATIOS")


_check_rules()


# ---- membership ----------------------------------------------------------------------------------------


def members_ever(area: LocalAuthority) -> QuerySet[LocalAuthority]:
    """The real authorities an area has been made of in any year (a region's counties replaced in 2023
    and their successors both)."""
    las = LocalAuthority.objects.las().filter(is_synthetic=False)
    if area.kind == LocalAuthority.Kind.NATIONAL:
        return las
    if area.kind == LocalAuthority.Kind.REGION:
        return las.filter(region=area)
    return las.none()


def members(area: LocalAuthority, year: int | None = None) -> QuerySet[LocalAuthority]:
    """The real authorities an area is made of in a collection year (today's when no year is given):
    a region's, England's (every one), else none."""
    las = members_ever(area)
    return las.current() if year is None else las.existing_in(year)


def neighbours(la: LocalAuthority) -> QuerySet[LocalAuthority]:
    """An authority's statistical neighbours, as a data admin set them."""
    return la.statistical_neighbours.filter(is_synthetic=False)


def years_held(member_ids: list[int]) -> dict[int, set[int]]:
    """{collection year: ids of the members with a current return for it}."""
    held: dict[int, set[int]] = defaultdict(set)
    rows = Return.objects.current().filter(la_id__in=member_ids).values_list("collection_year", "la_id")
    for year, la_id in rows:
        held[year].add(la_id)
    return dict(held)


Periods = dict[int, tuple[int | None, int | None]]  # authority id: (first, last collection year)


def periods_of(las: QuerySet[LocalAuthority]) -> Periods:
    """{authority id: (first collection year, last collection year)}; None where open."""
    rows = las.values_list("pk", "first_collection_year", "last_collection_year")
    return {pk: (first, last) for pk, first, last in rows}


def existing(periods: Periods, year: int) -> list[int]:
    """The authorities of `periods` that existed in `year`."""
    return [pk for pk, (first, last) in periods.items() if existed_in_years(first, last, year)]


def complete_years(periods: Periods, held: dict[int, set[int]]) -> dict[int, list[int]]:
    """{year: the authorities of that year}, for the years every authority existing in it has a current
    return (`held`: years_held of at least these authorities)."""
    out = {}
    for year in sorted(held):
        ids = existing(periods, year)
        if ids and held[year].issuperset(ids):
            out[year] = ids
    return out


# ---- pooling -------------------------------------------------------------------------------------------


def pool(
    per_authority: list[dict[str, float | None]], populations: list[int | None]
) -> dict[str, float | None]:
    """One area's measures for one year from its authorities' measures: sums of counts, ratios of sums.

    `per_authority` holds each member's stored computed figures; `populations` each member's population
    aged 0-17 (None where not held, which leaves the area's rate blank). A count missing for any member
    leaves the area's count blank, and so any ratio that needs it.
    """
    out: dict[str, float | None] = {}
    for code in measures.MEASURE_CODES:
        if code in RATIOS:
            continue
        values = [row.get(code) for row in per_authority]
        out[code] = None if not values or any(v is None for v in values) else int(sum(values))
    pooled_population = (
        None if not populations or any(p is None for p in populations) else int(sum(populations))
    )
    for code, (numerator, denominator, scale) in RATIOS.items():
        num = out.get(numerator)
        den = pooled_population if denominator == "population" else out.get(denominator)
        out[code] = None if num is None or den is None else measures.round_half_up(num, den, scale)
    return {code: out[code] for code in measures.MEASURE_CODES}


def pooled_measures(member_ids: list[int], years: list[int]) -> dict[int, dict[str, float | None]]:
    """{year: {measure: value}} pooled over the members for each of `years` (each must be complete)."""
    if not member_ids or not years:
        return {}
    stored: dict[tuple[int, int], dict[str, float | None]] = defaultdict(dict)
    rows = YearlyFigure.objects.filter(
        la_id__in=member_ids, year__in=years, source=YearlyFigure.Source.COMPUTED
    ).values_list("la_id", "year", "measure", "value")
    for la_id, year, code, value in rows:
        stored[(la_id, year)][code] = value
    population = dict(
        ((la_id, year), n)
        for la_id, year, n in Population.objects.filter(la_id__in=member_ids, year__in=years).values_list(
            "la_id", "year", "population"
        )
    )
    return {
        year: pool(
            [stored.get((la_id, year), {}) for la_id in member_ids],
            [population.get((la_id, year)) for la_id in member_ids],
        )
        for year in years
    }


def pooled_by_year(complete: dict[int, list[int]]) -> dict[int, dict[str, float | None]]:
    """{year: {measure: value}} for complete_years' answer, each year pooled over its own authorities
    (one pooled_measures call for the years that share their authorities)."""
    by_members: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for year, ids in complete.items():
        by_members[tuple(sorted(ids))].append(year)
    out: dict[int, dict[str, float | None]] = {}
    for ids, years in by_members.items():
        out.update(pooled_measures(list(ids), years))
    return dict(sorted(out.items()))


def computed_measures(
    *, area: LocalAuthority, year: int | None = None
) -> list[tuple[int, str, float | None]]:
    """(year, measure, value) of an area's computed figures, for the years every member's return is held,
    in the same shape and order as placements.selectors.computed_measures gives for one authority."""
    periods = periods_of(members_ever(area))
    complete = complete_years(periods, years_held(list(periods)))
    if year is not None:
        complete = {y: ids for y, ids in complete.items() if y == year}
    pooled = pooled_by_year(complete)
    return [(y, code, pooled[y][code]) for y in pooled for code in measures.MEASURE_CODES]


def area_for_code(code: str) -> LocalAuthority | None:
    """The region or England named by `code`; None when the code is an authority's (or empty).

    Raises Http404 for a code the portal does not hold. Area figures are pooled statistics over many
    authorities, like the regional figures the DfE publishes, so every signed-in user may see them.
    """
    code = (code or "").strip()
    if not code:
        return None
    area = LocalAuthority.objects.filter(code=code).first()
    if area is None:
        raise Http404("No such authority")
    return area if area.kind in AREA_KINDS else None


def computed_comparators(la: LocalAuthority) -> dict[str, dict]:
    """An authority's comparators computed from held returns, for the years they can be:
    {"england" | "region" | "sn_average": {"members": N, "values": {measure: {year: value}}}}.

    An area appears only for years every one of its authorities existing that year has a return held
    (England: all 152 before 2023/24, 153 since; the region: its authorities of the year; the neighbours:
    every neighbour a data admin set); for other years the imported comparator figures stand, labelled as
    published. N is the number of authorities of the latest year computed. Three queries when nothing is
    complete (the dashboard calls this on every view).
    """
    rows = LocalAuthority.objects.las().filter(is_synthetic=False)
    rows = rows.values_list("pk", "region_id", "first_collection_year", "last_collection_year")
    periods: Periods = {}
    regions: dict[int, int | None] = {}
    for pk, region_id, first, last in rows:
        periods[pk], regions[pk] = (first, last), region_id
    areas: dict[str, Periods] = {"england": periods}
    if la.region_id:
        areas["region"] = {pk: period for pk, period in periods.items() if regions[pk] == la.region_id}
    areas["sn_average"] = {pk: (None, None) for pk in neighbours(la).values_list("pk", flat=True)}
    held = years_held(list(periods))
    out: dict[str, dict] = {}
    for key, area_periods in areas.items():
        complete = complete_years(area_periods, held)
        if not complete:
            continue
        values: dict[str, dict[int, float | None]] = defaultdict(dict)
        for year, by_measure in pooled_by_year(complete).items():
            for code, value in by_measure.items():
                values[code][year] = value
        out[key] = {"members": len(complete[max(complete)]), "values": dict(values)}
    return out


# ---- an area's figure for one year: computed, else the comparator --------------------------------------


@dataclass
class AreaFigures:
    """An area's figures for one year and where they come from."""

    area: LocalAuthority
    year: int
    members: list[LocalAuthority]
    held: list[LocalAuthority]
    values: dict[str, float | None] = field(default_factory=dict)
    computed: bool = False
    documents: dict[str, str] = field(default_factory=dict)  # measure → comparator document

    @property
    def missing(self) -> list[LocalAuthority]:
        held = {la.pk for la in self.held}
        return [la for la in self.members if la.pk not in held]

    @property
    def source_text(self) -> str:
        if self.computed:
            return f"Computed from {len(self.members)} authorities' returns"
        if self.values:
            return "Published comparator figure"
        return "No figure held"


def area_figures(
    *, area: LocalAuthority, year: int, member_las: list[LocalAuthority] | None = None
) -> AreaFigures:
    """The area's figures for `year`: computed when every member's return is held, else its comparator.

    `member_las` overrides the membership (an authority's statistical neighbours); the comparator then
    comes from `area` itself (for neighbours, their stated average when one was imported).
    """
    member_las = list(members(area, year)) if member_las is None else member_las
    ids = [la.pk for la in member_las]
    held_ids = years_held(ids).get(year, set())
    result = AreaFigures(
        area=area, year=year, members=member_las, held=[la for la in member_las if la.pk in held_ids]
    )
    if member_las and len(held_ids) == len(set(ids)):
        result.values = pooled_measures(ids, [year])[year]
        result.computed = True
        return result
    sources = (
        [YearlyFigure.Source.SN_AVERAGE]
        if area.kind == LocalAuthority.Kind.LA
        else [YearlyFigure.Source.COMPARATOR, YearlyFigure.Source.PUBLISHED]
    )
    rows = YearlyFigure.objects.filter(la=area, year=year, source__in=sources).values_list(
        "measure", "value", "source_document"
    )
    for code, value, document in rows:
        result.values.setdefault(code, value)
        result.documents.setdefault(code, document)
    return result


# ---- the region's authorities ranked -------------------------------------------------------------------


@dataclass
class RankedRow:
    la: LocalAuthority
    value: float | None
    source: str  # "computed" | "published" | "comparator" | "" (none held)
    rank: int | None = None
    quartile: int | None = None


def _ranks(rows: list[RankedRow], descending: bool) -> None:
    """Standard competition ranks (1, 2, 2, 4) and quartiles 1-4 (1 = the first quarter of the ranking)."""
    valued = [r for r in rows if r.value is not None]
    valued.sort(key=lambda r: (-r.value if descending else r.value, r.la.name))
    n = len(valued)
    for i, row in enumerate(valued):
        previous = valued[i - 1] if i else None
        row.rank = previous.rank if previous and previous.value == row.value else i + 1
        row.quartile = math.ceil(row.rank * 4 / n)


def ranking_order(code: str) -> str:
    """How a measure is ranked: the better figure first where the measure has a better direction,
    else from the lowest figure to the highest (as LAIT does)."""
    polarity = measures.MEASURES[code].polarity
    return "highest first" if polarity == "higher_better" else "lowest first"


def authority_figures(
    *, las: list[LocalAuthority], year: int, user
) -> dict[int, dict[str, tuple[float | None, str]]]:
    """{authority id: {measure: (value, source)}} for one year.

    An authority the user may see gives its figures computed from held returns, else its published or
    comparator figure. An authority outside the user's grants gives only its published and comparator
    figures (statistics already in the public domain): what its own returns hold stays with those allowed
    to see it.
    """
    visible = set(visible_authorities(user).filter(pk__in=[la.pk for la in las]).values_list("pk", flat=True))
    preference = {
        YearlyFigure.Source.COMPUTED: 0,
        YearlyFigure.Source.PUBLISHED: 1,
        YearlyFigure.Source.COMPARATOR: 2,
    }
    out: dict[int, dict[str, tuple[float | None, str, int]]] = defaultdict(dict)
    rows = YearlyFigure.objects.filter(
        la_id__in=[la.pk for la in las], year=year, measure__in=RANKED_MEASURES, source__in=list(preference)
    ).values_list("la_id", "measure", "value", "source")
    for la_id, code, value, source in rows:
        if source == YearlyFigure.Source.COMPUTED and la_id not in visible:
            continue
        held = out[la_id].get(code)
        if value is not None and (held is None or preference[source] < held[2]):
            out[la_id][code] = (value, source, preference[source])
    return {la_id: {c: (v, s) for c, (v, s, _) in by.items()} for la_id, by in out.items()}


def region_years(region: LocalAuthority) -> list[int]:
    """Years for which any figure is held for the region or any of its authorities, latest first."""
    ids = list(members_ever(region).values_list("pk", flat=True)) + [region.pk]
    years = YearlyFigure.objects.filter(la_id__in=ids, measure__in=RANKED_MEASURES).values_list(
        "year", flat=True
    )
    return sorted(set(years), reverse=True)


def regional_page(*, region: LocalAuthority, year: int | None, user) -> dict:
    """Everything the regional page shows for a region and year."""
    years = region_years(region)
    if year is None or year not in years:
        year = years[0] if years else None
    member_las = list(members(region, year).order_by("name"))
    context = {"region": region, "years": years, "year": year, "members": member_las, "tables": []}
    if year is None:
        return context
    figures = area_figures(area=region, year=year, member_las=member_las)
    england = area_figures(area=LocalAuthority.objects.get(code=ENGLAND), year=year)
    by_la = authority_figures(las=member_las, year=year, user=user)
    for code in RANKED_MEASURES:
        definition = measures.MEASURES[code]
        rows = [RankedRow(la, *by_la.get(la.pk, {}).get(code, (None, ""))) for la in member_las]
        _ranks(rows, descending=definition.polarity == "higher_better")
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.la.name))
        context["tables"].append(
            {
                "code": code,
                "title": definition.title,
                "unit": definition.unit,
                "order": ranking_order(code),
                "judged": definition.polarity is not None,
                "rows": rows,
                "ranked": sum(1 for r in rows if r.rank is not None),
                "region_value": figures.values.get(code),
                "region_document": figures.documents.get(code, ""),
                "england_value": england.values.get(code),
                "england_document": england.documents.get(code, ""),
            }
        )
    context["figures"] = figures
    context["england"] = england
    return context


def default_region(request) -> LocalAuthority | None:
    """The region asked for as ?la= (the API's parameter), else the region of the authority asked for,
    else of the default authority, else of the first authority the user may see."""
    from sufficiency.access import authority_for_request, default_authority

    area = area_for_code(request.GET.get("la", ""))
    if area is not None and area.kind == LocalAuthority.Kind.REGION:
        return area
    la = authority_for_request(request) if area is None else None  # England: the default region
    if la is None:
        real = LocalAuthority.objects.filter(is_synthetic=False, region__isnull=False)
        la = default_authority(request.user, among=real)
    return la.region if la is not None else None
