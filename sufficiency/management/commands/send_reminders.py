"""Send this week's reminder e-mails (run weekly by a scheduler). Safe to run again: one e-mail a week."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from sufficiency.reminders import iso_week, send_reminders


class Command(BaseCommand):
    help = "E-mail each action and measure owner what is due, overdue or not updated (once per ISO week)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Act as if today were this day (YYYY-MM-DD).")
        parser.add_argument("--dry-run", action="store_true", help="Say who would get an e-mail; send none.")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be a date like 2026-03-31, not {options['date']!r}.") from exc
        outcome = send_reminders(today=today, dry_run=options["dry_run"])
        verb = "Would send" if options["dry_run"] else "Sent"
        week = iso_week(today) if today else "this week"
        self.stdout.write(f"{verb} {len(outcome.sent)} reminder e-mail(s) for {week}.")
        for label, users in [
            ("already sent this week", outcome.already),
            ("switched off", outcome.opted_out),
            ("nothing due", outcome.nothing_due),
            ("no e-mail address", outcome.no_address),
        ]:
            if users:
                self.stdout.write(f"Not sent, {label}: {len(users)}")
