from datetime import date

import pytest

from priorities.rag import action_rag, compute_rag

TODAY = date(2022, 1, 15)


@pytest.mark.parametrize(
    ("status", "due_end", "code"),
    [
        ("Complete", date(2021, 1, 31), "none"),
        ("Cancelled", date(2021, 1, 31), "none"),
        ("Complete", date(2023, 1, 31), "none"),
        ("In progress", None, "none"),
        ("In progress", date(2022, 1, 14), "red"),
        ("Not started", date(2021, 6, 30), "red"),
        ("On hold", date(2021, 6, 30), "red"),
        ("Launched", date(2021, 12, 31), "green"),  # launched late is not late
        ("In progress", date(2022, 1, 15), "amber"),
        ("In progress", date(2022, 3, 16), "amber"),  # 60 days away
        ("In progress", date(2022, 3, 17), "green"),  # 61 days away
        ("On hold", date(2023, 3, 31), "amber"),
        ("Launched", date(2023, 3, 31), "green"),
        ("Not started", date(2022, 12, 31), "green"),
    ],
)
def test_rag_table(status, due_end, code):
    rag = compute_rag(status=status, due_end=due_end, today=TODAY)
    assert rag.code == code
    assert rag.rule  # the rule text is always given
    assert rag.label in rag.rule or code == "none"


def test_override_keeps_computed_and_reason():
    rag = action_rag(
        status="In progress",
        due_end=date(2021, 1, 31),
        today=TODAY,
        override="green",
        override_reason="Extended",
    )
    assert rag.code == "green" and rag.overridden
    assert rag.computed.code == "red"
    assert "Extended" in rag.rule


def test_unknown_override_is_ignored():
    rag = action_rag(status="In progress", due_end=date(2021, 1, 31), today=TODAY, override="purple")
    assert rag.code == "red" and not rag.overridden


def test_tag_class_and_label():
    rag = compute_rag(status="In progress", due_end=date(2021, 1, 31), today=TODAY)
    assert rag.label == "Red" and rag.tag_class == "govuk-tag--red"
