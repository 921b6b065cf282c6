import pytest

from flourish.status import AMBER, GREEN, NONE, RED, escalated, evaluate

T = {"kind": "target", "tolerance": 5}
B = {"kind": "benchmark", "tolerance": 1}
TR = {"kind": "trend", "periods": 3}


@pytest.mark.parametrize(
    "rule,pol,values,kw,expected",
    [
        (T, "higher", [54.0], {"target": 60}, RED),
        (T, "higher", [56.0], {"target": 60}, AMBER),
        (T, "higher", [60.0], {"target": 60}, GREEN),  # tie meets target
        (T, "lower", [10.0], {"target": 12}, GREEN),
        (T, "lower", [20.0], {"target": 12}, RED),
        (T, "higher", [None], {"target": 60}, NONE),
        (T, "higher", [50.0], {}, NONE),
        (B, "higher", [51.4], {"benchmark": 57.4}, RED),
        (B, "lower", [19.0], {"benchmark": 16.0}, RED),
        (B, "lower", [15.0], {"benchmark": 16.0}, AMBER),  # tie at tolerance = similar
        (B, "higher", [60.0], {"benchmark": 57.4}, GREEN),
        (TR, "higher", [1.0, 2.0, 3.0], {}, GREEN),
        (TR, "lower", [1.0, 2.0, 3.0], {}, RED),
        (TR, "higher", [1.0, 1.0, 3.0], {}, AMBER),
        (TR, "higher", [2.0, 3.0], {}, NONE),  # fewer periods than needed
        (TR, "higher", [1.0, None, 3.0], {}, NONE),
        ({"kind": "none"}, "higher", [1.0], {}, NONE),
        (T, "neutral", [1.0], {"target": 1}, NONE),
    ],
)
def test_evaluate(rule, pol, values, kw, expected):
    status, words = evaluate(rule, pol, values, **kw)
    assert status == expected
    assert words


@pytest.mark.parametrize(
    "rule,statuses,worse,expected",
    [
        ({"kind": "red_twice"}, [RED, RED], False, True),
        ({"kind": "red_twice"}, [AMBER, RED], False, False),
        ({"kind": "red_twice"}, [RED], False, False),
        ({"kind": "red_and_worsening"}, [RED], True, True),
        ({"kind": "red_and_worsening"}, [RED], False, False),
        ({"kind": "none"}, [RED, RED], True, False),
    ],
)
def test_escalated(rule, statuses, worse, expected):
    assert escalated(rule, statuses, worse)[0] is expected
