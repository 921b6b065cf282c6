"""The backtest's table: how the model did when fitted on earlier data and projected to a date already known."""

from __future__ import annotations

from forecast.formatting import date_label, group_label, make_table


def backtest_table(results: dict) -> dict | None:
    bt = results.get("backtest") or {}
    if "rows" not in bt:
        return None
    rows = [
        [
            group_label(r["group"]),
            r["projected"],
            r["low"],
            r["high"],
            r["actual"],
            r["error"],
            r["pct_error"],
            r["within_band"],
        ]
        for r in bt["rows"]
    ]
    return make_table(
        "backtest",
        f"Backtest: fitted on {date_label(bt['fit_start'])} to {date_label(bt['fit_end'])}, "
        f"projected to {date_label(bt['target_date'])}, against what happened",
        [
            ("Placement group", "text"),
            ("Projected", "count"),
            ("Lower 95%", "count"),
            ("Upper 95%", "count"),
            ("Actual", "whole"),
            ("Error (projected − actual)", "signed"),
            ("Error %", "pct"),
            ("Actual within the band", "bool"),
        ],
        rows,
    )
