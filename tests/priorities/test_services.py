import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from priorities import services
from priorities.models import Action, StatusUpdate, Theme
from sufficiency.models import Team
from tests.factories import ActionFactory, PortfolioFactory, PriorityFactory, TeamFactory, ThemeFactory


def test_update_status_appends_and_bumps_version(cr_action, commissioner):
    before = cr_action.version
    update = services.action_update_status(
        action=cr_action,
        user=commissioner,
        to_status="Complete",
        comment="Unit opened",
        evidence_url="https://example.org/report",
        expected_version=before,
    )
    cr_action.refresh_from_db()
    assert cr_action.status == "Complete" and cr_action.version == before + 1
    assert (update.from_status, update.to_status, update.user) == ("In progress", "Complete", commissioner)
    assert update.evidence_url == "https://example.org/report"
    record = cr_action.history.first()
    assert record.history_user == commissioner and record.status == "Complete"
    # A second update adds a row, it does not replace the first.
    services.action_update_status(
        action=cr_action,
        user=commissioner,
        to_status="In progress",
        comment="Reopened",
        expected_version=before + 1,
    )
    assert StatusUpdate.objects.filter(action=cr_action).count() == 2


@pytest.mark.parametrize("status", ["On hold", "Complete", "Cancelled"])
def test_comment_required(cr_action, commissioner, status):
    with pytest.raises(ValidationError) as exc:
        services.action_update_status(
            action=cr_action,
            user=commissioner,
            to_status=status,
            comment="  ",
            expected_version=cr_action.version,
        )
    assert "comment" in exc.value.message_dict
    assert not StatusUpdate.objects.exists()
    cr_action.refresh_from_db()
    assert cr_action.status == "In progress" and cr_action.version == 1


def test_comment_not_required_for_launched(cr_action, commissioner):
    services.action_update_status(
        action=cr_action, user=commissioner, to_status="Launched", expected_version=cr_action.version
    )
    assert StatusUpdate.objects.get().comment == ""


def test_status_not_in_list(cr_action, commissioner):
    with pytest.raises(ValidationError):
        services.action_update_status(
            action=cr_action, user=commissioner, to_status="Done", comment="x", expected_version=1
        )
    assert not StatusUpdate.objects.exists()


def test_too_long_comment(cr_action, commissioner):
    with pytest.raises(ValidationError):
        services.action_update_status(
            action=cr_action, user=commissioner, to_status="Complete", comment="x" * 2001, expected_version=1
        )
    assert not StatusUpdate.objects.exists()


def test_stale_version_conflict_saves_nothing(cr_action, commissioner, lead_commissioner):
    services.action_update_status(
        action=cr_action,
        user=lead_commissioner,
        to_status="On hold",
        comment="Paused by lead",
        expected_version=1,
    )
    stale = Action.objects.get(pk=cr_action.pk)
    with pytest.raises(services.ConflictError) as exc:
        services.action_update_status(
            action=stale, user=commissioner, to_status="Complete", comment="Done", expected_version=1
        )
    assert [c.history_user for c in exc.value.changes] == [lead_commissioner]
    assert exc.value.changes[0].status == "On hold"
    assert exc.value.current.version == 2
    assert StatusUpdate.objects.count() == 1
    cr_action.refresh_from_db()
    assert cr_action.status == "On hold" and cr_action.version == 2


def test_other_team_refused(other_action, commissioner):
    with pytest.raises(PermissionDenied):
        services.action_update_status(
            action=other_action, user=commissioner, to_status="Launched", expected_version=1
        )


def test_manager_refused(cr_action, manager):
    with pytest.raises(PermissionDenied):
        services.action_update_status(
            action=cr_action, user=manager, to_status="Launched", expected_version=1
        )


def test_lead_edits_any_team(other_action, lead_commissioner):
    services.action_update_status(
        action=other_action, user=lead_commissioner, to_status="Launched", expected_version=1
    )


def test_co_owner_team_may_edit(make_user):
    from sufficiency.roles import COMMISSIONER

    action = ActionFactory(owner_team=TeamFactory(name="Adoption"), co_owner_teams=["Commissioning"])
    user = make_user(COMMISSIONER, teams=["Commissioning"])
    services.action_update_status(action=action, user=user, to_status="Launched", expected_version=1)


def test_override_rag_needs_reason_and_is_in_history(cr_action, commissioner):
    with pytest.raises(ValidationError):
        services.action_override_rag(
            action=cr_action, user=commissioner, rag="green", reason="", expected_version=1
        )
    services.action_override_rag(
        action=cr_action,
        user=commissioner,
        rag="green",
        reason="Deadline extended by CSLT",
        expected_version=1,
    )
    cr_action.refresh_from_db()
    assert cr_action.rag().code == "green" and cr_action.rag().overridden
    record = cr_action.history.first()
    assert record.rag_override == "green" and "Deadline extended" in record.history_change_reason
    services.action_override_rag(action=cr_action, user=commissioner, rag="", reason="", expected_version=2)
    cr_action.refresh_from_db()
    assert cr_action.rag_override == "" and cr_action.rag_override_reason == ""


def test_archive_lead_only_and_kept(cr_action, commissioner, lead_commissioner):
    with pytest.raises(PermissionDenied):
        services.action_archive(action=cr_action, user=commissioner, expected_version=1)
    services.action_archive(action=cr_action, user=lead_commissioner, expected_version=1)
    assert Action.objects.filter(pk=cr_action.pk).exists()
    assert cr_action not in Action.objects.active()
    services.action_unarchive(action=cr_action, user=lead_commissioner, expected_version=2)
    assert cr_action in Action.objects.active()


def test_priority_and_action_create(lead_commissioner, commissioner):
    portfolio = PortfolioFactory(name="DfE")
    PriorityFactory(portfolio=portfolio, order=1)
    PriorityFactory(portfolio=portfolio, order=2)
    TeamFactory(name="Commissioning")
    ThemeFactory(name="Partner")
    with pytest.raises(PermissionDenied):
        services.priority_create(portfolio=portfolio, title="New", user=commissioner)
    priority = services.priority_create(portfolio=portfolio, title="Refresh 2026", user=lead_commissioner)
    assert priority.order == 3
    action = services.action_create(
        priority=priority,
        user=lead_commissioner,
        description="Do the thing",
        owner_team=Team.objects.get(name="Commissioning"),
        timescale_text="April 2026 to March 2027",
        themes=Theme.objects.filter(name="Partner"),
    )
    assert action.due_end.isoformat() == "2027-03-31"
    assert action.history.first().history_user == lead_commissioner
    with pytest.raises(ValidationError):
        services.action_create(
            priority=priority, user=lead_commissioner, description="x" * 4001, owner_team=action.owner_team
        )


def test_priority_archive_hides_its_actions(lead_commissioner):
    action = ActionFactory()
    services.priority_archive(priority=action.priority, user=lead_commissioner)
    assert action not in Action.objects.active()
    assert Action.objects.filter(pk=action.pk).exists()


def test_update_details_reparses_dates_and_records_history(cr_action, commissioner, lead_commissioner):
    build = Theme.objects.filter(name="Build")
    ThemeFactory(name="Partner")
    TeamFactory(name="Resources")
    services.action_update_details(
        action=cr_action,
        user=commissioner,
        expected_version=1,
        description="New wording",
        lead_officer="Jo Bloggs",
        timescale_text="April 2026 to March 2027",
        themes=Theme.objects.filter(name="Partner"),
    )
    cr_action.refresh_from_db()
    assert (str(cr_action.due_start), str(cr_action.due_end)) == ("2026-04-01", "2027-03-31")
    assert "themes: Build → Partner" in cr_action.history.first().history_change_reason
    other = Team.objects.get(name="Resources")
    with pytest.raises(PermissionDenied):
        services.action_update_details(
            action=cr_action,
            user=commissioner,
            expected_version=2,
            description="x",
            lead_officer="",
            timescale_text="",
            themes=build,
            owner_team=other,
        )
    services.action_update_details(
        action=cr_action,
        user=lead_commissioner,
        expected_version=2,
        description="x",
        lead_officer="",
        timescale_text="Ongoing",
        themes=build,
        owner_team=other,
    )
    cr_action.refresh_from_db()
    assert cr_action.owner_team == other and cr_action.due_end is None
    assert cr_action.rag().code == "none"
    with pytest.raises(services.ConflictError):
        services.action_update_details(
            action=cr_action,
            user=lead_commissioner,
            expected_version=2,
            description="y",
            lead_officer="",
            timescale_text="",
            themes=build,
        )
