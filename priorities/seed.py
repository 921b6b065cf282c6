"""Load the transcribed priorities table (fixtures/priorities.json). Idempotent: safe to run again.

A second run adds only what is missing; it never overwrites a status or note changed in the portal.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from priorities.models import Action, Portfolio, PortfolioTheme, Priority, Theme
from priorities.timescales import parse_timescale
from sufficiency.models import Team

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "priorities.json"

# The source writes statuses loosely ("In Progress", "In progress"); the portal keeps one spelling.
STATUS_FROM_SOURCE = {s.label.lower(): s.value for s in Action.Status}


def status_from_source(text: str) -> str:
    """Map a status as written ("In Progress") to a portal status ("In progress")."""
    value = STATUS_FROM_SOURCE.get(" ".join(text.split()).lower())
    if value is None:
        raise ValueError(f"Unknown status in the source: {text!r}")
    return value


def read_fixture(path: Path = FIXTURE) -> dict:
    """The fixture as a dict (see its "about" notes)."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _team(name: str) -> Team:
    team = Team.objects.filter(name=name).first()
    if team is None:
        team = Team.objects.create(name=name, slug=slugify(name) or "team")
    return team


@transaction.atomic
def load_fixture(data: dict) -> dict[str, int]:
    """Create what is missing from the fixture; returns counts of rows created."""
    created = {"teams": 0, "themes": 0, "portfolios": 0, "matrix cells": 0, "priorities": 0, "actions": 0}
    themes = {}
    for row in data["themes"]:
        theme, made = Theme.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "definition": row["definition"], "order": row["order"]},
        )
        themes[theme.name] = theme
        created["themes"] += made
    portfolios = {}
    for row in data["portfolios"]:
        portfolio, made = Portfolio.objects.get_or_create(
            name=row["name"], defaults={"slug": slugify(row["name"]), "order": row["order"]}
        )
        portfolios[portfolio.name] = portfolio
        created["portfolios"] += made
    for row in data["strategy_matrix"]["rows"]:
        for theme_name, text in row["cells"].items():
            _, made = PortfolioTheme.objects.update_or_create(
                row_label=row["label"],
                theme=themes[theme_name],
                defaults={
                    "row_order": row["order"],
                    "portfolio": portfolios[row["maps_to_portfolio"]],
                    "text": text,
                },
            )
            created["matrix cells"] += made
    team_names = {n for p in data["priorities"] for a in p["actions"] for n in a["owner_teams"]}
    before = Team.objects.filter(name__in=team_names).count()
    teams = {name: _team(name) for name in sorted(team_names)}
    created["teams"] = len(team_names) - before
    for p in data["priorities"]:
        src = p["source"]
        priority, made = Priority.objects.get_or_create(
            portfolio=portfolios[p["portfolio"]],
            title=p["title"],
            defaults={"order": p["order"], "source": f"{src['file']}, {src['section']}, line {src['line']}"},
        )
        created["priorities"] += made
        for a in p["actions"]:
            if Action.objects.filter(priority=priority, description=a["description"]).exists():
                continue
            ts = parse_timescale(a["timescale_text"])
            action = Action.objects.create(
                priority=priority,
                description=a["description"],
                owner_team=teams[a["owner_teams"][0]],
                assigned_to_text=a["assigned_to_text"],
                timescale_text=a["timescale_text"],
                due_start=ts.start,
                due_end=ts.end,
                theme_text=a["theme_text"],
                status=status_from_source(a["status_text"]),
                status_text=a["status_text"],
            )
            action.themes.set([themes[t] for t in a["themes"]])
            action.co_owner_teams.set([teams[t] for t in a["owner_teams"][1:]])
            created["actions"] += 1
    return created


def load_seed() -> str:
    """Load fixtures/priorities.json; returns a short summary."""
    created = load_fixture(read_fixture())
    return ", ".join(f"{n} {what} added" for what, n in created.items())
