"""Background tasks (django-tasks; `manage.py db_worker` runs them)."""

from django_tasks import task

from placements.models import ImportJob
from placements.services import import_job_run


@task()
def import_job_task(job_id: str) -> str:
    job = ImportJob.objects.get(pk=job_id)
    return import_job_run(job).status
