"""manage.py run_forecast: the same service as the background task."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from forecast.models import ForecastRun
from forecast.selectors import forecast_inputs_key
from placements.groups import GROUPS
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


def read_csv(path):
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_run_forecast_writes_the_projection_csv(demo_la, tmp_path):
    out = tmp_path / "forecast.csv"
    args = ["--la", demo_la.code, "--from", "2018", "--to", "2021", "--horizon", "24", "--output", str(out)]
    call_command("run_forecast", *args, stdout=StringIO())
    run = ForecastRun.objects.get()
    assert (run.ref_start, run.ref_end) == (date(2018, 3, 31), date(2021, 3, 31))
    rows = read_csv(out)
    assert list(rows[0]) == ["date", "group", "projected", "lower_95", "upper_95"]
    codes = [g.measure for g in GROUPS] + ["total"]
    assert len(codes) == 9 and codes[1] == "placement_fostered_in_house"
    # the 24 projected month ends, not the start (whose stock is known), each with every group and the total
    dates = sorted({r["date"] for r in rows})
    assert len(dates) == 24 and dates[0] == "2021-04-30" and dates[-1] == "2023-03-31"
    assert "2022-03-31" in dates and "2021-03-31" not in dates
    assert len(rows) == 24 * 9 and [r["group"] for r in rows[:9]] == codes
    for r in rows:
        assert 0 <= float(r["lower_95"]) <= float(r["projected"]) <= float(r["upper_95"])
    last = [r for r in rows if r["date"] == "2023-03-31"]
    total = float(last[-1]["projected"])
    assert sum(float(r["projected"]) for r in last[:-1]) == pytest.approx(total, abs=0.01)
    assert float(last[-1]["projected"]) == pytest.approx(run.results["total"]["mean"][24], abs=1e-3)

    # again: the stored run is written, not computed again
    out.unlink()
    call_command("run_forecast", *args, stdout=StringIO())
    assert ForecastRun.objects.count() == 1 and read_csv(out) == rows


def test_run_forecast_output_computes_when_the_stored_run_is_only_queued(demo_la, tmp_path):
    queued = ForecastRun.objects.create(
        la=demo_la,
        ref_start=date(2018, 3, 31),
        ref_end=date(2021, 3, 31),
        horizon_months=12,
        inputs_key=forecast_inputs_key(la=demo_la, scenario=None),
    )
    out = tmp_path / "f.csv"
    call_command(
        "run_forecast", "--la", demo_la.code, "--horizon", "12", "--output", str(out), stdout=StringIO()
    )
    assert ForecastRun.objects.exclude(pk=queued.pk).get().status == "succeeded"
    assert len(read_csv(out)) == 12 * 9
