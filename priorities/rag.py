"""RAG (red, amber, green) for an action from its status, its dates and today. Pure: no ORM.

This is the one place the rule is written; `Action.objects.with_rag()` says the same in SQL (a test
checks the two agree) and every page shows the rule's words beside the tag.

The due date is the revised due date when a lead commissioner has set one, else the last day of the
timescale as written in the strategy (which is kept). "Last updated" is the latest status update, or when
the action was added if it has none.

The rules, in order (the first that applies wins; its words are returned so the page can show them):
1. Complete or Cancelled: not rated (the action is closed).
2. Launched: green. What it set out to start is in place, so it is not late whatever its due date.
3. Past its due date (the due date is before today) and not complete: red. Due today is not late.
4. Its review date (set by a lead commissioner) has come: amber, until the lead re-plans it.
5. On hold: amber. Work that has stopped is at risk even with time left.
6. Not updated for 8 weeks or more: amber (stale).
7. No due date could be read from the timescale (for example "Ongoing"): not rated.
8. Due within 60 days (today or in the next 60 days): amber.
9. Otherwise: green.
A commissioner may override the computed RAG with a reason; the override then shows, with the
computed value and its rule beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

AMBER_WITHIN_DAYS = 60
STALE_AFTER_DAYS = 56  # eight weeks without a status update

RED, AMBER, GREEN, NOT_RATED = "red", "amber", "green", "none"
LABELS = {RED: "Red", AMBER: "Amber", GREEN: "Green", NOT_RATED: "Not rated"}
# GOV.UK tag modifier per RAG; the tag always carries the word, never colour alone.
TAG_CLASSES = {
    RED: "govuk-tag--red",
    AMBER: "govuk-tag--yellow",
    GREEN: "govuk-tag--green",
    NOT_RATED: "govuk-tag--grey",
}
CLOSED_STATUSES = {"Complete", "Cancelled"}
LAUNCHED = "Launched"
ON_HOLD = "On hold"
RATINGS = [RED, AMBER, GREEN]

# The rule in words, in order, for the pages ("How the RAG is worked out").
RULE_LINES = [
    "Complete and cancelled actions are not rated.",
    "Green: launched, so not late whatever its due date.",
    "Red: past its due date and not complete. The due date is the revised due date when a lead "
    "commissioner has set one, else the last day of the timescale in the strategy. Due today is not late.",
    "Amber: its review date has come, it is on hold, or it has had no status update for "
    f"{STALE_AFTER_DAYS // 7} weeks.",
    "Not rated: no date can be read from the timescale (for example “Ongoing”).",
    f"Amber: due within {AMBER_WITHIN_DAYS} days.",
    f"Green: due more than {AMBER_WITHIN_DAYS} days from today.",
    "A commissioner may set a different RAG with a reason; the action page shows both.",
]


@dataclass(frozen=True)
class Rag:
    """A RAG rating, its label and the rule that produced it."""

    code: str
    rule: str
    overridden: bool = False
    computed: Rag | None = None  # when overridden: what the rules gave

    @property
    def label(self) -> str:
        return LABELS[self.code]

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES[self.code]

    def __str__(self) -> str:
        return self.label


def stale_before(today: date) -> date:
    """An open action last updated before this day is stale."""
    return today - timedelta(days=STALE_AFTER_DAYS)


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def compute_rag(
    *,
    status: str,
    due_end: date | None,
    today: date,
    revised_due: date | None = None,
    review_date: date | None = None,
    last_updated: date | None = None,
) -> Rag:
    """The RAG the rules give (see the module docstring)."""
    if status in CLOSED_STATUSES:
        return Rag(NOT_RATED, f"{status}: closed actions are not rated.")
    if status == LAUNCHED:
        return Rag(GREEN, "Green: launched, so it is not late.")
    due = revised_due or due_end
    which = "revised due date" if revised_due else "due date"
    short = "revised due date" if revised_due else "due"
    if due is not None and due < today:
        return Rag(RED, f"Red: past its {which} ({_day(due)}) and not complete.")
    if review_date is not None and review_date <= today:
        return Rag(AMBER, f"Amber: its review date ({_day(review_date)}) has come; a lead should re-plan it.")
    if status == ON_HOLD:
        return Rag(AMBER, "Amber: on hold (not yet past its due date).")
    if last_updated is not None and last_updated < stale_before(today):
        return Rag(
            AMBER,
            f"Amber: no status update for {STALE_AFTER_DAYS // 7} weeks or more (last {_day(last_updated)}).",
        )
    if due is None:
        return Rag(NOT_RATED, "No due date can be read from the timescale, so no RAG is computed.")
    if (due - today).days <= AMBER_WITHIN_DAYS:
        return Rag(AMBER, f"Amber: {short} within {AMBER_WITHIN_DAYS} days ({_day(due)}).")
    return Rag(GREEN, f"Green: {short} {_day(due)}, more than {AMBER_WITHIN_DAYS} days away.")


def action_rag(
    *,
    status: str,
    due_end: date | None,
    today: date,
    override: str = "",
    override_reason: str = "",
    revised_due: date | None = None,
    review_date: date | None = None,
    last_updated: date | None = None,
) -> Rag:
    """The RAG to show: the override when one is set, else the computed RAG."""
    computed = compute_rag(
        status=status,
        due_end=due_end,
        today=today,
        revised_due=revised_due,
        review_date=review_date,
        last_updated=last_updated,
    )
    if override and override in LABELS:
        rule = f"{LABELS[override]}: set by a commissioner. Reason: {override_reason}"
        return Rag(override, rule, overridden=True, computed=computed)
    return computed
