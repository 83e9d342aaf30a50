from django.apps import AppConfig


class NegotiationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "negotiations"
    verbose_name = "Negotiations"

    def ready(self):
        # Register the OpenAPI extensions with drf-spectacular.
        from negotiations.api import schema  # noqa: F401
