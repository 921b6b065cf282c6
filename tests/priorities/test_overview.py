"""The priorities panel on the overview page (priorities/overview.py)."""

from datetime import timedelta

from django.utils import timezone

from priorities.overview import overview_panel
from tests.factories import ActionFactory


def test_no_panel_without_actions(db):
    assert overview_panel(None) is None


def test_the_panel_counts_by_rag_with_labels_and_tags(db):
    ActionFactory(due_end=timezone.localdate() - timedelta(days=10))
    ActionFactory(due_end=timezone.localdate() + timedelta(days=365))
    ActionFactory(due_end=timezone.localdate() + timedelta(days=365), archived_at=timezone.now())
    panel = overview_panel(None)
    assert panel["template"] == "priorities/_overview_panel.html"
    counts = panel["context"]["counts"]
    assert counts["total"] == 2 and counts["late"] == 1
    rags = {r["code"]: r for r in panel["context"]["rags"]}
    assert [r["code"] for r in panel["context"]["rags"]] == ["red", "amber", "green", "none"]
    assert (rags["red"]["count"], rags["green"]["count"], rags["amber"]["count"]) == (1, 1, 0)
    assert rags["red"]["label"] == "Red" and "red" in rags["red"]["tag_class"]
