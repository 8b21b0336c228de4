from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "caremap.backoffice"
    label = "backoffice"
    verbose_name = "Back office"

    def ready(self):
        from . import audit, logs, sessions  # noqa: F401  (connect their signal receivers)
