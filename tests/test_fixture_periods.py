"""Every published figure's period agrees with its document's date, and a report's figures share its period.

Plain files, no database: fixtures/published_measures.csv, comparators.csv and flourish_measures.json
against fixtures/sources.csv (each document's reader name and date) and source_sections.csv (its
headings), which are checked against the seed text where the seeds are present.
"""

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest

from flourish.periods import period_end
from sufficiency import sources
from tests import shared

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
IN_YEAR = re.compile(r"not a (year ending )?31 March|not a year ending 31 March|monthly", re.IGNORECASE)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTH_YEAR = re.compile(rf"\b({MONTHS})\s+(\d{{4}})\b")
SPLIT_YEAR = re.compile(r"\b(\d{4})\s*[/-]\s*(\d{2}|\d{4})\b")


def _rows(name: str) -> list[dict]:
    with open(FIXTURES / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _collection_year(day: date) -> int:
    """The collection year (year ending 31 March) that holds `day`."""
    return day.year + 1 if day.month > 3 else day.year


def _stated_years(text: str) -> set[int]:
    """Collection years the text names: '2018/19' → 2019, 'August 2020' → 2021, 'March 2020' → 2020."""
    years = set()
    for start, end in SPLIT_YEAR.findall(text):
        end_year = int(end) if len(end) == 4 else int(start[:2] + end)
        if end_year == int(start) + 1:
            years.add(end_year)
    for month, year in MONTH_YEAR.findall(text):
        years.add(_collection_year(date(int(year), list(MONTHS.split("|")).index(month) + 1, 1)))
    return years


def _published() -> list[dict]:
    return [{**r, "area": r["la_code"]} for r in _rows("published_measures.csv")] + [
        {**r, "area": r["area_code"]} for r in _rows("comparators.csv")
    ]


def _flourish_values() -> list[tuple[dict, dict, str]]:
    """(measure, value, document) for each FLOURISH value held in the fixture."""
    data = json.loads((FIXTURES / "flourish_measures.json").read_text(encoding="utf-8"))
    out = []
    for m in data["measures"]:
        for v in m.get("values") or []:
            cited = v.get("source") or m.get("source") or ""
            out.append((m, v, cited.split()[0].rstrip(",") if cited else ""))
    return out


def test_every_cited_document_has_a_reader_name_and_date():
    docs = sources.documents()
    cited = {r["source_document"] for r in _published()} | {d for _, _, d in _flourish_values()}
    assert cited - {""} <= set(docs), cited - set(docs)
    for doc in docs.values():
        assert doc.title and ".txt" not in doc.title and doc.date and doc.as_of


@pytest.mark.skipif(not shared.SEEDS.is_dir(), reason="seed documents not available")
def test_document_dates_and_section_headings_are_in_the_seed_text():
    for doc in sources.documents().values():
        text = (shared.SEEDS / doc.file).read_text(encoding="utf-8")
        assert doc.date in text, (doc.file, doc.date)
    for r in _rows("source_sections.csv"):
        lines = (shared.SEEDS / r["document"]).read_text(encoding="utf-8").splitlines()
        heading = re.sub(r"^paragraph [\d.]+ \((.*)\)$", r"\1", r["section"])
        line = lines[int(r["line"]) - 1].replace("’", "'").replace("‘", "'")
        assert heading.replace("’", "'").replace("‘", "'") in line, (r, line)


def test_a_line_is_cited_by_the_section_that_holds_it():
    assert sources.source_citation("004_22bfac70eab5605e.txt", 251) == (
        "Scrutiny Sub-Committee report 'Performance in Children's Services: Children in Care & the Care"
        " Market', 7 October 2020, paragraph 4.3 (Placement Stability)"
    )
    assert (
        sources.cite("001_4ca911de8b64b3ba.txt line 154")
        == "Norfolk Sufficiency Strategy 2020–23, Local Context"
    )


@pytest.mark.parametrize("row", _published(), ids=lambda r: f"{r['area']}-{r['year']}-{r['measure']}")
def test_published_period_is_consistent_with_its_document(row):
    """Held no later than the collection year the document was written in; a year whose 31 March is
    after the document's date is an in-year figure and its note must say so; and the held year is one
    the quote or note states (a figure the document leaves undated is held at the document's year)."""
    doc = sources.documents()[row["source_document"]]
    year, text = int(row["year"]), f"{row['quote']} {row['note']}"
    assert year <= _collection_year(doc.as_of), row
    if date(year, 3, 31) > doc.as_of:
        assert IN_YEAR.search(row["note"]), f"in-year figure without a caveat: {row}"
    stated = _stated_years(text)
    if f"March {year}" in text or f"31st March {year}" in text or str(year - 1) + "/" in text:
        return
    assert year in stated or (not stated and year == _collection_year(doc.as_of)), (year, stated, row)


def test_figures_of_one_report_share_its_period():
    """The scrutiny report of 7 October 2020: every figure it leaves undated ('most recent', 'in
    2020', 'usually around') is held as its own collection year, 2020/21, with the in-year caveat."""
    report = "004_22bfac70eab5605e.txt"
    year = _collection_year(sources.documents()[report].as_of)
    assert year == 2021
    rows = [r for r in _published() if r["source_document"] == report]
    undated = [r for r in rows if not MONTH_YEAR.search(r["quote"])]
    assert {r["measure"] for r in undated} >= {
        "stability_3plus_pct",
        "distance_over_20_pct",
        "seen_within_timescales_pct",
    }
    for r in undated:
        assert int(r["year"]) == year, r
        assert "not a year ending 31 March" in r["note"], r


@pytest.mark.parametrize("item", _flourish_values(), ids=lambda i: f"{i[0]['code']}-{i[1]['period']}")
def test_flourish_period_is_consistent_with_its_document(item):
    measure, value, document = item
    doc = sources.documents()[document]
    end = period_end(str(value["period"]))
    assert end is not None, value
    if end > doc.as_of:
        assert IN_YEAR.search(value.get("note", "")), (
            f"period after the document's date: {measure['code']} {value}"
        )


def test_the_same_figure_holds_the_same_period_in_placements_and_flourish():
    """A FLOURISH value transcribed from the same sentence as a placements published figure falls in
    that figure's collection year (1 April to 31 March)."""
    published = _rows("published_measures.csv")
    pairs = []
    for measure, value, document in _flourish_values():
        quote = value.get("source_quote") or measure.get("source_quote") or ""
        for r in published:
            if r["source_document"][:3] == document[:3] and float(r["value"]) == float(value["value"]):
                if r["quote"] and r["quote"] in quote:
                    pairs.append((measure["code"], value["period"], r["measure"], int(r["year"])))
    codes = {p[0] for p in pairs}
    assert {"cla_seen_within_timescales_pct", "cla_health_assessments_pct", "cla_fostered_pct"} <= codes, (
        pairs
    )
    for code, period, published_code, year in pairs:
        end = period_end(str(period))
        assert date(year - 1, 3, 31) < end <= date(year, 3, 31), (code, period, published_code, year)


@pytest.mark.django_db
def test_reseeding_moves_a_figure_held_under_its_old_period(seeded_core, tmp_path):
    """A database seeded before the correction holds 11.9% under 2020 and 96% under '2020': seeding
    again leaves each figure once, under its corrected period, with the corrected note."""
    from flourish.models import MeasureValue as FlourishValue
    from flourish.seed import load_seed as load_flourish
    from placements.models import YearlyFigure
    from placements.seed import load_seed as load_placements
    from sufficiency.models import LocalAuthority

    norfolk = LocalAuthority.objects.get(code="E10000020")
    YearlyFigure.objects.create(
        la=norfolk,
        year=2020,
        measure="distance_over_20_pct",
        value=11.9,
        source=YearlyFigure.Source.PUBLISHED,
        source_document="004_22bfac70eab5605e.txt",
    )
    load_flourish()
    moved = FlourishValue.objects.get(measure__code="cla_seen_within_timescales_pct")
    moved.period, moved.note = "2020", "old"
    moved.save()

    load_placements(synthetic=False)
    load_flourish()

    held = YearlyFigure.objects.filter(la=norfolk, measure="distance_over_20_pct", source="published")
    assert [(v.year, v.value) for v in held] == [(2021, 11.9)]
    assert "not a year ending 31 March" in held[0].note
    values = FlourishValue.objects.filter(measure__code="cla_seen_within_timescales_pct")
    assert [(v.period, v.value) for v in values] == [("2020/21", 96)]
    assert values[0].period_end == date(2021, 3, 31)
    assert "not a year ending 31 March" in values[0].note
