import csv

from django.core.management.base import BaseCommand, CommandError

from placements import regional
from placements.presenters import format_value
from placements.selectors import computed_measures
from sufficiency.models import LocalAuthority


class Command(BaseCommand):
    help = (
        "Print the computed measures as year,measure,value for every year with imported data. For a "
        "region or England (E92000001): the figures pooled over its authorities, for the years every "
        "one of them has a return held."
    )

    def add_arguments(self, parser):
        parser.add_argument("--la", required=True, help="ONS code of an authority, a region or England")
        parser.add_argument("--year", type=int)
        parser.add_argument("--format", choices=["csv"], default="csv")

    def handle(self, *args, la, year, **options):
        authority = LocalAuthority.objects.filter(code=la).first()
        if authority is None:
            raise CommandError(f"No authority with code {la}")
        if authority.kind in regional.AREA_KINDS:
            rows = regional.computed_measures(area=authority, year=year)
        else:
            rows = computed_measures(la=authority, year=year)
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["year", "measure", "value"])
        for row_year, measure, value in rows:
            writer.writerow([row_year, measure, format_value(measure, value)])
