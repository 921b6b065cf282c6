from django.apps import AppConfig


class FlourishConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "flourish"
