"""The FLOURISH fixtures are transcriptions of the seed documents: every statement, quote and figure
must be found in the seed text, and the measures must point at areas and outcomes that exist."""

import json
import re
from pathlib import Path

import pytest

from placements.measures import MEASURE_CODES
from tests import shared

SEEDS = shared.SEEDS
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
FRAMEWORK = json.loads((FIXTURES / "flourish_framework.json").read_text())
MEASURES = json.loads((FIXTURES / "flourish_measures.json").read_text())["measures"]

AREA_NAMES = [
    ("F", "Family and friends"),
    ("L", "Learning"),
    ("O", "Opportunity"),
    ("U", "Understood"),
    ("R", "Resilience"),
    ("I", "Individual"),
    ("S", "Safe and secure"),
    ("H", "Healthy"),
]
OUTCOMES_PER_AREA = {"F": 6, "L": 6, "O": 4, "U": 6, "R": 6, "I": 6, "S": 7, "H": 5}
TAILORED_DETERMINANTS_PER_AREA = {"F": 6, "L": 6, "O": 3, "U": 7, "R": 3, "I": 6, "S": 8, "H": 5}
PRIORITIES = [
    ("prevention", "Prevention and early help", 13),
    ("mental_health", "Mental health and emotional wellbeing", 10),
    ("send", "SEND", 7),
    ("gaps_in_learning", "Addressing gaps in learning", 6),
]
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "nine": 9}
PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$|^\d{4}/\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UNITS = {"%", "count", "per 10,000", "1 in N"}
MEASURE_KEYS = {
    "code", "title", "unit", "polarity", "owner_team", "owner_officer", "status_rule", "escalation_rule",
    "values", "source", "source_quote", "area", "outcomes", "definition", "frequency", "target", "caveats",
    "placements_measure",
}  # fmt: skip


def norm(text: str) -> str:
    """Drop markdown emphasis and inline HTML tags, collapse whitespace."""
    text = re.sub(r"</?(b|u|sup|p)>", "", text)
    text = text.replace("**", "")
    return re.sub(r"\s+", " ", text).strip()


SEED_TEXT = {p.name: norm(p.read_text()) for p in SEEDS.glob("*.txt")}


def in_seed(quote: str, source: str) -> bool:
    return norm(quote) in SEED_TEXT[source.split()[0]]


def number_forms(value: float) -> set[str]:
    forms = {f"{value:g}", f"{value:,g}", f"{value:,}", f"{value:.1f}"}
    if float(value).is_integer():
        forms |= {f"{int(value)}", f"{int(value):,}"}
        forms |= {w for w, n in NUMBER_WORDS.items() if n == value}
    return forms


def has_number(value: float, quote: str) -> bool:
    text = norm(quote)
    return any(re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d]|[.,]\d)", text) for f in number_forms(value))


# ---- framework -----------------------------------------------------------------------------------


def test_framework_source_is_the_flourish_strategy():
    assert FRAMEWORK["source"] == "003_9e98cb0228caf7d7.txt"
    assert "Flourishing in Norfolk" in SEED_TEXT[FRAMEWORK["source"]]


def test_eight_areas_in_flourish_order_with_seed_names():
    areas = FRAMEWORK["areas"]
    assert [(a["code"], a["name"]) for a in areas] == AREA_NAMES
    assert [a["order"] for a in areas] == list(range(1, 9))
    assert "".join(a["code"] for a in areas) == "FLOURISH"
    for a in areas:
        assert a["letter_word"] == a["name"]
        assert in_seed(a["name"], FRAMEWORK["source"])
        assert a["impact_statement"] and in_seed(a["impact_statement"], FRAMEWORK["source"]), a["code"]


def test_outcomes_are_numbered_in_seed_order_and_verbatim():
    seed = SEED_TEXT[FRAMEWORK["source"]]
    for a in FRAMEWORK["areas"]:
        outcomes = a["outcomes"]
        assert len(outcomes) == OUTCOMES_PER_AREA[a["code"]], a["code"]
        assert [o["code"] for o in outcomes] == [f"{a['code']}{i}" for i in range(1, len(outcomes) + 1)]
        positions = []
        for o in outcomes:
            assert in_seed(o["statement"], FRAMEWORK["source"]), o["code"]
            positions.append(seed.index(f"- {norm(o['statement'])}"))
        assert positions == sorted(positions), a["code"]
    assert sum(len(a["outcomes"]) for a in FRAMEWORK["areas"]) == 46


def test_determinants_universal_and_tailored_per_area():
    dets = FRAMEWORK["determinants"]
    universal = [d for d in dets if d["kind"] == "universal"]
    tailored = [d for d in dets if d["kind"] == "tailored"]
    assert len(universal) == 9
    assert len(tailored) == sum(TAILORED_DETERMINANTS_PER_AREA.values()) == 44
    assert len(dets) == 53
    for code, n in TAILORED_DETERMINANTS_PER_AREA.items():
        assert sum(d["area"] == code for d in tailored) == n, code
    assert all(d["area"] == "" for d in universal)
    for d in dets:
        assert set(d) >= {"kind", "name", "description"}
        assert in_seed(f"- {d['name']}", FRAMEWORK["source"]), d["name"]
        assert d["description"] == "" or in_seed(d["description"], FRAMEWORK["source"])


def test_partnership_priorities_and_success_statements():
    prios = FRAMEWORK["partnership_priorities"]
    assert [(p["code"], p["name"], p["order"]) for p in prios] == [
        (c, n, i) for i, (c, n, _) in enumerate(PRIORITIES, 1)
    ]
    for p, (_, _, count) in zip(prios, PRIORITIES, strict=True):
        assert in_seed(p["name"], FRAMEWORK["source"])
        assert len(p["success_statements"]) == count, p["code"]
        for s in p["success_statements"] + p.get("agency_success_statements", []):
            assert in_seed(f"- {s}", FRAMEWORK["source"]), s


def test_if_norfolk_had_100_children():
    rows = FRAMEWORK["if_norfolk_had_100_children"]
    assert len(rows) == 28
    assert in_seed("If Norfolk had just 100 children and young people", FRAMEWORK["source"])
    for r in rows:
        assert r["unit"] == "children"
        assert in_seed(r["statement"], FRAMEWORK["source"]), r["statement"]
        assert r["statement"].split()[0] == str(r["value"]), r


# ---- measures -------------------------------------------------------------------------------------

OUTCOME_CODES = {o["code"] for a in FRAMEWORK["areas"] for o in a["outcomes"]}
AREA_CODES = {a["code"] for a in FRAMEWORK["areas"]}


def test_measure_codes_unique_and_keys_present():
    codes = [m["code"] for m in MEASURES]
    assert len(codes) == len(set(codes))
    for m in MEASURES:
        assert MEASURE_KEYS <= set(m), (m["code"], MEASURE_KEYS - set(m))


@pytest.mark.parametrize("m", MEASURES, ids=lambda m: m["code"])
def test_measure_is_well_formed(m):
    assert m["unit"] in UNITS
    assert m["polarity"] in {"higher", "lower", "neutral"}
    assert m["area"] in AREA_CODES
    assert set(m["outcomes"]) <= OUTCOME_CODES
    assert m["status_rule"]["kind"] in {"target", "benchmark", "trend", "none"}
    assert m["escalation_rule"]["kind"] in {"red_twice", "red_and_worsening", "none"}
    assert m["definition"] and isinstance(m["caveats"], str) and isinstance(m["frequency"], str)
    if m["status_rule"]["kind"] == "target":
        assert m["target"] is not None
    if m["status_rule"]["kind"] == "benchmark":
        assert m["placements_measure"] or any(v.get("comparators") for v in m["values"])


@pytest.mark.parametrize("m", MEASURES, ids=lambda m: m["code"])
def test_measure_quotes_and_figures_are_in_the_seed(m):
    assert in_seed(m["source_quote"], m["source"]), m["code"]
    for v in m["values"]:
        quote = v.get("source_quote", m["source_quote"])
        source = v.get("source", m["source"])
        assert in_seed(quote, source), (m["code"], v)
        assert PERIOD.match(v["period"]), v["period"]
        assert isinstance(v["provisional"], bool)
        assert has_number(v["value"], quote), (m["code"], v)
        for name, c in (v.get("comparators") or {}).items():
            assert name in {"England", "Region", "Statistical neighbour average"}
            assert has_number(c, quote), (m["code"], name, c)
    t = m["target"]
    if t is not None:
        assert DATE.match(t["date"])
        assert in_seed(t["source_quote"], t.get("source", m["source"]))
        assert has_number(t["value"], t["source_quote"])
    for extra in m.get("targets", []):
        assert in_seed(extra["source_quote"], extra.get("source", m["source"]))
        assert has_number(extra["value"], extra["source_quote"])


@pytest.mark.parametrize("m", [m for m in MEASURES if m["placements_measure"]], ids=lambda m: m["code"])
def test_placement_linked_measures_carry_no_values(m):
    assert m["placements_measure"] in MEASURE_CODES
    assert m["values"] == []


def test_measures_cover_every_area_that_the_seeds_quantify():
    assert {m["area"] for m in MEASURES} >= {"F", "L", "O", "S", "H"}


def test_variant_wordings_are_in_their_seeds_and_differ_from_the_strategy():
    by_ref = {a["code"]: a for a in FRAMEWORK["areas"]}
    by_ref |= {o["code"]: o for a in FRAMEWORK["areas"] for o in a["outcomes"]}
    for var in FRAMEWORK["variants"]:
        assert in_seed(var["text"], var["source"]), var
        assert var["text"] != by_ref[var["ref"]][var["field"]], var
