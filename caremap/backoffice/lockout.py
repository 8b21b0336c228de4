"""Login throttling: after too many failed logins for one username or from one client, further
attempts are refused for a while, even with the right password.

Counters live in the shared cache (the database cache in every deployment), so all worker
processes see the same count.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import caches
from django.core.exceptions import PermissionDenied

from .ratelimit import client_address


def _cache():
    return caches[settings.CAREMAP_SHARED_CACHE]


def _keys(username: str, request) -> list[str]:
    keys = [f"login-fail:user:{username.strip().lower()[:150]}"]
    if request is not None:
        keys.append(f"login-fail:addr:{client_address(request)}")
    return keys


def _limit() -> tuple[int, int]:
    return settings.CAREMAP_LOGIN_MAX_FAILURES, settings.CAREMAP_LOGIN_LOCKOUT_SECONDS


def is_locked(username: str, request) -> bool:
    limit, _ = _limit()
    cache = _cache()
    return any((cache.get(key) or 0) >= limit for key in _keys(username, request))


def note_failure(username: str, request) -> bool:
    """Count one failed login; return True when this failure locks the account or client."""
    limit, seconds = _limit()
    cache = _cache()
    locked = False
    for key in _keys(username, request):
        count = (cache.get(key) or 0) + 1
        # Each failure restarts the window, so a slow guesser stays locked out.
        cache.set(key, count, seconds)
        locked = locked or count == limit
    return locked


class LockoutBackend(ModelBackend):
    """The model backend, refusing any login for a locked username or client."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and is_locked(username, request):
            # PermissionDenied stops Django from trying other backends and counts as a failure.
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)
