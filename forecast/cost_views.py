"""Unit costs and capacities: the list of an authority's figures, and forms to add one (data admins)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from forecast.choices import can_edit_costs, chosen_forecast_authority
from forecast.cost_forms import PAIRS, UnitCostForm, UnitCostGridForm, unit_costs_in_force
from forecast.cost_tables import pair_words
from forecast.forms import CapacityForm, authorities_for
from forecast.models import Capacity, UnitCost


@require_GET
def costs(request):
    la = chosen_forecast_authority(request)
    held = unit_costs_in_force(la=la, on=timezone.localdate())
    return render(
        request,
        "forecast/costs.html",
        {
            "la": la,
            "authorities": authorities_for(request.user),
            "unit_costs": UnitCost.objects.filter(la=la).select_related("entered_by"),
            "pair_count": len(PAIRS),
            "no_cost": [
                pair_words(*p) for p in PAIRS if p not in held
            ],  # the pairs with no cost in force today
            "capacities": Capacity.objects.filter(la=la).select_related("entered_by"),
            "can_edit_costs": can_edit_costs(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def unit_costs(request):
    """Data admins of the authority enter the weekly cost of every group and provider the forecast projects,
    from a date; the changed figures are saved together or not at all."""
    la = chosen_forecast_authority(request)  # 403 outside the user's authorities
    if not can_edit_costs(request.user):
        raise PermissionDenied
    form = UnitCostGridForm(request.POST or None, la=la, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        saved = form.save(user=request.user)
        when = form.cleaned_data["effective_from"]
        if saved:
            names = ", ".join(pair_words(c.group, c.provider) for c in saved)
            messages.success(
                request,
                f"Saved {len(saved)} unit cost{'s' if len(saved) != 1 else ''} in force from {when:%-d %B %Y}: "
                f"{names}. Run the forecast and its scenarios again to use them.",
            )
        else:
            messages.info(
                request, f"Nothing changed: the figures entered are the ones in force on {when:%-d %B %Y}."
            )
        return redirect(f"{reverse('forecast:costs')}?la={la.code}")
    return render(request, "forecast/cost_unit_costs.html", {"la": la, "form": form})


def _figure_form(request, form_class, title: str, intro: str):
    if not can_edit_costs(request.user):
        raise PermissionDenied
    initial = {"la": request.GET.get("la")} if request.GET.get("la") else {}
    form = form_class(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.entered_by = request.user
        obj.save()
        messages.success(request, f"Saved: {obj}.")
        return redirect(f"{reverse('forecast:costs')}?la={obj.la.code}")
    return render(request, "forecast/figure_form.html", {"form": form, "title": title, "intro": intro})


@require_http_methods(["GET", "POST"])
def unit_cost_create(request):
    return _figure_form(
        request,
        UnitCostForm,
        "Add a unit cost",
        "A weekly cost of a placement group and provider, in force from a date. To change a cost, add the new "
        "figure with the date it applies from: earlier figures stay for earlier months, and every change is "
        "kept in the history.",
    )


@require_http_methods(["GET", "POST"])
def capacity_create(request):
    return _figure_form(
        request,
        CapacityForm,
        "Add a capacity",
        "Beds available at any one time, or bed nights a year, from a year ending 31 March. The sufficiency "
        "table compares projected demand with the latest figure in force each year.",
    )
