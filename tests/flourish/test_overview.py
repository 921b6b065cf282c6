"""The FLOURISH panel on the overview page (flourish/overview.py)."""

from flourish.overview import overview_panel
from tests.factories import FlourishValueFactory, MeasureFactory


def test_no_panel_without_measures(db):
    assert overview_panel(None) is None


def test_the_panel_counts_measures_by_status(db):
    for measure in MeasureFactory.create_batch(3):
        FlourishValueFactory(measure=measure, period="2023", value=40.0)
    panel = overview_panel(None)
    assert panel["template"] == "flourish/_overview_panel.html"
    context = panel["context"]
    assert context["total"] == 3
    assert sum(s["count"] for s in context["statuses"]) == 3
    assert all(s["label"] and s["tag_class"] for s in context["statuses"])
    assert context["escalated"] == []
