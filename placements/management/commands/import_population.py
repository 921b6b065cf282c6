from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from placements.services import population_import


class Command(BaseCommand):
    help = "Import ONS mid-year population estimates aged 0-17: CSV/XLSX with la_code,year,population."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        saved, problems = population_import(name=file.name, content=file.read_bytes())
        for p in problems:
            self.stderr.write(f"row {p.row}, column {p.column}, value {p.value!r}: {p.message}")
        if problems:
            raise CommandError("Rejected: nothing was imported.")
        self.stdout.write(f"Imported {saved} population figures.")
