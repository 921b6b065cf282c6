import importlib

from django.core.management.base import BaseCommand

SEED_APPS = ["sufficiency", "placements", "priorities", "forecast", "flourish"]  # forecast after both


class Command(BaseCommand):
    help = "Load the seed data (transcribed from the seed documents) and the synthetic demo authority."

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-synthetic", action="store_true", help="Do not generate and import the demo authority."
        )

    def handle(self, *args, **options):
        for app in SEED_APPS:
            try:
                module = importlib.import_module(f"{app}.seed")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.seed":
                    raise
                continue
            kwargs = {"synthetic": not options["skip_synthetic"]} if app in ("placements", "forecast") else {}
            summary = module.load_seed(**kwargs)
            self.stdout.write(f"{app}: {summary}")
