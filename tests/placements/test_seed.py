"""The synthetic-return helpers the demo seed, the benchmarks and tests share."""

import pytest

from placements.models import Return
from placements.seed import import_synthetic_returns
from placements.ssda903.read import read_return
from placements.ssda903.synthetic import csv_uploads, generate_return
from sufficiency.models import LocalAuthority


def test_csv_uploads_read_back_as_the_same_tables():
    tables = generate_return(children=60, first_year=2022, last_year=2022, seed=5)[2022]
    files = csv_uploads(tables)
    assert [name for name, _ in files] == [f"{name.lower()}.csv" for name in tables]
    raw = read_return(files)
    assert not [p for p in raw.problems if p.severity == "error"]
    assert len(raw.tables["Episodes"]) == len(tables["Episodes"])


@pytest.mark.django_db
def test_import_synthetic_returns_imports_each_year_through_the_service():
    la = LocalAuthority.objects.update_or_create(
        code="Z99999998", defaults={"name": "Testshire", "is_synthetic": True, "kind": "la"}
    )[0]
    jobs = import_synthetic_returns(la, children=80, first=2021, last=2022, seed=3)
    assert [(j.collection_year, j.status) for j in jobs] == [(2021, "succeeded"), (2022, "succeeded")]
    assert Return.objects.current().for_la(la).count() == 2
