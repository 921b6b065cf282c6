"""Leases of background work (sufficiency.leases)."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from placements.models import ImportJob
from placements.services import import_jobs_expire_stale
from sufficiency.leases import heartbeat
from sufficiency.models import LocalAuthority


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_while_a_long_step_runs(seeded_core, settings, tmp_path):
    settings.IMPORT_JOB_LEASE_SECONDS = 4  # a beat a second
    la = LocalAuthority.objects.get(code="E10000020")
    old = timezone.now() - timedelta(minutes=5)
    job = ImportJob.objects.create(
        la=la, collection_year=2020, status="running", started_at=old, heartbeat_at=old
    )
    with heartbeat(ImportJob, job.pk):
        time.sleep(2.5)
    job.refresh_from_db()
    assert job.heartbeat_at > timezone.now() - timedelta(seconds=3)
    assert import_jobs_expire_stale() == 0
