from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Write a realistic synthetic multi-year SSDA903 return (one folder of CSV files per collection year) "
        "for demos, tests and benchmarks. Synthetic: it describes no real child or authority."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path, help="Folder to write into (created if missing)")
        parser.add_argument("--children", type=int, default=2600)
        parser.add_argument("--first", type=int, default=2016, help="First collection year")
        parser.add_argument("--last", type=int, default=2024, help="Last collection year")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, out, children, first, last, seed, **options):
        from placements.ssda903.synthetic import generate_return

        if first > last:
            raise CommandError("--first must not be after --last")
        if children < 1:
            raise CommandError("--children must be at least 1")
        returns = generate_return(children=children, first_year=first, last_year=last, seed=seed)
        for year, tables in sorted(returns.items()):
            folder = out / str(year)
            folder.mkdir(parents=True, exist_ok=True)
            for name, frame in tables.items():
                frame.to_csv(folder / f"{name.lower()}.csv", index=False)
            episodes = len(tables.get("Episodes", []))
            self.stdout.write(f"{folder}: {', '.join(f'{n}.csv' for n in tables)} ({episodes} episodes)")
