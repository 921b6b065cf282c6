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


@task()
def forecast_run_task(run_id: int) -> str:
    """Fit, project and store one forecast run (placements.forecast_services)."""
    from placements.forecast_services import forecast_run_execute
    from placements.models import ForecastRun

    return forecast_run_execute(ForecastRun.objects.select_related("la", "scenario").get(pk=run_id)).status
