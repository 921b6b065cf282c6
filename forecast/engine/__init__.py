"""Placement demand forecast: a pure stock-and-flow (Markov) model, costs and scenarios (no Django)."""

from forecast.engine.costs import project_costs, unit_costs_frame
from forecast.engine.model import (
    AGE_BANDS,
    GROUPS,
    STATES,
    FittedRates,
    Projection,
    Uncertainty,
    backtest,
    fit,
    initial_stock,
    prepare,
    project,
    rolling_backtest,
    simulate_episodes,
    stock_history,
)
from forecast.engine.scenarios import (
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
    "Uncertainty",
    "backtest",
    "compare",
    "fit",
    "initial_stock",
    "prepare",
    "project",
    "project_costs",
    "rolling_backtest",
    "simulate_episodes",
    "stock_history",
    "unit_costs_frame",
]
