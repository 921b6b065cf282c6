"""A measure's status and escalation from its series of values (pure: no ORM).

Uses the rules of flourish.status. For each period the status is judged on the values up to that
period, so the escalation rule ("red twice", "red and worsening") can look back over the statuses.
The benchmark of a "benchmark" rule is the comparator named by the rule's "against" key (england,
region or sn_average), else the first of England, statistical neighbour average, region held for the
latest period. The words returned always state the rule; a page never shows a colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flourish import status as rules

LABELS = {rules.GREEN: "Green", rules.AMBER: "Amber", rules.RED: "Red", rules.NONE: "No status"}
TAG_CLASSES = {
    rules.GREEN: "govuk-tag--green",
    rules.AMBER: "govuk-tag--yellow",
    rules.RED: "govuk-tag--red",
    rules.NONE: "govuk-tag--grey",
}
ORDER = [rules.RED, rules.AMBER, rules.GREEN, rules.NONE]
COMPARATORS = {"england": "England", "sn_average": "Statistical neighbour average", "region": "Region"}


@dataclass
class Point:
    """One period's value for the home area, with its comparators."""

    period: str
    period_end: date | None
    value: float | None
    provisional: bool = False
    note: str = ""
    england: float | None = None
    region: float | None = None
    sn_average: float | None = None
    source: str = "entered"  # entered | placements (computed/published there)
    reference: str = ""  # where a transcribed figure came from
    quote: str = ""


@dataclass
class Assessment:
    status: str
    words: str
    escalated: bool = False
    escalation_words: str = ""
    benchmark_words: str = ""
    period: str = ""
    latest: Point | None = None
    history: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES[self.status]

    @property
    def rule(self) -> str:
        """The rule in words, with the benchmark used."""
        return f"{self.words} {self.benchmark_words}".strip()


def benchmark_for(rule: dict, point: Point | None) -> tuple[float | None, str]:
    """The comparator a benchmark rule compares with, and its name."""
    if point is None:
        return None, ""
    wanted = (rule or {}).get("against")
    keys = [wanted] if wanted in COMPARATORS else list(COMPARATORS)
    for key in keys:
        value = getattr(point, key)
        if value is not None:
            return value, COMPARATORS[key]
    return None, ""


def applicable_target(
    targets: list[dict], when: date | None, default: float | None = None
) -> tuple[float | None, str]:
    """The target a period is judged on: the first (by date) due on or after the period's end, else
    the last one; `default` when there are no staged targets. Returns (value, words naming it)."""
    dated = sorted(
        (t for t in targets or [] if t.get("value") is not None and t.get("date")), key=lambda t: t["date"]
    )
    if not dated:
        return default, ""
    chosen = dated[-1]
    if when is not None:
        chosen = next((t for t in dated if date.fromisoformat(t["date"]) >= when), dated[-1])
    due = date.fromisoformat(chosen["date"])
    words = f"Target: {chosen['value']:g} by {due.day} {due:%B %Y}."
    if len(dated) > 1:
        words += " " + "; ".join(
            f"{t['value']:g} by {date.fromisoformat(t['date']):%B %Y}" for t in dated
        ).join(["(Staged targets: ", ".)"])
    return chosen["value"], words


def _one(rule: dict, polarity: str, points: list[Point], target: float | None) -> tuple[str, str, str]:
    latest = points[-1] if points else None
    benchmark, name = benchmark_for(rule, latest)
    status, words = rules.evaluate(
        rule, polarity, [p.value for p in points], target=target, benchmark=benchmark
    )
    extra = ""
    if (rule or {}).get("kind") == "benchmark" and name:
        extra = f"Benchmark: {name}, {latest.period}."
    return status, words, extra


def assess(
    *,
    points: list[Point],
    polarity: str,
    status_rule: dict,
    escalation_rule: dict,
    target: float | None = None,
    targets: list[dict] | None = None,
) -> Assessment:
    """Status of the latest point (points oldest first), the rule in words, and escalation.

    With staged `targets`, each period is judged on the target that applies to it."""

    def target_for(p: Point | None) -> tuple[float | None, str]:
        return applicable_target(targets or [], p.period_end if p else None, target)

    if not points:
        status, words = rules.evaluate(status_rule, polarity, [None], target=target)
        _, esc_words = rules.escalated(escalation_rule, [])
        return Assessment(status, words, False, esc_words)
    history = [
        _one(status_rule, polarity, points[: i + 1], target_for(points[i])[0])[0] for i in range(len(points))
    ]
    value, target_words = target_for(points[-1])
    status, words, extra = _one(status_rule, polarity, points, value)
    if (status_rule or {}).get("kind") == "target" and target_words:
        extra = f"{extra} {target_words}".strip()
    worsening = False
    if len(points) >= 2 and None not in (points[-1].value, points[-2].value) and polarity != "neutral":
        diff = points[-1].value - points[-2].value
        worsening = (diff < 0) if polarity == "higher" else (diff > 0)
    escalated, esc_words = rules.escalated(escalation_rule, history, worsening)
    return Assessment(status, words, escalated, esc_words, extra, points[-1].period, points[-1], history)


def count_by_status(assessments) -> dict[str, int]:
    """{status: n} for red, amber, green and no status, zeros included."""
    counts = dict.fromkeys(ORDER, 0)
    for a in assessments:
        counts[a.status] += 1
    return counts
