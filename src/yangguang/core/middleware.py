from __future__ import annotations

import re
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from yangguang.core.context import current_ip
from yangguang.core.text import CONTROL_CHARS


def client_ip(request: HttpRequest) -> str | None:
    # Behind the load balancer the first X-Forwarded-For hop is the client; REMOTE_ADDR otherwise.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


# Control characters (core.text), and tab, line feed and carriage return: no address holds them.
_PATH_CONTROL_RE = re.compile(f"[\t\n\r{CONTROL_CHARS}]")


class ControlCharacterPathMiddleware:
    """An address with a control character (/bodies/%00/, /api/v1/publications/%00) names
    nothing: answered with the same 404 as a missing object, before any view runs.

    Views look their path parameters (credit codes, 索引号, 受理编号) up in the database, and
    PostgreSQL refuses a NUL in a text value ("A string literal cannot contain NUL"): a 500 on
    every such page and API operation. API query strings and bodies are checked by
    api.parser.CheckedParser; the path is checked here, once, for pages and API alike (under
    /api/ the 404 is answered in JSON by api.middleware.ApiJsonErrorsMiddleware, which must
    come before this one in MIDDLEWARE; AuthenticationMiddleware too, for the 404 page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _PATH_CONTROL_RE.search(request.path_info):
            raise Http404("未找到")
        return self.get_response(request)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class MethodNotAllowedPageMiddleware:
    """A page in Chinese for 405 (an action URL opened in the browser: require_POST answers
    with an empty body, a blank page). The API answers in JSON (api.middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content:
            return response
        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
