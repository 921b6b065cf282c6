"""The forecast page's tables of a stored run: actual and projected children in total, by placement group,
by age band and both; and every table of a run in page order (for the page, the CSV and the XLSX)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from forecast.backtest_tables import backtest_table
from forecast.cost_tables import cost_table
from forecast.formatting import BAND_LABELS, date_label, group_label, make_table, rounded
from forecast.sufficiency_tables import sufficiency_table


def history_and_projection(results: dict, key: str, keys: list[str], label) -> list[list]:
    """Rows (date, key label, actual, projected, low, high) over the history and projection dates."""
    hist = results["history"]
    actual = {}
    for i, d in enumerate(hist["dates"]):
        for k in keys:
            actual[(d, k)] = hist[key][k][i] if key != "total" else hist["total"][i]
    proj = {}
    for i, d in enumerate(results["dates"]):
        for k in keys:
            s = results[key][k] if key != "total" else results["total"]
            proj[(d, k)] = (s["mean"][i], s["low"][i], s["high"][i])
    dates = sorted({d for d, _ in actual} | {d for d, _ in proj})
    rows = []
    for d in dates:
        for k in keys:
            a = actual.get((d, k))
            p = proj.get((d, k), (None, None, None))
            if a is None and p[0] is None:
                continue
            rows.append([d, label(k), a, rounded(p[0]), rounded(p[1]), rounded(p[2])])
    return rows


def total_table(results: dict) -> dict:
    rows = [[r[0], r[2], r[3], r[4], r[5]] for r in history_and_projection(results, "total", ["total"], str)]
    return make_table(
        "total",
        "Children looked after: actual and projected",
        [
            ("Date", "date"),
            ("Actual", "whole"),
            ("Projected", "count"),
            ("Lower 95%", "count"),
            ("Upper 95%", "count"),
        ],
        rows,
    )


def group_table(results: dict) -> dict:
    return make_table(
        "by_group",
        "Children looked after by placement group: actual and projected",
        [
            ("Date", "date"),
            ("Placement group", "text"),
            ("Actual", "whole"),
            ("Projected", "count"),
            ("Lower 95%", "count"),
            ("Upper 95%", "count"),
        ],
        history_and_projection(results, "by_group", results["groups"], group_label),
    )


def band_table(results: dict) -> dict:
    return make_table(
        "by_band",
        "Children looked after by age band: actual and projected",
        [
            ("Date", "date"),
            ("Age band", "text"),
            ("Actual", "whole"),
            ("Projected", "count"),
            ("Lower 95%", "count"),
            ("Upper 95%", "count"),
        ],
        history_and_projection(results, "by_band", results["bands"], lambda b: BAND_LABELS[b]),
    )


def group_band_table(results: dict) -> dict:
    """Projected children at the end of the horizon by placement group and age band."""
    end = results["dates"][-1]
    rows = []
    for g in results["groups"]:
        for b in results["bands"]:
            s = results["by_state"][f"{b}|{g}"]
            rows.append(
                [
                    group_label(g),
                    BAND_LABELS[b],
                    rounded(s["mean"][-1]),
                    rounded(s["low"][-1]),
                    rounded(s["high"][-1]),
                ]
            )
    return make_table(
        "group_band",
        f"Projected children looked after on {date_label(end)} by placement group and age band",
        [
            ("Placement group", "text"),
            ("Age band", "text"),
            ("Projected", "count"),
            ("Lower 95%", "count"),
            ("Upper 95%", "count"),
        ],
        rows,
    )


def yearly_view(table: dict, results: dict) -> dict:
    """The table's rows on the start date's day each year (and the horizon's end) for the page; the CSV
    and XLSX keep every month."""
    start = date.fromisoformat(results["start"])
    last = results["dates"][-1]

    def keep(iso: str) -> bool:
        d = date.fromisoformat(iso)
        return iso == last or (d.month == start.month and d.day == start.day)

    picked = [i for i, row in enumerate(table["rows"]) if keep(row[0])]
    return {
        **table,
        "rows": [table["rows"][i] for i in picked],
        "cells": [table["cells"][i] for i in picked],
        "note": f"Every {start:%-d %B} and the horizon's end; the CSV has every month.",
    }


def run_tables(results: dict, capacities: Iterable[Any] = ()) -> list[dict]:
    """Every table of a run, in page order (the XLSX has one sheet each)."""
    tables = [
        total_table(results),
        group_table(results),
        band_table(results),
        group_band_table(results),
        cost_table(results),
    ]
    bt = backtest_table(results)
    if bt:
        tables.append(bt)
    tables.append(sufficiency_table(results, list(capacities)))
    return tables
