"""Fixtures for the priorities tests: the seeded strategy table and handy actions."""

import pytest


@pytest.fixture
def seeded(db):
    """The transcribed priorities table (fixtures/priorities.json) loaded; returns the seed summary."""
    from priorities.seed import load_seed

    return load_seed()


@pytest.fixture
def cr_action(seeded):
    """An action owned by "Commissioning and Resources" (the `commissioner` fixture's team)."""
    from priorities.models import Action

    return Action.objects.filter(owner_team__name="Commissioning and Resources").order_by("pk").first()


@pytest.fixture
def other_action(seeded):
    """An action owned by another team only ("Transformation")."""
    from priorities.models import Action

    return (
        Action.objects.filter(owner_team__name="Transformation", co_owner_teams=None).order_by("pk").first()
    )
