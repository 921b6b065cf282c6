"""Shared set-up for the benchmarks: a throwaway database named by --db, migrated and seeded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(db_url: str) -> None:
    """Point Django at db_url (recreated empty), migrate it, load the core seed, and set Django up."""
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DEBUG", "true")
    os.environ["TESTING"] = "false"
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    if db_url.startswith("postgres"):
        name = db_url.rsplit("/", 1)[1]
        base = db_url.rsplit("/", 1)[0] + "/postgres"
        for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", base, "-qc", sql], check=True)
    elif db_url.startswith("sqlite:///"):
        path = Path(db_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sufficiency.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sufficiency.seed import load_seed

    load_seed()
