"""The FLOURISH panel on the overview page: measures by status, and the escalated measures."""

from __future__ import annotations

from flourish import selectors
from flourish.assess import LABELS, TAG_CLASSES


def overview_panel(user) -> dict | None:
    """None when no measures are held; else the panel template and its counts."""
    data = selectors.overview()
    if not data["total"]:
        return None
    statuses = [
        {"code": code, "label": LABELS[code], "tag_class": TAG_CLASSES[code], "count": n}
        for code, n in data["counts"].items()
    ]
    return {
        "template": "flourish/_overview_panel.html",
        "context": {"total": data["total"], "statuses": statuses, "escalated": data["escalated"]},
    }
