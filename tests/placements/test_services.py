"""The import service: all or nothing, idempotent, replaces a year whole, keeps no identifying data."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from placements.models import ChildHeader, Episode, ImportJob, Population, Return, YearlyFigure
from placements.services import (
    comparators_import,
    import_job_create,
    import_job_run,
    population_import,
)
from tests.placements.returns import bad_return, small_return

pytestmark = pytest.mark.django_db


def run(la, year, uploads):
    return import_job_run(import_job_create(la=la, collection_year=year, uploads=uploads))


def computed(la, year):
    return dict(
        YearlyFigure.objects.filter(la=la, year=year, source="computed").values_list("measure", "value")
    )


def test_import_writes_the_return_and_computes_measures(norfolk):
    job = run(norfolk, 2020, small_return())
    assert job.status == ImportJob.Status.SUCCEEDED, job.summary
    ret = Return.objects.current().get(la=norfolk, collection_year=2020)
    assert ret.episodes == 3 and Episode.objects.filter(ret=ret).count() == 3
    values = computed(norfolk, 2020)
    assert values["cla_31_march"] == 2
    assert values["starts"] == 1
    assert values["ceases"] == 1
    assert values["placement_fostered_in_house"] == 1
    assert values["placement_fostered_relative_friend"] == 1
    assert values["rate_per_10k"] is None  # no population held
    assert job.summary["years_recomputed"] == [2020]
    assert job.progress == 100


def test_nothing_identifying_is_stored(norfolk):
    run(norfolk, 2020, small_return())
    children = set(Episode.objects.values_list("child", flat=True)) | set(
        ChildHeader.objects.values_list("child", flat=True)
    )
    assert not children & {"C1", "C2", "C3"}
    stored = " ".join(
        " ".join(str(v) for v in row)
        for row in Episode.objects.values_list("home_outward", "pl_outward", "pl_post_key", "urn")
    )
    assert "NR1 1AA" not in stored and "NR2 2BB" not in stored
    assert set(Episode.objects.values_list("home_outward", flat=True)) == {"NR1"}


def test_same_child_links_across_years(norfolk):
    run(norfolk, 2020, small_return())
    first = set(Episode.objects.values_list("child", flat=True))
    run(norfolk, 2021, small_return())
    assert set(Episode.objects.values_list("child", flat=True)) == first


def test_importing_the_same_files_twice_changes_nothing(norfolk):
    run(norfolk, 2020, small_return())
    ret = Return.objects.current().get(la=norfolk, collection_year=2020)
    before = list(YearlyFigure.objects.order_by("pk").values_list("pk", "value"))
    job = run(norfolk, 2020, small_return())
    assert job.status == ImportJob.Status.UNCHANGED
    assert Return.objects.current().get(la=norfolk, collection_year=2020).pk == ret.pk
    assert list(YearlyFigure.objects.order_by("pk").values_list("pk", "value")) == before


def test_reimporting_a_year_replaces_it_whole(norfolk):
    run(norfolk, 2020, small_return())
    files = small_return()
    header, episodes = files[0][1], files[1][1]
    # drop child C3's episode: the new return holds two episodes
    episodes = b"\n".join(line for line in episodes.split(b"\n") if not line.startswith(b"C3")) + b"\n"
    job = run(norfolk, 2020, [("header.csv", header), ("episodes.csv", episodes)])
    assert job.status == ImportJob.Status.SUCCEEDED, job.summary
    assert Return.objects.filter(la=norfolk, collection_year=2020).count() == 1
    assert Episode.objects.count() == 2
    assert computed(norfolk, 2020)["cla_31_march"] == 1


def test_a_file_with_errors_changes_nothing(norfolk):
    run(norfolk, 2020, small_return())
    before = (
        Return.objects.count(),
        Episode.objects.count(),
        list(YearlyFigure.objects.values_list("pk", "value")),
    )
    job = run(norfolk, 2020, bad_return())
    assert job.status == ImportJob.Status.REJECTED
    assert (
        Return.objects.count(),
        Episode.objects.count(),
        list(YearlyFigure.objects.values_list("pk", "value")),
    ) == before
    problems = list(job.problems.filter(severity="error").values_list("table", "column", "value"))
    assert ("Episodes", "DECOM", "31/02/2019") in problems
    assert ("Episodes", "PLACE", "ZZ9") in problems
    assert all(p.row is not None for p in job.problems.filter(column__in=["DECOM", "PLACE"]))


def test_uploaded_files_are_not_kept(norfolk):
    from pathlib import Path

    job = run(norfolk, 2020, small_return())
    assert not Path(job.upload_dir).exists()


def test_population_gives_a_rate(norfolk):
    run(norfolk, 2020, small_return())
    saved, problems = population_import(
        name="pop.csv", content=b"la_code,year,population\nE10000020,2020,169000\n"
    )
    assert (saved, problems) == (1, [])
    assert computed(norfolk, 2020)["rate_per_10k"] == 0.1  # 2 / 169,000 × 10,000 = 0.118 → 0.1


def test_population_with_errors_saves_nothing(norfolk):
    saved, problems = population_import(
        name="pop.csv", content=b"la_code,year,population\nE10000020,2020,169000\nE99,20x0,-5\n"
    )
    assert saved == 0
    assert {(p.row, p.column) for p in problems} == {(3, "la_code"), (3, "year"), (3, "population")}
    assert Population.objects.count() == 0


def test_comparators_long_format(norfolk):
    content = b"area_code,year,measure,value\nE92000001,2020,rate_per_10k,67.0\nSN_AVG_E10000020,2020,rate_per_10k,56.0\n"
    saved, problems = comparators_import(name="c.csv", content=content)
    assert (saved, problems) == (2, [])
    assert YearlyFigure.objects.get(la__code="E92000001", source="comparator").value == 67.0
    assert YearlyFigure.objects.get(la=norfolk, source="sn_average").value == 56.0
    saved, problems = comparators_import(name="c.csv", content=b"area_code,year\nE92000001,2020\n")
    assert saved == 0 and problems[0].column == "measure, value"


def test_import_command_and_export_command(norfolk, tmp_path):
    for name, content in small_return():
        (tmp_path / name).write_bytes(content)
    out = io.StringIO()
    call_command(
        "import_903",
        "--la",
        "E10000020",
        "--year",
        "2020",
        str(tmp_path / "header.csv"),
        str(tmp_path / "episodes.csv"),
        stdout=out,
    )
    assert "Imported" in out.getvalue()
    out = io.StringIO()
    call_command("export_measures", "--la", "E10000020", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "year,measure,value"
    assert "2020,cla_31_march,2" in lines
    assert "2020,rate_per_10k," in lines  # blank: no population


def test_import_command_fails_on_a_bad_file(norfolk, tmp_path):
    paths = []
    for name, content in bad_return():
        (tmp_path / name).write_bytes(content)
        paths.append(str(tmp_path / name))
    with pytest.raises(CommandError, match="Rejected"):
        call_command("import_903", "--la", "E10000020", "--year", "2020", *paths, stderr=io.StringIO())
    assert Return.objects.count() == 0
