"""manage.py run_forecast: the same service as the background task."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from forecast.models import ForecastRun
from tests.forecast.fixtures import *  # noqa: F403 (the demo_la fixture)


def test_run_forecast_stores_a_run_once(demo_la):
    out = StringIO()
    call_command("run_forecast", "--la", demo_la.code, "--horizon", "12", stdout=out)
    run = ForecastRun.objects.get()
    assert run.status == "succeeded" and run.horizon_months == 12
    assert out.getvalue().startswith(f"Run {run.pk}: 2018-03-31 to 2021-03-31, 12 months")
    out = StringIO()
    call_command("run_forecast", "--la", demo_la.code, "--horizon", "12", stdout=out)
    assert out.getvalue().startswith("Already stored") and ForecastRun.objects.count() == 1


def test_run_forecast_errors(seeded_core):
    with pytest.raises(CommandError, match="No SSDA903 returns"):
        call_command("run_forecast", "--la", "E10000020")
    with pytest.raises(CommandError, match="No authority"):
        call_command("run_forecast", "--la", "X")
