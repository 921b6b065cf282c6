from datetime import date, timedelta

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


# ---- the rule's edge cases (issue: a RAG that means something) --------------------------------------------


def test_due_today_is_not_late():
    rag = compute_rag(status="In progress", due_end=TODAY, today=TODAY)
    assert rag.code == "amber" and "within 60 days" in rag.rule


def test_launched_after_its_due_date_is_green_not_red():
    rag = compute_rag(status="Launched", due_end=date(2021, 3, 31), today=TODAY)
    assert rag.code == "green" and "launched" in rag.rule


def test_complete_after_the_due_date_is_not_rated():
    rag = compute_rag(status="Complete", due_end=date(2021, 3, 31), today=TODAY, last_updated=date(2020, 1, 1))
    assert rag.code == "none"


def test_revised_due_date_replaces_the_timescale_for_the_rag():
    late = compute_rag(status="In progress", due_end=date(2021, 3, 31), today=TODAY)
    revised = compute_rag(
        status="In progress", due_end=date(2021, 3, 31), revised_due=date(2023, 3, 31), today=TODAY
    )
    assert late.code == "red"
    assert revised.code == "green" and "revised due date" in revised.rule


def test_revised_due_date_in_the_past_is_red_and_says_so():
    rag = compute_rag(status="In progress", due_end=date(2023, 3, 31), revised_due=date(2022, 1, 1), today=TODAY)
    assert rag.code == "red" and "revised due date (1 January 2022)" in rag.rule


@pytest.mark.parametrize(("days_ago", "code"), [(55, "green"), (56, "green"), (57, "amber"), (400, "amber")])
def test_stale_after_eight_weeks_without_an_update(days_ago, code):
    rag = compute_rag(
        status="In progress",
        due_end=date(2023, 3, 31),
        today=TODAY,
        last_updated=TODAY - timedelta(days=days_ago),
    )
    assert rag.code == code
    if code == "amber":
        assert "no status update for 8 weeks" in rag.rule


def test_stale_does_not_hide_red():
    rag = compute_rag(
        status="In progress", due_end=date(2021, 3, 31), today=TODAY, last_updated=date(2020, 1, 1)
    )
    assert rag.code == "red"


def test_stale_action_without_a_due_date_is_amber():
    rag = compute_rag(status="In progress", due_end=None, today=TODAY, last_updated=date(2020, 1, 1))
    assert rag.code == "amber"


def test_review_date_come_is_amber_until_replanned():
    assert compute_rag(status="In progress", due_end=date(2023, 3, 31), today=TODAY, review_date=TODAY).code == (
        "amber"
    )
    later = compute_rag(
        status="In progress", due_end=date(2023, 3, 31), today=TODAY, review_date=TODAY + timedelta(days=1)
    )
    assert later.code == "green"


def test_rule_lines_say_every_rule():
    from priorities.rag import RULE_LINES

    words = " ".join(RULE_LINES)
    for part in ["not rated", "launched", "revised due date", "review date", "8 weeks", "60 days"]:
        assert part in words
