"""Who may do what on the forecast pages, which authority a request is about, and the window and horizon chosen."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied

from forecast.forms import ForecastChoiceForm, authorities_for
from forecast.models import ForecastScenario
from forecast.selectors import forecast_data_span, forecast_default_window
from placements import selectors as placement_selectors
from sufficiency.access import chosen_authority
from sufficiency.models import LocalAuthority
from sufficiency.roles import COMMISSIONER, DATA_ADMIN, LEAD_COMMISSIONER, MANAGER, has_role

DEFAULT_HORIZON = 36


def can_edit_scenarios(user) -> bool:
    return has_role(user, MANAGER, COMMISSIONER, LEAD_COMMISSIONER)


def can_edit_costs(user) -> bool:
    return has_role(user, DATA_ADMIN)


def can_delete_scenario(user, scenario: ForecastScenario) -> bool:
    return scenario.owner_id == user.pk or has_role(user, LEAD_COMMISSIONER)


def chosen_forecast_authority(request, code: str | None = None) -> LocalAuthority:
    """The authority named (else `?la=`): 404 if unknown, 403 outside the user's grants; when none is named,
    the default among the authorities holding SSDA903 returns (a forecast needs them), else the default."""
    with_returns = placement_selectors.authorities_with_current_returns()
    return chosen_authority(request, code or None, among=with_returns)


def check_authority(request, la: LocalAuthority) -> None:
    if not authorities_for(request.user).filter(pk=la.pk).exists():
        raise PermissionDenied


def run_parameters(request, la: LocalAuthority, data) -> dict:
    """The chosen (or default) window and horizon, the form, and the years offered."""
    span = forecast_data_span(la=la)
    years = list(range(span[0].year, span[1].year + 1)) if span else []
    default = forecast_default_window(la=la, span=span) if span else None
    initial = {
        "la": la.code,
        "ref_from": default[0].year if default else None,
        "ref_to": default[1].year if default else None,
        "horizon": DEFAULT_HORIZON,
    }
    given = {k: data.get(k) for k in ("ref_from", "ref_to", "horizon") if data.get(k)}
    form = ForecastChoiceForm({**initial, **given}, user=request.user, years=years)
    params = None
    if span and form.is_valid():
        params = {
            "la": la,
            "ref_start": date(form.cleaned_data["ref_from"], 3, 31),
            "ref_end": date(form.cleaned_data["ref_to"], 3, 31),
            "horizon_months": form.cleaned_data["horizon"],
        }
    query = urlencode({"la": la.code, **{k: form.data.get(k) for k in ("ref_from", "ref_to", "horizon")}})
    return {"form": form, "params": params, "span": span, "query": query, "has_data": bool(span)}
