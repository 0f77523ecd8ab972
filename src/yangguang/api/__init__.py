"""The JSON API: django-ninja under /api/v1/, one router per domain, OpenAPI 3 at
/api/v1/openapi.json. Errors are JSON with a Chinese message and a 4xx status."""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import (
    AuthenticationError,
    AuthorizationError,
    HttpError,
    Throttled,
    ValidationError,
)
from ninja.openapi.schema import OpenAPISchema

logger = logging.getLogger("yangguang.api")

# Error answers every operation may give, documented on each (clients generated from the
# document then know their shape; schemathesis found them all undocumented).
ERROR_SCHEMA = {
    "type": "object",
    "title": "Error",
    "properties": {
        "detail": {"type": "string", "description": "中文说明"},
        "errors": {
            "type": "array",
            "items": {"type": "object"},
            "description": "422：逐项的参数错误（loc 为位置，type 为类型）",
        },
    },
    "required": ["detail"],
}
ERROR_RESPONSES = {
    "400": "请求有误（detail 说明原因）",
    "404": "未找到：不存在与无权查看的对象同样返回 404",
    "422": "参数有误：detail 为中文说明，errors 为逐项错误",
}


class Api(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        return document_errors(super().get_openapi_schema(**kwargs))


def document_errors(schema: OpenAPISchema) -> OpenAPISchema:
    """Add the error answers (ERROR_RESPONSES, and 401 where a token is required) to every
    operation that does not document them itself."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            codes = dict(ERROR_RESPONSES)
            if operation.get("security"):
                codes["401"] = "未登录或令牌无效"
            responses = operation.setdefault("responses", {})
            for code, text in codes.items():
                responses.setdefault(code, _error_response(text))
    return schema


def error_answers(codes: dict[str, str]) -> dict[str, Any]:
    """`openapi_extra` for an operation's own error answers (409, 429 …), with the Error body."""
    return {"responses": {code: _error_response(text) for code, text in codes.items()}}


def _error_response(text: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Error"}
    return {"description": text, "content": {"application/json": {"schema": schema}}}


api = Api(
    title="阳光政务 API",
    version="1",
    description='政府信息公开、依申请公开、政务服务与政民互动的开放接口。错误以 JSON 返回：{"detail": "中文说明"}。',
    urls_namespace="api",
)


# pydantic error types → Chinese (the English `msg` is the fallback for anything unlisted).
_MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "必须大于 {gt}",
    "less_than": "必须小于 {lt}",
    "literal_error": "取值无效，可选值：{expected}",
    "enum": "取值无效，可选值：{expected}",
    "string_too_long": "长度不能超过 {max_length} 个字符",
    "string_too_short": "长度不能少于 {min_length} 个字符",
    "date_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_type": "应为日期，格式 YYYY-MM-DD",
    "datetime_parsing": "应为日期时间",
    "json_invalid": "JSON 格式错误",
}


def _error_text(err: dict) -> str:  # type: ignore[type-arg]
    template = _MESSAGES.get(str(err.get("type", "")))
    if template is None:
        return str(err.get("msg", "格式错误"))
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("：:，, ")


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", []) if p not in ("query", "body", "path"))
        text = _error_text(err)
        parts.append(f"{loc}：{text}" if loc else text)
    return "参数有误：" + "；".join(parts)


@api.exception_handler(ValidationError)
def _on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # ctx may hold exception objects (custom validators): make every error JSON-safe.
    errors = [
        {**err, "ctx": {k: str(v) for k, v in err["ctx"].items()}} if err.get("ctx") else err
        for err in exc.errors
    ]
    return api.create_response(
        request, {"detail": _validation_message(exc), "errors": errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def _on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "未登录或令牌无效。"}, status=401)


@api.exception_handler(AuthorizationError)
@api.exception_handler(PermissionDenied)
def _on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "无权访问。"}, status=403)


@api.exception_handler(Throttled)
def _on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    wait = f"请 {exc.wait} 秒后再试。" if exc.wait else "请稍后再试。"
    response = api.create_response(request, {"detail": "请求过于频繁，" + wait}, status=429)
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    return response


@api.exception_handler(RequestDataTooBig)
def _on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return api.create_response(request, {"detail": f"请求内容过大：不能超过 {size}。"}, status=413)


@api.exception_handler(SuspiciousOperation)
def _on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Django's request checks (too many fields, malformed multipart …): bad input, not a bug.
    logger.warning("API bad request on %s %s: %s", request.method, request.path, exc)
    return api.create_response(request, {"detail": "请求格式有误。"}, status=400)


@api.exception_handler(Exception)
def _on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug, not bad input: logged with its traceback, answered in JSON without details."""
    logger.exception("API error on %s %s", request.method, request.path)
    return api.create_response(request, {"detail": "服务器内部错误，请稍后再试。"}, status=500)


@api.exception_handler(Http404)
def _on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "未找到。"}, status=404)


# django-ninja's own English messages → Chinese.
_NINJA_MESSAGES = {
    "Cannot parse request body": "请求内容无法解析：请以 JSON 发送（Content-Type: application/json）。",
}


@api.exception_handler(HttpError)
def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    for english, chinese in _NINJA_MESSAGES.items():
        if message.startswith(english):
            message = chinese
    return api.create_response(request, {"detail": message}, status=exc.status_code)


API_APPS = ["core", "orgs", "disclosure", "search", "foi", "reports"]
_collected = False


def collect_routers() -> None:
    """Mount each app's `api.routers`. Called from ApiConfig.ready(): the app modules import
    models, which may not be imported while INSTALLED_APPS is still being loaded."""
    global _collected
    if _collected:
        return
    _collected = True
    for app in API_APPS:
        try:
            module = import_module(f"yangguang.{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"yangguang.{app}.api":
                raise
            continue
        for prefix, router in getattr(module, "routers", []):
            api.add_router(prefix, router)
