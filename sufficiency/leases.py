"""Leases of background work (import jobs, forecast runs): a running row renews `heartbeat_at` while it
works; a row whose lease has lapsed belongs to a worker that is gone."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, connections
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)


@contextmanager
def heartbeat(model, pk) -> Iterator[None]:
    """Renew a running job's lease (`heartbeat_at`) from a background thread while the block runs.

    Long pure steps (reading, validating, computing) then cannot make a live job look dead. A killed
    process stops renewing, so its lease lapses. Inside a transaction (tests) another connection could
    not see the job's row anyway, so nothing is started.
    """
    interval = max(1.0, settings.IMPORT_JOB_LEASE_SECONDS / 4)
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()

    def renew() -> None:
        try:
            while not stop.wait(interval):
                try:
                    model.objects.filter(pk=pk, status="running").update(heartbeat_at=timezone.now())
                except Exception:  # a busy database: try again at the next beat
                    logger.warning("Could not renew the lease of %s %s", model.__name__, pk, exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=renew, name=f"heartbeat-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def lease_lapsed(now) -> Q:
    """Rows (import jobs, forecast runs) whose lease (`heartbeat_at`, else `started_at`) is older than
    IMPORT_JOB_LEASE_SECONDS: their worker is gone."""
    lapsed = now - timedelta(seconds=settings.IMPORT_JOB_LEASE_SECONDS)
    return (
        Q(heartbeat_at__lt=lapsed)
        | Q(heartbeat_at__isnull=True, started_at__lt=lapsed)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True)
    )
