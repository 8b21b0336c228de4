"""Language switch: `?lang=en`, the `/en/` path prefix, and a cookie that remembers the choice.

The site has no language prefix in its URL patterns: Chinese is the default everywhere, and
English is chosen by `?lang=en` on any page or by putting `/en` in front of any path. Either
sets Django's language cookie, so the choice holds on every later page until `?lang=zh-hans`
switches back. Django's LocaleMiddleware then reads the cookie (or, without one, the
browser's Accept-Language header) as usual.
"""

from django.conf import settings

PREFIX = "/en"
ENGLISH = "en"
# `lang` values accepted in the query string, mapped to Django language codes.
QUERY_VALUES = {"en": "en", "zh": "zh-hans", "zh-hans": "zh-hans", "zh-cn": "zh-hans"}


def requested_language(request) -> str | None:
    """Return the language the request switches to, or None when it requests no switch."""
    value = request.GET.get("lang", "").strip().lower()
    if value in QUERY_VALUES:
        return QUERY_VALUES[value]
    if request.path_info == PREFIX or request.path_info.startswith(PREFIX + "/"):
        return ENGLISH
    return None


def _strip_prefix(request) -> None:
    path = request.path_info
    if path != PREFIX and not path.startswith(PREFIX + "/"):
        return
    request.path_info = path[len(PREFIX):] or "/"
    request.path = request.META.get("SCRIPT_NAME", "").rstrip("/") + request.path_info


class LanguageSwitchMiddleware:
    """Place before django.middleware.locale.LocaleMiddleware, which reads the cookie set here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = requested_language(request)
        _strip_prefix(request)
        if language:
            # LocaleMiddleware reads the language from this cookie later in the same request.
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = language
        response = self.get_response(request)
        if language:
            # A preference cookie: no identifier, read only by this site, never by scripts.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax", httponly=True, secure=request.is_secure(),
            )
        return response
