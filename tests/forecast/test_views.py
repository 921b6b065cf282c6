"""The forecast pages: status, template, context, permissions, downloads and query counts."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forecast.models import Capacity, ForecastRun, ForecastScenario, UnitCost
from forecast.selectors import forecast_inputs_key, forecast_run_find
from sufficiency.models import LocalAuthority
from sufficiency.roles import COMMISSIONER, DATA_ADMIN, MANAGER
from tests.forecast.fixtures import *  # noqa: F403 (the demo_la and run_now fixtures)

PARAMS = {"la": "Z99999999", "ref_from": "2018", "ref_to": "2021", "horizon": "24"}


@pytest.fixture
def baseline(demo_la, run_now):
    run, _ = run_now(la=demo_la, ref_start=date(2018, 3, 31), ref_end=date(2021, 3, 31), horizon_months=24)
    assert run.status == "succeeded", run.error
    Capacity.objects.create(
        la=demo_la,
        name="In-house residential beds",
        group="residential",
        value=20,
        unit="beds",
        effective_year=2020,
    )
    return run


def test_forecast_page_shows_the_stored_run(manager_client, baseline, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        response = manager_client.get("/forecast/", PARAMS)
    assert response.status_code == 200
    assert "forecast/forecast.html" in [t.name for t in response.templates]
    assert response.context["run"] == baseline
    ids = [b["id"] for b in response.context["blocks"]]
    assert ids == ["total", "by_group", "by_band", "group_band", "costs", "backtest", "sufficiency"]
    html = response.content.decode()
    assert "Show as table" in html and "Download every table (XLSX)" in html
    suff = next(b for b in response.context["blocks"] if b["id"] == "sufficiency")["table"]
    assert suff["rows"][0][0] == "In-house residential beds" and suff["rows"][0][5] == 20.0
    assert suff["rows"][0][2] in ("Room", "At risk (≥90% full)", "Shortfall")


def test_the_cost_block_links_data_admins_to_the_missing_unit_costs(manager_client, make_user, baseline):
    from django.test import Client

    def cost_question(client):
        blocks = client.get("/forecast/", PARAMS).context["blocks"]
        return str(next(b for b in blocks if b["id"] == "costs")["question"])

    link = 'href="/forecast/costs/unit-costs/?la=Z99999999"'
    assert "No unit cost held for" in cost_question(manager_client)
    assert link not in cost_question(manager_client)  # a manager cannot enter costs
    admin = Client()
    admin.force_login(make_user(DATA_ADMIN))
    assert link in cost_question(admin)


def test_page_query_count_does_not_grow_with_episodes(manager_client, baseline):
    with CaptureQueriesContext(connection) as queries:
        manager_client.get("/forecast/", PARAMS)
    assert not any("placements_episode" in q["sql"] for q in queries.captured_queries)


def test_default_page_without_parameters_offers_a_run(manager_client, demo_la):
    response = manager_client.get("/forecast/")
    assert response.status_code == 200
    assert response.context["la"] == demo_la  # the first authority with returns
    assert response.context["run"] is None
    assert "Run the forecast" in response.content.decode()


def test_post_runs_and_redirects_then_the_page_reads_it(
    manager_client, demo_la, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post("/forecast/run/", {**PARAMS, "horizon": "12"})
    assert response.status_code == 302 and "horizon=12" in response["Location"]
    run = ForecastRun.objects.get(horizon_months=12)
    assert run.status == "succeeded"
    page = manager_client.get(response["Location"])
    assert page.context["run"] == run


def test_authority_not_granted_is_forbidden(make_user, baseline, seeded_core):
    from django.test import Client

    user = make_user(MANAGER, las=["E10000020"])
    client = Client()
    client.force_login(user)
    assert client.get("/forecast/", PARAMS).status_code == 403
    assert client.get(f"/forecast/runs/{baseline.pk}/forecast.xlsx").status_code == 403


def test_csv_and_xlsx_downloads(manager_client, baseline):
    response = manager_client.get(f"/forecast/runs/{baseline.pk}/tables/by_group.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Date", "Placement group", "Actual", "Projected", "Lower 95%", "Upper 95%"]
    assert len(rows) > 8 * 25
    response = manager_client.get(f"/forecast/runs/{baseline.pk}/forecast.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert manager_client.get(f"/forecast/runs/{baseline.pk}/tables/nope.csv").status_code == 404


def test_data_admin_cannot_create_scenarios_but_manager_can(data_admin_client, manager_client, demo_la):
    assert data_admin_client.get("/forecast/scenarios/new/").status_code == 403
    assert manager_client.get("/forecast/scenarios/new/").status_code == 200


def test_scenario_form_errors_are_clear(manager_client, demo_la):
    response = manager_client.post(
        "/forecast/scenarios/new/", {"la": demo_la.code, "name": "", "in_house_share": "20"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["Enter a name for the scenario"]
    assert errors["in_house_by"] == ["Enter the year by which the in-house share is reached"]
    assert "There is a problem" in response.content.decode()


def test_create_scenario_and_compare(make_user, demo_la, baseline, django_capture_on_commit_callbacks):
    from django.test import Client

    from priorities.seed import load_seed as load_priorities

    load_priorities()
    from priorities.models import Action

    action = Action.objects.active().first()
    client = Client()
    client.force_login(make_user(COMMISSIONER))
    response = client.post(
        "/forecast/scenarios/new/",
        {
            "la": demo_la.code,
            "name": "Fewer entries",
            "entry_trend": "-5",
            "move_fraction": "10",
            "move_target": "fostered_in_house",
            "in_house_share": "20",
            "in_house_by": "2023",
            "actions": [action.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    scenario = ForecastScenario.objects.get(name="Fewer entries")
    assert [a["kind"] for a in scenario.adjustments] == [
        "entry_trend",
        "residential_to_fostering",
        "in_house_share_target",
    ]
    assert list(scenario.actions.all()) == [action]
    assert scenario.history.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/forecast/scenarios/{scenario.pk}/run/", PARAMS)
    assert response.status_code == 302
    page = client.get(f"/forecast/scenarios/{scenario.pk}/", PARAMS)
    assert page.context["ready"]
    assert page.context["baseline"] == baseline
    tables = {t["id"]: t for t in page.context["tables"]}
    assert list(tables) == [
        "compare_difference",
        "compare_total",
        "compare_groups",
        "compare_costs",
        "compare_sufficiency",
    ]
    last_total = [r for r in tables["compare_groups"]["rows"] if r[1] == "All placements"][-1]
    assert last_total[3] < last_total[2]  # fewer entries: fewer children than the baseline
    headline = page.context["headline"]
    assert headline["date_label"] == "31 March 2023" and headline["changes"][-1][0] == "total"
    html = page.content.decode()
    assert f"<strong>By 31 March 2023:</strong> {headline['text']}." in html
    assert "fewer children looked after in all: " in headline["text"]
    assert [c["id"] for c in page.context["charts"]] == ["compare_difference", "compare_total"]
    assert 'id="figure-compare_difference"' in html and 'id="figure-compare_total"' in html
    assert page.context["saving"]["refused"]  # children move to in-house fostering, which has no unit cost
    assert "No cost saving is shown." in html
    download = client.get(
        f"/forecast/scenarios/{scenario.pk}/comparison.csv", {**PARAMS, "table": "compare_costs"}
    )
    assert download.content.decode().startswith(
        "Projection year,Placement group,Baseline,Scenario,Difference"
    )
    difference = client.get(
        f"/forecast/scenarios/{scenario.pk}/comparison.csv", {**PARAMS, "table": "compare_difference"}
    )
    assert difference.content.decode().startswith("Placement group,31 March 2022,31 March 2023")
    total = client.get(
        f"/forecast/scenarios/{scenario.pk}/comparison.csv", {**PARAMS, "table": "compare_total"}
    )
    assert len(total.content.decode().splitlines()) == 1 + 25  # every month in the CSV
    xlsx = client.get(f"/forecast/scenarios/{scenario.pk}/comparison.xlsx", PARAMS)
    assert xlsx.content[:2] == b"PK"


def test_data_admin_adds_unit_cost_and_capacity(make_user, demo_la):
    from django.test import Client

    admin = make_user(DATA_ADMIN)
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/forecast/costs/unit-costs/new/",
        {
            "la": demo_la.code,
            "group": "fostered_in_house",
            "provider": "",
            "weekly_cost": "abc",
            "effective_from": "31/02/2024",
        },
    )
    errors = response.context["form"].errors
    assert errors["weekly_cost"] == ["Enter the cost as a number"]
    assert errors["effective_from"] == ["Enter a real date"]
    response = client.post(
        "/forecast/costs/unit-costs/new/",
        {
            "la": demo_la.code,
            "group": "fostered_in_house",
            "provider": "in_house",
            "weekly_cost": "450",
            "effective_from": "1/4/2024",
        },
    )
    assert response.status_code == 302
    cost = UnitCost.objects.get(group="fostered_in_house")
    assert cost.entered_by == admin and cost.source == "entered" and cost.effective_from == date(2024, 4, 1)
    response = client.post(
        "/forecast/costs/capacities/new/",
        {
            "la": demo_la.code,
            "name": "Fostering households",
            "group": "fostered_in_house",
            "provider": "in_house",
            "value": "300",
            "unit": "beds",
            "effective_year": "2024",
            "at_risk_percent": "101",
        },
    )
    assert response.context["form"].errors["at_risk_percent"] == ["The share must be 100 or less"]
    response = client.post(
        "/forecast/costs/capacities/new/",
        {
            "la": demo_la.code,
            "name": "Fostering households",
            "group": "fostered_in_house",
            "provider": "in_house",
            "value": "300",
            "unit": "beds",
            "effective_year": "2024",
            "at_risk_percent": "95",
        },
    )
    assert response.status_code == 302
    assert Capacity.objects.get(name="Fostering households").at_risk_percent == 95
    page = client.get("/forecast/costs/", {"la": demo_la.code})
    assert "Fostering households" in page.content.decode()
    manager = Client()
    manager.force_login(make_user(MANAGER))
    assert manager.get("/forecast/costs/unit-costs/new/").status_code == 403
    assert manager.get("/forecast/costs/", {"la": demo_la.code}).status_code == 200


def test_new_unit_cost_means_a_new_run(manager_client, baseline, demo_la):
    assert (
        forecast_run_find(
            la=demo_la, ref_start=date(2018, 3, 31), ref_end=date(2021, 3, 31), horizon_months=24
        )
        == baseline
    )
    UnitCost.objects.create(
        la=demo_la, group="adoption", provider="in_house", weekly_cost=100, effective_from=date(2019, 1, 1)
    )
    response = manager_client.get("/forecast/", PARAMS)
    assert response.context["run"] is None


def test_authority_without_returns(manager_client, seeded_core):
    response = manager_client.get("/forecast/", {"la": "E10000020"})
    assert response.status_code == 200
    assert "No SSDA903 returns are imported" in response.content.decode()
    assert LocalAuthority.objects.get(code="E10000020")


def test_a_failed_run_says_why_and_offers_a_new_run(manager_client, demo_la):
    run = ForecastRun.objects.create(
        la=demo_la,
        ref_start=date(2018, 3, 31),
        ref_end=date(2021, 3, 31),
        horizon_months=24,
        status=ForecastRun.Status.FAILED,
        error="ValueError: something went wrong",
    )
    ForecastRun.objects.filter(pk=run.pk).update(inputs_key=forecast_inputs_key(la=demo_la))
    html = manager_client.get("/forecast/", PARAMS).content.decode()
    assert "The forecast could not be computed: ValueError: something went wrong" in html
    assert "Run the forecast" in html


def test_only_the_owner_or_a_lead_commissioner_deletes_a_scenario(make_user, demo_la):
    from django.test import Client

    from sufficiency.roles import LEAD_COMMISSIONER

    owner, other = make_user(MANAGER), make_user(MANAGER)
    scenario = ForecastScenario.objects.create(
        la=demo_la, name="To delete", owner=owner, adjustments=[{"kind": "entry_trend", "rate": -0.1}]
    )
    client = Client()
    client.force_login(other)
    assert client.post(f"/forecast/scenarios/{scenario.pk}/delete/").status_code == 403
    client.force_login(owner)
    assert client.get(f"/forecast/scenarios/{scenario.pk}/delete/").status_code == 200
    assert client.post(f"/forecast/scenarios/{scenario.pk}/delete/").status_code == 302
    assert not ForecastScenario.objects.filter(pk=scenario.pk).exists()
    assert ForecastScenario.history.filter(id=scenario.pk, history_type="-").exists()
    again = ForecastScenario.objects.create(la=demo_la, name="Lead deletes", owner=owner, adjustments=[])
    client.force_login(make_user(LEAD_COMMISSIONER))
    assert client.post(f"/forecast/scenarios/{again.pk}/delete/").status_code == 302


def test_comparison_headline_warns_when_the_scenario_fills_a_capacity(
    make_user, demo_la, baseline, django_capture_on_commit_callbacks
):
    from django.test import Client

    scenario = ForecastScenario.objects.create(
        la=demo_la,
        name="Residential to in-house fostering",
        adjustments=[
            {
                "kind": "residential_to_fostering",
                "fraction": 0.5,
                "source": "residential",
                "target": "fostered_in_house",
            }
        ],
    )
    fostering = [y["in_house"] for y in baseline.results["yearly"] if y["group"] == "fostered_in_house"]
    # in-house fostering beds the baseline fills to 89% at most: room, every year
    Capacity.objects.create(
        la=demo_la,
        name="Fostering beds",
        group="fostered_in_house",
        value=round(max(fostering) / 0.89, 2),
        unit="beds",
        effective_year=2020,
    )
    client = Client()
    client.force_login(make_user(MANAGER))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/forecast/scenarios/{scenario.pk}/run/", PARAMS)
    page = client.get(f"/forecast/scenarios/{scenario.pk}/", PARAMS)
    assert page.context["ready"]
    changes = dict(page.context["headline"]["changes"])
    assert changes["residential"] < 0 < changes["fostered_in_house"]
    html = page.content.decode()
    assert "in residential care" in html and "in in-house fostering" in html
    warnings = page.context["capacity_warnings"]
    assert len(warnings) == 1 and warnings[0].startswith("Fostering beds: ")
    assert (
        " in year 1 (to 31 March 2022), " in warnings[0] or " in year 2 (to 31 March 2023), " in warnings[0]
    )
    assert "Capacity: the scenario takes a capacity beyond its at-risk level or into shortfall." in html
    assert page.context["saving"]["refused"] and "No cost saving is shown." in html

    # with both sides of the move costed, the saving is in the headline
    for group, provider in [("fostered_in_house", "in_house"), ("residential", "in_house")]:
        UnitCost.objects.create(
            la=demo_la, group=group, provider=provider, weekly_cost=900, effective_from=date(2020, 1, 1)
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/forecast/scenarios/{scenario.pk}/run/", PARAMS)
    page = client.get(f"/forecast/scenarios/{scenario.pk}/", PARAMS)
    saving = page.context["saving"]
    assert not saving["refused"] and saving["headline"].endswith("a year less, on the costs held")
    assert page.context["headline"]["money"] == saving["headline"]
    assert f"; {saving['headline']}.</p>" in page.content.decode()


def test_data_admin_changes_the_at_risk_level_of_a_capacity(make_user, manager_client, baseline, demo_la):
    from django.test import Client

    capacity = Capacity.objects.get(la=demo_la, name="In-house residential beds")
    url = f"/forecast/costs/capacities/{capacity.pk}/at-risk/"
    assert manager_client.get(url).status_code == 403
    client = Client()
    client.force_login(make_user(DATA_ADMIN))
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial == {"at_risk_percent": 90, "seen": 90}
    response = client.post(url, {"at_risk_percent": "101", "seen": "90"})
    assert response.context["form"].errors["at_risk_percent"] == ["The share must be 100 or less"]
    response = client.post(url, {"at_risk_percent": "85", "seen": "90"})
    assert response.status_code == 302
    capacity.refresh_from_db()
    assert capacity.at_risk_percent == 85
    assert [h.at_risk_percent for h in capacity.history.order_by("history_date")] == [90, 85]
    # someone who opened the page before that change does not overwrite it
    response = client.post(url, {"at_risk_percent": "95", "seen": "90"})
    assert response.status_code == 200
    assert "Someone else changed the level to 85%" in response.context["form"].errors["at_risk_percent"][0]
    capacity.refresh_from_db()
    assert capacity.at_risk_percent == 85
    costs = client.get("/forecast/costs/", {"la": demo_la.code}).content.decode()
    assert "85% full" in costs and f'href="{url}"' in costs
    page = manager_client.get("/forecast/", PARAMS)
    suff = next(b for b in page.context["blocks"] if b["id"] == "sufficiency")["table"]
    assert all(r[2] != "At risk (≥90% full)" for r in suff["rows"])  # judged by the new level
