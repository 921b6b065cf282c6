"""validate_return: files for another collection year give one error naming the year, listed first."""

import pytest

from placements.ssda903.validate import WRONG_YEAR_MIN_DATES, validate_return

from .util import episode, errors, header, make_return


def _year_of_episodes(n: int, year: int) -> list[str]:
    """n children's episodes of collection year `year`: half start in it, half end in it."""
    rows = []
    for i in range(n):
        if i % 2:
            rows.append(episode(child=str(1000 + i), decom=f"01/05/{year - 1}"))
        else:
            rows.append(
                episode(child=str(1000 + i), decom=f"01/06/{year - 3}", dec=f"10/10/{year - 1}", rec="E4A")
            )
    return rows


def test_files_for_another_year_give_one_error_naming_the_year_first():
    raw = make_return(_year_of_episodes(40, 2023))
    found = validate_return(raw, 2020)
    first = found[0]
    assert first.severity == "error" and first.row is None
    assert first.message.startswith(
        "The episodes in these files fall in 2022/23, not 2019/20: did you mean 2023?"
    )
    # The per-row "after the end of 2019/20" errors that follow from it are not listed.
    assert errors(found) == [first]
    # The right year is clean.
    assert errors(validate_return(raw, 2023)) == []


def test_a_year_too_late_is_caught_too_although_no_row_breaks_a_rule():
    raw = make_return(_year_of_episodes(40, 2023))
    [p] = errors(validate_return(raw, 2024))
    assert "fall in 2022/23, not 2023/24: did you mean 2023?" in p.message


def test_other_row_errors_are_still_listed_after_the_year():
    rows = _year_of_episodes(40, 2023)
    rows[0] = episode(child="1000", decom="01/05/2022", place="ZZ9")
    found = errors(validate_return(make_return(rows), 2020))
    assert "did you mean 2023?" in found[0].message
    assert [(p.row, p.column, p.value) for p in found[1:]] == [(2, "PLACE", "ZZ9")]


def test_a_few_dates_outside_the_year_are_row_errors_not_a_wrong_year():
    rows = _year_of_episodes(40, 2024)
    rows[:5] = [episode(child=str(2000 + i), decom="01/05/2024") for i in range(5)]  # typed a year on
    found = errors(validate_return(make_return(rows), 2024))
    assert len(found) == 5 and all("after the end of the 2023/24" in p.message for p in found)


def test_a_small_return_is_judged_by_its_rows():
    rows = _year_of_episodes(WRONG_YEAR_MIN_DATES // 4, 2023)  # fewer dates than the check needs
    found = errors(validate_return(make_return(rows), 2020))
    assert found and not any("did you mean" in p.message for p in found)
    assert all(p.row is not None for p in found)


@pytest.mark.django_db
def test_an_import_for_the_wrong_year_writes_nothing_and_says_which_year(seeded_core, settings, tmp_path):
    from placements.models import Episode, ImportJob, ImportProblem, Return
    from placements.services import import_job_create, import_job_run
    from sufficiency.models import LocalAuthority

    from .util import EPISODES, HEADER

    settings.MEDIA_ROOT = tmp_path
    rows = _year_of_episodes(40, 2023)
    headers = [header(r.split(",")[0]) for r in rows]
    uploads = [
        ("header.csv", ("\n".join([HEADER, *headers]) + "\n").encode()),
        ("episodes.csv", ("\n".join([EPISODES, *rows]) + "\n").encode()),
    ]
    la = LocalAuthority.objects.get(code="E10000020")
    job = import_job_run(import_job_create(la=la, collection_year=2020, uploads=uploads))
    assert job.status == ImportJob.Status.REJECTED
    errors_recorded = list(ImportProblem.objects.filter(job=job, severity="error").order_by("pk"))
    assert len(errors_recorded) == 1 and "did you mean 2023?" in errors_recorded[0].message
    assert not Return.objects.exists() and not Episode.objects.exists()
