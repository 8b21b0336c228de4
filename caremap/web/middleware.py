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
    # Tile URL templates put the subdomain in braces: {s}.tile.example.org, or inside a label as
    # in webrd0{s}.is.autonavi.com. A CSP wildcard must be a whole leftmost label, so any label
    # holding a template variable becomes "*" and the labels left of it are dropped.
    labels = host.split(".")
    templated = [i for i, label in enumerate(labels) if "{" in label]
    if templated:
        labels = ["*", *labels[templated[-1] + 1 :]]
    return "https://" + ".".join(labels)


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


class RejectMalformedRequestMiddleware:
    """Reject requests whose path or query string contains NUL or too many fields with 400.

    PostgreSQL text cannot hold NUL, so such a value would fail deep in a query as a 500; and
    Django raises TooManyFieldsSent while reading request.GET. Both are the client's error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.core.exceptions import TooManyFieldsSent

        try:
            malformed = "\x00" in request.path or any(
                "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
            )
        except TooManyFieldsSent:
            malformed = True
        if malformed:
            return bad_request_response(request)
        return self.get_response(request)


def bad_request_response(request):
    from django.http import HttpResponseBadRequest, JsonResponse

    from caremap.api.errors import error_body

    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("malformed_request", "请求无效：含有空字符或参数过多",
                       "Malformed request: a NUL character or too many parameters"),
            status=400, json_dumps_params={"ensure_ascii": False},
        )
    return HttpResponseBadRequest("Malformed request", content_type="text/plain; charset=utf-8")


class ApiMethodNotAllowedMiddleware:
    """Return 405 in the API's JSON error shape for a method an API route does not take.

    Django ninja returns plain text there, but API clients read one JSON shape for every error.
    Django ninja registers GET routes without HEAD, although HTTP expects a server to accept
    HEAD wherever it accepts GET (the pages do). A HEAD request that such a route
    rejects is therefore run as a GET, and the body is dropped.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import JsonResponse

        from caremap.api.errors import error_body

        response = self.get_response(request)
        if response.status_code != 405 or not request.path.startswith("/api/"):
            return response
        allowed = response.get("Allow", "")
        if request.method == "HEAD" and "GET" in (m.strip() for m in allowed.split(",")):
            return self._head_as_get(request)
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        replacement = JsonResponse(
            error_body("method_not_allowed",
                       f"此地址不接受 {request.method} 请求，可用：{allowed}",
                       f"Method {request.method} is not allowed here; allowed: {allowed}"),
            status=405, json_dumps_params={"ensure_ascii": False},
        )
        if allowed:
            replacement["Allow"] = allowed
        return replacement

    def _head_as_get(self, request):
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        # Content-Length, set by CommonMiddleware, keeps the GET body's length.
        if not response.streaming:
            response.content = b""
        return response
