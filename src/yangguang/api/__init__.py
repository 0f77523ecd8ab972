"""The JSON API: django-ninja under /api/v1/, one router per domain, OpenAPI 3 at
/api/v1/openapi.json. Errors are JSON with a Chinese message and a 4xx status."""

from __future__ import annotations

from importlib import import_module

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

api = NinjaAPI(
    title="阳光政务 API",
    version="1",
    description='政府信息公开、依申请公开、政务服务与政民互动的开放接口。错误以 JSON 返回：{"detail": "中文说明"}。',
    urls_namespace="api",
)


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", []) if p not in ("query", "body", "path"))
        parts.append(f"{loc}: {err.get('msg', '')}" if loc else str(err.get("msg", "")))
    return "参数有误：" + "；".join(parts)


@api.exception_handler(ValidationError)
def _on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": _validation_message(exc), "errors": exc.errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def _on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "未登录或令牌无效。"}, status=401)


@api.exception_handler(Http404)
def _on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "未找到。"}, status=404)


@api.exception_handler(HttpError)
def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


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
