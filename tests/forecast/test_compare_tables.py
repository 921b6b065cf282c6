"""A scenario beside its baseline (forecast/compare_tables.py), from stored results."""

from forecast import compare_tables, cost_tables


def test_compare_tables(results):
    groups = compare_tables.compare_groups_table(results, results)
    assert all(r[4] == 0 for r in groups["rows"])  # a run compared with itself differs by nothing
    costs = cost_tables.compare_costs_table(results, results)
    assert [r[1] for r in costs["rows"]].count("All costed placements") == 3
