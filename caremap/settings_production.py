"""Settings for a public deployment: `DJANGO_SETTINGS_MODULE=caremap.settings_production`.

Everything secret or site-specific comes from the environment, and the process refuses to
start without it. TLS ends at the reverse proxy, which must set X-Forwarded-Proto.
`caremap check --deploy` reports nothing with these settings (tests/backoffice/test_security.py).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from caremap.settings import *  # noqa: F403
from caremap.settings import LOGGING


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set for the production settings")
    return value


DEBUG = False
SECRET_KEY = _required("CAREMAP_SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or "insecure" in SECRET_KEY:
    raise ImproperlyConfigured("CAREMAP_SECRET_KEY must be a random string of 50 or more characters")
ALLOWED_HOSTS = [h.strip() for h in _required("CAREMAP_ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if not h.startswith(".")]

# HTTPS only: the proxy terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = int(os.environ.get("CAREMAP_HSTS_SECONDS", 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Static files collected once (`caremap serve` runs collectstatic) under content-hashed names.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

# Identical public API requests within 30 seconds share one answer (per worker process).
CAREMAP_API_CACHE_SECONDS = int(os.environ.get("CAREMAP_API_CACHE_SECONDS", "30"))

# One JSON object per line, request id and all.
LOGGING = {**LOGGING, "handlers": {
    "console": {**LOGGING["handlers"]["console"], "formatter": "json"},
}}
