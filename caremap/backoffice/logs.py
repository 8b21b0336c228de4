"""Request ids, location scrubbing and JSON lines for the application and access logs.

Every record gets the id of the request it was written in (or "-"). A user's position must
never reach a log file: `near`, `bbox`, `lat`, `lng` and the like are replaced by "[removed]"
in every record that passes a handler with ScrubLocationFilter, whatever logger wrote it.
"""

import contextvars
import json
import logging
import re
import time
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

request_id_var = contextvars.ContextVar("request_id", default="-")
access_logger = logging.getLogger("caremap.access")

LOCATION_PARAMETERS = ("near", "bbox", "lat", "lng", "lon", "latitude", "longitude", "center",
                       "position")
_PARAM_RE = re.compile(
    r"(?i)\b(" + "|".join(LOCATION_PARAMETERS) + r")(=|%3D)([^&\s\"']*)"
)


def scrub(text: str) -> str:
    return _PARAM_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}[removed]", text)


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class ScrubLocationFilter(logging.Filter):
    """Render the message once, scrubbed, so no argument can carry a position through."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class RequestIdMiddleware:
    """Give each request an id (kept from a well-formed X-Request-ID), log one access line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if re.fullmatch(r"[A-Za-z0-9-]{8,64}", given) else uuid.uuid4().hex
        # Left set after the response: Django logs "Bad Request" and the like after the
        # middleware has returned. request_finished clears it.
        request_id_var.set(request_id)
        request.request_id = request_id
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        query = request.META.get("QUERY_STRING", "")
        access_logger.info(
            "request method=%s path=%s query=%s status=%d ms=%d",
            request.method, request.path, query or "-", response.status_code,
            (time.monotonic() - started) * 1000,
        )
        return response


@receiver(request_finished)
def _clear_request_id(sender, **kwargs):
    request_id_var.set("-")
