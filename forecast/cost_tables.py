"""Projected costs of a stored run: per year, group and provider; the groups with no unit cost; the cost
chart; and the cost comparison of a scenario with the baseline."""

from __future__ import annotations

from forecast.charts import chart_layout, with_legend_below
from forecast.formatting import PROVIDER_LABELS, date_label, group_label, make_table, rounded
from placements.charts import PALETTE


def cost_rows(results: dict) -> list[dict]:
    """Per projection year x group x provider: children (mean of month ends), unit cost in force at the
    year's end, weekly cost (mean) and the year's cost (sum of monthly placement-weeks x unit cost)."""
    cols = results["costs"]["columns"]
    idx = {c: i for i, c in enumerate(cols)}
    acc: dict[tuple, dict] = {}
    for row in results["costs"]["rows"]:
        year = (row[idx["month"]] - 1) // 12 + 1
        key = (year, row[idx["group"]], row[idx["provider"]])
        a = acc.setdefault(
            key, {"year": year, "end": row[idx["date"]], "n": 0, "children": 0.0, "weekly": 0.0, "cost": 0.0}
        )
        a["n"] += 1
        a["end"] = row[idx["date"]]
        a["children"] += row[idx["children"]] or 0.0
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
                "unit_cost": a["unit"] if costed else None,
                "weekly_cost": a["weekly"] / a["n"] if costed else None,
                "cost": a["cost"],
            }
        )
    return out


def cost_table(results: dict) -> dict:
    rows = [
        [
            f"Year {c['year']} (to {date_label(c['end'])})",
            group_label(c["group"]),
            PROVIDER_LABELS[c["provider"]],
            rounded(c["children"]),
            rounded(c["unit_cost"], 2),
            rounded(c["weekly_cost"], 0),
            rounded(c["cost"], 0),
        ]
        for c in cost_rows(results)
        if c["children"] >= 0.05 or c["cost"]
    ]
    return make_table(
        "costs",
        "Projected cost by placement group and provider",
        [
            ("Projection year", "text"),
            ("Placement group", "text"),
            ("Provider", "text"),
            ("Average children", "count"),
            ("Weekly unit cost", "money"),
            ("Average weekly cost", "money"),
            ("Cost in the year", "money"),
        ],
        rows,
    )


def uncosted_groups(results: dict) -> list[str]:
    """Placement groups (and providers) with projected children but no unit cost held."""
    missing = []
    for c in cost_rows(results):
        if c["cost"] is None and c["children"] >= 0.05:
            missing.append(f"{group_label(c['group'])} ({PROVIDER_LABELS[c['provider']].lower()})")
    return sorted(set(missing))


def compare_costs_table(baseline: dict, scenario: dict) -> dict:
    """Cost per projection year and group in both runs. Where a provider of a group has children but no
    unit cost in either run, the group's figure covers only the costed provider, and the note says so (a
    scenario moving children to an uncosted provider would otherwise look like a saving)."""

    def by_key(results):
        out: dict[tuple, float | None] = {}
        uncosted: dict[tuple, set] = {}
        for c in cost_rows(results):
            key = (c["year"], c["end"], c["group"])
            if c["cost"] is None:
                out.setdefault(key, None)
                if c["children"] >= 0.05:
                    uncosted.setdefault(key, set()).add(PROVIDER_LABELS[c["provider"]].lower())
            else:
                out[key] = (out.get(key) or 0.0) + c["cost"]
        return out, uncosted

    (b, b_missing), (s, s_missing) = by_key(baseline), by_key(scenario)
    rows = []
    years = sorted({(k[0], k[1]) for k in b})
    for year, end in years:
        label = f"Year {year} (to {date_label(end)})"
        tb = ts = 0.0
        partial = False
        uncosted = []
        for g in baseline["groups"]:
            key = (year, end, g)
            vb, vs = b.get(key), s.get(key)
            if vb is None and vs is None:
                if b_missing.get(key) or s_missing.get(key):
                    uncosted.append(group_label(g))
                continue
            missing = b_missing.get(key, set()) | s_missing.get(key, set())
            partial = partial or bool(missing)
            note = f"No unit cost held for {' or '.join(sorted(missing))}: not counted" if missing else ""
            tb += vb or 0.0
            ts += vs or 0.0
            rows.append(
                [
                    label,
                    group_label(g),
                    rounded(vb, 0),
                    rounded(vs, 0),
                    rounded((vs or 0) - (vb or 0), 0),
                    note,
                ]
            )
        note = "Only the costed providers." if partial else ""
        if uncosted:
            note = f"{note} Not counted, no unit cost held: {'; '.join(uncosted)}.".strip()
        rows.append(
            [label, "All costed placements", rounded(tb, 0), rounded(ts, 0), rounded(ts - tb, 0), note]
        )
    return make_table(
        "compare_costs",
        "Projected cost in each year: baseline and scenario",
        [
            ("Projection year", "text"),
            ("Placement group", "text"),
            ("Baseline", "money"),
            ("Scenario", "money"),
            ("Difference", "money"),
            ("Note", "text"),
        ],
        rows,
    )


def cost_figure(results: dict) -> dict:
    totals: dict[str, dict[str, float]] = {}
    labels = {}
    for c in cost_rows(results):
        if c["cost"] is None:
            continue
        name = f"{group_label(c['group'])} ({PROVIDER_LABELS[c['provider']].lower()})"
        x = f"Year {c['year']} to {date_label(c['end'])}"
        labels[x] = c["year"]
        totals.setdefault(name, {})[x] = totals.get(name, {}).get(x, 0.0) + c["cost"]
    xs = sorted(labels, key=labels.get)
    data = [
        {
            "type": "bar",
            "x": xs,
            "y": [round(totals[name].get(x, 0.0)) for x in xs],
            "name": name,
            "marker": {"color": PALETTE[i % len(PALETTE)], "pattern": {"shape": ["", "/", "\\", "x"][i % 4]}},
            "hovertemplate": "£%{y:,.0f}<extra>" + name + "</extra>",
        }
        for i, name in enumerate(sorted(totals))
    ]
    layout = chart_layout("Cost in the year (£)", "Projection year")
    layout["xaxis"]["type"] = "category"
    layout["barmode"] = "stack"
    return with_legend_below({"data": data, "layout": layout})
