import pytest
from django.urls import reverse

from flourish.models import ActionLink, Commentary, MeasureValue
from sufficiency.roles import COMMISSIONER
from tests.conftest import _client_for


def test_overview_lists_areas_counts_and_escalations(manager_client, sample, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = manager_client.get(reverse("flourish:overview"))
    assert response.status_code == 200
    assert "flourish/overview.html" in [t.name for t in response.templates]
    areas = response.context["areas"]
    assert [a.area.code for a in areas] == ["F", "L"]
    learning = areas[1]
    assert learning.counts == {"red": 1, "amber": 0, "green": 0, "none": 0}
    assert [m.code for m in response.context["escalated"]] == ["ks2_rwm_pct"]
    html = response.content.decode()
    assert "Escalated when red for two periods in a row." in html
    assert "Not yet placed in an area" in html


def test_area_page_groups_measures_by_outcome(manager_client, sample, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = manager_client.get(reverse("flourish:area_detail", args=["F"]))
    assert response.status_code == 200
    outcomes = dict((o.code, [m.code for m in ms]) for o, ms in response.context["outcomes"])
    assert outcomes == {"F1": ["low_income_pct"], "F2": []}
    assert [m.code for m in response.context["without_outcome"]] == ["cla_rate"]
    assert manager_client.get(reverse("flourish:area_detail", args=["Z"])).status_code == 404


def test_measure_page_states_the_rule_and_shows_chart_table(
    manager_client, ks2, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = manager_client.get(ks2.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rule: Green if the latest value meets the target of 65" in html
    assert "Show as table" in html and 'id="figure-measure"' in html
    assert "vendor/plotly/plotly.css" in html
    assert not response.context["can_edit"]
    assert "Add a value and commentary" not in html
    assert manager_client.get(reverse("flourish:measure_detail", args=["nope"])).status_code == 404


def test_measure_csv(manager_client, ks2):
    response = manager_client.get(reverse("flourish:measure_csv", args=[ks2.code]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines()[1] == "2022,55,59,65,False"


def test_placement_linked_measure_reads_placements(manager_client, sample, seeded_core):
    from placements.models import YearlyFigure as PlacementValue
    from sufficiency.models import LocalAuthority

    norfolk = LocalAuthority.objects.get(code="E10000020")
    for year, value in [(2020, 65.1), (2021, 70.0)]:
        PlacementValue.objects.create(
            la=norfolk, year=year, measure="rate_per_10k", value=value, source="published"
        )
    response = manager_client.get(reverse("flourish:measure_detail", args=["cla_rate"]))
    measure = response.context["measure"]
    assert [(p.period, p.value) for p in measure.points] == [("2019/20", 65.1), ("2020/21", 70.0)]
    assert measure.assessment.status == "red"  # lower is better and it rose
    assert "come from the placements app" in response.content.decode()
    assert not MeasureValue.objects.filter(measure=measure).exists()


def test_manager_cannot_post(manager_client, ks2):
    url = reverse("flourish:value_add", args=[ks2.code])
    assert manager_client.get(url).status_code == 403
    assert (
        manager_client.post(url, {"period": "2024", "value": "70", "version": ks2.version}).status_code == 403
    )
    assert ks2.values.count() == 2


def test_owner_adds_value_and_commentary(commissioner_client, commissioner, ks2):
    url = reverse("flourish:value_add", args=[ks2.code])
    assert commissioner_client.get(url).status_code == 200
    response = commissioner_client.post(
        url,
        {
            "period": "2024",
            "value": "66",
            "england": "61",
            "commentary": "Tutoring worked.",
            "version": ks2.version,
        },
    )
    assert response.status_code == 302
    value = MeasureValue.objects.get(measure=ks2, period="2024")
    assert value.value == 66 and value.entered_by == commissioner and value.england == 61
    assert Commentary.objects.get(measure=ks2, period="2024").text == "Tutoring worked."
    page = commissioner_client.get(ks2.get_absolute_url())
    assert page.context["a"].status == "green"
    assert "Tutoring worked." in page.content.decode()


def test_form_errors_are_listed_and_nothing_saved(commissioner_client, ks2):
    url = reverse("flourish:value_add", args=[ks2.code])
    response = commissioner_client.post(url, {"period": "sometime", "value": "lots", "version": ks2.version})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter the period as a year" in html and "Enter the value as a number" in html
    assert ks2.values.count() == 2


def test_stale_form_is_refused(commissioner_client, ks2):
    url = reverse("flourish:value_add", args=[ks2.code])
    first = commissioner_client.post(url, {"period": "2024", "value": "60", "version": ks2.version})
    assert first.status_code == 302
    second = commissioner_client.post(url, {"period": "2025", "value": "61", "version": ks2.version})
    assert second.status_code == 200
    assert "Someone else changed this measure" in second.content.decode()
    assert not ks2.values.filter(period="2025").exists()
    assert second.context["form"]["version"].value() == str(ks2.version + 1)


@pytest.mark.parametrize("team", ["Transformation"])
def test_commissioner_of_another_team_cannot_add(make_user, ks2, team):
    client = _client_for(make_user(COMMISSIONER, teams=[team]))
    assert client.get(reverse("flourish:value_add", args=[ks2.code])).status_code == 403


def test_report_pages(manager_client, ks2):
    response = manager_client.get(reverse("flourish:report") + "?year=2023")
    assert response.status_code == 200
    assert response.context["year"] == 2023
    html = response.content.decode()
    assert "Pupils meeting the expected standard" in html and "Rule: Green if the latest value" in html
    xlsx = manager_client.get(reverse("flourish:report_xlsx") + "?year=2023")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Summary", "All values"]
    codes = [r[0] for r in book["All values"].iter_rows(min_row=2, values_only=True)]
    assert codes.count("ks2_rwm_pct") == 2
    pdf = manager_client.get(reverse("flourish:report_pdf") + "?year=2023")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_report_year_is_only_up_to_that_year(manager_client, ks2):
    response = manager_client.get(reverse("flourish:report") + "?year=2022")
    measure = next(m for a in response.context["areas"] for m in a.measures if m.code == ks2.code)
    assert [p.period for p in measure.points] == ["2022"]
    assert not measure.assessment.escalated
    assert manager_client.get(reverse("flourish:report") + "?year=abc").status_code == 200


def test_overview_panel_on_home(manager_client, ks2):
    html = manager_client.get("/").content.decode()
    assert "FLOURISH outcomes" in html and "Pupils meeting the expected standard" in html


def test_lead_commissioner_links_an_action(lead_commissioner_client, manager_client, ks2):
    from priorities.models import Action
    from priorities.seed import load_seed

    load_seed()
    action = Action.objects.order_by("pk").first()
    form = lead_commissioner_client.get(reverse("flourish:action_link_form", args=[ks2.code]))
    assert form.status_code == 200
    add = reverse("flourish:action_link_add", args=[ks2.code])
    assert manager_client.post(add, {"action": action.pk}).status_code == 403
    assert lead_commissioner_client.post(add, {"action": action.pk}).status_code == 302
    page = manager_client.get(ks2.get_absolute_url())
    assert page.context["actions"] == [action]
    assert action.get_absolute_url() in page.content.decode()
    link = ks2.action_links.get()
    remove = reverse("flourish:action_link_remove", args=[ks2.code, link.pk])
    assert manager_client.post(remove).status_code == 403
    assert lead_commissioner_client.post(remove).status_code == 302
    assert not ks2.action_links.exists()


def test_framework_page(manager_client, sample, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = manager_client.get(reverse("flourish:framework"))
    html = response.content.decode()
    assert "F1: Children live in stable families." in html
    assert "Youth work" in html and "Agencies share data." in html and "51 would be boys" in html


def test_area_page_shows_determinants_and_outcome_actions(lead_commissioner, manager_client, sample):
    from flourish import services
    from flourish.models import Outcome
    from priorities.models import Action
    from priorities.seed import load_seed

    load_seed()
    action = Action.objects.order_by("pk").first()
    services.action_link_add(user=lead_commissioner, action=action, outcome=Outcome.objects.get(code="F2"))
    response = manager_client.get(reverse("flourish:area_detail", args=["F"]))
    html = response.content.decode()
    assert "Youth work" in html
    assert "Commissioning actions for F2" in html and action.get_absolute_url() in html


def test_register_entry_is_kept_by_lead_commissioners_and_data_admins(
    lead_commissioner_client, lead_commissioner, manager_client, commissioner_client, low_income
):
    from sufficiency.models import Team

    url = reverse("flourish:register_edit", args=[low_income.code])
    assert manager_client.get(url).status_code == 403
    assert commissioner_client.post(url, {"version": 1}).status_code == 403
    assert lead_commissioner_client.get(url).status_code == 200
    team = Team.objects.get(name="Commissioning and Resources")
    bad = lead_commissioner_client.post(url, {"owner_team": team.pk, "target": "lots", "version": 1})
    assert "Enter the target as a number" in bad.content.decode()
    response = lead_commissioner_client.post(
        url,
        {
            "owner_team": team.pk,
            "target": "15",
            "target_date": "2026-03-31",
            "frequency": "Annual",
            "version": 1,
        },
    )
    assert response.status_code == 302
    low_income.refresh_from_db()
    assert low_income.owner_team == team and low_income.target == 15 and low_income.version == 2
    page = manager_client.get(low_income.get_absolute_url()).content.decode()
    assert "Register changed: Owner team, Target, Target date" in page
    # Now the team's commissioners may add values.
    assert commissioner_client.get(reverse("flourish:value_add", args=[low_income.code])).status_code == 200
    stale = lead_commissioner_client.post(url, {"frequency": "Quarterly", "version": 1})
    assert "Someone else changed this measure" in stale.content.decode()


def test_owner_changes_only_the_commentary_of_a_period(commissioner_client, ks2):
    url = reverse("flourish:value_add", args=[ks2.code])
    form = commissioner_client.get(url + "?period=2023")
    assert form.context["form"].initial["value"] == 56 and form.context["correcting"]
    assert "Correct the value or commentary for 2023" in form.content.decode()
    response = commissioner_client.post(
        url,
        {"period": "2023", "value": "56", "england": "60", "note": "n", "commentary": "Why.", "version": 1},
    )
    assert response.status_code == 302
    value = ks2.values.get(period="2023")
    assert value.history.count() == 1  # the value itself did not change
    assert Commentary.objects.get(measure=ks2, period="2023").text == "Why."


def test_lead_commissioner_links_an_action_to_an_outcome(lead_commissioner_client, manager_client, sample):
    from priorities.models import Action
    from priorities.seed import load_seed

    load_seed()
    action = Action.objects.order_by("pk").first()
    assert manager_client.get(reverse("flourish:outcome_link_form", args=["F1"])).status_code == 403
    area = lead_commissioner_client.get(reverse("flourish:area_detail", args=["F"])).content.decode()
    assert reverse("flourish:outcome_link_form", args=["F1"]) in area
    assert lead_commissioner_client.get(reverse("flourish:outcome_link_form", args=["F1"])).status_code == 200
    add = lead_commissioner_client.post(
        reverse("flourish:outcome_link_add", args=["F1"]), {"action": action.pk}
    )
    assert add.status_code == 302 and add["Location"].endswith("/flourish/areas/F/#outcome-F1")
    link = ActionLink.objects.get(outcome__code="F1")
    page = manager_client.get(reverse("flourish:area_detail", args=["F"])).content.decode()
    assert "Commissioning actions for F1" in page
    remove = reverse("flourish:outcome_link_remove", args=["F1", link.pk])
    assert lead_commissioner_client.post(remove).status_code == 302
    assert not ActionLink.objects.exists()


def test_overview_queries_do_not_grow_with_measures(manager_client, sample):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from flourish.models import ImpactArea, Measure

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            manager_client.get(reverse("flourish:overview"))
            manager_client.get(reverse("flourish:area_detail", args=["L"]))
        return len(queries)

    before = count()
    area = ImpactArea.objects.get(code="L")
    for i in range(15):
        m = Measure.objects.create(
            code=f"extra_{i}", title=f"Extra {i}", area=area, status_rule={"kind": "trend"}
        )
        m.outcomes.add(area.outcomes.first())
        for year in (2021, 2022, 2023):
            MeasureValue.objects.create(measure=m, period=str(year), value=year - 2000 + i)
    assert count() == before
