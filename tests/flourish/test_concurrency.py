"""Two owners add a value to the same measure at the same moment: one wins, the other gets a conflict.

Runs on PostgreSQL only (row locks are real there); CI runs the suite on both databases.
"""

import threading

import pytest
from django.db import connection, connections

from flourish import services
from flourish.models import Commentary, Measure, MeasureValue
from tests.flourish.conftest import FRAMEWORK, MEASURES, TEAM


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sessions_never_silently_overwrite(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")
    from flourish.seed import load_seed
    from sufficiency.roles import COMMISSIONER

    load_seed(framework=FRAMEWORK, measures=MEASURES)
    measure = Measure.objects.get(code="ks2_rwm_pct")
    users = [make_user(COMMISSIONER, teams=[TEAM]) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def save(user, value, comment):
        try:
            stale = Measure.objects.get(pk=measure.pk)  # each session read version 1 before saving
            barrier.wait(timeout=10)
            services.measure_record_value(
                measure=stale, user=user, expected_version=1, period="2024", value=value, commentary=comment
            )
            results[user.username] = "saved"
        except services.ConflictError as exc:
            results[user.username] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(users[0], 60, "From A")),
        threading.Thread(target=save, args=(users[1], 70, "From B")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    outcomes = list(results.values())
    assert outcomes.count("saved") == 1, results
    [conflict] = [o for o in outcomes if isinstance(o, services.ConflictError)]
    winner = next(u for u in users if results[u.username] == "saved")
    assert [c.history_user_id for c in conflict.changes] == [winner.pk]
    value = MeasureValue.objects.get(measure=measure, period="2024")
    assert value.entered_by == winner and value.history.count() == 1
    assert Commentary.objects.get(measure=measure, period="2024").history.count() == 1
    measure.refresh_from_db()
    assert measure.version == 2
