"""Login throttling: after too many failed logins for one username or from one client, further
attempts are refused for a while, even with the right password.

Counts are RateCounter rows incremented by one atomic UPDATE (ratelimit.count_recent), so all
worker processes add to the same count and concurrent failures are all counted.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .ratelimit import client_address, count_recent, recent_count

USER_SCOPE = "login-user"
ADDRESS_SCOPE = "login-addr"


def _keys(username: str, request) -> list[tuple[str, str]]:
    """Return the (scope, client) counters of a login attempt: the username's and the client's."""
    # A digest fits any username into the counter's 64 characters.
    user = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    keys = [(USER_SCOPE, user)]
    if request is not None:
        keys.append((ADDRESS_SCOPE, client_address(request)))
    return keys


def _limit() -> tuple[int, int]:
    return settings.CAREMAP_LOGIN_MAX_FAILURES, settings.CAREMAP_LOGIN_LOCKOUT_SECONDS


def is_locked(username: str, request) -> bool:
    limit, _ = _limit()
    return any(recent_count(scope, client) >= limit for scope, client in _keys(username, request))


def note_failure(username: str, request) -> bool:
    """Count one failed login; return True when this failure locks the account or client."""
    limit, seconds = _limit()
    locked = False
    for scope, client in _keys(username, request):
        # Each failure restarts the period, so a slow guesser stays locked out.
        count = count_recent(scope, client, seconds)
        locked = locked or count == limit
    return locked


class LockoutBackend(ModelBackend):
    """The model backend, refusing any login for a locked username or client."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and is_locked(username, request):
            # PermissionDenied stops Django from trying other backends and counts as a failure.
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)
