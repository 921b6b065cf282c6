"""validate_return: a good return gives no problems, a bad one located problems, errors first (each
table's checks are tested beside their module)."""

from placements.ssda903.read import read_return
from placements.ssda903.validate import MAX_PROBLEMS, validate_return

from .util import FAKE, errors, sample_files


def test_sample_return_is_clean():
    assert validate_return(read_return(sample_files()), 2024) == []


def test_required_tables():
    raw = read_return([("header.csv", dict(sample_files())["header.csv"])])
    found = errors(validate_return(raw, 2024))
    assert [p.table for p in found] == ["Episodes"] and "no Episodes table" in found[0].message


def test_fake_third_party_return_is_refused_cleanly_with_located_problems():
    raw = read_return([(p.name, p.read_bytes()) for p in sorted(FAKE.glob("*.csv"))])
    found = validate_return(raw, 2018)
    errs = errors(found)
    assert errs, "the fake return is full of problems"
    assert len(found) <= MAX_PROBLEMS + 1
    located = [p for p in found if p.row is not None]
    assert all(p.table and p.column for p in located)
    assert found[0].severity == "error"  # errors are listed first
    kinds = {p.column for p in errs}
    assert {"REC", "DECOM"} <= kinds
    xml = read_return([("fake_903.xml", (FAKE / "fake_903.xml").read_bytes())])
    assert errors(validate_return(xml, 2018))


def test_a_national_scale_clean_return_has_no_errors():
    """Speed is measured by benchmarks/bench_pipeline.py, not here."""
    from placements.ssda903.synthetic import generate_return

    tables = generate_return(children=140_000, first_year=2024, last_year=2024, seed=3)[2024]
    assert len(tables["Episodes"]) >= 250_000
    files = [(f"{k}.csv", v.to_csv(index=False).encode()) for k, v in tables.items()]
    raw = read_return(files)
    found = validate_return(raw, 2024)
    assert errors(found) == []
