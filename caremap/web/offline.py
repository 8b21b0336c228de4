"""The service worker at /sw.js: which files make the app shell, and the worker's version.

The worker caches the shell when it installs, each page the user opens, the district outlines
and the last search results, so a visited site keeps working without a network.
"""

import hashlib
import json

from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string

PAGES = ["/", "/help/", "/saved/", "/offline/", "/outlines.geojson"]
# Public pages the worker may keep once opened, with or without the /en prefix. Staff pages such
# as /admin/ are never written to the browser's cache.
PUBLIC_PAGE_PREFIXES = ["/points/", "/policies/", "/help/", "/saved/", "/offline/", "/regions/",
                        "/navigator/", "/projects/", "/stats/"]
STATIC_FILES = [
    "caremap/site.css", "caremap/site.js", "caremap/map.js", "caremap/saved.js",
    "vendor/leaflet/leaflet.css", "vendor/leaflet/leaflet.js",
    "vendor/leaflet/images/marker-icon.png", "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
    "vendor/leaflet.markercluster/MarkerCluster.css",
    "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "vendor/leaflet.markercluster/leaflet.markercluster.js",
]


def shell_urls() -> list[str]:
    return PAGES + [staticfiles_storage.url(name) for name in STATIC_FILES]


def service_worker_script() -> str:
    shell = shell_urls()
    body = render_to_string("web/sw.js", {
        "shell_json": json.dumps(shell), "public_prefixes_json": json.dumps(PUBLIC_PAGE_PREFIXES),
    })
    # A new shell (new hashed file names) or a new worker gives a new cache version, so the
    # browser installs the new worker and drops the old caches.
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    return body.replace("__VERSION__", version)
