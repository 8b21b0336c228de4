"""The API's one error shape: {"error": {"code", "message_zh", "message_en", "field"}}."""

from django.http import JsonResponse


class ApiError(Exception):
    def __init__(self, code: str, message_zh: str, message_en: str, field: str | None = None,
                 status: int = 400) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field
        self.status = status


def error_body(code: str, message_zh: str, message_en: str, field: str | None = None) -> dict:
    return {"error": {"code": code, "message_zh": message_zh, "message_en": message_en,
                      "field": field}}


def error_response(error: ApiError) -> JsonResponse:
    return JsonResponse(
        error_body(error.code, error.message_zh, error.message_en, error.field),
        status=error.status,
        json_dumps_params={"ensure_ascii": False},
    )


def invalid(field: str, value: str, expected_zh: str, expected_en: str) -> ApiError:
    """Return the error for a query parameter that could not be read."""
    shown = value if len(value) <= 40 else value[:40] + "…"
    return ApiError(
        "invalid_parameter",
        f"参数 {field} 的值“{shown}”无效：{expected_zh}",
        f"Invalid value '{shown}' for parameter {field}: {expected_en}",
        field,
    )


def not_found(kind_zh: str, kind_en: str, ident: str) -> ApiError:
    return ApiError("not_found", f"找不到{kind_zh}：{ident}", f"{kind_en} not found: {ident}",
                    None, status=404)
