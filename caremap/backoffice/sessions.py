"""Session limits for signed-in users: an idle timeout and a fixed lifetime from sign-in.

Django's own expiry (SESSION_COOKIE_AGE) restarts whenever the session is saved, and this
middleware saves it to record activity. So the fixed lifetime is enforced here, from the time
of sign-in kept in the session, and SESSION_COOKIE_AGE only bounds the stored row.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

logger = logging.getLogger(__name__)

SIGNED_IN_AT = "caremap_signed_in_at"
LAST_ACTIVITY = "caremap_last_activity"
# Activity is written back at most once a minute, so a page and its API requests save the
# session once, not once per request. The idle timeout is therefore exact to within a minute.
ACTIVITY_RESOLUTION_SECONDS = 60


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVITY] = now


def session_end_reason(session, now: int) -> str | None:
    """Return "idle" or "expired" when the signed-in session must end, else None."""
    signed_in_at = session.get(SIGNED_IN_AT)
    last_activity = session.get(LAST_ACTIVITY, signed_in_at)
    if signed_in_at is None:
        # A session from before these limits: its clock starts now.
        return None
    idle_limit = settings.CAREMAP_SESSION_IDLE_SECONDS
    if idle_limit > 0 and now - last_activity > idle_limit:
        return "idle"
    if now - signed_in_at > settings.SESSION_COOKIE_AGE:
        return "expired"
    return None


class SessionTimeoutMiddleware:
    """Sign out a user idle for CAREMAP_SESSION_IDLE_SECONDS or signed in for
    SESSION_COOKIE_AGE; otherwise record the request as activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            self._check(request, session)
        return self.get_response(request)

    def _check(self, request, session) -> None:
        now = int(time.time())
        reason = session_end_reason(session, now)
        if reason is not None:
            logger.info("session ended reason=%s user=%s", reason, session.get(SESSION_KEY))
            logout(request)
            return
        session.setdefault(SIGNED_IN_AT, now)
        if now - session.get(LAST_ACTIVITY, 0) >= ACTIVITY_RESOLUTION_SECONDS:
            session[LAST_ACTIVITY] = now
