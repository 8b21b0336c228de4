"""Read replicas: the public reads go to a replica, writes and migrations to the primary.

Enabled by DATABASE_REPLICA_URLS (comma-separated database URLs, see settings.py). Reads stay
on the primary while it is inside a transaction (a read after a write in the same unit of work
must see the write) and for the rest of a request that may write or show staff data (any method
but GET/HEAD/OPTIONS, or a signed-in user), so editors never read their own edits back from a
replica that lags behind.
"""

import random
import threading

from django.conf import settings
from django.db import connections

PRIMARY = "default"
_pinned = threading.local()
# Transactions opened around everything (a test case's own) that do not pin reads.
OUTER_ATOMIC_BLOCKS = 0
# Sessions and accounts are read back right after they are written (sign-in): primary only.
PRIMARY_APPS = {"sessions", "auth", "admin", "contenttypes"}


def replica_aliases() -> list[str]:
    return list(getattr(settings, "CAREMAP_READ_REPLICAS", []))


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = replica_aliases()
        if not replicas or getattr(_pinned, "primary", False):
            return PRIMARY
        if model._meta.app_label in PRIMARY_APPS:
            return PRIMARY
        if len(connections[PRIMARY].atomic_blocks) > OUTER_ATOMIC_BLOCKS:
            return PRIMARY
        return random.choice(replicas)  # noqa: S311  (load spreading, not security)

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # No opinion: a replica's schema comes from replicating the primary, and a database
        # named explicitly (migrate --database) is migrated as asked.
        return None


class PrimaryForWritersMiddleware:
    """Pin a request to the primary when it may write or is made by a signed-in user."""

    SAFE = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        _pinned.primary = request.method not in self.SAFE or bool(user and user.is_authenticated)
        try:
            return self.get_response(request)
        finally:
            _pinned.primary = False
