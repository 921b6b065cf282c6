"""Reading an import's children's stored record while the import saves its return (PostgreSQL).

Merging a return later than every return held (placements.measures_update) starts from the stored
longitudinal record of the return's children, a read of every episode they have had that waits mostly on
the database. The children are known once the return is pseudonymised, so the read is started then, on a
connection of its own in a thread, and runs while the return is written to the staging tables; the merge
takes it if it is still the stored record, and reads it itself otherwise. The children of the record looked
after in the return's year (whose part in that year is computed whole) are read ahead with it.

"Still the stored record": the read runs in one REPEATABLE READ transaction with the authority's
LongitudinalState row, and every write of the record rewrites that row (longitudinal.record_write), so the
row's transaction id (xmin) is the same when the merge takes the frames only if nothing has written the
record since. The frames are taken only for exactly the children the merge asks for. SQLite (one writer,
and tests in one transaction) does not prefetch.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field

from django.db import connection, transaction

from placements import longitudinal
from placements.models import LongitudinalState

logger = logging.getLogger(__name__)

_pending: dict[tuple[int, int], _Prefetch] = {}  # (thread id, authority id): the read started for it
_guard = threading.Lock()


@dataclass(frozen=True)
class Prefetched:
    """What was read ahead: the children's stored record, and the children of the stored record with an
    episode overlapping the return's year (`window`: its first and last days), or None."""

    frames: longitudinal.Frames
    window: tuple[dt.date, dt.date] | None
    overlapping: frozenset[str] | None  # read whenever `window` is given

    def children_overlapping(self, first: dt.date, last: dt.date) -> set[str] | None:
        """longitudinal.children_overlapping(la, first, last) as read ahead, or None if another window."""
        return set(self.overlapping) if self.window == (first, last) else None


@dataclass
class _Prefetch:
    la_id: int
    children: frozenset[str]
    window: tuple[dt.date, dt.date] | None = None
    version: str | None = None
    frames: longitudinal.Frames | None = None
    overlapping: frozenset[str] | None = None
    done: threading.Event = field(default_factory=threading.Event)


def _key(la) -> tuple[int, int]:
    return threading.get_ident(), la.pk


def _version(cursor, la_id: int) -> str | None:
    table = connection.ops.quote_name(LongitudinalState._meta.db_table)
    cursor.execute(f"SELECT xmin::text FROM {table} WHERE la_id = %s", [la_id])
    row = cursor.fetchone()
    return row[0] if row else None


def _read(job: _Prefetch, la) -> None:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            job.version = _version(cursor, job.la_id)
            if job.version is not None:
                job.frames = longitudinal.record_read(la, job.children, ids=True)
                if job.window is not None:
                    job.overlapping = frozenset(longitudinal.children_overlapping(la, *job.window))
    except Exception:  # the merge reads the record itself
        logger.exception("Reading the stored record ahead of the merge failed")
        job.frames = None
    finally:
        connection.close()
        job.done.set()


def start(la, children, year: int | None = None) -> None:
    """Start reading the stored record of these children of the authority (PostgreSQL only) and, given the
    return's collection year, the children of the record with an episode overlapping that year."""
    if connection.vendor != "postgresql" or not children:
        return
    window = None if year is None else (dt.date(year - 1, 4, 1), dt.date(year, 3, 31))
    job = _Prefetch(la_id=la.pk, children=frozenset(str(c) for c in children), window=window)
    with _guard:
        old = _pending.pop(_key(la), None)
        _pending[_key(la)] = job
    if old is not None:
        old.done.wait()
    threading.Thread(target=_read, args=(job, la), name="record-prefetch", daemon=True).start()


def discard(la) -> None:
    """Forget a read started for the authority by this thread (the import stopped before merging)."""
    with _guard:
        job = _pending.pop(_key(la), None)
    if job is not None:
        job.done.wait()


def take(la, children) -> Prefetched | None:
    """What `start` read ahead for exactly these children, if it is still the stored record; otherwise None
    (and the caller reads it)."""
    with _guard:
        job = _pending.pop(_key(la), None)
    if job is None:
        return None
    job.done.wait()
    if job.frames is None or job.children != frozenset(str(c) for c in children):
        return None
    with connection.cursor() as cursor:
        if _version(cursor, la.pk) != job.version:
            return None
    return Prefetched(job.frames, job.window, job.overlapping)
