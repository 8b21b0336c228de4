"""Django settings for caremap.

Development and demo defaults live here; `caremap.settings_production` overrides what a public
deployment must change. Every setting read from the environment is listed in
docs/deployment.md.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

# Directory of the embedded SQLite database and uploaded files.
DATA_DIR = Path(os.environ.get("CAREMAP_DATA_DIR", PROJECT_DIR / "var")).resolve()

# NOTE: this key only signs demo sessions on 127.0.0.1; production settings refuse to start
# without CAREMAP_SECRET_KEY.
SECRET_KEY = os.environ.get("CAREMAP_SECRET_KEY", "caremap-insecure-development-key")
DEBUG = os.environ.get("CAREMAP_DEBUG", "1") == "1"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("CAREMAP_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "caremap.regions",
    "caremap.directory",
    "caremap.search",
    "caremap.content",
    "caremap.network",
    "caremap.projects",
    "caremap.web",
    "caremap.imports",
    "caremap.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses pages and API responses; Django's version masks against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "caremap.web.middleware.ContentSecurityPolicyMiddleware",
    "caremap.web.middleware.RejectMalformedRequestMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "caremap.web.language.LanguageSwitchMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "caremap.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caremap.web.context.site",
            ],
        },
    },
]

WSGI_APPLICATION = "caremap.wsgi.application"

# DATABASE_URL selects the database (postgres://... or sqlite:///...); without it, a SQLite
# file in DATA_DIR.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'caremap.sqlite3'}"),
        conn_max_age=int(os.environ.get("CAREMAP_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while the import or an editor writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # A kept connection keeps SQLite's page cache warm between requests, which matters for a
    # national data set; the default still opens one connection per request.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CAREMAP_SQLITE_CONN_MAX_AGE", "0"))

# Optional read replicas: DATABASE_REPLICA_URLS lists database URLs (comma-separated) that take
# the public reads; writes, migrations and signed-in users stay on the primary (see
# caremap/search/replicas.py and docs/deployment.md).
CAREMAP_READ_REPLICAS = []
for _number, _url in enumerate(
    u.strip() for u in os.environ.get("DATABASE_REPLICA_URLS", "").split(",") if u.strip()
):
    _alias = f"replica{_number + 1}"
    DATABASES[_alias] = dj_database_url.parse(
        _url, conn_max_age=int(os.environ.get("CAREMAP_CONN_MAX_AGE", "60"))
    )
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
    CAREMAP_READ_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["caremap.search.replicas.ReplicaRouter"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "caremap.search.replicas.PrimaryForWritersMiddleware",
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# Set by `?lang=en` or the /en/ prefix (caremap/web/language.py); a preference, not a tracker.
LANGUAGE_COOKIE_NAME = "caremap_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Browser libraries come from npm (package.json) and are served from node_modules as they are.
STATICFILES_DIRS = [
    ("vendor/leaflet", PROJECT_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", PROJECT_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
    ("vendor/chart.js", PROJECT_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, pre-compressed names once `collectstatic` has run (caremap demo runs it); plain
    # names before that (see caremap/web/storage.py).
    "staticfiles": {"BACKEND": "caremap.web.storage.HashedStaticStorage"},
}
# Files not collected yet are served straight from the apps and node_modules.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # The user's position (`near`, `bbox` in query strings) never reaches a log.
    "filters": {"scrub_location": {"()": "caremap.web.privacy.LocationScrubFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["scrub_location"]}},
    "loggers": {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["console"], "level": os.environ.get("CAREMAP_LOG_LEVEL", "INFO")},
}

# --- caremap's own settings ---

# "auto" shows the 演示数据 (demonstration data) banner on every public page while the database
# contains demo records; "1" or "0" force it on or off.
CAREMAP_DEMO_BANNER = os.environ.get("CAREMAP_DEMO_BANNER", "auto")

# Base map: "none" draws only the bundled district outlines, which works offline. A tile layer
# names the coordinate system of its tiles, and the page requests coordinates in that system.
CAREMAP_TILE_LAYER = {
    "name": os.environ.get("CAREMAP_TILE_NAME", "none"),
    "url": os.environ.get("CAREMAP_TILE_URL", ""),
    "crs": os.environ.get("CAREMAP_TILE_CRS", "wgs84"),
    "attribution": os.environ.get("CAREMAP_TILE_ATTRIBUTION", ""),
}

# Public base URL used for share links and QR codes, e.g. https://caremap.example.org. Empty: the
# address the request came to, which suits the demo on any --host and --port.
CAREMAP_PUBLIC_BASE_URL = os.environ.get("CAREMAP_PUBLIC_BASE_URL", "").rstrip("/")

# Telephone area code given to local numbers written without one.
CAREMAP_AREA_CODE = os.environ.get("CAREMAP_AREA_CODE", "0755")

# The city this deployment serves (NBS code), its map centre (WGS-84 lat, lng) and zoom.
CAREMAP_CITY_CODE = "440300"
CAREMAP_MAP_CENTER = (22.60, 114.10)
CAREMAP_MAP_ZOOM = 10

# TrueType font (.ttf or .ttc) embedded in printable PDF directories; empty means search the
# usual places of WenQuanYi Micro Hei (Debian package fonts-wqy-microhei).
CAREMAP_PDF_FONT = os.environ.get("CAREMAP_PDF_FONT", "")

# Records not verified for this many days count as stale in the statistics.
CAREMAP_STALE_DAYS = int(os.environ.get("CAREMAP_STALE_DAYS", "180"))
