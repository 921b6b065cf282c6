from datetime import date

from flourish.assess import Point, applicable_target, assess, benchmark_for, count_by_status
from flourish.periods import period_end


def _p(period, value, **kw):
    return Point(period=period, period_end=period_end(period), value=value, **kw)


def test_target_rule_states_the_rule_in_words():
    a = assess(
        points=[_p("2022", 55), _p("2023", 56)],
        polarity="higher",
        status_rule={"kind": "target", "tolerance": 5},
        escalation_rule={"kind": "red_twice"},
        target=65,
    )
    assert a.status == "red" and a.label == "Red" and a.tag_class == "govuk-tag--red"
    assert "meets the target of 65" in a.rule
    assert a.history == ["red", "red"]
    assert a.escalated and a.escalation_words == "Escalated when red for two periods in a row."
    assert a.period == "2023"


def test_benchmark_uses_named_comparator_and_says_which():
    points = [_p("2021", 19, sn_average=16, england=22)]
    a = assess(
        points=points, polarity="lower", status_rule={"kind": "benchmark", "tolerance": 1}, escalation_rule={}
    )
    assert a.status == "green"  # below England (22) by more than 1
    assert "Benchmark: England, 2021." in a.rule
    a = assess(
        points=points,
        polarity="lower",
        status_rule={"kind": "benchmark", "tolerance": 1, "against": "sn_average"},
        escalation_rule={},
    )
    assert a.status == "red" and "Statistical neighbour average" in a.rule
    assert benchmark_for({}, None) == (None, "")


def test_red_and_worsening():
    a = assess(
        points=[_p("2022", 10), _p("2023", 12), _p("2024", 14)],
        polarity="lower",
        status_rule={"kind": "trend", "periods": 2},
        escalation_rule={"kind": "red_and_worsening"},
    )
    assert a.status == "red" and a.escalated


def test_no_points():
    a = assess(points=[], polarity="higher", status_rule={"kind": "target"}, escalation_rule={}, target=1)
    assert a.status == "none" and a.latest is None and not a.escalated
    assert a.words


def test_counts():
    a = assess(points=[], polarity="higher", status_rule={}, escalation_rule={})
    assert count_by_status([a, a]) == {"red": 0, "amber": 0, "green": 0, "none": 2}


def test_period_end():
    assert period_end("2021") == date(2021, 12, 31)
    assert period_end("2020-21") == date(2021, 3, 31)
    assert period_end("2020/2021") == date(2021, 3, 31)
    assert period_end("2020-22") is None
    assert period_end("2020-03") == date(2020, 3, 31)
    assert period_end("2011-12") == date(2012, 3, 31)  # a financial year, not December 2011
    assert period_end("2020/03") is None
    assert period_end("August 2020") == date(2020, 8, 31)
    assert period_end("Feb 2024") == date(2024, 2, 29)
    assert period_end("Q2 2024") == date(2024, 6, 30)
    assert period_end("latest given") is None
    assert period_end("Smarch 2020") is None


STAGED = [{"value": 90, "date": "2022-12-31"}, {"value": 60, "date": "2021-12-31"}]


def test_applicable_target_is_the_next_one_due():
    assert applicable_target(STAGED, date(2021, 3, 31))[0] == 60
    assert applicable_target(STAGED, date(2022, 3, 31))[0] == 90
    assert applicable_target(STAGED, date(2024, 3, 31))[0] == 90
    value, words = applicable_target(STAGED, date(2021, 12, 31))
    assert value == 60 and words.startswith("Target: 60 by 31 December 2021.")
    assert "Staged targets: 60 by December 2021; 90 by December 2022" in words
    assert applicable_target([], None, 5) == (5, "")


def test_staged_targets_judge_each_period():
    a = assess(
        points=[_p("2021", 58), _p("2022", 80)],
        polarity="higher",
        status_rule={"kind": "target", "tolerance": 5},
        escalation_rule={"kind": "red_twice"},
        target=60,
        targets=STAGED,
    )
    assert a.history == ["amber", "red"]
    assert "meets the target of 90" in a.rule and "Target: 90 by 31 December 2022." in a.rule
