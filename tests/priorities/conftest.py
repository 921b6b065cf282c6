"""Fixtures for the priorities tests: two actions built by factories, and the whole seed for the tests
that are about it (lists, filters, the board pack's counts)."""

from datetime import date

import pytest

from tests.factories import ActionFactory, PortfolioFactory, PriorityFactory, TeamFactory


@pytest.fixture
def seeded(db):
    """The transcribed priorities table (fixtures/priorities.json) loaded; returns the seed summary."""
    from priorities.seed import load_seed

    return load_seed()


@pytest.fixture
def cr_action(db):
    """An open action owned by "Commissioning and Resources" (the `commissioner` fixture's team), past its
    timescale (June 2021, so red), themed Build, under "Residential & SIA": like the seed's first row."""
    return ActionFactory(
        priority=PriorityFactory(portfolio=PortfolioFactory(name="Residential & SIA", order=1)),
        owner_team=TeamFactory(name="Commissioning and Resources"),
        timescale_text="June 2021",
        due_start=date(2021, 6, 1),
        due_end=date(2021, 6, 30),
        status="In progress",
        themes=["Build"],
    )


@pytest.fixture
def other_action(db):
    """An open action owned by another team only ("Transformation")."""
    return ActionFactory(
        owner_team=TeamFactory(name="Transformation"),
        timescale_text="September 2021",
        due_start=date(2021, 9, 1),
        due_end=date(2021, 9, 30),
        themes=["Transform"],
    )


@pytest.fixture
def seeded_cr_action(seeded):
    """The seed's first action owned by "Commissioning and Resources", for tests that count the seed."""
    from priorities.models import Action

    return Action.objects.filter(owner_team__name="Commissioning and Resources").order_by("pk").first()
