import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from flourish import services
from flourish.models import ActionLink, Commentary, Measure
from sufficiency.roles import COMMISSIONER


def test_record_value_and_commentary_history(commissioner, ks2):
    services.measure_record_value(
        measure=ks2, user=commissioner, expected_version=1, period="2024", value=60, commentary="First."
    )
    services.measure_record_value(
        measure=ks2, user=commissioner, expected_version=2, period="2024", value=61, commentary="Second."
    )
    comment = Commentary.objects.get(measure=ks2, period="2024")
    assert comment.text == "Second."
    assert [h.text for h in comment.history.order_by("history_date")] == ["First.", "Second."]
    value = ks2.values.get(period="2024")
    assert value.value == 61 and value.history.count() == 2
    assert Measure.objects.get(pk=ks2.pk).version == 3


def test_stale_version_raises_conflict_and_writes_nothing(commissioner, ks2):
    services.measure_record_value(measure=ks2, user=commissioner, expected_version=1, period="2024", value=60)
    with pytest.raises(services.ConflictError) as info:
        services.measure_record_value(
            measure=Measure.objects.get(pk=ks2.pk),
            user=commissioner,
            expected_version=1,
            period="2025",
            value=1,
            commentary="x",
        )
    assert [c.history_change_reason for c in info.value.changes] == ["Value for 2024"]
    assert not ks2.values.filter(period="2025").exists()
    assert not Commentary.objects.filter(period="2025").exists()


def test_permissions(make_user, manager, lead_commissioner, data_admin, ks2, low_income):
    other = make_user(COMMISSIONER, teams=["Transformation"])
    for user in (manager, other):
        with pytest.raises(PermissionDenied):
            services.measure_record_value(measure=ks2, user=user, expected_version=1, period="2024", value=1)
    # No owner team: lead commissioners and data admins keep it.
    assert lead_commissioner.has_perm("flourish.edit_measure", low_income)
    assert data_admin.has_perm("flourish.edit_measure", low_income)
    assert not manager.has_perm("flourish.edit_measure", low_income)
    assert data_admin.has_perm("flourish.upload_values") and not lead_commissioner.has_perm(
        "flourish.upload_values"
    )
    assert lead_commissioner.has_perm("flourish.link_actions") and not data_admin.has_perm(
        "flourish.link_actions"
    )


def test_bad_period_and_placements_measure(lead_commissioner, ks2, sample):
    with pytest.raises(ValidationError):
        services.measure_record_value(
            measure=ks2, user=lead_commissioner, expected_version=1, period="soon", value=1
        )
    with pytest.raises(ValidationError):
        services.measure_record_value(
            measure=Measure.objects.get(code="cla_rate"),
            user=lead_commissioner,
            expected_version=1,
            period="2024",
            value=1,
        )


def test_action_links_through_the_priorities_seam(lead_commissioner, manager, ks2):
    from flourish.selectors import linked_actions
    from priorities.seed import load_seed

    load_seed()
    from priorities.models import Action

    action = Action.objects.order_by("pk").first()
    with pytest.raises(PermissionDenied):
        services.action_link_add(user=manager, action=action, measure=ks2)
    link = services.action_link_add(user=lead_commissioner, action=action, measure=ks2)
    assert services.action_link_add(user=lead_commissioner, action=action, measure=ks2) == link
    assert linked_actions(measure=ks2) == [action]
    services.action_link_remove(user=lead_commissioner, link=link)
    assert not ActionLink.objects.exists()
