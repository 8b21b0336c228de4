from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "caremap.search"
    verbose_name = "检索"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (drops FTS5/R*Tree rows of deleted entries)
