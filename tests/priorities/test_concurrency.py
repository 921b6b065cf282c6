"""Two commissioners save the same action at the same moment: one wins, the other gets a conflict.

Runs on PostgreSQL only (row locks are real there); CI runs the suite on both databases.
"""

import threading

import pytest
from django.db import connection, connections

from priorities import services
from priorities.models import Action, StatusUpdate


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sessions_never_silently_overwrite(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")
    from priorities.seed import load_seed
    from sufficiency.roles import COMMISSIONER

    load_seed()
    action = Action.objects.filter(owner_team__name="Commissioning and Resources").order_by("pk").first()
    users = [make_user(COMMISSIONER, teams=["Commissioning and Resources"]) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def save(user, status, comment):
        try:
            stale = Action.objects.get(pk=action.pk)  # each session read version 1 before saving
            barrier.wait(timeout=10)
            services.action_update_status(
                action=stale, user=user, to_status=status, comment=comment, expected_version=1
            )
            results[user.username] = "saved"
        except services.ConflictError as exc:
            results[user.username] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(users[0], "Complete", "Finished by A")),
        threading.Thread(target=save, args=(users[1], "On hold", "Paused by B")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    outcomes = list(results.values())
    assert outcomes.count("saved") == 1, results
    [conflict] = [o for o in outcomes if isinstance(o, services.ConflictError)]
    winner = next(u for u in users if results[u.username] == "saved")
    assert [c.history_user_id for c in conflict.changes] == [winner.pk]  # the other change is shown
    assert StatusUpdate.objects.filter(action=action).count() == 1
    action.refresh_from_db()
    assert action.version == 2
    assert action.status == StatusUpdate.objects.get(action=action).to_status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_second_session_waits_for_the_first_lock(make_user):
    """While session A holds the row lock, B's save waits, then sees A's change as a conflict."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")
    from django.db import transaction

    from priorities.seed import load_seed
    from sufficiency.roles import COMMISSIONER

    load_seed()
    action = Action.objects.filter(owner_team__name="Commissioning and Resources").order_by("pk").first()
    a, b = (make_user(COMMISSIONER, teams=["Commissioning and Resources"]) for _ in range(2))
    locked = threading.Event()
    release = threading.Event()
    outcome = {}

    def session_a():
        try:
            with transaction.atomic():
                services.action_update_status(
                    action=Action.objects.get(pk=action.pk), user=a, to_status="Launched", expected_version=1
                )
                locked.set()
                release.wait(timeout=10)  # hold the transaction (and the row lock) open
        finally:
            connections.close_all()

    def session_b():
        try:
            locked.wait(timeout=10)
            services.action_update_status(
                action=Action.objects.get(pk=action.pk),
                user=b,
                to_status="Complete",
                comment="x",
                expected_version=1,
            )
            outcome["b"] = "saved"
        except services.ConflictError as exc:
            outcome["b"] = exc
        finally:
            connections.close_all()

    ta, tb = threading.Thread(target=session_a), threading.Thread(target=session_b)
    ta.start()
    tb.start()
    locked.wait(timeout=10)
    tb.join(timeout=1)
    assert tb.is_alive()  # B is blocked on A's row lock
    release.set()
    ta.join(timeout=10)
    tb.join(timeout=10)
    assert isinstance(outcome["b"], services.ConflictError)
    assert outcome["b"].changes[-1].status == "Launched"
    action.refresh_from_db()
    assert (action.status, action.version) == ("Launched", 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_sessions_every_accepted_save_is_in_the_history(make_user):
    """Six sessions save the same action over and over from what they last read: each save the service
    accepted has its status update and its own history version, and each starts from the status before it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")
    from priorities.seed import load_seed
    from sufficiency.roles import COMMISSIONER

    load_seed()
    action = Action.objects.filter(owner_team__name="Commissioning and Resources").order_by("pk").first()
    users = [make_user(COMMISSIONER, teams=["Commissioning and Resources"]) for _ in range(6)]
    barrier = threading.Barrier(len(users))
    accepted: list[str] = []
    conflicts: list[int] = []
    errors: list[Exception] = []

    def session(n: int, user) -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(8):
                seen = Action.objects.get(pk=action.pk)
                status = ["Launched", "In progress", "On hold"][(n + i) % 3]
                try:
                    services.action_update_status(
                        action=seen,
                        user=user,
                        to_status=status,
                        comment=f"{n}-{i}",
                        expected_version=seen.version,
                    )
                    accepted.append(f"{n}-{i}")
                except services.ConflictError:
                    conflicts.append(n)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=session, args=(n, u)) for n, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert not errors, errors
    assert len(accepted) + len(conflicts) == 48
    updates = list(StatusUpdate.objects.filter(action=action).order_by("created_at", "pk"))
    assert sorted(u.comment for u in updates) == sorted(accepted)
    records = list(Action.history.filter(id=action.pk, version__gt=1).order_by("version"))
    assert [r.version for r in records] == list(range(2, 2 + len(accepted)))
    for before, after, update in zip([None, *records], records, updates, strict=False):
        expected_from = "In progress" if before is None else before.status
        assert (update.from_status, update.to_status) == (expected_from, after.status)
    action.refresh_from_db()
    assert action.version == 1 + len(accepted) and action.status == records[-1].status
