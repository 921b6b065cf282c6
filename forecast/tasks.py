"""Background tasks of the forecast (django-tasks; `manage.py db_worker` runs them)."""

from django_tasks import task

from forecast.execution import forecast_run_execute
from forecast.models import ForecastRun


@task()
def forecast_run_task(run_id: int) -> str:
    """Fit, project and store one forecast run (runs whose worker died were given up when it was asked for)."""
    return forecast_run_execute(ForecastRun.objects.select_related("la", "scenario").get(pk=run_id)).status
