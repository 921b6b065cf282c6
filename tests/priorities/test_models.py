from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from priorities.models import Action, StatusUpdate
from tests.factories import ActionFactory, PriorityFactory

DUE_ENDS = [None, date(2021, 6, 30), date(2022, 2, 28), date(2022, 3, 1), date(2022, 3, 20), date(2022, 12, 31)]


@pytest.fixture
def actions(db):
    """Every status against every kind of due date (none, past, today, within and beyond 28 days)."""
    return [
        ActionFactory(status=status, due_end=due_end)
        for status in Action.Status.values
        for due_end in DUE_ENDS
    ]


def test_rag_annotation_agrees_with_python_rules(actions):
    today = date(2022, 3, 1)
    Action.objects.filter(pk=actions[1].pk).update(rag_override="green", rag_override_reason="Agreed")
    codes = set()
    for action in Action.objects.with_rag(today):
        assert action.rag_code == action.rag(today).code, (action.status, action.due_end)
        codes.add(action.rag_code)
    assert codes == {"red", "amber", "green", "none"}


def test_late(actions):
    today = date(2022, 3, 1)
    late = set(Action.objects.late(today))
    expected = {
        a
        for a in actions
        if a.due_end and a.due_end < today and a.status not in [*Action.CLOSED_STATUSES, "Launched"]
    }
    assert late == expected and len(late) == 3 * 2  # three open statuses (launched is not late), two past due dates


def test_active_excludes_archived_and_archived_priority(db):
    priority = PriorityFactory()
    first, second, *others = [ActionFactory(priority=p) for p in [priority, PriorityFactory(), priority, priority]]
    Action.objects.filter(pk=first.pk).update(archived_at="2024-01-01T00:00:00Z")
    second.priority.archived_at = "2024-01-01T00:00:00Z"
    second.priority.save()
    active = Action.objects.active()
    assert first not in active and second not in active
    assert set(active) == set(others)


def test_status_update_is_append_only(db, commissioner):
    action = ActionFactory()
    update = StatusUpdate.objects.create(action=action, user=commissioner, to_status="Complete", comment="x")
    update.comment = "changed"
    with pytest.raises(ValidationError):
        update.save()
    with pytest.raises(ValidationError):
        update.delete()
    assert StatusUpdate.objects.get(pk=update.pk).comment == "x"


def test_absolute_url_is_stable(db):
    action = ActionFactory()
    assert action.get_absolute_url() == f"/priorities/actions/{action.pk}/"


def test_rag_method_uses_override(db):
    action = ActionFactory()
    action.due_end = timezone.localdate() + timedelta(days=365)
    action.status = "In progress"
    assert action.rag().code == "green"
    action.rag_override, action.rag_override_reason = "red", "Provider withdrew"
    rag = action.rag()
    assert rag.code == "red" and rag.overridden and "Provider withdrew" in rag.rule


def test_database_refuses_closing_without_comment_and_unknown_status(db):
    from django.db import IntegrityError, transaction

    action = ActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.create(action=action, to_status="Complete", comment="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status="Done")
    StatusUpdate.objects.create(action=action, to_status="Launched", comment="")  # no comment needed
