"""Every URL that takes or shows an authority keeps to the user's grants.

A manager or data admin granted Norfolk only is refused the demo authority (403 for an authority named in
the request, 404 for an import of it); one without grants gets the page. To cover a new URL, add a row to
CASES: its name, the role that may otherwise use it, and how to build the request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from forecast.models import Capacity, ForecastRun, ForecastScenario, UnitCost
from placements.charts import CHARTS_BY_ID
from placements.models import ImportJob
from sufficiency.access import authority_for_request, visible_authorities
from sufficiency.models import LocalAuthority
from sufficiency.roles import DATA_ADMIN, MANAGER

pytestmark = pytest.mark.django_db

NORFOLK, DEMO = "E10000020", "Z99999999"
CHART = next(iter(CHARTS_BY_ID))
RUN_PARAMS = {"la": DEMO, "ref_from": "2018", "ref_to": "2021", "horizon": "24"}


@dataclass(frozen=True)
class Case:
    name: str  # URL name
    role: str  # a role that may use the page for its own authorities
    args: Callable[[dict], list] = lambda objects: []  # objects -> URL arguments
    method: str = "get"
    data: dict | None = None  # query (GET) or form (POST); {"la": DEMO} when None
    form: type | None = None  # a form page: refused by its authority field, nothing of this model saved
    open_to_all: bool = True  # an unlimited user of the role gets 200 from the same request

    def __str__(self) -> str:
        return self.name


CASES = [
    # placements dashboards and their downloads (placements/views.py), the measures API
    Case("placements:dashboard", MANAGER),
    Case("placements:dashboard_xlsx", MANAGER),
    Case("placements:chart_csv", MANAGER, args=lambda o: [CHART]),
    Case("placements:measures_csv", MANAGER),
    Case("placements:measures_xlsx", MANAGER),
    Case("placements:comparators_template", DATA_ADMIN),
    Case("api_measures", MANAGER),
    # the regional ranking (placements/regional_views.py): an authority outside the grants is refused
    Case("regional:region", MANAGER),
    Case("regional:region_csv", MANAGER),
    # the forecast, its scenarios, unit costs and capacities (forecast/views.py)
    Case("forecast:forecast", MANAGER),
    Case("forecast:start", MANAGER, method="post", data=RUN_PARAMS, open_to_all=False),
    Case("forecast:run_status", MANAGER, args=lambda o: [o["run"].pk], open_to_all=False),
    Case("forecast:table_csv", MANAGER, args=lambda o: [o["run"].pk, "total"], open_to_all=False),
    Case("forecast:xlsx", MANAGER, args=lambda o: [o["run"].pk], open_to_all=False),
    Case("forecast:scenarios", MANAGER),
    Case("forecast:scenario", MANAGER, args=lambda o: [o["scenario"].pk]),
    Case(
        "forecast:scenario_run",
        MANAGER,
        args=lambda o: [o["scenario"].pk],
        method="post",
        data=RUN_PARAMS,
        open_to_all=False,
    ),
    Case(
        "forecast:scenario_delete", MANAGER, args=lambda o: [o["scenario"].pk], open_to_all=False
    ),
    Case(
        "forecast:scenario_download",
        MANAGER,
        args=lambda o: [o["scenario"].pk, "csv"],
        open_to_all=False,
    ),
    Case(
        "forecast:scenario_create",
        MANAGER,
        method="post",
        data={"la": DEMO, "name": "Fewer residential", "adjustments": "[]"},
        form=ForecastScenario,
        open_to_all=False,
    ),
    Case("forecast:costs", MANAGER),
    Case("forecast:unit_costs", DATA_ADMIN),  # every group and provider's cost on one page
    Case("forecast:capacity_at_risk", DATA_ADMIN, args=lambda o: [o["capacity"].pk]),
    Case(
        "forecast:unit_cost_create",
        DATA_ADMIN,
        method="post",
        data={
            "la": DEMO,
            "group": "residential",
            "provider": "external",
            "weekly_cost": "2850",
            "effective_from": "2020-01-01",
        },
        form=UnitCost,
        open_to_all=False,
    ),
    Case(
        "forecast:capacity_create",
        DATA_ADMIN,
        method="post",
        data={
            "la": DEMO,
            "name": "Beds",
            "group": "residential",
            "provider": "in_house",
            "value": "10",
            "unit": "beds",
            "effective_year": "2020",
        },
        form=Capacity,
        open_to_all=False,
    ),
    # the data admin's imports (placements/data_views.py): not found rather than refused
    Case("data:import_detail", DATA_ADMIN, args=lambda o: [o["job"].pk], data={}),
    Case("data:import_status", DATA_ADMIN, args=lambda o: [o["job"].pk], data={}),
    Case("data:import_problems_csv", DATA_ADMIN, args=lambda o: [o["job"].pk], data={}),
    Case(
        "data:import_upload",
        DATA_ADMIN,
        method="post",
        data={"la": DEMO, "collection_year": "2020"},
        form=ImportJob,
        open_to_all=False,
    ),
]


@pytest.fixture
def demo_objects(seeded_core):
    """Objects that belong to the demo authority (no data is needed: the scope is checked first)."""
    demo = LocalAuthority.objects.get(code=DEMO)
    return {
        "run": ForecastRun.objects.create(
            la=demo, ref_start=date(2018, 3, 31), ref_end=date(2021, 3, 31), horizon_months=24
        ),
        "scenario": ForecastScenario.objects.create(la=demo, name="Demo scenario", adjustments=[]),
        "job": ImportJob.objects.create(la=demo, collection_year=2020, status=ImportJob.Status.REJECTED),
        "capacity": Capacity.objects.create(
            la=demo, name="Beds", group="residential", value=10, unit="beds", effective_year=2020
        ),
    }


def _request(client: Client, case: Case, objects: dict):
    try:
        url = reverse(case.name, args=case.args(objects))
    except NoReverseMatch:
        pytest.fail(f"{case.name} is in the table but is not a URL of this portal")
    data = {"la": DEMO} if case.data is None else case.data
    return getattr(client, case.method)(url, data)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("case", CASES, ids=str)
def test_user_granted_norfolk_is_refused_the_demo_authority(make_user, demo_objects, case):
    client = _client(make_user(case.role, las=[NORFOLK]))
    before = case.form.objects.count() if case.form else None
    response = _request(client, case, demo_objects)
    if case.form:
        assert response.status_code == 200
        assert "la" in response.context["form"].errors
        assert case.form.objects.count() == before
    elif case.name.startswith("data:"):
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert b"Demo scenario" not in response.content


@pytest.mark.parametrize("case", [c for c in CASES if c.open_to_all], ids=str)
def test_user_without_grants_gets_the_demo_authority(make_user, demo_objects, case):
    client = _client(make_user(case.role))
    assert _request(client, case, demo_objects).status_code == 200


def test_every_authority_taking_url_is_in_the_table():
    """A URL whose name says it shows an authority's figures must be covered above."""
    from django.urls import get_resolver

    covered = {case.name for case in CASES}
    reviewed_elsewhere = {
        "placements:chart_about",  # a chart's definitions: no authority
        "placements:forecast_moved",  # a redirect to the forecast app's page, which is in the table
    }
    names = []
    for namespace in ("placements", "forecast", "data", "regional"):
        resolver = get_resolver().namespace_dict[namespace][1]
        names += [f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str)]
    assert {"forecast:costs", "data:import_detail"} <= set(names)  # the listing found the URLs
    missing = sorted(
        set(names)
        - covered
        - reviewed_elsewhere
        - {"data:index", "data:import_list", "data:population_upload", "data:comparators_upload"}
    )
    assert missing == [], f"add these URLs to CASES (or say why not): {missing}"


# ---- the shared helper itself ------------------------------------------------------------------------------


def test_authority_for_request(rf, make_user, seeded_core):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    request = rf.get("/", {"la": DEMO})
    request.user = make_user(MANAGER, las=[NORFOLK])
    with pytest.raises(PermissionDenied):
        authority_for_request(request)
    assert authority_for_request(request, NORFOLK).code == NORFOLK
    with pytest.raises(Http404):
        authority_for_request(request, "E99999999")
    assert authority_for_request(rf.get("/"), "") is None
    request.user = make_user(MANAGER)
    assert authority_for_request(request).code == DEMO
    assert set(visible_authorities(request.user)) == set(LocalAuthority.objects.las())
