"""Fixtures for the FLOURISH tests: a small framework and register of our own (tests/flourish/*.json)."""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FRAMEWORK = HERE / "framework_sample.json"
MEASURES = HERE / "measures_sample.json"
TEAM = "Commissioning and Resources"


@pytest.fixture
def sample(db):
    """The sample framework and measures loaded; returns the seed summary."""
    from flourish.seed import load_seed

    return load_seed(framework=FRAMEWORK, measures=MEASURES)


@pytest.fixture
def ks2(sample):
    """A measure with a target rule, owned by TEAM (the `commissioner` fixture's team)."""
    from flourish.models import Measure

    return Measure.objects.get(code="ks2_rwm_pct")


@pytest.fixture
def low_income(sample):
    """A measure with a benchmark rule and no owner team."""
    from flourish.models import Measure

    return Measure.objects.get(code="low_income_pct")
