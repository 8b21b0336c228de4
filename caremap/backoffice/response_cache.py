"""A short-lived cache of public API answers, per worker process.

Many visitors open the same map view, so identical GET requests to /api/v1/ within a few
seconds get the stored answer. Off unless CAREMAP_API_CACHE_SECONDS is above 0 (the production
settings set 30): an edit then reaches the API at most that many seconds after publication.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches


class PublicApiCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.CAREMAP_API_CACHE_SECONDS
        if seconds <= 0 or request.method != "GET" or not request.path.startswith("/api/v1/"):
            return self.get_response(request)
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"api-response:{digest}"
        cache = caches["default"]
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming:
            cache.set(key, response, seconds)
        return response
