from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "caremap.directory"
    verbose_name = "服务资源"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (keeps the search index in step with writes)
