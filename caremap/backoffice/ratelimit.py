"""Rate limits on the public API and the public forms, counted in the shared cache.

Fixed windows per client address: the count for (scope, client, window) lives in the database
cache, so every worker process adds to the same count. Limits come from settings
(CAREMAP_RATE_LIMITS), which read the environment.
"""

import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, JsonResponse

from caremap.api.errors import error_body

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    # Behind the reverse proxy the deployment guide describes, REMOTE_ADDR is the proxy; the
    # proxy's own address is trusted to set X-Forwarded-For only when configured.
    if settings.CAREMAP_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def hit(scope: str, request) -> bool:
    """Count one request; return False when the client is over the scope's limit."""
    limit, window = settings.CAREMAP_RATE_LIMITS[scope]
    if limit <= 0:
        return True
    cache = caches[settings.CAREMAP_SHARED_CACHE]
    key = f"rate:{scope}:{client_address(request)}:{int(time.time() // window)}"
    if cache.add(key, 1, window + 5):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 5)
        count = 1
    return count <= limit


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
