from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "caremap.backoffice"
    label = "backoffice"
    verbose_name = "Back office"

    def ready(self):
        from . import audit  # noqa: F401  (connects the login signal receivers)
