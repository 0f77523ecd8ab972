"""Answers under /api/ are JSON with a Chinese `detail`, also when no API operation ran: an
unknown path (Django's HTML 404 page) or a method the path does not take (django-ninja's plain
"Method not allowed")."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path_info.startswith(API_PREFIX) or response.status_code not in (404, 405):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            return JsonResponse({"detail": "未找到。"}, status=404)
        allowed = response.get("Allow", "")
        detail = f"不支持 {request.method} 请求" + (f"，可用：{allowed}。" if allowed else "。")
        json_response = JsonResponse({"detail": detail}, status=405)
        if allowed:
            json_response["Allow"] = allowed
        return json_response
