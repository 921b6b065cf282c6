"""Named, composable adjustments applied inside the projection (see model.project_matrix).

- EntryTrend(rate): entries during projected month m are multiplied by (1 + rate) ** (m / 12), so the
  entries of month 12 are (1 + rate) x the baseline's (e.g. rate = -0.05: 5% fewer a year, compounding).
- ResidentialToFostering(fraction, target): each month, after the usual moves, 1 - (1 - fraction) ** (1/12)
  of each band's residential stock moves to ``target`` (default in-house fostering) in the same band, so
  with no other movement ``fraction`` of it has moved after 12 months. The move is a per-child draw, so
  it is part of the multinomial variance.
- InHouseShareTarget(share, by, group): the in-house share of ``group`` (default residential) goes
  linearly from its share at the projection start to ``share`` on date ``by``, then stays there. It
  changes only the cost split, not the numbers of children.
- Scenario(name, adjustments, actions): a named list; a Scenario is itself an adjustment, so they compose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecast.engine.costs import project_costs
from forecast.engine.model import GROUPS, N_BANDS, N_GROUPS, N_STATES, Projection, project
from forecast.engine.uncertainty import FULL
from placements.groups import GROUP_SHORT_NAMES


@dataclass(frozen=True)
class EntryTrend:
    rate: float  # yearly change, e.g. -0.05

    def entry_factor(self, month: int, date: pd.Timestamp) -> float:
        return (1.0 + self.rate) ** (month / 12.0)


@dataclass(frozen=True)
class ResidentialToFostering:
    fraction: float  # per year, e.g. 0.10
    target: str = "fostered_in_house"
    source: str = "residential"

    def transfer(self, month: int, date: pd.Timestamp) -> np.ndarray:
        f = 1.0 - (1.0 - self.fraction) ** (1.0 / 12.0)
        M = np.eye(N_STATES)
        s, t = GROUPS.index(self.source), GROUPS.index(self.target)
        for b in range(N_BANDS):
            M[b * N_GROUPS + s, b * N_GROUPS + s] = 1.0 - f
            M[b * N_GROUPS + s, b * N_GROUPS + t] = f
        return M


@dataclass(frozen=True)
class InHouseShareTarget:
    share: float  # e.g. 0.20
    by: Any  # date
    group: str = "residential"

    def in_house_share(self, date: pd.Timestamp, start: pd.Timestamp, share: np.ndarray) -> np.ndarray:
        out = np.array(share, dtype=float)
        g = GROUPS.index(self.group)
        by, start, date = pd.Timestamp(self.by), pd.Timestamp(start), pd.Timestamp(date)
        if date >= by or by <= start:
            out[g] = self.share
        else:
            w = (date - start) / (by - start)
            out[g] = share[g] + (self.share - share[g]) * w
        return out


@dataclass
class Scenario:
    name: str
    adjustments: Sequence[Any] = field(default_factory=list)
    actions: Sequence[str] = field(default_factory=list)  # commissioning actions the scenario assumes

    def entry_factor(self, month: int, date: pd.Timestamp) -> float | np.ndarray:
        f: float | np.ndarray = 1.0
        for a in self.adjustments:
            if hasattr(a, "entry_factor"):
                f = f * a.entry_factor(month, date)
        return f

    def transfer(self, month: int, date: pd.Timestamp) -> np.ndarray | None:
        M = None
        for a in self.adjustments:
            if hasattr(a, "transfer"):
                T = a.transfer(month, date)
                if T is not None:
                    M = T if M is None else M @ T
        return M

    def in_house_share(self, date: pd.Timestamp, start: pd.Timestamp, share: np.ndarray) -> np.ndarray:
        for a in self.adjustments:
            if hasattr(a, "in_house_share"):
                share = a.in_house_share(date, start, share)
        return share


def run_scenario(baseline: Projection, scenario: Scenario) -> Projection:
    """Re-run the baseline's projection (same rates, initial stock, start, horizon) with the scenario; its band
    holds the rates' uncertainty and change of entries when the baseline's does, as a run's."""
    if baseline.rates is None:
        raise ValueError("the baseline projection does not carry its rates; pass projections instead")
    return project(
        baseline.rates,
        baseline.initial,
        baseline.dates[0],
        len(baseline.dates) - 1,
        [*baseline.adjustments, scenario],
        uncertainty=FULL if baseline.band.get("draws") else None,  # a band of the baseline's kind
    )


def compare(
    baseline: Projection,
    scenarios: Iterable[Scenario] | Mapping[str, Projection],
    unit_costs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Tidy frame (scenario, month, date, group, mean, low, high, cost) for the baseline ("baseline")
    and each scenario; cost is the month's projected cost of the group (NaN without unit costs)."""
    if isinstance(scenarios, Mapping):
        runs = {"baseline": baseline, **dict(scenarios)}
    else:
        runs = {"baseline": baseline, **{s.name: run_scenario(baseline, s) for s in scenarios}}
    frames = []
    for name, proj in runs.items():
        df = proj.by_group()
        if unit_costs is not None:
            c = (
                project_costs(proj, unit_costs)
                .groupby(["month", "group"], as_index=False)["cost"]
                .sum(min_count=1)
            )
            df = df.merge(c, on=["month", "group"], how="left")
        else:
            df["cost"] = np.nan
        df.insert(0, "scenario", name)
        frames.append(df[["scenario", "month", "date", "group", "mean", "low", "high", "cost"]])
    return pd.concat(frames, ignore_index=True)


# --- stored form: a list of {"kind": ..., parameters} dicts (ForecastScenario.adjustments) ----------------

ADJUSTMENT_KINDS = {
    "entry_trend": "Entries into care change by a share each year",
    "residential_to_fostering": "A share of residential moves to another placement group each year",
    "in_house_share_target": "The in-house share of a placement group reaches a target by a date",
}


def _number(spec: Mapping[str, Any], key: str, low: float, high: float) -> float:
    try:
        value = float(spec[key])
    except KeyError:
        raise ValueError(f"{spec.get('kind')}: '{key}' is missing") from None
    except (TypeError, ValueError):
        raise ValueError(f"{spec.get('kind')}: '{key}' must be a number") from None
    if not np.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{spec.get('kind')}: '{key}' must be between {low:g} and {high:g}")
    return value


def _group(spec: Mapping[str, Any], key: str, default: str) -> str:
    value = spec.get(key, default)
    if value not in GROUPS:
        raise ValueError(f"{spec.get('kind')}: '{key}' must be one of {', '.join(GROUPS)}")
    return value


def adjustment_from_spec(spec: Mapping[str, Any]) -> EntryTrend | ResidentialToFostering | InHouseShareTarget:
    """One adjustment from its stored dict; ValueError says what is wrong."""
    if not isinstance(spec, Mapping):
        raise ValueError("each adjustment must be an object with a 'kind'")
    kind = spec.get("kind")
    if kind == "entry_trend":
        return EntryTrend(rate=_number(spec, "rate", -0.99, 1.0))
    if kind == "residential_to_fostering":
        source = _group(spec, "source", "residential")
        target = _group(spec, "target", "fostered_in_house")
        if source == target:
            raise ValueError("residential_to_fostering: the target group must differ from the source group")
        return ResidentialToFostering(
            fraction=_number(spec, "fraction", 0.0, 1.0), target=target, source=source
        )
    if kind == "in_house_share_target":
        try:
            by = pd.Timestamp(spec["by"])
        except KeyError:
            raise ValueError("in_house_share_target: 'by' (a date) is missing") from None
        except (TypeError, ValueError):
            raise ValueError("in_house_share_target: 'by' must be a date (YYYY-MM-DD)") from None
        if pd.isna(by):
            raise ValueError("in_house_share_target: 'by' must be a date (YYYY-MM-DD)")
        return InHouseShareTarget(
            share=_number(spec, "share", 0.0, 1.0),
            by=by.normalize(),
            group=_group(spec, "group", "residential"),
        )
    raise ValueError(f"unknown adjustment kind {kind!r}: expected one of {', '.join(ADJUSTMENT_KINDS)}")


def scenario_from_spec(name: str, specs: Any, actions: Sequence[str] = ()) -> Scenario:
    """A Scenario from stored adjustments (a list of dicts); ValueError on anything invalid."""
    if not isinstance(specs, list):
        raise ValueError("adjustments must be a list")
    return Scenario(name=name, adjustments=[adjustment_from_spec(s) for s in specs], actions=list(actions))


def describe_spec(spec: Mapping[str, Any]) -> str:
    """A plain-English sentence for one stored adjustment (for pages and exports)."""
    a = adjustment_from_spec(spec)
    if isinstance(a, EntryTrend):
        word = "fewer" if a.rate < 0 else "more"
        return f"Entries into care: {abs(a.rate) * 100:g}% {word} each year, compounding"
    if isinstance(a, ResidentialToFostering):
        return (
            f"{a.fraction * 100:g}% of children in {GROUP_SHORT_NAMES.get(a.source, a.source)} move to "
            f"{GROUP_SHORT_NAMES.get(a.target, a.target)} each year"
        )
    return (
        f"In-house share of {GROUP_SHORT_NAMES.get(a.group, a.group)} rises (or falls) in a straight line to "
        f"{a.share * 100:g}% by {pd.Timestamp(a.by):%-d %B %Y} (costs only)"
    )
