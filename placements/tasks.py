"""Background tasks (django-tasks; `manage.py db_worker` runs them)."""

from django_tasks import task

from placements.models import ImportJob
from placements.services import import_job_run, import_jobs_expire_stale


@task()
def import_job_task(job_id: str) -> str:
    """Run one import; first give up jobs a killed worker left running (so a restarted worker tidies)."""
    import_jobs_expire_stale()
    job = ImportJob.objects.get(pk=job_id)
    return import_job_run(job).status
