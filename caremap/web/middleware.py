"""Security headers that Django does not set by itself."""

from django.conf import settings

# Everything is served from this host: no inline script, no CDN. Tiles from a configured tile
# server are the only images allowed from elsewhere.
_BASE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def _tile_origin() -> str | None:
    url = settings.CAREMAP_TILE_LAYER.get("url") or ""
    if not url.startswith("https://"):
        return None
    host = url.split("/")[2]
    # Tile URL templates put the subdomain in braces: {s}.tile.example.org.
    return "https://" + host.replace("{s}", "*")


def build_policy() -> str:
    policy = {k: list(v) for k, v in _BASE_POLICY.items()}
    origin = _tile_origin()
    if origin:
        policy["img-src"].append(origin)
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request):
        response = self.get_response(request)
        # The API's own Swagger page runs an inline script; it keeps ninja's default headers.
        if not request.path.startswith("/api/docs"):
            response.setdefault("Content-Security-Policy", self.policy)
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        return response
