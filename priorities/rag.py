"""RAG (red, amber, green) for an action from its status, its due date and today. Pure: no ORM.

The rules, in order (the first that applies wins; its text is returned so the page can show it):
1. Complete or Cancelled: not rated (the action is closed).
2. No due date could be read from the timescale (for example "Ongoing"): not rated.
3. Past due (the last day of the timescale is before today) and not complete: red.
4. On hold and not yet past due: amber. Our choice: work that has stopped is at risk even with time
   left, so it should be seen at the next meeting; it is not red because nothing is late yet.
5. Due within 60 days (the last day is today or in the next 60 days): amber.
6. Otherwise: green.
A commissioner may override the computed RAG with a reason; the override then shows, with the
computed value and its rule beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

AMBER_WITHIN_DAYS = 60

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
ON_HOLD = "On hold"
RATINGS = [RED, AMBER, GREEN]


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


def compute_rag(*, status: str, due_end: date | None, today: date) -> Rag:
    """The RAG the rules give (see the module docstring)."""
    if status in CLOSED_STATUSES:
        return Rag(NOT_RATED, f"{status}: closed actions are not rated.")
    if due_end is None:
        return Rag(NOT_RATED, "No due date can be read from the timescale, so no RAG is computed.")
    days_left = (due_end - today).days
    if days_left < 0:
        return Rag(RED, f"Red: past its due date ({due_end:%d %B %Y}) and not complete.")
    if status == ON_HOLD:
        return Rag(AMBER, "Amber: on hold (not yet past its due date).")
    if days_left <= AMBER_WITHIN_DAYS:
        return Rag(AMBER, f"Amber: due within {AMBER_WITHIN_DAYS} days ({due_end:%d %B %Y}).")
    return Rag(GREEN, f"Green: due {due_end:%d %B %Y}, more than {AMBER_WITHIN_DAYS} days away.")


def action_rag(
    *, status: str, due_end: date | None, today: date, override: str = "", override_reason: str = ""
) -> Rag:
    """The RAG to show: the override when one is set, else the computed RAG."""
    computed = compute_rag(status=status, due_end=due_end, today=today)
    if override and override in LABELS:
        rule = f"{LABELS[override]}: set by a commissioner. Reason: {override_reason}"
        return Rag(override, rule, overridden=True, computed=computed)
    return computed
