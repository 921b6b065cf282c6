from django.core.management.base import BaseCommand

from sufficiency.roles import setup_roles


class Command(BaseCommand):
    help = "Create or refresh the role groups (Commissioner, Lead commissioner, Manager, Data admin)."

    def handle(self, *args, **options):
        for role, count in setup_roles().items():
            self.stdout.write(f"{role}: {count} permissions")
