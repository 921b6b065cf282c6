from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from placements.services import comparators_import


class Command(BaseCommand):
    help = "Import comparator figures (CSV/XLSX in long format: area_code,year,measure,value)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        saved, problems = comparators_import(name=file.name, content=file.read_bytes())
        for p in problems:
            self.stderr.write(f"row {p.row}, column {p.column}, value {p.value!r}: {p.message}")
        if problems:
            raise CommandError("Rejected: nothing was imported.")
        self.stdout.write(f"Imported {saved} comparator figures.")
