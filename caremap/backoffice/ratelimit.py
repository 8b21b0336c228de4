"""Rate limits on the public API and the public forms, counted in the database.

Fixed windows per client address: the count for (scope, client, window) is a RateCounter row,
so every worker process adds to the same count. The increment is one UPDATE ... SET count =
count + 1 inside a transaction, so concurrent requests never lose a count. Limits come from
settings (CAREMAP_RATE_LIMITS), which read the environment.
"""

import datetime
import logging
import time

from django.conf import settings
from django.db import IntegrityError, router, transaction
from django.db.models import Case, F, Value, When
from django.http import HttpResponse, JsonResponse

from caremap.api.errors import error_body

from .models import RateCounter

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    # Behind the reverse proxy the deployment guide describes, REMOTE_ADDR is the proxy; the
    # proxy's own address is trusted to set X-Forwarded-For only when configured.
    if settings.CAREMAP_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def count_request(scope: str, client: str, window_seconds: int, using: str | None = None,
                  now: float | None = None) -> int:
    """Add one request to the client's counter for the current window; return the new count.

    On PostgreSQL the UPDATE locks the row until commit, so the count read back is this
    request's own. SQLite runs the whole transaction under its write lock (BEGIN IMMEDIATE).
    """
    now = time.time() if now is None else now
    window = int(now // window_seconds)
    database = using or router.db_for_write(RateCounter)
    counters = RateCounter.objects.using(database)
    this_window = counters.filter(scope=scope, client=client, window=window)

    with transaction.atomic(using=database):
        if this_window.update(count=F("count") + 1):
            return this_window.values_list("count", flat=True).get()

        # First request of the window: create the row, unless another worker just did.
        expires = datetime.datetime.fromtimestamp((window + 1) * window_seconds, datetime.UTC)
        try:
            with transaction.atomic(using=database):
                counters.create(scope=scope, client=client, window=window, count=1,
                                expires=expires)
        except IntegrityError:
            this_window.update(count=F("count") + 1)
            return this_window.values_list("count", flat=True).get()

    # Once per client and window, after the counting transaction so that it holds no other
    # row locks: drop the rows of windows that are over.
    counters.filter(expires__lt=datetime.datetime.fromtimestamp(now, datetime.UTC)).delete()
    return 1


def count_recent(scope: str, client: str, seconds: int, using: str | None = None,
                 now: float | None = None) -> int:
    """Add one event to a counter that lasts `seconds` after the client's latest event.

    Returns the new count. Unlike `count_request`'s fixed windows, every event restarts the
    period, so a client that keeps failing stays counted. One row per (scope, client), window 0.
    """
    now = time.time() if now is None else now
    current = datetime.datetime.fromtimestamp(now, datetime.UTC)
    expires = current + datetime.timedelta(seconds=seconds)
    database = using or router.db_for_write(RateCounter)
    row = RateCounter.objects.using(database).filter(scope=scope, client=client, window=0)
    # Every expression in one UPDATE reads the row as it was, so an expired count restarts at 1.
    add_one = {"count": Case(When(expires__lt=current, then=Value(1)), default=F("count") + 1),
               "expires": expires}

    with transaction.atomic(using=database):
        if row.update(**add_one):
            return row.values_list("count", flat=True).get()
        try:
            with transaction.atomic(using=database):
                RateCounter.objects.using(database).create(scope=scope, client=client, window=0,
                                                           count=1, expires=expires)
        except IntegrityError:
            row.update(**add_one)
            return row.values_list("count", flat=True).get()
    return 1


def recent_count(scope: str, client: str, now: float | None = None) -> int:
    """Return a `count_recent` counter's count, 0 once its period is over."""
    now = time.time() if now is None else now
    current = datetime.datetime.fromtimestamp(now, datetime.UTC)
    found = (RateCounter.objects.filter(scope=scope, client=client, window=0,
                                        expires__gte=current)
             .values_list("count", flat=True).first())
    return found or 0


def hit(scope: str, request) -> bool:
    """Count one request; return False when the client is over the scope's limit."""
    limit, window_seconds = settings.CAREMAP_RATE_LIMITS[scope]
    if limit <= 0:
        return True
    return count_request(scope, client_address(request), window_seconds) <= limit


def _scope(request) -> str | None:
    if request.path.startswith("/api/v1/"):
        return "api"
    if request.method == "POST" and request.path.startswith("/points/"):
        return "forms"
    return None


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = _scope(request)
        if scope is not None and not hit(scope, request):
            logger.warning("rate limited scope=%s", scope)
            if scope == "api":
                response = JsonResponse(
                    error_body("rate_limited", "请求过于频繁，请稍后再试",
                               "Too many requests, please try again later"),
                    status=429, json_dumps_params={"ensure_ascii": False},
                )
            else:
                response = HttpResponse("请求过于频繁，请稍后再试。Too many requests.",
                                        status=429, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = str(settings.CAREMAP_RATE_LIMITS[scope][1])
            return response
        return self.get_response(request)
