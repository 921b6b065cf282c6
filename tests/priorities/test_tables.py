"""The action list table (priorities/tables.py): each column as rendered, and sorting."""

from datetime import date

from django.test import RequestFactory
from django.utils import timezone
from django_tables2 import RequestConfig

from priorities.selectors import actions_for_list
from priorities.tables import ActionTable
from tests.factories import ActionFactory, PortfolioFactory, PriorityFactory, TeamFactory


def _rows(table):
    return {row.record.pk: row for row in table.rows}


def test_each_column_as_the_list_shows_it(db):
    action = ActionFactory(
        priority=PriorityFactory(title="Crisis support"),
        description="Open the crisis unit\nwith a second line that is not shown",
        owner_team=TeamFactory(name="Owners"),
        co_owner_teams=[TeamFactory(name="Partners")],
        status="On hold",
        due_end=date(2021, 6, 30),
        timescale_text="June 2021",
    )
    table = ActionTable(actions_for_list(include_archived=True), today=date(2022, 1, 1))
    row = _rows(table)[action.pk]
    cell = row.get_cell("action")
    assert "Crisis support" in cell and action.get_absolute_url() in cell
    assert "Open the crisis unit" in cell and "second line" not in cell and "(archived)" not in cell
    assert row.get_cell("owner_team") == "Owners, Partners"
    assert "On hold" in row.get_cell("status")
    assert "June 2021" in row.get_cell("timescale")
    assert "Red" in row.get_cell("rag")  # past its due date on the table's day


def test_long_first_lines_are_cut_and_archived_actions_say_so(db):
    long = ActionFactory(description="x" * 200, archived_at=timezone.now())
    row = _rows(ActionTable(actions_for_list(include_archived=True)))[long.pk]
    cell = row.get_cell("action")
    assert "x" * 159 + "…" in cell and "x" * 160 not in cell
    assert "(archived)" in cell


def test_sorted_by_portfolio_order_by_default_and_by_any_column(db):
    later = ActionFactory(priority=PriorityFactory(portfolio=PortfolioFactory(order=2)), due_end=date(2021, 1, 31))
    first = ActionFactory(priority=PriorityFactory(portfolio=PortfolioFactory(order=1)), due_end=date(2027, 3, 31))
    table = ActionTable(actions_for_list())
    assert [r.record.pk for r in table.rows] == [first.pk, later.pk]
    table = ActionTable(actions_for_list(), order_by="timescale")
    assert [r.record.pk for r in table.rows] == [later.pk, first.pk]
    request = RequestFactory().get("/", {"sort": "-timescale"})
    table = ActionTable(actions_for_list())
    RequestConfig(request).configure(table)
    assert [r.record.pk for r in table.rows] == [first.pk, later.pk]


def test_an_empty_list_says_so(db):
    assert ActionTable(actions_for_list()).empty_text == "No actions match these filters."
    assert len(ActionTable(actions_for_list()).rows) == 0
