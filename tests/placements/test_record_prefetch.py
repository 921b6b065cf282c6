"""The children's stored record read ahead while the return is saved (placements.record_prefetch): taken by
the merge only while it is still the stored record, and for exactly the children asked for; the measures are
those of a full recompute either way. The read ahead needs committed data on PostgreSQL."""

import datetime as dt

import pytest
from django.db import connection

from placements import longitudinal, record_prefetch
from placements.models import LongitudinalState
from tests.placements.test_services_longitudinal import recomputed, run, stored, synthetic, uploads

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the record is read ahead on PostgreSQL only"
)

pytestmark = pytest.mark.usefixtures("media")


def one_year_held(la) -> set[str]:
    """Import one year; returns the children of the stored record."""
    run(la, 2015, uploads(synthetic()[2015]))
    return set(longitudinal.record_read(la)[0]["child"])


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_later_year_merges_the_record_read_ahead_and_equals_a_full_recompute(norfolk, monkeypatch):
    taken = []
    original = record_prefetch.take

    def spy(la, children):
        ahead = original(la, children)
        taken.append(ahead is not None)
        return ahead

    monkeypatch.setattr(record_prefetch, "take", spy)
    for year in (2015, 2016, 2017):
        run(norfolk, year, uploads(synthetic()[year]))
    assert taken == [True, True]  # the first year has no stored record to merge into
    incremental = stored(norfolk)
    assert incremental == recomputed(norfolk)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_record_written_after_the_read_ahead_is_read_again(norfolk):
    children = one_year_held(norfolk)
    record_prefetch.start(norfolk, children)
    record_prefetch._pending[record_prefetch._key(norfolk)].done.wait()  # read, then written
    state = LongitudinalState.objects.get(la=norfolk)
    state.save()  # any write of the record rewrites its state row
    assert record_prefetch.take(norfolk, children) is None


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_read_ahead_is_taken_only_for_the_children_it_read(norfolk):
    children = one_year_held(norfolk)
    record_prefetch.start(norfolk, children)
    assert record_prefetch.take(norfolk, set(list(children)[1:])) is None
    record_prefetch.start(norfolk, children)
    ahead = record_prefetch.take(norfolk, children)
    assert ahead is not None and set(ahead.frames[0]["child"]) == children
    assert record_prefetch.take(norfolk, children) is None  # taken once


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_children_looked_after_in_the_returns_year_are_read_ahead_for_that_year_only(norfolk):
    children = one_year_held(norfolk)
    record_prefetch.start(norfolk, children, 2016)
    ahead = record_prefetch.take(norfolk, children)
    year = (dt.date(2015, 4, 1), dt.date(2016, 3, 31))
    expected = longitudinal.children_overlapping(norfolk, *year)
    assert expected and ahead.children_overlapping(*year) == expected
    assert ahead.children_overlapping(dt.date(2014, 4, 1), dt.date(2015, 3, 31)) is None  # not that year
    record_prefetch.start(norfolk, children)
    assert record_prefetch.take(norfolk, children).children_overlapping(*year) is None  # no year given


@pytest.mark.django_db
def test_nothing_is_read_ahead_without_postgresql_or_outside_a_committed_record(norfolk):
    children = one_year_held(norfolk)
    record_prefetch.start(norfolk, children)
    # SQLite: nothing started; PostgreSQL inside a test's transaction: the read ahead sees no record.
    assert record_prefetch.take(norfolk, children) is None
