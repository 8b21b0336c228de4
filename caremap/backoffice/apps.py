from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "caremap.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")

    def ready(self):
        from caremap.imports.pipeline import location_changed

        from . import audit, logs, sessions, workflow  # noqa: F401  (connect their signal receivers)

        location_changed.connect(workflow.record_import_version,
                                 dispatch_uid="backoffice.record_import_version")
