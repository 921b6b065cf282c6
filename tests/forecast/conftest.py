"""Shared fixtures of the forecast tests: one stored result computed on simulated episodes."""

import numpy as np
import pytest

from forecast.engine import model as fm
from forecast.engine.results import forecast_compute

COSTS = [
    {"group": "residential", "provider": "external", "weekly_cost": 2850.0, "effective_from": "2020-04-01"},
    {"group": "residential", "provider": "in_house", "weekly_cost": 3000.0, "effective_from": "2020-04-01"},
]


@pytest.fixture(scope="module")
def results():
    entries = np.full(fm.N_STATES, 0.4)
    exits = np.full(fm.N_STATES, 0.03)
    T = np.tile(np.eye(fm.N_GROUPS), (fm.N_BANDS, 1, 1))
    episodes, header = fm.simulate_episodes(entries, exits, T, "2016-03-31", 60, seed=5)
    return forecast_compute(
        episodes,
        header,
        ref_start="2018-03-31",
        ref_end="2021-03-31",
        horizon_months=30,
        unit_costs=COSTS,
        data_start="2016-03-31",
        data_end="2021-03-31",
    )
