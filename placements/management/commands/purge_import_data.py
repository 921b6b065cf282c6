"""Daily housekeeping of import data: `manage.py purge_import_data` (bin/start runs it once a day)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from placements.services import import_data_purge


class Command(BaseCommand):
    help = (
        "Mark dead import jobs failed, delete half-written and replaced returns, orphan "
        "upload folders, and import error reports older than IMPORT_PROBLEM_RETENTION_DAYS."
    )

    def handle(self, *args, **options) -> None:
        done = import_data_purge()
        self.stdout.write(
            f"Import jobs given up: {done['jobs_failed']}; problem rows older than "
            f"{settings.IMPORT_PROBLEM_RETENTION_DAYS} days deleted: {done['problems_deleted']}."
        )
