"""The audit log: one row per login, failed login, denial, import, export, publication,
rollback and handled correction, with the actor, the time and the ids involved."""

import logging

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent

logger = logging.getLogger(__name__)


def record(action: str, user=None, *, object_type: str = "", object_id: str = "",
           username: str = "", **detail) -> AuditEvent:
    actor = user if getattr(user, "is_authenticated", False) else None
    event = AuditEvent.objects.create(
        action=action, actor=actor,
        username=(username or (actor.get_username() if actor else ""))[:150],
        object_type=object_type[:32], object_id=str(object_id)[:64], detail=detail,
    )
    logger.info("audit action=%s actor=%s object=%s:%s", action, event.username, object_type,
                object_id)
    return event


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(AuditEvent.Action.LOGIN, user, object_type="user", object_id=user.pk)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    from .lockout import note_failure

    username = str(credentials.get("username", ""))
    locked = note_failure(username, request)
    record(AuditEvent.Action.LOGIN_FAILED, username=username, object_type="user")
    if locked:
        record(AuditEvent.Action.LOCKED_OUT, username=username, object_type="user")
