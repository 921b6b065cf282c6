"""Status and escalation rules for FLOURISH measures, stored as data (pure functions, no ORM).

A rule is a dict: {"kind": "target"|"benchmark"|"trend"|"none", ...parameters}. Each evaluator
returns (status, rule_in_words) so a page can always state the rule, not only a colour.
Polarity: "higher" (higher is better), "lower" (lower is better) or "neutral".
"""

from __future__ import annotations

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"


def _better(diff: float, polarity: str) -> float:
    """Signed difference where positive means better under the polarity."""
    return -diff if polarity == "lower" else diff


def evaluate(rule: dict, polarity: str, values: list[float | None], *, target=None, benchmark=None):
    """Return (status, rule_in_words) for the latest values (oldest first) under `rule`."""
    kind = (rule or {}).get("kind", "none")
    known = [v for v in values if v is not None]
    if kind == "none" or polarity == "neutral":
        return NONE, "No judgement is made for this measure."
    if not known or values[-1] is None:
        return NONE, "No status: there is no value for the latest period."
    latest = values[-1]
    word = "higher" if polarity == "higher" else "lower"
    if kind == "target":
        tol = float(rule.get("tolerance", 0))
        if target is None:
            return NONE, "No status: the measure has no target."
        words = f"Green if the latest value meets the target of {target:g} ({word} is better); amber if within {tol:g} of it; otherwise red."
        d = _better(latest - target, polarity)
        if d >= 0:
            return GREEN, words
        return (AMBER if -d <= tol else RED), words
    if kind == "benchmark":
        tol = float(rule.get("tolerance", 0))
        if benchmark is None:
            return NONE, "No status: there is no benchmark value for the latest period."
        words = f"Better (green) or worse (red) than the benchmark of {benchmark:g} by more than {tol:g} ({word} is better); otherwise similar (amber)."
        d = _better(latest - benchmark, polarity)
        if abs(d) <= tol:
            return AMBER, words
        return (GREEN if d > 0 else RED), words
    if kind == "trend":
        n = int(rule.get("periods", 3))
        words = f"Improving (green) if each of the last {n} values is {word} than the one before; worsening (red) if each is worse; otherwise no clear trend (amber)."
        last = values[-n:]
        if len(last) < n or any(v is None for v in last):
            return NONE, f"No status: the trend rule needs {n} consecutive values."
        steps = [_better(b - a, polarity) for a, b in zip(last, last[1:], strict=False)]
        if all(s > 0 for s in steps):
            return GREEN, words
        if all(s < 0 for s in steps):
            return RED, words
        return AMBER, words
    raise ValueError(f"Unknown status rule kind: {kind}")


def escalated(rule: dict, statuses: list[str], worsening: bool = False) -> tuple[bool, str]:
    """Escalation rules: {"kind": "red_twice"} or {"kind": "red_and_worsening"} or {"kind": "none"}."""
    kind = (rule or {}).get("kind", "none")
    if kind == "red_twice":
        return statuses[-2:] == [RED, RED], "Escalated when red for two periods in a row."
    if kind == "red_and_worsening":
        return bool(statuses) and statuses[-1] == RED and worsening, "Escalated when red and worsening."
    return False, "Never escalated automatically."
