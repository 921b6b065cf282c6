"""The stored longitudinal record: an import merges its own return into it, the measures after every
incremental import equal a full recompute (`measures_recompute`) over several years, and the forecast's
selector reads the same frames from it as from the returns. Runs on SQLite and on PostgreSQL."""

import functools

import numpy as np
import pandas as pd
import pytest

from placements import longitudinal, selectors
from placements.models import ImportJob, LongitudinalEpisode, LongitudinalState, Population, YearlyFigure
from placements.services import import_job_create, import_job_run, measures_recompute
from placements.ssda903 import load
from placements.ssda903.synthetic import generate_return
from sufficiency.models import LocalAuthority
from tests.placements.returns import EPISODE_COLUMNS, HEADER_COLUMNS, child, csv_bytes, episode

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@functools.cache
def synthetic() -> dict[int, dict[str, pd.DataFrame]]:
    return generate_return(children=300, first_year=2015, last_year=2021, seed=5)


def uploads(tables: dict[str, pd.DataFrame]) -> list[tuple[str, bytes]]:
    return [(f"{name.lower()}.csv", frame.to_csv(index=False).encode()) for name, frame in tables.items()]


def run(la, year, files) -> ImportJob:
    job = import_job_run(import_job_create(la=la, collection_year=year, uploads=files))
    assert job.status == ImportJob.Status.SUCCEEDED, (job.stage, job.summary)
    return job


def stored(la) -> dict:
    rows = YearlyFigure.objects.filter(la=la, source=YearlyFigure.Source.COMPUTED)
    return {(y, m): v for y, m, v in rows.values_list("year", "measure", "value")}


def recomputed(la) -> dict:
    measures_recompute(la=la)
    return stored(la)


def same_record(la) -> bool:
    """The stored record equals one built afresh from every current return, but for the collection years:
    a row re-reported unchanged is not written again, so it keeps the year of the return it was written
    from (nothing merges by the stored years: see placements.longitudinal)."""
    fresh = longitudinal.merged(*load.returns_frames(load.la_returns(la)))
    held = longitudinal.record_read(la)
    keys = (["child", "decom"], ["child"], ["child"])
    for mine, theirs, key in zip(held, fresh, keys, strict=True):
        a = mine.sort_values(key).reset_index(drop=True)
        b = theirs.sort_values(key).reset_index(drop=True)[list(a.columns)]
        pd.testing.assert_frame_equal(
            a.drop(columns="collection_year"), b.drop(columns="collection_year"), check_dtype=False
        )
    return True


def test_incremental_imports_over_seven_years_equal_a_full_recompute(norfolk):
    Population.objects.create(la=norfolk, year=2018, population=1_000)
    returns = synthetic()
    for year in range(2015, 2022):
        job = run(norfolk, year, uploads(returns[year]))
        incremental = stored(norfolk)
        assert same_record(norfolk), f"record after {year}"
        assert incremental == recomputed(norfolk), f"after importing {year}"
        if year > 2015:
            # A later year merged into the record: it cannot change a year before the first change it makes.
            assert job.summary["years_recomputed"][-1] == year
    assert {y for y, _ in stored(norfolk)} == set(range(2015, 2022))
    assert LongitudinalState.objects.get(la=norfolk).returns == sorted(
        [pk, year] for pk, year in load.la_returns(norfolk).items()
    )


def test_a_replaced_year_and_an_earlier_year_keep_the_record_and_measures_right(norfolk):
    returns = synthetic()
    for year in (2019, 2021, 2017):
        run(norfolk, year, uploads(returns[year]))
        assert stored(norfolk) == recomputed(norfolk) and same_record(norfolk)
    corrected = {name: frame.copy() for name, frame in returns[2019].items()}
    episodes = corrected["Episodes"]
    corrected["Episodes"] = episodes[~episodes["CHILD"].isin(episodes["CHILD"].unique()[::4])]
    corrected["Header"].loc[corrected["Header"].index[::3], "DOB"] = "01/01/2001"
    run(norfolk, 2019, uploads(corrected))
    assert stored(norfolk) == recomputed(norfolk)
    assert same_record(norfolk)


def test_a_record_not_built_from_the_current_returns_is_rebuilt(norfolk):
    returns = synthetic()
    run(norfolk, 2018, uploads(returns[2018]))
    LongitudinalEpisode.objects.filter(la=norfolk).delete()  # lost, or left by some other write
    LongitudinalState.objects.filter(la=norfolk).update(returns=[[0, 2018]])
    run(norfolk, 2019, uploads(returns[2019]))
    assert stored(norfolk) == recomputed(norfolk)
    assert same_record(norfolk)


def test_a_dec_filled_in_by_a_later_return_is_seen_from_that_dec():
    before = (
        pd.DataFrame(
            {
                "child": ["A", "B"],
                "collection_year": [2018, 2018],
                "decom": pd.to_datetime(["2016-05-01", "2017-06-01"]),
                "dec": pd.to_datetime([None, None]),
                **{
                    c: [None, None]
                    for c in ["rne", "ls", "cin", "place", "place_provider", "rec", "pl_post_key"]
                },
                "distance": [float("nan")] * 2,
            }
        ),
        pd.DataFrame(
            {
                "child": ["A", "B"],
                "collection_year": [2018, 2018],
                "sex": ["1", "2"],
                "dob": pd.to_datetime(["2010-01-01"] * 2),
            }
        ),
        pd.DataFrame({"child": [], "collection_year": [], "duc": pd.to_datetime([])}),
    )
    after_episodes = before[0].copy()
    after_episodes.loc[0, ["dec", "rec", "collection_year"]] = [pd.Timestamp("2018-07-01"), "E4A", 2019]
    after_header = before[1].copy()
    after_header.loc[1, "dob"] = pd.Timestamp("2011-01-01")
    seen = longitudinal.first_change(before, (after_episodes, after_header, before[2]))
    epoch = pd.Timestamp("1970-01-01")
    assert seen["A"] == (pd.Timestamp("2018-07-01") - epoch).days  # 2018/19 on; 2017/18 cannot change
    assert (
        seen["B"] == (pd.Timestamp("2017-06-01") - epoch).days
    )  # a new date of birth: from its first episode
    assert set(seen.index) == {"A", "B"}


def test_the_forecast_reads_the_same_longitudinal_episodes_from_the_stored_record(norfolk):
    returns = synthetic()
    for year in (2019, 2020):
        run(norfolk, year, uploads(returns[year]))
    from_record = selectors.longitudinal_episodes(la=norfolk)
    LongitudinalState.objects.filter(la=norfolk).delete()  # the selector builds it from the returns
    from_returns = selectors.longitudinal_episodes(la=norfolk)
    for mine, theirs in zip(from_record, from_returns, strict=True):
        # The collection years may differ (see same_record); the forecast does not read them.
        pd.testing.assert_frame_equal(
            mine.drop(columns="collection_year"), theirs.drop(columns="collection_year")
        )


def test_an_import_reads_its_own_return_and_its_childrens_record_not_the_years_held(norfolk, monkeypatch):
    for year in (2016, 2017, 2018):
        run(
            norfolk,
            year,
            [
                ("header.csv", csv_bytes(HEADER_COLUMNS, [child(f"K{year}")])),
                ("episodes.csv", csv_bytes(EPISODE_COLUMNS, [episode(f"K{year}", f"01/05/{year - 1}")])),
            ],
        )
    read = []
    original = load.returns_frames

    def recording(returns, children=None):
        read.append(sorted(returns.values()))
        return original(returns, children)

    monkeypatch.setattr(load, "returns_frames", recording)
    run(
        norfolk,
        2019,
        [
            ("header.csv", csv_bytes(HEADER_COLUMNS, [child("K2018")])),
            ("episodes.csv", csv_bytes(EPISODE_COLUMNS, [episode("K2018", "01/05/2017")])),
        ],
    )
    assert read == [[2019]]  # the new return alone, whatever is held
    assert stored(norfolk)[(2019, "cla_31_march")] == 3
    assert stored(norfolk) == recomputed(norfolk)


def _episodes(rows: list[tuple]) -> pd.DataFrame:
    columns = ["child", "collection_year", "decom", "dec", "ls", "place", "rec"]
    df = pd.DataFrame(rows, columns=columns)
    for column in ("decom", "dec"):
        df[column] = pd.to_datetime(df[column])
    for column in ("rne", "cin", "place_provider", "pl_post_key"):
        df[column] = None
    df["distance"] = float("nan")
    return df


def test_merging_a_later_return_by_keys_equals_merging_every_row_again():
    was = (
        _episodes(
            [
                ("A", 2019, "2018-05-01", None, "C2", "U1", None),  # closed by the return
                ("A", 2018, "2017-05-01", "2018-05-01", "C2", "U1", "E8"),  # not in the return: kept
                ("B", 2019, "2019-01-01", None, "C2", "R1", None),  # a short break row does not replace it
                ("C", 2019, "2018-06-01", None, "C2", "U3", None),  # not a child of the return
            ]
        ),
        pd.DataFrame(
            {
                "child": ["A", "C"],
                "collection_year": [2019, 2019],
                "sex": ["1", "2"],
                "dob": pd.to_datetime(["2010-01-01", "2012-01-01"]),
            }
        ),
        pd.DataFrame({"child": ["A"], "collection_year": [2019], "duc": pd.to_datetime(["2025-01-01"])}),
    )
    rows = (
        _episodes(
            [
                ("A", 2020, "2018-05-01", "2019-07-01", "C2", "U1", "E4A"),
                ("A", 2020, "2019-07-01", None, "C2", "U4", None),
                ("A", 2020, "2019-07-01", None, "C2", "U5", None),  # same key twice: the first row wins
                ("B", 2020, "2019-01-01", "2019-01-03", "V3", "R1", None),
                ("D", 2020, "2019-09-01", None, "C2", "U2", None),
            ]
        ),
        pd.DataFrame(
            {
                "child": ["A", "D"],
                "collection_year": [2020, 2020],
                "sex": ["2", "1"],
                "dob": pd.to_datetime(["2010-01-01", "2015-03-01"]),
            }
        ),
        pd.DataFrame({"child": [], "collection_year": [], "duc": pd.to_datetime([])}),
    )
    now, replaced, own = longitudinal.merge_later(was, rows)
    expected = longitudinal.merged(*longitudinal.combine(was, rows))
    for mine, theirs, key in zip(now, expected, (["child", "decom"], ["child"], ["child"]), strict=True):
        pd.testing.assert_frame_equal(
            mine.sort_values(key).reset_index(drop=True)[list(theirs.columns)],
            theirs.sort_values(key).reset_index(drop=True),
            check_dtype=False,
        )
    assert list(replaced[0]["decom"].dt.strftime("%Y-%m-%d")) == ["2018-05-01"]
    assert set(own[0]["place"]) == {"U1", "U4", "U2"}
    # What the merge changes is seen from the same days whichever way it was merged.
    by_keys = longitudinal.first_change(replaced, own, history=now[0])
    by_rows = longitudinal.first_change(was, expected)
    pd.testing.assert_series_equal(by_keys, by_rows, check_names=False)
    epoch = pd.Timestamp("1970-01-01")
    assert by_keys["A"] == (pd.Timestamp("2017-05-01") - epoch).days  # a new SEX: from its first episode
    assert by_keys["D"] == (pd.Timestamp("2019-09-01") - epoch).days
    assert "B" not in by_keys and "C" not in by_keys


def test_children_are_sent_as_one_value_that_no_identifier_can_break():
    assert load.children_param(["a1", "b2"]) == "a1\x1fb2"
    assert load.children_param([]) == ""
    with pytest.raises(ValueError):
        load.children_param(["a\x1fb"])


def test_some_childrens_record_reads_as_the_whole_record_does_awkward_values_included(norfolk):
    """Some children's record (on PostgreSQL read as one text per query, split by pandas) has the rows,
    values and types of the whole record's read (fetched as rows): blanks, commas and quotes included."""
    day = pd.Timestamp
    episodes = pd.DataFrame(
        {
            "child": ["A", "A", "B", "C"],
            "collection_year": [2020, 2021, 2021, 2021],
            "decom": [day("2019-05-01"), day("2020-06-01"), day("2020-07-01"), day("2021-01-02")],
            "dec": [day("2020-06-01"), None, day("2021-02-01"), None],
            "rne": ["S", "P", "S", "S"],
            "ls": ["C2", "C2", "V2", "C2"],
            "cin": ["N1", "N1", "", "N4"],
            "place": ["U1", "U4", "R1", "K2"],
            "place_provider": ["PR1", "PR4", "", "PR0"],
            "rec": ["X1", "", "E11", ""],
            "pl_post_key": ['"NR1,2', "", "'a\\b", "x y"],
            "distance": [3.25, None, 0.0, 12.5],
        }
    )
    header = pd.DataFrame(
        {
            "child": ["A", "B"],
            "collection_year": [2021, 2021],
            "sex": ["1", ""],
            "dob": [day("2010-02-03"), None],
        }
    )
    uasc = pd.DataFrame({"child": ["C"], "collection_year": [2021], "duc": [None]})
    longitudinal.record_write(norfolk, {1: 2021}, (episodes, header, uasc))

    whole = longitudinal.record_read(norfolk, ids=True)
    some = longitudinal.record_read(norfolk, ["C", "A", "B"], ids=True)
    for mine, theirs in zip(some, whole, strict=True):
        a = mine.sort_values("id").reset_index(drop=True)
        b = theirs.sort_values("id").reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
        for column in a.columns:
            assert list(a[column].map(type)) == list(b[column].map(type)), column
    read = some[0].set_index(["child", "collection_year"])
    assert read.loc[("A", 2020), "pl_post_key"] == '"NR1,2'
    assert read.loc[("B", 2021), "pl_post_key"] == "'a\\b"
    assert read.loc[("B", 2021), "cin"] is None and pd.isna(read.loc[("A", 2021), "distance"])
    assert pd.isna(read.loc[("A", 2021), "dec"]) and read.loc[("B", 2021), "distance"] == 0.0
    assert some[1].set_index("child").loc["B", "sex"] is None and pd.isna(some[2].loc[0, "duc"])


def test_the_episodes_a_comparison_finds_the_same_are_those_stored_alike():
    """`compare` marks an episode the same in both records exactly where its stored row would be the same
    but for its collection year (longitudinal._changed, which compares the stored rows), so an import
    writes only the rows that differ; blank text and missing values are alike, and no stand-in value is."""
    before = _episodes(
        [
            ("A", 2019, "2018-05-01", None, "C2", "U1", None),  # the same but for its year
            ("A", 2019, "2018-09-01", None, "C2", "U1", None),  # closed
            ("B", 2019, "2019-01-01", None, "C2", "R1", None),  # REC blank either way
            ("C", 2019, "2018-06-01", None, "C2", "U3", None),  # a distance where there was none
            ("D", 2019, "2018-07-01", None, "C2", "U3", None),  # a code changed
            ("E", 2019, "2018-08-01", None, "C2", "U3", None),  # only before
        ]
    )
    after = _episodes(
        [
            ("A", 2020, "2018-05-01", None, "C2", "U1", None),
            ("A", 2020, "2018-09-01", "2019-06-01", "C2", "U1", "E4A"),
            ("B", 2020, "2019-01-01", None, "C2", "R1", ""),
            ("C", 2020, "2018-06-01", None, "C2", "U3", None),
            ("D", 2020, "2018-07-01", None, "V2", "U3", None),
            ("F", 2020, "2019-08-01", None, "C2", "U3", None),  # only after
        ]
    )
    before.loc[before["child"] == "A", "pl_post_key"] = ""
    after.loc[after["child"] == "C", "distance"] = -1.0
    empty = pd.DataFrame({"child": [], "collection_year": [], "sex": [], "dob": pd.to_datetime([])})
    uasc = pd.DataFrame({"child": [], "collection_year": [], "duc": pd.to_datetime([])})
    result = longitudinal.compare((before, empty, uasc), (after, empty, uasc))
    assert list(result.same_before) == [True, False, True, False, False, False]
    assert list(result.same_after) == [True, False, True, False, False, False]

    la = LocalAuthority(pk=1)
    gone, new = longitudinal._changed(
        longitudinal._stored_episodes(la, before), longitudinal._stored_episodes(la, after)
    )
    assert list(gone.index) == list(np.flatnonzero(~result.same_before))
    assert list(new.index) == list(np.flatnonzero(~result.same_after))
