"""The forecast's seeded unit costs and capacities quote the seed documents at the stated line."""

import pytest

from forecast.models import Capacity, UnitCost
from forecast.seed import CAPACITIES, STRATEGY, UNIT_COSTS, load_seed
from tests import shared

SEEDS = shared.SEEDS


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")
@pytest.mark.parametrize("row", UNIT_COSTS + CAPACITIES, ids=lambda r: r.get("label") or r.get("name"))
def test_quote_is_on_the_stated_line(row):
    lines = (SEEDS / STRATEGY).read_text(encoding="utf-8").splitlines()
    assert row["quote"] in lines[row["source_line"] - 1]


def test_figures_are_in_their_quotes():
    assert "£2850" in UNIT_COSTS[0]["quote"] and UNIT_COSTS[0]["weekly_cost"] == 2850
    assert "£695" in UNIT_COSTS[1]["quote"] and UNIT_COSTS[1]["weekly_cost"] == 695
    assert "20 beds" in CAPACITIES[0]["quote"] and CAPACITIES[0]["value"] == 20
    assert "12k bed nights" in CAPACITIES[1]["quote"] and CAPACITIES[1]["value"] == 12000


def test_seed_is_labelled_and_repeatable(seeded_core):
    load_seed(synthetic=False)
    load_seed(synthetic=False)
    cost = UnitCost.objects.get(la__code="E10000020", group="residential", provider="external")
    assert (
        cost.source == "seed"
        and cost.source_label == "Published in Norfolk Sufficiency Strategy 2020–23, Alternative to Care"
    )
    assert UnitCost.objects.filter(la__code="E10000020").count() == 2
    assert Capacity.objects.filter(la__code="E10000020").count() == 2
    assert not UnitCost.objects.placements_only().filter(group="other_service").exists()
