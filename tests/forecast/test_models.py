"""The forecast's models (forecast/models.py): a capacity's at-risk level."""

import pytest
from django.db import IntegrityError, transaction

from forecast.models import Capacity
from sufficiency.models import LocalAuthority


@pytest.fixture
def la(db):
    return LocalAuthority.objects.create(code="E06999992", name="Test county", kind="la")


def _capacity(la, **kw):
    return Capacity.objects.create(
        la=la, name="Beds", group="residential", value=20, unit="beds", effective_year=2020, **kw
    )


def test_a_capacity_is_at_risk_from_90_per_cent_unless_set(la):
    assert _capacity(la).at_risk_percent == 90


def test_the_at_risk_level_is_between_1_and_100(la):
    with transaction.atomic(), pytest.raises(IntegrityError):
        _capacity(la, at_risk_percent=101)


def test_a_change_of_the_at_risk_level_is_kept_in_the_history(la):
    capacity = _capacity(la)
    capacity.at_risk_percent = 85
    capacity.save()
    assert [h.at_risk_percent for h in capacity.history.order_by("history_date")] == [90, 85]
