from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from placements.forms import authority_year_error, collection_year_error, upload_size_error
from placements.models import ImportJob
from placements.services import import_job_create, import_job_run
from sufficiency.models import LocalAuthority


class Command(BaseCommand):
    help = "Import an SSDA903 return (CSV files, a zip, one .xlsx or one XML) for an authority and year."

    def add_arguments(self, parser):
        parser.add_argument("--la", required=True, help="ONS code of the authority, e.g. E10000020")
        parser.add_argument("--year", required=True, help="Collection year, e.g. 2020 for 2019/20")
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, la, year, files, **options):
        year_error = collection_year_error(year)
        if year_error:
            raise CommandError(f"{year_error} (--year {year})")
        year = int(year)
        authority = LocalAuthority.objects.filter(code=la).first()
        if authority is None:
            raise CommandError(f"No authority with code {la}")
        if area_error := authority_year_error(authority, year):
            raise CommandError(f"{area_error}; nothing was imported.")
        for path in files:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
        too_big = upload_size_error([p.stat().st_size for p in files])
        if too_big:
            raise CommandError(f"{too_big}; nothing was imported.")
        uploads = [(p.name, p.read_bytes()) for p in files]
        job = import_job_run(import_job_create(la=authority, collection_year=year, uploads=uploads))
        for problem in job.problems.all():
            location = ", ".join(
                part
                for part in [
                    problem.table and f"table {problem.table}",
                    problem.row is not None and f"row {problem.row}",
                    problem.column and f"column {problem.column}",
                    problem.value and f"value {problem.value!r}",
                ]
                if part
            )
            stream = self.stderr if problem.severity == "error" else self.stdout
            stream.write(f"{problem.severity.upper()}: {location}: {problem.message}")
        if job.status == ImportJob.Status.REJECTED:
            raise CommandError(f"Rejected: {job.error_count} error(s); nothing was imported.")
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(f"Failed: {job.summary.get('error', 'unexpected error')}")
        summary = job.summary
        self.stdout.write(
            f"{job.get_status_display()}: {authority} {year}: {summary.get('episodes', 0)} episodes, "
            f"{summary.get('children', 0)} children; measures recomputed for "
            f"{summary.get('years_recomputed', '(no change)')}"
        )
