"""An import recomputes only what its return can change, and the stored measures always equal a full
recompute from every current return, whatever order the years arrive in and however often one is redone."""

import functools

import pandas as pd
import pytest

from placements import measures
from placements.models import ImportJob, Population, Return, YearlyFigure
from placements.services import import_job_create, import_job_run, measures_recompute
from placements.ssda903 import load
from placements.ssda903.synthetic import generate_return
from tests.placements.returns import EPISODE_COLUMNS, HEADER_COLUMNS, child, csv_bytes, episode

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@functools.cache
def synthetic(seed: int = 3) -> dict[int, dict[str, pd.DataFrame]]:
    """Six years (2015/16 to 2020/21) of a small authority: children who stay several years, move,
    leave and come back, so returns overlap as real ones do."""
    return generate_return(children=250, first_year=2016, last_year=2021, seed=seed)


def uploads(tables: dict[str, pd.DataFrame]) -> list[tuple[str, bytes]]:
    return [(f"{name.lower()}.csv", frame.to_csv(index=False).encode()) for name, frame in tables.items()]


def run(la, year, files) -> ImportJob:
    job = import_job_run(import_job_create(la=la, collection_year=year, uploads=files))
    assert job.status == ImportJob.Status.SUCCEEDED, (job.stage, job.summary)
    return job


def stored(la) -> dict:
    rows = YearlyFigure.objects.filter(la=la, source=YearlyFigure.Source.COMPUTED)
    return {(y, m): v for y, m, v in rows.values_list("year", "measure", "value")}


def full(la) -> dict:
    """Every measure of every year held, computed afresh from all the current returns."""
    years = sorted(set(Return.objects.current().filter(la=la).values_list("collection_year", flat=True)))
    episodes, header, uasc = load.la_frames(la)
    populations = dict(Population.objects.filter(la=la).values_list("year", "population"))
    table = measures.compute_years(episodes, header, uasc, years, populations)
    return {
        (int(r.year), r.measure): None if r.value is None or pd.isna(r.value) else float(r.value)
        for r in table.itertuples(index=False)
    }


def test_years_in_any_order_and_a_year_redone_give_the_full_recompute(norfolk):
    Population.objects.create(la=norfolk, year=2017, population=1_000)
    Population.objects.create(la=norfolk, year=2019, population=997)
    returns = synthetic()
    for year in (2019, 2016, 2021, 2017, 2020, 2018):
        run(norfolk, year, uploads(returns[year]))
        assert stored(norfolk) == full(norfolk), f"after importing {year}"
    assert {y for y, _ in stored(norfolk)} == set(range(2016, 2022))

    # 2018 again, corrected: some episodes gone, some dates of birth changed (the latest return's header
    # applies to every year, so earlier years' age bands move too).
    corrected = {name: frame.copy() for name, frame in returns[2018].items()}
    episodes = corrected["Episodes"]
    corrected["Episodes"] = episodes[~episodes["CHILD"].isin(episodes["CHILD"].unique()[::4])]
    header = corrected["Header"]
    header.loc[header.index[::3], "DOB"] = "01/01/2001"
    before = stored(norfolk)
    run(norfolk, 2018, uploads(corrected))
    after = stored(norfolk)
    assert after == full(norfolk)
    assert after != before
    assert {y for (y, m) in after if after[(y, m)] != before[(y, m)]} - {2018}, "other years moved too"

    # And an entirely different 2020 (other children): everything the old 2020 held leaves.
    run(norfolk, 2020, uploads(synthetic(seed=11)[2020]))
    assert stored(norfolk) == full(norfolk)


def test_an_older_return_changes_a_later_year_it_overlaps(norfolk):
    """A child open in 2017/18 and in no later return stays open in the longitudinal record, so
    importing 2017/18 after 2019/20 changes 2019/20's count."""
    later = [
        ("header.csv", csv_bytes(HEADER_COLUMNS, [child("A1")])),
        ("episodes.csv", csv_bytes(EPISODE_COLUMNS, [episode("A1", "01/05/2019")])),
    ]
    run(norfolk, 2020, later)
    assert stored(norfolk)[(2020, "cla_31_march")] == 1
    older = [
        ("header.csv", csv_bytes(HEADER_COLUMNS, [child("B1", "2", "01/01/2008")])),
        (
            "episodes.csv",
            csv_bytes(EPISODE_COLUMNS, [episode("B1", "01/06/2017", place="K2", provider="PR4")]),
        ),
    ]
    job = run(norfolk, 2018, older)
    assert job.summary["years_recomputed"] == [2018, 2020]
    assert stored(norfolk)[(2020, "cla_31_march")] == 2
    assert stored(norfolk)[(2020, "placement_residential")] == 1
    assert stored(norfolk) == full(norfolk)


def test_a_later_return_that_closes_an_episode_changes_only_what_it_must(norfolk):
    open_in_2018 = [
        ("header.csv", csv_bytes(HEADER_COLUMNS, [child("C1"), child("C2", "2")])),
        (
            "episodes.csv",
            csv_bytes(EPISODE_COLUMNS, [episode("C1", "01/06/2017"), episode("C2", "01/07/2017", cin="N4")]),
        ),
    ]
    run(norfolk, 2018, open_in_2018)
    closed_in_2019 = [
        ("header.csv", csv_bytes(HEADER_COLUMNS, [child("C1")])),
        (
            "episodes.csv",
            csv_bytes(EPISODE_COLUMNS, [episode("C1", "01/06/2017", dec="01/02/2019", rec="E4A")]),
        ),
    ]
    job = run(norfolk, 2019, closed_in_2019)
    # 2018/19 is new; 2017/18 is unchanged (C1 was still looked after on 31 March 2018).
    assert job.summary["years_recomputed"] == [2019]
    values = stored(norfolk)
    assert values[(2019, "cla_31_march")] == 1  # C2 still open from the 2018 return
    assert values[(2019, "ceases")] == 1
    assert values == full(norfolk)


def test_an_import_reads_only_the_rows_of_the_children_its_return_can_change(norfolk, monkeypatch):
    """Many years held do not make an import read them: a child who left care years before is never
    read by the import of a later year."""
    for year, name in ((2016, "OLD1"), (2017, "OLD2"), (2018, "OLD3")):
        run(
            norfolk,
            year,
            [
                ("header.csv", csv_bytes(HEADER_COLUMNS, [child(name)])),
                (
                    "episodes.csv",
                    csv_bytes(
                        EPISODE_COLUMNS,
                        [episode(name, f"01/05/{year - 1}", dec=f"01/09/{year - 1}", rec="E4A")],
                    ),
                ),
            ],
        )
    read_children = set()
    original = load.returns_frames

    def recording(returns, children=None):
        frames = original(returns, children)
        read_children.update(frames[0]["child"].tolist())
        return frames

    monkeypatch.setattr(load, "returns_frames", recording)
    run(
        norfolk,
        2021,
        [
            ("header.csv", csv_bytes(HEADER_COLUMNS, [child("NEW1")])),
            ("episodes.csv", csv_bytes(EPISODE_COLUMNS, [episode("NEW1", "01/05/2020")])),
        ],
    )
    assert read_children and len(read_children) == 1  # the new child alone (stored as a keyed hash)
    assert stored(norfolk) == full(norfolk)


def test_stored_counts_that_cannot_be_right_are_recomputed_whole(norfolk):
    returns = synthetic()
    run(norfolk, 2017, uploads(returns[2017]))
    run(norfolk, 2016, uploads(returns[2016]))
    YearlyFigure.objects.filter(la=norfolk, year=2017, measure="cla_31_march").update(value=-5)
    YearlyFigure.objects.filter(la=norfolk, year=2016, measure="placement_other").update(value=900)
    run(norfolk, 2018, uploads(returns[2018]))
    assert stored(norfolk) == full(norfolk)


def test_a_population_change_and_a_full_recompute_agree_with_the_incremental_measures(norfolk):
    returns = synthetic()
    for year in (2020, 2018):
        run(norfolk, year, uploads(returns[year]))
    Population.objects.create(la=norfolk, year=2020, population=2_345)
    measures_recompute(la=norfolk)
    recomputed = stored(norfolk)
    assert recomputed == full(norfolk)
    assert recomputed[(2020, "rate_per_10k")] is not None
    run(norfolk, 2019, uploads(returns[2019]))
    assert stored(norfolk) == full(norfolk)


def test_counts_of_children_add_up_to_the_whole(norfolk):
    """The rule the incremental import rests on: counts over two disjoint sets of children sum to the
    counts over all of them, and the ratios follow from the counts."""
    episodes, header, uasc = (
        pd.concat(frames, ignore_index=True)
        for frames in zip(*[transformed(synthetic()[year], year) for year in (2019, 2020)], strict=True)
    )
    years = [2019, 2020]
    whole = measures.compute_counts(episodes, header, uasc, years)
    kids = sorted(episodes["child"].unique())
    half = set(kids[: len(kids) // 2])
    parts = [
        measures.compute_counts(
            *(df[df["child"].isin(half) == side] for df in (episodes, header, uasc)), years
        )
        for side in (True, False)
    ]
    zero = dict.fromkeys(measures.COUNT_CODES, 0)
    for year in years:
        summed = {c: parts[0].get(year, zero)[c] + parts[1].get(year, zero)[c] for c in measures.COUNT_CODES}
        assert summed == whole[year]
        table = measures.compute_years(episodes, header, uasc, [year], {year: 5_000})
        assert measures.from_counts(summed, 5_000) == dict(zip(table["measure"], table["value"], strict=True))


def transformed(
    tables: dict[str, pd.DataFrame], year: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A synthetic return as the measures read it (through the import's own read and transform)."""
    from django.conf import settings

    from placements.ssda903.read import read_return
    from placements.ssda903.transform import transform_return

    clean = transform_return(read_return(uploads(tables)), year, secret_key=settings.PSEUDONYM_KEY)
    return clean.episodes, clean.header, clean.uasc


def one_child(name: str, **kwargs) -> list[tuple[str, bytes]]:
    return [
        ("header.csv", csv_bytes(HEADER_COLUMNS, [child(name)])),
        ("episodes.csv", csv_bytes(EPISODE_COLUMNS, [episode(name, **kwargs)])),
    ]


def test_a_child_whose_episode_a_later_return_closed_is_not_read_by_later_imports(norfolk, monkeypatch):
    run(norfolk, 2017, one_child("GONE", decom="01/05/2016"))  # open on 31 March 2017
    run(norfolk, 2018, one_child("GONE", decom="01/05/2016", dec="01/06/2017", rec="E4A"))
    read_children = set()
    original = load.returns_frames

    def recording(returns, children=None):
        frames = original(returns, children)
        read_children.update(frames[0]["child"].tolist())
        return frames

    monkeypatch.setattr(load, "returns_frames", recording)
    run(norfolk, 2020, one_child("NEW", decom="01/05/2019"))
    assert len(read_children) == 1
    assert stored(norfolk)[(2020, "cla_31_march")] == 1
    assert stored(norfolk) == full(norfolk)


def test_a_short_break_row_in_a_later_return_does_not_replace_an_open_episode(norfolk):
    """V3/V4 rows are dropped before the latest return wins, so the older open row still counts."""
    run(norfolk, 2017, one_child("KEPT", decom="01/05/2016"))
    run(norfolk, 2018, one_child("KEPT", decom="01/05/2016", dec="01/06/2017", rec="E4A", ls="V3"))
    run(norfolk, 2020, one_child("NEW", decom="01/05/2019"))
    assert stored(norfolk)[(2020, "cla_31_march")] == 2
    assert stored(norfolk) == full(norfolk)


def several(name: str, rows: list[dict], dob: str = "01/06/2010") -> list[tuple[str, bytes]]:
    return [
        ("header.csv", csv_bytes(HEADER_COLUMNS, [child(name, dob=dob)])),
        ("episodes.csv", csv_bytes(EPISODE_COLUMNS, rows)),
    ]


def test_a_later_return_that_corrects_or_reopens_an_episode_closed_years_before(norfolk):
    """An import compares and writes only the episodes of its own (CHILD, DECOM)s, and the rest of the
    child's history as it was: a correction of an episode closed years before, an episode re-opened, a
    date of birth corrected and a short break still come out as a full recompute."""
    first = episode("R1", "01/05/2016", dec="01/09/2016", rec="E4A")
    second = episode("R1", "01/02/2017", place="U1", rne="S", dec="01/03/2017", rec="X1")
    moved = episode("R1", "01/03/2017", place="U2", rne="P")
    run(norfolk, 2017, several("R1", [first, second, moved]))
    run(norfolk, 2018, several("R1", [{**moved, "DEC": "01/06/2017", "REC": "E4A"}]))
    run(norfolk, 2019, one_child("OTHER", decom="01/05/2018"))
    assert stored(norfolk)[(2018, "cla_31_march")] == 0
    # 2019/20: the 2016 episode corrected (it ended later, in a residential home), the one that ended in
    # June 2017 now ending in May 2019 (care went on), a new episode, and the date of birth corrected.
    corrected = {**first, "DEC": "01/12/2016", "PLACE": "K2", "PLACE_PROVIDER": "PR4"}
    job = run(
        norfolk,
        2020,
        several(
            "R1",
            [
                corrected,
                {**moved, "DEC": "01/05/2019", "REC": "X1"},
                episode("R1", "01/05/2019", place="U3", rne="P"),
            ],
            dob="01/06/2003",
        ),
    )
    assert job.summary["years_recomputed"] == [2017, 2018, 2019, 2020]
    values = stored(norfolk)
    assert values[(2018, "cla_31_march")] == 1  # R1 looked after on 31 March 2018 now
    assert values == full(norfolk)
    # 2020/21: the 2016 episode as a short break row (never replaces), the open one closed.
    job = run(
        norfolk,
        2021,
        several(
            "R1",
            [
                {**corrected, "LS": "V3"},
                episode("R1", "01/05/2019", place="U3", rne="P", dec="01/07/2020", rec="E13"),
            ],
        ),
    )
    assert stored(norfolk) == full(norfolk)
    # 2021/22: back in care, with yet another date of birth: every year from the child's first episode
    # (which the return does not hold) can change, and those where R1 was looked after on 31 March do.
    job = run(norfolk, 2022, several("R1", [episode("R1", "01/06/2021")], dob="01/06/2004"))
    assert job.summary["years_recomputed"] == [2017, 2018, 2019, 2020, 2022]
    assert stored(norfolk) == full(norfolk)


def test_the_written_record_differs_from_the_stored_one_only_where_a_value_does():
    from placements.longitudinal import _changed

    old = pd.DataFrame(
        {
            "child": ["a", "a", "b"],
            "decom": ["2019-01-01", "2020-01-01", "2019-05-01"],
            "distance": [1.5, None, 3.0],
        }
    )
    new = old.copy()
    new.loc[1, "distance"] = 0.0  # blank to a number
    new.loc[2, "child"] = "c"
    gone, added = _changed(old, new)
    assert gone.index.tolist() == [1, 2] and added.index.tolist() == [1, 2]
    assert [len(frame) for frame in _changed(old, old.copy())] == [0, 0]


def test_a_row_re_reported_as_it_was_is_not_written_again_and_an_earlier_year_still_merges_right(norfolk):
    """A later return re-reporting an open episode unchanged leaves its stored row (and the child's) as it
    was, with the year it was written from; a return for a year in between, holding that episode
    differently, is then merged from the returns (the latest, 2020, still wins), not by the stored year."""
    from placements.models import LongitudinalChild, LongitudinalEpisode

    run(norfolk, 2018, one_child("SAME", decom="01/05/2017"))
    ids = (
        set(LongitudinalEpisode.objects.values_list("id", flat=True)),
        set(LongitudinalChild.objects.values_list("id", flat=True)),
    )
    run(norfolk, 2020, one_child("SAME", decom="01/05/2017"))
    assert ids == (
        set(LongitudinalEpisode.objects.values_list("id", flat=True)),
        set(LongitudinalChild.objects.values_list("id", flat=True)),
    )
    assert LongitudinalEpisode.objects.get().collection_year == 2018
    run(norfolk, 2019, one_child("SAME", decom="01/05/2017", place="K2", provider="PR4"))
    values = stored(norfolk)
    assert values[(2020, "placement_residential")] == 0  # 2020's row, in foster care, wins
    assert values[(2019, "placement_residential")] == 0
    assert values == full(norfolk)
