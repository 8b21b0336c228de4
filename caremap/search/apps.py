from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "caremap.search"
    verbose_name = "检索"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import signals  # noqa: F401  (drops FTS5/R*Tree rows of deleted entries)
        from .backends import register_sqlite_functions

        connection_created.connect(register_sqlite_functions)
