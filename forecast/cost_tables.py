"""Projected costs of a stored run: per year, group and provider; how much of the projection they cover
(the share of projected placement-weeks with a unit cost held) and what has no cost; the cost chart; the
cost comparison of a scenario with the baseline, and its saving, refused when the scenario moves children
to or from placements with no unit cost held."""

from __future__ import annotations

from django.utils.html import format_html

from forecast.charts import chart_layout, with_legend_below
from forecast.engine.costs import yearly_costs
from forecast.formatting import PROVIDER_LABELS, date_label, group_label, make_table, rounded
from placements.charts import PALETTE
from placements.groups import GROUP_SHORT_NAMES

MIN_CHILDREN = 0.05  # an average below this is an empty group or provider, not a missing cost
# Groups whose provider is fixed by the group's own rule: their label needs no "(in-house)".
FIXED_PROVIDER = {
    "fostered_relative_friend": "in_house",
    "fostered_in_house": "in_house",
    "fostered_agency": "external",
}


def pair_words(group: str, provider: str | None = None) -> str:
    """A group (and provider) in a sentence: "in-house residential care", "agency fostering"."""
    name = GROUP_SHORT_NAMES.get(group, group)
    if provider is None or FIXED_PROVIDER.get(group) == provider:
        return name
    return f"{PROVIDER_LABELS[provider].lower()} {name}"


def pair_label(group: str, provider: str) -> str:
    """A group and provider as people read them: "Placed for adoption (in-house)"."""
    if FIXED_PROVIDER.get(group) == provider:
        return group_label(group)
    return f"{group_label(group)} ({PROVIDER_LABELS[provider].lower()})"


def cost_rows(results: dict) -> list[dict]:
    """Per projection year x group x provider of a stored run (forecast.engine.costs.yearly_costs)."""
    return yearly_costs(results["costs"]["columns"], results["costs"]["rows"])


def coverage(results: dict, year: int | None = None) -> dict:
    """How much of the projection the costs cover (of one projection year, or all): {"share" (costed
    placement-weeks / all projected placement-weeks; None when none are projected), "costed_weeks",
    "weeks", "missing": [(group, provider)] with children projected but no unit cost, "labels" (the same
    as people read them), "text" ("Costs cover 14% of projected placement-weeks")}."""
    weeks = costed = 0.0
    missing: set[tuple[str, str]] = set()
    rows = [c for c in cost_rows(results) if year is None or c["year"] == year]
    for c in rows:
        weeks += c["placement_weeks"]
        if c["cost"] is not None:
            costed += c["placement_weeks"]
        elif c["children"] >= MIN_CHILDREN:
            missing.add((c["group"], c["provider"]))
    share = costed / weeks if weeks > 0 else None
    order = {g: i for i, g in enumerate(results["groups"])}
    pairs = sorted(missing, key=lambda p: (order.get(p[0], 99), p[1] != "in_house"))
    return {
        "share": share,
        "costed_weeks": costed,
        "weeks": weeks,
        "missing": pairs,
        "labels": [pair_label(*p) for p in pairs],
        "words": [pair_words(*p) for p in pairs],
        "costed": sorted({pair_words(c["group"], c["provider"]) for c in rows if c["cost"] is not None}),
        "text": coverage_text(share),
    }


def share_label(share: float | None) -> str:
    """A share as a whole per cent, never rounded to 0% or 100% when it is neither."""
    if share is None:
        return "–"
    pct = share * 100
    if 0 < pct < 1:
        return "less than 1%"
    if 99 < pct < 100:
        return "more than 99%"
    return f"{pct:.0f}%"


def coverage_text(share: float | None) -> str:
    if share is None:
        return "No placements are projected, so there is nothing to cost"
    if share >= 1:
        return "Costs cover all projected placement-weeks"
    if share <= 0:
        return "No unit cost is held for any projected placement, so nothing is costed"
    return f"Costs cover {share_label(share)} of projected placement-weeks"


def missing_text(words: list[str]) -> str:
    return f"No unit cost held for: {', '.join(words)}." if words else ""


def cost_question(results: dict, unit_cost_url: str | None = None) -> str:
    """The words above the cost chart and table: what they show, their coverage, what has no cost (with a
    link to the unit-cost page when its URL is given)."""
    cov = coverage(results)
    words = (
        f"What will the placements cost? Placement-weeks times the weekly unit cost in force. {cov['text']}"
    )
    if not cov["missing"]:
        return f"{words}."
    if cov["costed"] and len(cov["costed"]) <= 3:
        words = f"{words}: a unit cost is held only for {_and(cov['costed'], 'and')}"
    words = (
        f"{words}. {missing_text(cov['words'])} The totals leave these out, so they are not the whole spend."
    )
    if unit_cost_url:
        return format_html(
            '{} <a class="govuk-link" href="{}">Enter the missing unit costs</a> (data admins).',
            words,
            unit_cost_url,
        )
    return words


def cost_table(results: dict) -> dict:
    """Every year x group x provider, and each year's total of the costed placements with its coverage."""
    rows = []
    by_year: dict[int, list[dict]] = {}
    for c in cost_rows(results):
        by_year.setdefault(c["year"], []).append(c)
    for year, items in by_year.items():
        label = f"Year {year} (to {date_label(items[0]['end'])})"
        for c in items:
            if c["children"] >= MIN_CHILDREN or c["cost"]:
                rows.append(
                    [
                        label,
                        pair_label(c["group"], c["provider"]),
                        rounded(c["children"]),
                        rounded(c["unit_cost"], 2),
                        rounded(c["weekly_cost"], 0),
                        rounded(c["cost"], 0),
                        "" if c["cost"] is not None or c["children"] < MIN_CHILDREN else "No unit cost held",
                    ]
                )
        costed = [c for c in items if c["cost"] is not None]
        share = coverage(results, year)["share"]
        rows.append(
            [
                label,
                "All placements with a unit cost held",
                rounded(sum(c["children"] for c in costed)),
                None,
                rounded(sum(c["weekly_cost"] for c in costed), 0),
                rounded(sum(c["cost"] for c in costed), 0),
                f"{share_label(share)} of the year's placement-weeks",
            ]
        )
    table = make_table(
        "costs",
        "Projected cost of the placements with a unit cost held",
        [
            ("Projection year", "text"),
            ("Placement group and provider", "text"),
            ("Average children", "count"),
            ("Weekly unit cost", "money"),
            ("Average weekly cost", "money"),
            ("Cost in the year", "money"),
            ("Costed", "text"),
        ],
        rows,
    )
    cov = coverage(results)
    table["question"] = cost_question(results)
    table["note"] = f"{cov['text']}. {missing_text(cov['words'])}".strip()
    table["figure"] = cost_figure(results) if cov["costed_weeks"] > 0 else None
    return table


def uncosted_groups(results: dict) -> list[str]:
    """Placement groups (and providers) with projected children but no unit cost held."""
    return coverage(results)["labels"]


def _moves(scenario: dict) -> tuple[list[str], set[str], set[str]]:
    """What the scenario's adjustments move children between: sentences, the groups concerned, and those of
    share targets (which move children between the providers of their group)."""
    specs = (scenario.get("scenario") or {}).get("adjustments") or []
    words, groups, share_groups = [], set(), set()
    for spec in specs:
        kind = spec.get("kind")
        if kind == "residential_to_fostering":
            source = spec.get("source", "residential")
            target = spec.get("target", "fostered_in_house")
            groups |= {source, target}
            words.append(f"from {pair_words(source)} to {pair_words(target)}")
        elif kind == "in_house_share_target":
            group = spec.get("group", "residential")
            groups.add(group)
            share_groups.add(group)
            words.append(f"between external and in-house {pair_words(group)}")
    return words, groups, share_groups


def _by_pair(results: dict) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = {}
    for c in cost_rows(results):
        out.setdefault((c["group"], c["provider"]), []).append(c)
    return out


def scenario_saving(baseline: dict, scenario: dict) -> dict:
    """The difference in cost a scenario makes, or why none is shown.

    Refused (``refused`` True, ``reason`` says why, ``missing`` names them) when the scenario moves children
    between groups (or providers) that are not both costed: a group or provider it moves children INTO has
    children but no unit cost (the cost of the children moved would be shown as saved), or a group it moves
    children between has no unit cost for any of its providers, or a share target's group lacks either
    provider's cost. A provider the scenario only takes children OUT of may lack a cost while its group has
    another provider's (in-house residential beside external, say): the saving is then shown, left out of
    both runs and named in ``understated`` (the saving is at least that shown). Otherwise ``annual``: per
    projection year {"year", "end", "months", "baseline", "scenario", "difference"} (scenario minus
    baseline; negative is a saving) over the group-provider pairs costed in both runs, with ``coverage``
    (the share of the scenario's projected placement-weeks those pairs hold) and ``coverage_baseline``.
    ``sentence`` says it in words; ``headline`` is the last full year's ("£120,000 a year less, on the
    costs held")."""
    moves, groups, share_groups = _moves(scenario)
    b_pairs, s_pairs = _by_pair(baseline), _by_pair(scenario)
    pairs = sorted(set(b_pairs) | set(s_pairs))

    def has_children(pair):
        return any(c["children"] >= MIN_CHILDREN for c in b_pairs.get(pair, []) + s_pairs.get(pair, []))

    def costed(pair):
        rows = b_pairs.get(pair, []) + s_pairs.get(pair, [])
        return bool(rows) and all(c["cost"] is not None for c in rows)

    def weeks_of(pair_rows, pair):
        return sum(c["placement_weeks"] or 0.0 for c in pair_rows.get(pair, []))

    def gains(pair):  # the scenario has more placement-weeks in it than the baseline
        return weeks_of(s_pairs, pair) > weeks_of(b_pairs, pair) * (1 + 1e-6) + 1e-6

    order = {g: i for i, g in enumerate(baseline["groups"])}
    uncosted = [p for p in pairs if p[0] in groups and has_children(p) and not costed(p)]
    group_costed = {g: any(costed(p) and has_children(p) for p in pairs if p[0] == g) for g in groups}
    missing = sorted(
        (p for p in uncosted if gains(p) or not group_costed[p[0]] or p[0] in share_groups),
        key=lambda p: (order.get(p[0], 99), p[1] != "in_house"),
    )
    understated = [p for p in uncosted if p not in missing]
    out = {
        "refused": False,
        "reason": "",
        "missing": [pair_label(*p) for p in missing],
        "understated": [pair_label(*p) for p in understated],
        "moves": moves,
        "annual": [],
        "coverage": None,
        "coverage_baseline": None,
        "coverage_text": "",
        "sentence": "",
        "headline": "",
    }
    held = [p for p in pairs if costed(p)]
    if not any(has_children(p) for p in held):
        out["refused"] = True
        out["reason"] = (
            "No unit cost is held for any placement the forecast projects, so there is no cost to compare."
        )
        out["missing"] = [pair_label(*p) for p in pairs if has_children(p)]
        return out
    if missing:
        out["refused"] = True
        out["reason"] = (
            f"The scenario moves children {' and '.join(moves)}, and no unit cost is held for "
            f"{_and(pair_words(*p) for p in missing)}. Counting only the costed side of the move would show "
            "the cost of the children moved as a saving."
        )
        return out

    def weeks(pair_rows, chosen):
        return sum(c["placement_weeks"] for p in chosen for c in pair_rows.get(p, []))

    s_all, b_all = weeks(s_pairs, pairs), weeks(b_pairs, pairs)
    out["coverage"] = weeks(s_pairs, held) / s_all if s_all else None
    out["coverage_baseline"] = weeks(b_pairs, held) / b_all if b_all else None
    out["coverage_text"] = share_label(out["coverage"])
    years: dict[int, dict] = {}
    for side, pair_rows in (("baseline", b_pairs), ("scenario", s_pairs)):
        for p in held:
            for c in pair_rows.get(p, []):
                y = years.setdefault(
                    c["year"],
                    {
                        "year": c["year"],
                        "end": c["end"],
                        "months": c["months"],
                        "baseline": 0.0,
                        "scenario": 0.0,
                    },
                )
                y[side] += c["cost"]
    for y in sorted(years.values(), key=lambda y: y["year"]):
        y["difference"] = y["scenario"] - y["baseline"]
        out["annual"].append(y)
    full = [y for y in out["annual"] if y["months"] == 12] or out["annual"][-1:]
    if full:
        last = full[-1]
        out["headline"] = f"{_money_change(last['difference'], last['months'])}, on the costs held"
        out["sentence"] = (
            f"In the year to {date_label(last['end'])}: {out['headline']} (costs are held for "
            f"{out['coverage_text']} of the scenario's projected placement-weeks)."
        )
        if understated:
            out["sentence"] += (
                f" No unit cost is held for {_and(pair_words(*p) for p in understated)}, which the scenario "
                "moves children out of: the saving on those children is left out, so the true saving is at "
                "least this."
            )
    return out


def _and(items, word: str = "or") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def _money_change(difference: float, months: int) -> str:
    period = "a year" if months == 12 else f"over {months} months"
    amount = round(abs(difference), -3) if abs(difference) >= 10_000 else round(abs(difference))
    if amount == 0:
        return f"no change in cost {period}"
    return f"£{amount:,.0f} {period} {'less' if difference < 0 else 'more'}"


def compare_costs_table(baseline: dict, scenario: dict) -> dict:
    """Cost per projection year and group in both runs. Where a provider of a group has children but no
    unit cost in either run, the group's figure covers only the costed provider, and the note says so. When
    the scenario's saving is refused (scenario_saving), no total is given and the table's note says why;
    otherwise each year's total of the costed placements names its coverage."""
    saving = scenario_saving(baseline, scenario)
    moved = _moves(scenario)[1]

    def by_key(results):
        out: dict[tuple, float | None] = {}
        uncosted: dict[tuple, set] = {}
        for c in cost_rows(results):
            key = (c["year"], c["end"], c["group"])
            if c["cost"] is None:
                out.setdefault(key, None)
                if c["children"] >= MIN_CHILDREN:
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
                    if saving["refused"]:  # no total to name it in: its own row says it is not counted
                        rows.append(
                            [label, group_label(g), None, None, None, "No unit cost held: not counted"]
                        )
                continue
            missing = b_missing.get(key, set()) | s_missing.get(key, set())
            partial = partial or bool(missing)
            note = f"No unit cost held for {' or '.join(sorted(missing))}: not counted" if missing else ""
            tb += vb or 0.0
            ts += vs or 0.0
            difference = rounded((vs or 0) - (vb or 0), 0)
            if saving["refused"] and g in moved:  # one side of a refused move: no difference to read as saved
                difference = None
                note = f"{note}; no difference shown, the move is not costed on both sides".lstrip("; ")
            rows.append([label, group_label(g), rounded(vb, 0), rounded(vs, 0), difference, note])
        if saving["refused"]:
            continue
        note = "Only the costed providers." if partial else ""
        if uncosted:
            note = f"{note} Not counted, no unit cost held: {'; '.join(uncosted)}.".strip()
        rows.append(
            [label, "All costed placements", rounded(tb, 0), rounded(ts, 0), rounded(ts - tb, 0), note]
        )
    table = make_table(
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
    if saving["refused"]:
        table["note"] = f"No total and no saving: {saving['reason']}"
    else:
        table["note"] = (
            f"Totals on the costs held, which cover {saving['coverage_text']} of the scenario's placement-weeks."
        )
    table["saving"] = saving
    return table


def cost_figure(results: dict) -> dict:
    """Stacked bars of the costed placements' cost per projection year; the legend's title says what share of
    the projection they cover and what has no cost, so the bars never read as the whole spend."""
    totals: dict[str, dict[str, float]] = {}
    labels = {}
    for c in cost_rows(results):
        if c["cost"] is None:
            continue
        name = pair_label(c["group"], c["provider"])
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
    cov = coverage(results)
    layout = chart_layout("Cost in the year", "Projection year")
    layout["xaxis"]["type"] = "category"
    layout["yaxis"]["tickprefix"] = "£"
    layout["barmode"] = "stack"
    if cov["share"] is not None and cov["share"] < 1:
        # Said on the plot itself, so the chart alone cannot pass for the whole spend.
        layout["margin"]["t"] = 50
        layout["annotations"] = [
            {
                "text": f"<b>Costed: {share_label(cov['share'])} of placement-weeks</b>",
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "xshift": -60,
                "y": 1.02,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 14, "color": "#0b0c0c"},
            }
        ]
    title = f"Only the placements with a unit cost held. {cov['text']}."
    return with_legend_below({"data": data, "layout": layout}, title=title)
