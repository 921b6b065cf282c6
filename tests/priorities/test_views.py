import io
from datetime import timedelta

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from priorities.models import Action, StatusUpdate

LIST = reverse_lazy("priorities:action_list")


def test_list(seeded, manager_client):
    response = manager_client.get(LIST)
    assert response.status_code == 200
    assert "priorities/action_list.html" in [t.name for t in response.templates]
    assert response.context["result_count"] == 30
    assert len(response.context["table"].rows) == 30
    body = response.content.decode()
    assert "To develop solo/duel placement provisions" in body
    assert "Add a priority" not in body  # managers do not manage the strategy


def test_list_query_count(seeded, manager_client, django_assert_max_num_queries, lead_commissioner):
    """The list's queries do not grow with the number of actions (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from priorities import services
    from priorities.models import Theme
    from sufficiency.models import Team

    with django_assert_max_num_queries(15):
        response = manager_client.get(LIST)
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as before:
        manager_client.get(LIST)
    priority = Action.objects.first().priority
    for i in range(10):
        services.action_create(
            priority=priority,
            user=lead_commissioner,
            description=f"Extra action {i}",
            owner_team=Team.objects.get(name="Adoption"),
            co_owner_teams=Team.objects.filter(name="Commissioning"),
            themes=Theme.objects.all()[:2],
            timescale_text="March 2030",
        )
    with CaptureQueriesContext(connection) as after:
        response = manager_client.get(LIST)
    assert response.context["result_count"] == 40
    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "Launched"}, 1),
        ({"q": "Liquid Logic"}, 1),
        ({"q": "no such words here"}, 0),
        ({"due_before": "2021-06-30"}, 3),  # June 2021 (x2) and April 2021
        ({"rag": "red"}, 29),  # every seed timescale is in the past now; the launched action is green
    ],
)
def test_list_filters(seeded, manager_client, params, expected):
    response = manager_client.get(LIST, params)
    assert response.context["result_count"] == expected


def test_filter_by_portfolio_theme_team(seeded, manager_client):
    from priorities.models import Portfolio, Theme
    from sufficiency.models import Team

    dfe = Portfolio.objects.get(name="DfE")
    partner = Theme.objects.get(name="Partner")
    assert manager_client.get(LIST, {"portfolio": dfe.pk}).context["result_count"] == 2
    assert manager_client.get(LIST, {"portfolio": dfe.pk, "theme": partner.pk}).context["result_count"] == 2
    mh = Portfolio.objects.get(name="Mental Health")
    # Mental Health rows naming Partner: "0-4 ...", "HSB", "trauma informed"
    assert manager_client.get(LIST, {"portfolio": mh.pk, "theme": partner.pk}).context["result_count"] == 3
    commissioning = Team.objects.get(name="Commissioning")
    expected = Action.objects.for_teams([commissioning]).count()
    assert manager_client.get(LIST, {"team": commissioning.pk}).context["result_count"] == expected


def test_my_team_and_late_filter(seeded, commissioner_client, commissioner):
    mine = Action.objects.for_teams(commissioner.teams.all())
    response = commissioner_client.get(LIST, {"mine": "on", "late": "on"})
    assert response.context["result_count"] == mine.count() == 9
    one = mine.first()
    Action.objects.filter(pk=one.pk).update(status="Complete")
    assert commissioner_client.get(LIST, {"mine": "on", "late": "on"}).context["result_count"] == 8


def test_changed_since_filter(seeded, commissioner_client):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert commissioner_client.get(LIST, {"changed_since": tomorrow}).context["result_count"] == 0
    today = timezone.localdate().isoformat()
    assert commissioner_client.get(LIST, {"changed_since": today}).context["result_count"] == 30


def test_bad_filter_date_shows_error(cr_action, manager_client):
    response = manager_client.get(LIST, {"due_before": "not-a-date"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_archived_hidden_unless_asked(seeded, manager_client):
    Action.objects.filter(pk=Action.objects.first().pk).update(archived_at=timezone.now())
    assert manager_client.get(LIST).context["result_count"] == 29
    assert manager_client.get(LIST, {"archived": "on"}).context["result_count"] == 30


def test_sorting(cr_action, other_action, manager_client):
    for sort in ["portfolio", "-timescale", "status", "rag", "owner_team", "action", "-updated_at"]:
        assert manager_client.get(LIST, {"sort": sort}).status_code == 200


def test_detail(cr_action, commissioner_client):
    response = commissioner_client.get(cr_action.get_absolute_url())
    assert response.status_code == 200
    assert "priorities/action_detail.html" in [t.name for t in response.templates]
    assert response.context["can_edit"] is True
    body = response.content.decode()
    assert "Update status" in body and "Red: past its due date" in body
    assert "Change history" in body


def test_detail_manager_has_no_edit_button(cr_action, manager_client):
    response = manager_client.get(cr_action.get_absolute_url())
    assert response.context["can_edit"] is False
    assert "Update status" not in response.content.decode()


def test_status_update_flow(cr_action, commissioner_client):
    url = reverse("priorities:action_status_update", args=[cr_action.pk])
    assert commissioner_client.get(url).status_code == 200
    response = commissioner_client.post(
        url, {"status": "Complete", "comment": "Crisis unit open", "evidence_url": "", "version": 1}
    )
    assert response.status_code == 302 and response["Location"] == cr_action.get_absolute_url()
    detail = commissioner_client.get(cr_action.get_absolute_url()).content.decode()
    assert "Crisis unit open" in detail and "In progress → Complete" in detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "Finished", "comment": "x"}, "Select a status from the list."),
        ({"status": "Complete", "comment": ""}, "Enter a comment explaining why the action is complete."),
        ({"status": "On hold", "comment": "   "}, "Enter a comment explaining why the action is on hold."),
        ({"status": "Complete", "comment": "x" * 2001}, "Comment must be 2000 characters or fewer."),
        (
            {"status": "Launched", "evidence_url": "not a link"},
            "Enter the evidence link as a full web address",
        ),
        (
            {"status": "Launched", "progress_note": "y" * 2001},
            "Progress note must be 2000 characters or fewer.",
        ),
        ({"comment": "x"}, "Select the action&#x27;s status."),
    ],
)
def test_status_update_bad_input(cr_action, commissioner_client, data, message):
    url = reverse("priorities:action_status_update", args=[cr_action.pk])
    response = commissioner_client.post(url, {"version": 1, **data})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert not StatusUpdate.objects.exists()
    cr_action.refresh_from_db()
    assert cr_action.version == 1 and cr_action.status == "In progress"


def test_stale_form_shows_conflict_and_saves_nothing(
    cr_action, commissioner_client, lead_commissioner_client
):
    url = reverse("priorities:action_status_update", args=[cr_action.pk])
    lead = lead_commissioner_client.post(
        url, {"status": "On hold", "comment": "Waiting for funding", "version": 1}
    )
    assert lead.status_code == 302
    response = commissioner_client.post(url, {"status": "Complete", "comment": "All done", "version": 1})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else changed this action" in body
    assert "Lead" in body and "Status is now <strong>On hold</strong>" in body
    assert response.context["conflict"].changes[0].status == "On hold"
    assert response.context["form"]["version"].value() == "2"  # a deliberate resubmit can now save
    assert StatusUpdate.objects.count() == 1
    cr_action.refresh_from_db()
    assert cr_action.status == "On hold"


def test_edit_details_view(cr_action, commissioner_client):
    url = reverse("priorities:action_edit", args=[cr_action.pk])
    response = commissioner_client.get(url)
    assert response.status_code == 200 and "owner_team" not in response.context["form"].fields
    too_long = commissioner_client.post(url, {"description": "x" * 4001, "version": 1})
    assert "Action must be 4000 characters or fewer." in too_long.content.decode()
    ok = commissioner_client.post(
        url,
        {
            "description": "Reworded",
            "lead_officer": "A. Officer",
            "timescale_text": "June 2027",
            "version": 1,
        },
    )
    assert ok.status_code == 302
    cr_action.refresh_from_db()
    assert (cr_action.description, cr_action.lead_officer, str(cr_action.due_end)) == (
        "Reworded",
        "A. Officer",
        "2027-06-30",
    )
    detail = commissioner_client.get(cr_action.get_absolute_url()).content.decode()
    assert "Lead officer: (none) → A. Officer" in detail


def test_rag_override_view(cr_action, commissioner_client):
    url = reverse("priorities:action_rag_override", args=[cr_action.pk])
    assert commissioner_client.get(url).status_code == 200
    bad = commissioner_client.post(url, {"rag": "green", "reason": "", "version": 1})
    assert "Enter the reason for overriding the RAG." in bad.content.decode()
    ok = commissioner_client.post(url, {"rag": "green", "reason": "Extended to 2027 by CSLT", "version": 1})
    assert ok.status_code == 302
    detail = commissioner_client.get(cr_action.get_absolute_url()).content.decode()
    assert "Extended to 2027 by CSLT" in detail and "The rules alone give: Red" in detail


def test_archive_and_create_views(cr_action, lead_commissioner_client):
    url = reverse("priorities:action_archive", args=[cr_action.pk])
    assert lead_commissioner_client.get(url).status_code == 200
    assert lead_commissioner_client.post(url, {"version": 1}).status_code == 302
    cr_action.refresh_from_db()
    assert cr_action.archived_at is not None
    response = lead_commissioner_client.post(
        reverse("priorities:priority_create"),
        {"portfolio": cr_action.priority.portfolio_id, "title": "New priority"},
    )
    assert response.status_code == 302
    response = lead_commissioner_client.post(
        reverse("priorities:action_create"),
        {
            "priority": cr_action.priority_id,
            "description": "New action",
            "owner_team": cr_action.owner_team_id,
            "timescale_text": "March 2027",
            "status": "Not started",
        },
    )
    assert response.status_code == 302
    assert Action.objects.filter(description="New action", due_end="2027-03-31").exists()
    too_long = lead_commissioner_client.post(
        reverse("priorities:priority_create"),
        {"portfolio": cr_action.priority.portfolio_id, "title": "x" * 501},
    )
    assert "Priority must be 500 characters or fewer." in too_long.content.decode()


def test_matrix(seeded, manager_client):
    response = manager_client.get(reverse("priorities:matrix"))
    assert response.status_code == 200
    assert "priorities/matrix.html" in [t.name for t in response.templates]
    assert [r.label for r in response.context["rows"]] == [
        "Residential",
        "Fostering",
        "Semi Independent",
        "Alternative to Care",
        "Mental Health",
    ]
    body = response.content.decode()
    assert "Continuously improve quality and reduce waste." in body
    assert f"{LIST}?portfolio=" in body


def test_board_pack_html(cr_action, commissioner, manager_client):
    from priorities import services

    services.action_update_status(
        action=cr_action, user=commissioner, to_status="Complete", comment="Board note", expected_version=1
    )
    response = manager_client.get(reverse("priorities:board_pack"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Board note" in body and "Residential &amp; SIA" in body
    assert reverse("priorities:print_css") in body
    later = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert (
        "Board note"
        not in manager_client.get(reverse("priorities:board_pack"), {"since": later}).content.decode()
    )
    bad = manager_client.get(reverse("priorities:board_pack"), {"since": "31/02/2024"})
    assert "Enter the date as a real date" in bad.content.decode()


def test_board_pack_xlsx(seeded_cr_action, commissioner, manager_client):
    from openpyxl import load_workbook

    from priorities import services

    services.action_update_status(
        action=seeded_cr_action,
        user=commissioner,
        to_status="Complete",
        comment="Board note",
        expected_version=1,
    )
    response = manager_client.get(reverse("priorities:board_pack_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Summary",
        "Residential & SIA",
        "Fostering & Adoption",
        "Alternative to Care",
        "Mental Health",
        "DfE",
        "Access to Resource",
    ]
    summary = book["Summary"]
    rows = {r[0]: r for r in summary.iter_rows(min_row=5, values_only=True)}
    assert rows["Residential & SIA"][1] == 8 and rows["Total"][1] == 30
    assert rows["Residential & SIA"][7] == 1  # one action updated since
    sheet = book["Residential & SIA"]
    values = [row for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert len(values) == 8
    [done] = [r for r in values if r[6] == "Complete"]
    assert "Board note" in done[10] and done[7] == "Not rated"


def test_board_pack_pdf(seeded, manager_client):
    response = manager_client.get(reverse("priorities:board_pack_pdf"))
    if response.status_code == 302:  # WeasyPrint cannot run here: the printable page is offered instead
        assert reverse("priorities:board_pack") in response["Location"]
    else:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_print_css(db, manager_client):
    response = manager_client.get(reverse("priorities:print_css"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")


def test_overview_panel(seeded, manager):
    from priorities.overview import overview_panel

    panel = overview_panel(manager)
    assert panel["template"] == "priorities/_overview_panel.html"
    counts = panel["context"]["counts"]
    # Every seed timescale is in the past now; the one launched action is neither late nor red.
    assert counts["total"] == 30 and counts["late"] == 29
    assert counts["by_status"]["In progress"] == 29 and counts["by_rag"]["red"] == 29


def test_overview_panel_empty(db, manager):
    from priorities.overview import overview_panel

    assert overview_panel(manager) is None


def test_home_shows_panel(cr_action, manager_client):
    response = manager_client.get("/")
    assert "Commissioning priorities" in response.content.decode()


def test_actions_by_ids(cr_action, other_action):
    from priorities.selectors import actions_by_ids

    ids = [cr_action.pk, other_action.pk]
    assert sorted(a.pk for a in actions_by_ids(ids)) == sorted(ids)


def test_action_summary_partial_for_other_apps(cr_action):
    from django.template.loader import render_to_string

    from priorities.selectors import actions_by_ids

    action = actions_by_ids([cr_action.pk]).get()
    html = render_to_string("priorities/_action_summary.html", {"action": action})
    assert action.get_absolute_url() in html and "In progress" in html and "Red" in html
