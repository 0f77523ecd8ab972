from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from yangguang.core.context import current_ip


def client_ip(request: HttpRequest) -> str | None:
    # Behind the load balancer the first X-Forwarded-For hop is the client; REMOTE_ADDR otherwise.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
