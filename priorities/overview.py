"""The priorities panel on the overview page: actions by status and RAG, and how many are late."""

from __future__ import annotations

from priorities import rag as rag_rules
from priorities import selectors


def overview_panel(user) -> dict | None:
    """None when no actions are held; else the panel template and its counts."""
    counts = selectors.overview_counts()
    if not counts["total"]:
        return None
    rags = [
        {"code": code, "label": rag_rules.LABELS[code], "tag_class": rag_rules.TAG_CLASSES[code], "count": n}
        for code, n in counts["by_rag"].items()
    ]
    return {"template": "priorities/_overview_panel.html", "context": {"counts": counts, "rags": rags}}
