"""Checks on the published-figure fixtures transcribed from the seed documents.

Plain csv + pytest: no database. The seed documents live in shared/seeds/ beside the repository
(CI clones the repository with shared/ beside it; SHARED_DIR names another place).
"""

import csv
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from tests import shared

REPO = Path(__file__).resolve().parents[2]
SEEDS = shared.SEEDS
FIXTURES = REPO / "fixtures"

MEASURES = FIXTURES / "published_measures.csv"
COMPARATORS = FIXTURES / "comparators.csv"
META = FIXTURES / "published_measures_meta.csv"

HEADER = ["year", "measure", "value", "source_document", "source_section", "quote", "note"]

# Measure codes defined in shared/reference/ssda903.md.
REFERENCE_CODES = {
    "cla_31_march",
    "starts",
    "ceases",
    "rate_per_10k",
    "uasc_31_march",
    "placement_fostered_relative_friend",
    "placement_fostered_in_house",
    "placement_fostered_agency",
    "placement_adoption",
    "placement_with_parents",
    "placement_residential",
    "placement_semi_independent",
    "placement_other",
    "age_under_1",
    "age_1_4",
    "age_5_9",
    "age_10_15",
    "age_16_plus",
    "sex_male",
    "sex_female",
    *(f"cin_N{i}" for i in range(1, 9)),
    "stability_3plus_count",
    "stability_3plus_pct",
    "long_term_eligible",
    "long_term_stable_count",
    "long_term_stability_pct",
    "distance_known_count",
    "distance_over_20_count",
    "distance_over_20_pct",
}

# Extractions of the same Sufficiency Strategy: a figure quoted from one must be in the other.
SAME_DOCUMENT = {
    "001_4ca911de8b64b3ba.txt": "000_b2eb913b38f73c99.txt",
    "000_b2eb913b38f73c99.txt": "001_4ca911de8b64b3ba.txt",
}


def _read(path):
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def _normalise(text):
    return " ".join(text.split())


@cache
def _seed_text(name, strip_tags=False):
    text = (SEEDS / name).read_text(encoding="utf-8")
    if strip_tags:
        text = re.sub(r"<[^>]+>", "", text)
    return _normalise(text)


def _rows(path):
    return _read(path)[1]


def _value(rows, key, code, year, measure, source=None):
    found = [
        r
        for r in rows
        if r[key] == code
        and r["year"] == str(year)
        and r["measure"] == measure
        and (source is None or r["source_document"] == source)
    ]
    assert found, f"no row for {code} {year} {measure}"
    assert len({float(r["value"]) for r in found}) == 1, found
    return float(found[0]["value"])


pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")


def test_headers():
    assert _read(MEASURES)[0] == ["la_code", *HEADER]
    assert _read(COMPARATORS)[0] == ["area_code", *HEADER]
    assert _read(META)[0] == ["measure", "title", "unit", "note"]


@pytest.mark.parametrize("path", [MEASURES, COMPARATORS], ids=lambda p: p.name)
def test_rows_are_well_formed(path):
    rows = _rows(path)
    assert rows
    for r in rows:
        assert 1990 <= int(r["year"]) <= 2030, r
        float(r["value"])  # plain number: no commas, no percent signs
        assert re.fullmatch(r"-?\d+(\.\d+)?", r["value"]), r
        assert re.fullmatch(r"[a-z0-9_]+|[a-z0-9_]+_N[1-8](_pct)?", r["measure"]), r
        assert r["source_section"].strip(), r
        assert len(r["quote"]) <= 200, r


@pytest.mark.parametrize("path", [MEASURES, COMPARATORS], ids=lambda p: p.name)
def test_source_documents_exist(path):
    for r in _rows(path):
        assert (SEEDS / r["source_document"]).is_file(), r["source_document"]


@pytest.mark.parametrize("path", [MEASURES, COMPARATORS], ids=lambda p: p.name)
def test_quotes_are_verbatim(path):
    for r in _rows(path):
        if not r["quote"]:
            continue
        quote = _normalise(r["quote"])
        assert quote in _seed_text(r["source_document"]), (r["source_document"], r["quote"])
        other = SAME_DOCUMENT.get(r["source_document"])
        if other:
            # The other extraction carries the same words once its markup is dropped.
            assert quote in _seed_text(other, strip_tags=True), (other, r["quote"])


def test_quote_contains_the_figure():
    for path in (MEASURES, COMPARATORS):
        for r in _rows(path):
            if not r["quote"]:
                continue
            value = r["value"]
            with_commas = f"{int(float(value)):,}" if float(value).is_integer() else value
            assert value in r["quote"] or with_commas in r["quote"], (r["measure"], value, r["quote"])


def test_no_duplicate_keys():
    rows = _rows(MEASURES)
    keys = Counter((r["la_code"], r["year"], r["measure"], r["source_document"]) for r in rows)
    assert [k for k, n in keys.items() if n > 1] == []
    rows = _rows(COMPARATORS)
    keys = Counter((r["area_code"], r["year"], r["measure"], r["source_document"]) for r in rows)
    assert [k for k, n in keys.items() if n > 1] == []


def test_area_codes():
    assert {r["la_code"] for r in _rows(MEASURES)} == {"E10000020"}
    assert {r["area_code"] for r in _rows(COMPARATORS)} <= {
        "E92000001",
        "E12000006",
        "SN_AVG_E10000020",
    }


def test_every_non_reference_code_has_meta():
    meta = _rows(META)
    codes = [m["measure"] for m in meta]
    assert len(codes) == len(set(codes))
    assert all(m["title"].strip() for m in meta)
    assert {m["unit"] for m in meta} <= {"count", "percent", "rate"}
    used = {r["measure"] for r in _rows(MEASURES)} | {r["measure"] for r in _rows(COMPARATORS)}
    assert used - REFERENCE_CODES == set(codes)
    for m in meta:
        assert m["measure"].endswith("_pct") == (m["unit"] == "percent"), m


def test_key_figures():
    rows = _rows(MEASURES)

    def norfolk(year, measure):
        return _value(rows, "la_code", "E10000020", year, measure)

    assert norfolk(2021, "cla_31_march") == 1083
    assert norfolk(2020, "cla_31_march") == 1107
    assert norfolk(2015, "cla_31_march") == 1067
    assert norfolk(2014, "cla_31_march") == 1076
    assert norfolk(2020, "rate_per_10k") == 65.1
    assert norfolk(2019, "starts") == 454
    assert norfolk(2020, "starts") == 341
    assert norfolk(2020, "ceases") == 413
    assert norfolk(2020, "uasc_31_march") == 79
    assert norfolk(2020, "placement_fostered_in_house") == 380
    assert norfolk(2020, "placement_semi_independent") == 105
    assert norfolk(2015, "placement_residential") == 141
    assert norfolk(2020, "placement_total") == 1115
    assert norfolk(2020, "sex_male") == 626
    assert norfolk(2020, "sex_female") == 489
    assert norfolk(2020, "age_10_15_pct") == 41
    assert norfolk(2020, "cin_N1") == 724
    assert norfolk(2021, "stability_3plus_pct") == 11.1
    # 'in 2020 this figure stood at 11.9%' (report to the 7 October 2020 meeting): a 2020/21 in-year
    # figure, held with the report's other undated figures as 2021, not as the year ending 31 March 2020.
    assert norfolk(2021, "distance_over_20_pct") == 11.9
    assert norfolk(2021, "seen_within_timescales_pct") == 96
    assert norfolk(2021, "health_assessments_pct") == 90.1
    assert norfolk(2019, "residential_count") == 132
    assert norfolk(2021, "residential_count") == 108

    comps = _rows(COMPARATORS)
    assert _value(comps, "area_code", "SN_AVG_E10000020", 2020, "rate_per_10k") == 56.0
    assert _value(comps, "area_code", "E92000001", 2019, "placement_fostered_pct") == 72
    assert _value(comps, "area_code", "E92000001", 2021, "stability_3plus_pct") == 10
    assert _value(comps, "area_code", "E12000006", 2021, "stability_3plus_pct") == 10


def test_placement_series_is_complete_and_held_as_published():
    rows = _rows(MEASURES)
    groups = [
        "placement_fostered_relative_friend",
        "placement_fostered_in_house",
        "placement_fostered_agency",
        "placement_adoption",
        "placement_with_parents",
        "placement_residential",
        "placement_semi_independent",
        "placement_other",
    ]
    for year in range(2015, 2021):
        for measure in ["cla_31_march", "rate_per_10k", "starts", "ceases", *groups]:
            _value(rows, "la_code", "E10000020", year, measure)
        total = _value(rows, "la_code", "E10000020", year, "placement_total")
        # The published Total row is the sum of the eight published groups ...
        assert total == sum(_value(rows, "la_code", "E10000020", year, g) for g in groups)
    # ... and is deliberately not reconciled with the headline count.
    assert _value(rows, "la_code", "E10000020", 2015, "placement_total") == 1151
    assert _value(rows, "la_code", "E10000020", 2015, "cla_31_march") == 1067
