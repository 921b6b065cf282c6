from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _setup_roles(sender, **kwargs) -> None:
    from sufficiency.roles import setup_roles

    setup_roles()


class SufficiencyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sufficiency"
    verbose_name = "Core: users, authorities and teams"

    def ready(self) -> None:
        # Groups and permissions are refreshed after every migrate, so new apps' permissions join them.
        post_migrate.connect(_setup_roles, dispatch_uid="sufficiency.setup_roles")
