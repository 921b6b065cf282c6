"""The regional page (a region's authorities ranked on the headline measures) and the measures API for
regions and England."""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from placements import regional
from placements import views as placements_views
from placements.presenters import format_value
from sufficiency import csvsafe
from sufficiency.models import LocalAuthority


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 1990 <= int(value) <= 2100 else None


@require_GET
def measures_api(request):
    """/api/measures/?la=CODE: an authority's computed measures (placements.views.measures_api); for a
    region or England, the figures pooled over its authorities for the years every one has a return."""
    area = regional.area_for_code(request.GET.get("la", ""))
    if area is None:
        return placements_views.measures_api(request)
    year = _year(request.GET.get("year"))
    rows = regional.computed_measures(area=area, year=year)
    return JsonResponse(
        {
            "la": {"code": area.code, "name": area.name, "is_synthetic": False},
            "computed_from": regional.members(area, year).count(),
            "measures": [
                {"year": year, "measure": measure, "value": value, "display": format_value(measure, value)}
                for year, measure, value in rows
            ],
        }
    )


def _region(request) -> LocalAuthority:
    code = request.GET.get("region", "").strip()
    if code:
        region = LocalAuthority.objects.filter(code=code, kind=LocalAuthority.Kind.REGION).first()
        if region is None:
            raise Http404("No such region")
        return region
    region = regional.default_region(request)
    if region is None:
        region = LocalAuthority.objects.filter(kind=LocalAuthority.Kind.REGION).order_by("code").first()
    if region is None:
        raise Http404("No regions are held")
    return region


def _context(request) -> dict:
    region = _region(request)
    context = regional.regional_page(region=region, year=_year(request.GET.get("year")), user=request.user)
    context["regions"] = LocalAuthority.objects.filter(kind=LocalAuthority.Kind.REGION).order_by("name")
    return context


@require_GET
def region(request):
    return render(request, "placements/regional.html", _context(request))


@require_GET
def region_csv(request):
    context = _context(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{context['region'].code}-{context['year'] or 'none'}-ranking.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csvsafe.writer(response)
    writer.writerow(
        ["region", "year", "measure", "rank", "quartile", "authority_code", "authority", "value", "source"]
    )
    for table in context["tables"]:
        for row in table["rows"]:
            writer.writerow(
                [
                    context["region"].name,
                    context["year"],
                    table["code"],
                    row.rank or "",
                    row.quartile or "",
                    row.la.code,
                    row.la.name,
                    format_value(table["code"], row.value),
                    row.source,
                ]
            )
        writer.writerow(
            [
                context["region"].name,
                context["year"],
                table["code"],
                "",
                "",
                context["region"].code,
                f"{context['region'].name}: {context['figures'].source_text}",
                format_value(table["code"], table["region_value"]),
                "computed"
                if context["figures"].computed
                else ("comparator" if table["region_value"] is not None else ""),
            ]
        )
    return response
