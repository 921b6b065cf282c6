import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sufficiency.models import Team
from sufficiency.roles import COMMISSIONER, DATA_ADMIN, LEAD_COMMISSIONER, MANAGER, setup_roles

DEMO_USERS = [
    ("commissioner", "Casey", "Commissioner", COMMISSIONER, "Commissioning and Resources"),
    ("lead", "Lee", "Lead", LEAD_COMMISSIONER, "Commissioning and Resources"),
    ("manager", "Morgan", "Manager", MANAGER, None),
    ("dataadmin", "Dana", "Admin", DATA_ADMIN, None),
]


class Command(BaseCommand):
    help = "Create one demo account per role with a new random password, and print them. Development only."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow with DEBUG off.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo accounts are for development: run with DEBUG=true (or --force).")
        from django.contrib.auth.models import Group

        setup_roles()
        User = get_user_model()
        self.stdout.write("Demo accounts (new passwords on every start):")
        for username, first, last, role, team_name in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            if team_name:
                team = Team.objects.filter(name=team_name).first()
                if team:
                    user.teams.add(team)
            self.stdout.write(f"  {role:<18} username: {username:<13} password: {password}")
