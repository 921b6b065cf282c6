"""The transcription of the seed's "Commissioning & Resourcing Priorities" table."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests import shared

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "priorities.json"
SEEDS = shared.SEEDS
SEED_000 = SEEDS / "000_b2eb913b38f73c99.txt"


@pytest.fixture(scope="module")
def data():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _actions(data):
    return [(p, a) for p in data["priorities"] for a in p["actions"]]


def test_counts(data):
    assert len(data["priorities"]) == 30
    assert len(_actions(data)) == 30
    per_portfolio = {}
    for p in data["priorities"]:
        per_portfolio[p["portfolio"]] = per_portfolio.get(p["portfolio"], 0) + 1
    assert per_portfolio == {
        "Residential & SIA": 8,
        "Fostering & Adoption": 7,
        "Alternative to Care": 4,
        "Mental Health": 5,
        "DfE": 2,
        "Access to Resource": 4,
    }
    assert [t["name"] for t in data["themes"]] == [
        "Build",
        "Specialise",
        "Streamline",
        "Partner",
        "Transform",
    ]


# Rows copied by hand from seed 000 (tab-separated cells), to check the fixture against the source text.
SAMPLE_ROWS = [
    (
        "Residential & SIA",
        "To develop solo/duel placement provisions",
        "To build the capacity for specialists solo placement in Norfolk",
        "Commissioning and Resources",
        "March 2022",
        "Build",
        "In Progress",
    ),
    (
        "Fostering & Adoption",
        "Continue to increase inhouse fostering for enhanced placements.",
        "Utilise the Enhanced Fostering model to step children from residential care to foster placements "
        "with specialist foster carers.",
        "Transformation",
        "April 2022",
        "Transform",
        "Launched",
    ),
    (
        "Fostering & Adoption",
        "Review market quality and performance information as part of the fostering performance framework "
        "quality improvements",
        "Develop and embed performance management frameworks for fostering commissioned provision, aligned with "
        "in-house data collection scope.",
        "Commissioning and Resources",
        "April 2022",
        "Streamline",
        "In progress",
    ),
    (
        "Alternative to Care",
        "Expand community based assessments",
        "To continue recruiting to and embed resilience into the service in order to reduce the number of and "
        "duration of care proceedings.\n\nFocused recruitment, additional training for staff and embedding good "
        "practice.",
        "Resources",
        "April 22",
        "Transform",
        "In Progress",
    ),
    (
        "Mental Health",
        "0-25 Children, Families and Young People's service (CFYP)",
        None,
        "CCG/NCC",
        "April 2021 to April 2022",
        "Transform",
        "In Progress",
    ),
    (
        "DfE",
        "Stay Close Stay Connected",
        "Collaborate to develop service sustainability across provider and LAs to strengthen leaving care "
        "services for young people.",
        "Commissioning",
        "March 22",
        "Partner",
        "In Progress",
    ),
    (
        "Access to Resource",
        "System and recording improvements",
        "To embed development of Phase 2 Liquid Logic systems to enable the ART to record, track and monitor "
        "commissioned activities.",
        "Commissioning",
        "April 2021",
        "Streamline",
        "In Progress",
    ),
]


@pytest.mark.parametrize("row", SAMPLE_ROWS, ids=lambda r: r[1][:30])
def test_sample_rows_match_the_seed_text(data, row):
    portfolio, title, description, assigned, timescale, theme, status = row
    [priority] = [p for p in data["priorities"] if p["title"] == title]
    [action] = priority["actions"]
    assert priority["portfolio"] == portfolio
    if description is not None:
        assert action["description"] == description
    assert action["assigned_to_text"] == assigned
    assert action["timescale_text"] == timescale
    assert action["theme_text"] == theme
    assert action["status_text"] == status


def test_multi_team_and_multi_theme_rows(data):
    [row] = [
        p
        for p in data["priorities"]
        if p["title"] == "To develop opportunities and services with the Adoption Support Team"
    ]
    action = row["actions"][0]
    assert action["owner_teams"] == ["Adoption", "Commissioning"]
    assert action["themes"] == ["Partner", "Build", "Transform"]
    assert action["timescale_text"] == "March 2023"
    [nwd] = [p for p in data["priorities"] if p["title"].startswith("To launch the No Wrong Door")]
    assert nwd["actions"][0]["theme_text"] == "Build Transformation"
    assert nwd["actions"][0]["themes"] == ["Build", "Transform"]
    assert nwd["actions"][0]["owner_teams"] == ["Resources and Commissioning"]


def test_theme_definitions_from_seed_001(data):
    defs = {t["name"]: t["definition"] for t in data["themes"]}
    assert defs["Streamline"] == "Continuously improve quality and reduce waste."
    assert defs["Build"] == "Expand local capacity that is critical to driving long term goals."
    assert all(t["source"]["file"].startswith("001_") for t in data["themes"])


def test_strategy_matrix_as_written(data):
    rows = {r["label"]: {k for k, v in r["cells"].items() if v} for r in data["strategy_matrix"]["rows"]}
    assert rows == {
        "Residential": {"Build", "Partner", "Transform"},
        "Fostering": {"Build", "Specialise", "Streamline", "Partner"},
        "Semi Independent": {"Streamline"},
        "Alternative to Care": {"Specialise", "Streamline", "Partner"},
        "Mental Health": {"Streamline", "Transform"},
    }


@pytest.mark.skipif(not SEED_000.exists(), reason="seed documents not available on this machine")
def test_every_row_is_in_the_seed_text(data):
    """Each priority, action, team, timescale and status appears on the cited line of seed 000."""
    lines = SEED_000.read_text(encoding="utf-8").split("\n")
    for priority in data["priorities"]:
        line = lines[priority["source"]["line"] - 1]
        cells = line.split("\t")
        action = priority["actions"][0]
        assert cells[1] == priority["title"]
        assert re.sub(r"</?p>", "", cells[2]).split() == action["description"].split()
        assert cells[3:7] == [
            action["assigned_to_text"],
            action["timescale_text"],
            action["theme_text"],
            action["status_text"],
        ]
