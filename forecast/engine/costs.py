"""Projected placement costs: placement-weeks x weekly unit cost, by placement group and provider.

Unit costs are a table with columns ``group`` (one of GROUPS), ``provider`` ("in_house" or "external"),
``weekly_cost`` (GBP a week) and ``effective_from`` (date). The cost of month m uses, per group and
provider, the row with the latest effective_from on or before the month's end date.

Placement-weeks of projected month m = expected stock at the end of month m x (days in the month) / 7
(the month-end stock stands for the month). Provider split: the projection's in-house share per group
(the share of the group's stock with a known provider that was in-house, PR1-PR3, over the reference
snapshots; agency fostering with a blank provider counts as external; a group with no known provider
is costed as in-house), changed by any InHouseShareTarget scenario.

A group and provider with no unit cost in force has a blank (NaN) cost, never 0: costed_share says how much
of the projection a cost total covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from forecast.engine.model import GROUPS, N_GROUPS, N_STATES, Projection

PROVIDERS = ("in_house", "external")
WEEKS_PER_YEAR = 365.25 / 7


def unit_costs_frame(rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Validate and normalise unit cost rows (group, provider, weekly_cost, effective_from)."""
    df = pd.DataFrame(rows).copy()
    missing = {"group", "provider", "weekly_cost"} - set(df.columns)
    if missing:
        raise ValueError(f"unit costs need columns {sorted(missing)}")
    if "effective_from" not in df:
        df["effective_from"] = pd.Timestamp("1900-01-01")
    df["effective_from"] = pd.to_datetime(df["effective_from"]).fillna(pd.Timestamp("1900-01-01"))
    bad = set(df["group"]) - set(GROUPS) or set(df["provider"]) - set(PROVIDERS)
    if bad:
        raise ValueError(f"unknown group or provider: {sorted(bad)}")
    df["weekly_cost"] = df["weekly_cost"].astype(float)
    return df.sort_values("effective_from").reset_index(drop=True)


def _cost_table(unit_costs: pd.DataFrame, dates: pd.DatetimeIndex) -> np.ndarray:
    """(len(dates), 8, 2) weekly unit cost in force on each date (NaN where none)."""
    uc = unit_costs_frame(unit_costs)
    out = np.full((len(dates), N_GROUPS, 2), np.nan)
    when = dates.to_numpy()
    for (group, provider), rows in uc.groupby(["group", "provider"]):
        eff = rows["effective_from"].to_numpy()
        idx = np.searchsorted(eff, when, side="right") - 1
        cost = np.where(idx >= 0, rows["weekly_cost"].to_numpy()[np.maximum(idx, 0)], np.nan)
        out[:, GROUPS.index(group), PROVIDERS.index(provider)] = cost
    return out


def project_costs(
    projection: Projection, unit_costs: pd.DataFrame | Iterable[Mapping[str, Any]]
) -> pd.DataFrame:
    """Tidy frame per projected month (1..M) x group x provider: children, placement_weeks, unit_cost,
    cost (the month's cost = placement_weeks x unit_cost), weekly_cost (children x unit_cost) and
    annual_cost (weekly_cost x 365.25 / 7)."""
    dates = projection.dates
    W = np.zeros((N_GROUPS, N_STATES))
    W[np.arange(N_STATES) % N_GROUPS, np.arange(N_STATES)] = 1
    stock = projection.mean[1:] @ W.T  # (M, 8)
    share = projection.in_house_share[1:]
    children = np.stack([stock * share, stock * (1 - share)], axis=2)  # (M, 8, 2)
    days = np.diff(dates.to_numpy()).astype("timedelta64[D]").astype(float)
    weeks = children * (days / 7.0)[:, None, None]
    unit = _cost_table(pd.DataFrame(unit_costs), dates[1:])
    M = len(dates) - 1
    df = pd.DataFrame(
        {
            "month": np.repeat(np.arange(1, M + 1), N_GROUPS * 2),
            "date": np.repeat(dates[1:].to_numpy(), N_GROUPS * 2),
            "group": np.tile(np.repeat(np.array(GROUPS, dtype=object), 2), M),
            "provider": np.tile(np.array(PROVIDERS, dtype=object), M * N_GROUPS),
            "children": children.ravel(),
            "placement_weeks": weeks.ravel(),
            "unit_cost": unit.ravel(),
        }
    )
    df["cost"] = df["placement_weeks"] * df["unit_cost"]
    df["weekly_cost"] = df["children"] * df["unit_cost"]
    df["annual_cost"] = df["weekly_cost"] * WEEKS_PER_YEAR
    return df


def annual_totals(costs: pd.DataFrame) -> pd.DataFrame:
    """Sum of monthly costs per projection year (months 1-12 = year 1, ...) by group and provider."""
    df = costs.assign(year=(costs["month"] - 1) // 12 + 1)
    return df.groupby(["year", "group", "provider"], as_index=False)[["placement_weeks", "cost"]].sum()


def costed_share(costs: pd.DataFrame) -> float | None:
    """The share of projected placement-weeks that have a unit cost (of project_costs' frame); None when no
    placement-weeks are projected. A cost total covers only this share of the placements."""
    weeks = costs["placement_weeks"].sum()
    return float(costs.loc[costs["cost"].notna(), "placement_weeks"].sum() / weeks) if weeks > 0 else None


def yearly_costs(columns: list[str], rows: Iterable[Sequence[Any]]) -> list[dict]:
    """The stored monthly cost rows (``columns`` as the results dict names them) summed per projection year
    (months 1-12 = year 1, ...) x group x provider: children (mean of month ends), placement-weeks (sum), unit
    cost in force at the year's end, weekly cost (mean) and the year's cost (sum of monthly placement-weeks
    x unit cost; None when any month of the year has no unit cost)."""
    idx = {c: i for i, c in enumerate(columns)}
    acc: dict[tuple, dict] = {}
    for row in rows:
        year = (row[idx["month"]] - 1) // 12 + 1
        key = (year, row[idx["group"]], row[idx["provider"]])
        a = acc.setdefault(
            key,
            {
                "year": year,
                "end": row[idx["date"]],
                "n": 0,
                "children": 0.0,
                "weeks": 0.0,
                "weekly": 0.0,
                "cost": 0.0,
            },
        )
        a["n"] += 1
        a["end"] = row[idx["date"]]
        a["children"] += row[idx["children"]] or 0.0
        a["weeks"] += row[idx["placement_weeks"]] or 0.0
        a["unit"] = row[idx["unit_cost"]]
        if row[idx["cost"]] is None:
            a["cost"] = None
        elif a["cost"] is not None:
            a["cost"] += row[idx["cost"]]
            a["weekly"] += row[idx["weekly_cost"]]
    out = []
    for (year, group, provider), a in sorted(acc.items()):
        costed = a["cost"] is not None
        out.append(
            {
                "year": year,
                "end": a["end"],
                "months": a["n"],
                "group": group,
                "provider": provider,
                "children": a["children"] / a["n"],
                "placement_weeks": a["weeks"],
                "unit_cost": a["unit"] if costed else None,
                "weekly_cost": a["weekly"] / a["n"] if costed else None,
                "cost": a["cost"],
            }
        )
    return out
