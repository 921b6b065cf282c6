"""Placement demand forecast: a pure stock-and-flow (Markov) model, costs and scenarios (no Django)."""

from placements.forecast.costs import project_costs, unit_costs_frame
from placements.forecast.model import (
    AGE_BANDS,
    GROUPS,
    STATES,
    FittedRates,
    Projection,
    backtest,
    fit,
    initial_stock,
    prepare,
    project,
    simulate_episodes,
    stock_history,
)
from placements.forecast.scenarios import (
    EntryTrend,
    InHouseShareTarget,
    ResidentialToFostering,
    Scenario,
    compare,
)

__all__ = [
    "AGE_BANDS",
    "GROUPS",
    "STATES",
    "EntryTrend",
    "FittedRates",
    "InHouseShareTarget",
    "Projection",
    "ResidentialToFostering",
    "Scenario",
    "backtest",
    "compare",
    "fit",
    "initial_stock",
    "prepare",
    "project",
    "project_costs",
    "simulate_episodes",
    "stock_history",
    "unit_costs_frame",
]
