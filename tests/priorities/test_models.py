from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from priorities.models import Action, StatusUpdate


def test_rag_annotation_agrees_with_python_rules(seeded):
    today = date(2022, 3, 1)
    # Spread the statuses so every rule is exercised.
    actions = list(Action.objects.order_by("pk"))
    statuses = [s.value for s in Action.Status]
    for i, action in enumerate(actions):
        Action.objects.filter(pk=action.pk).update(status=statuses[i % len(statuses)])
    Action.objects.filter(pk=actions[0].pk).update(due_end=None)
    Action.objects.filter(pk=actions[1].pk).update(rag_override="green", rag_override_reason="Agreed")
    for action in Action.objects.with_rag(today):
        assert action.rag_code == action.rag(today).code, (action.status, action.due_end)


def test_late(seeded):
    today = date(2021, 10, 1)
    late = Action.objects.late(today)
    assert all(a.due_end < today and a.status not in Action.CLOSED_STATUSES for a in late)
    assert late.count() == Action.objects.filter(due_end__lt=today).count()


def test_active_excludes_archived_and_archived_priority(seeded):
    first, second = Action.objects.order_by("pk")[:2]
    Action.objects.filter(pk=first.pk).update(archived_at="2024-01-01T00:00:00Z")
    second.priority.archived_at = "2024-01-01T00:00:00Z"
    second.priority.save()
    active = Action.objects.active()
    assert first not in active and second not in active
    assert active.count() == 28


def test_status_update_is_append_only(seeded, commissioner):
    action = Action.objects.first()
    update = StatusUpdate.objects.create(action=action, user=commissioner, to_status="Complete", comment="x")
    update.comment = "changed"
    with pytest.raises(ValidationError):
        update.save()
    with pytest.raises(ValidationError):
        update.delete()
    assert StatusUpdate.objects.get(pk=update.pk).comment == "x"


def test_absolute_url_is_stable(seeded):
    action = Action.objects.first()
    assert action.get_absolute_url() == f"/priorities/actions/{action.pk}/"


def test_rag_method_uses_override(seeded):
    action = Action.objects.first()
    action.due_end = timezone.localdate() + timedelta(days=365)
    action.status = "In progress"
    assert action.rag().code == "green"
    action.rag_override, action.rag_override_reason = "red", "Provider withdrew"
    rag = action.rag()
    assert rag.code == "red" and rag.overridden and "Provider withdrew" in rag.rule


def test_database_refuses_closing_without_comment_and_unknown_status(seeded):
    from django.db import IntegrityError, transaction

    action = Action.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.create(action=action, to_status="Complete", comment="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status="Done")
    StatusUpdate.objects.create(action=action, to_status="Launched", comment="")  # no comment needed
