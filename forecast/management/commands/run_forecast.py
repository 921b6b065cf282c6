import csv
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from forecast.engine.results import PROJECTION_COLUMNS, projection_rows
from forecast.execution import forecast_run_execute
from forecast.models import ForecastRun, ForecastScenario
from forecast.selectors import forecast_default_window, forecast_inputs_key, forecast_run_find
from forecast.services import MAX_HORIZON
from sufficiency.models import LocalAuthority


class Command(BaseCommand):
    help = (
        "Compute and store a forecast run now (baseline, or --scenario ID), as the background task does. "
        "The reference window is 31 March --from to 31 March --to (default: the last three years held). "
        "With --output, also write the projection as CSV: one row per projected month end (not the start) "
        "and placement group (its measure code, placement_<group>) and the total, with columns "
        f"{','.join(PROJECTION_COLUMNS)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--la", required=True, help="ONS code, e.g. Z99999999")
        parser.add_argument(
            "--from", dest="ref_from", type=int, help="Year: the window starts on 31 March of it"
        )
        parser.add_argument("--to", dest="ref_to", type=int, help="Year: the window ends on 31 March of it")
        parser.add_argument("--horizon", type=int, default=36, help="Months to project (1 to 60)")
        parser.add_argument("--scenario", type=int, help="ForecastScenario id")
        parser.add_argument("--force", action="store_true", help="Compute again even when a run is stored")
        parser.add_argument("--output", help="CSV file to write the projection to")

    def handle(self, *args, la, ref_from, ref_to, horizon, scenario, force, output=None, **options):
        authority = LocalAuthority.objects.filter(code=la).first()
        if authority is None:
            raise CommandError(f"No authority with code {la}")
        if not 1 <= horizon <= MAX_HORIZON:
            raise CommandError(f"--horizon must be 1 to {MAX_HORIZON} months")
        chosen = ForecastScenario.objects.filter(pk=scenario, la=authority).first() if scenario else None
        if scenario and chosen is None:
            raise CommandError(f"No scenario {scenario} for {authority}")
        default = forecast_default_window(la=authority)
        if default is None and not (ref_from and ref_to):
            raise CommandError(f"No SSDA903 returns are imported for {authority}")
        start = date(ref_from, 3, 31) if ref_from else default[0]
        end = date(ref_to, 3, 31) if ref_to else default[1]
        if start >= end:
            raise CommandError("The reference window must start before it ends")
        params = {"la": authority, "ref_start": start, "ref_end": end, "horizon_months": horizon}
        stored = forecast_run_find(**params, scenario=chosen)
        if stored is not None and not force:
            if output is None or stored.status == ForecastRun.Status.SUCCEEDED:
                self.stdout.write(f"Already stored: run {stored.pk} ({stored.get_status_display()})")
                if output is not None:
                    self._write(output, stored.results)
                return
        run = ForecastRun.objects.create(
            **params, scenario=chosen, inputs_key=forecast_inputs_key(la=authority, scenario=chosen)
        )
        run = forecast_run_execute(run)
        if run.status != ForecastRun.Status.SUCCEEDED:
            raise CommandError(f"Run {run.pk} failed: {run.error}")
        total = run.results["total"]
        self.stdout.write(
            f"Run {run.pk}: {start} to {end}, {horizon} months, {run.seconds:.1f} s; children looked after "
            f"{total['mean'][0]:,.0f} -> {total['mean'][-1]:,.0f} (95% {total['low'][-1]:,.0f} to "
            f"{total['high'][-1]:,.0f})"
        )
        if output is not None:
            self._write(output, run.results)

    def _write(self, path: str, results: dict) -> None:
        rows = projection_rows(results)
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(PROJECTION_COLUMNS)
            writer.writerows(rows)
        self.stdout.write(f"Wrote {len(rows)} rows to {path}")
