"""The JSON API: django-ninja under /api/v1/, one router per domain, OpenAPI 3 at
/api/v1/openapi.json. Errors are JSON with a Chinese message and a 4xx status."""

from __future__ import annotations

import logging
import re
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

from yangguang.api.parser import CheckedParser, ControlCharacterError

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
    parser=CheckedParser(),
    title="阳光政务 API",
    version="1",
    description='政府信息公开、依申请公开、政务服务与政民互动的开放接口。错误以 JSON 返回：{"detail": "中文说明"}。',
    urls_namespace="api",
)


# pydantic error types → Chinese: every type pydantic-core defines (the test walks its list),
# so no English `msg` reaches a user; a type added by a later pydantic falls back to FALLBACK.
# Without its `ctx`, a message keeps the clause before the placeholder (see _error_text).
FALLBACK = "格式错误"
_TYPE = "类型不正确"
_MESSAGES = {
    # input shape
    "missing": "必填",
    "json_invalid": "JSON 格式错误",
    "json_type": "应为 JSON 字符串",
    "extra_forbidden": "不支持该参数",
    "no_such_attribute": "不支持该参数",
    "none_required": "应为空（null）",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "dataclass_type": "应为 JSON 对象",
    "dataclass_exact_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "frozen_dict_type": "应为 JSON 对象",
    "mapping_type": "应为 JSON 对象",
    "ordered_dict_type": "应为 JSON 对象",
    "counter_type": "应为 JSON 对象",
    "invalid_key": "对象的键应为字符串",
    "list_type": "应为数组",
    "tuple_type": "应为数组",
    "deque_type": "应为数组",
    "set_type": "应为数组",
    "frozen_set_type": "应为数组",
    "iterable_type": "应为数组",
    "named_tuple_type": "应为数组",
    "set_item_not_hashable": "数组中的值无效",
    "iteration_error": "数组无法读取",
    "too_short": "项数过少，至少 {min_length} 项",
    "too_long": "项数过多，最多 {max_length} 项",
    # numbers
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_parsing_size": "整数过大",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_digits": "位数过多，不能超过 {max_digits} 位",
    "decimal_max_places": "小数位数过多，不能超过 {decimal_places} 位",
    "decimal_whole_digits": "整数部分过长，不能超过 {whole_digits} 位",
    "fraction_type": "应为数字",
    "fraction_parsing": "应为数字",
    "complex_type": "应为数字",
    "complex_str_parsing": "应为数字",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "必须大于 {gt}",
    "less_than": "必须小于 {lt}",
    "multiple_of": "数值不符合要求，应为 {multiple_of} 的倍数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    # strings and bytes
    "string_type": "应为字符串",
    "string_unicode": "应为有效的 Unicode 字符串",
    "string_too_long": "长度不能超过 {max_length} 个字符",
    "string_too_short": "长度不能少于 {min_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "string_not_ascii": "只能包含英文字母、数字和符号",
    "bytes_type": "应为字符串",
    "bytes_too_short": "内容过短，不能少于 {min_length} 个字节",
    "bytes_too_long": "内容过长，不能超过 {max_length} 个字节",
    "bytes_invalid_encoding": "编码无效",
    "literal_error": "取值无效，可选值：{expected}",
    "enum": "取值无效，可选值：{expected}",
    "url_type": "应为网址",
    "url_parsing": "网址格式不正确",
    "url_syntax_violation": "网址格式不正确",
    "url_too_long": "网址过长，不能超过 {max_length} 个字符",
    "url_scheme": "网址协议不支持，应为 {expected_schemes}",
    "uuid_type": "应为 UUID",
    "uuid_parsing": "UUID 格式不正确",
    "uuid_version": "UUID 版本不符，应为 {expected_version}",
    # dates and times
    "date_type": "应为日期，格式 YYYY-MM-DD",
    "date_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期（不含时间），格式 YYYY-MM-DD",
    "date_past": "应为过去的日期",
    "date_future": "应为将来的日期",
    "time_type": "应为时间，格式 HH:MM:SS",
    "time_parsing": "应为时间，格式 HH:MM:SS",
    "datetime_type": "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS",
    "datetime_parsing": "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS",
    "datetime_object_invalid": "日期时间无效",
    "datetime_from_date_parsing": "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS",
    "datetime_past": "应为过去的时间",
    "datetime_future": "应为将来的时间",
    "timezone_naive": "不能带时区",
    "timezone_aware": "应带时区",
    "timezone_offset": "时区不符，应为 {tz_expected}",
    "time_delta_type": "应为时长",
    "time_delta_parsing": "时长格式不正确",
    # validators and schema internals (a client's input reaching them is still bad input)
    "value_error": "取值无效",
    "assertion_error": "取值无效",
    "union_tag_invalid": "类型标记无效",
    "union_tag_not_found": "缺少类型标记",
    "is_instance_of": _TYPE,
    "is_subclass_of": _TYPE,
    "callable_type": _TYPE,
    "needs_python_object": _TYPE,
    "arguments_type": _TYPE,
    "missing_argument": "必填",
    "missing_keyword_only_argument": "必填",
    "missing_positional_only_argument": "必填",
    "unexpected_keyword_argument": "不支持该参数",
    "unexpected_positional_argument": "不支持该参数",
    "multiple_argument_values": "参数重复",
    "frozen_field": "不能修改",
    "frozen_instance": "不能修改",
    "get_attribute_error": FALLBACK,
    "default_factory_not_called": FALLBACK,
    "missing_sentinel_error": FALLBACK,
    "ellipsis_error": FALLBACK,
    "recursion_loop": "数据嵌套有循环",
    "recursion_depth_exceeded": "数据嵌套过深",
}

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _error_text(err: dict) -> str:  # type: ignore[type-arg]
    error_type = str(err.get("type", ""))
    ctx = dict(err.get("ctx") or {})
    if error_type == "value_error" and _CJK.search(str(ctx.get("error", ""))):
        # Our own validators raise ValueError with a Chinese message: show it as it is.
        return str(ctx["error"])
    if "expected" in ctx:
        # pydantic lists the choices in English: "'a', 'b' or 'c'".
        ctx["expected"] = re.sub(r",\s*|\s+or\s+", "、", str(ctx["expected"]))
    template = _MESSAGES.get(error_type, FALLBACK)
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        # Without the detail, keep the clause before it ("项数过多，最多 {n} 项" → "项数过多").
        head = template.split("{")[0]
        for sep in ("，", "："):
            if sep in head:
                head = head.rsplit(sep, 1)[0]
        return head.strip() or FALLBACK


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
    if isinstance(exc.__cause__, ControlCharacterError):
        return api.create_response(request, {"detail": str(exc.__cause__)}, status=400)
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
