from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from yangguang.core import nav
from yangguang.core.workdays import unknown_year_warning


def _items(items: list[nav.NavItem], request: HttpRequest) -> list[dict[str, str]]:
    from yangguang.orgs.access import can

    out = []
    for item in items:
        if item.action and not can(request.user, item.action):
            continue
        try:
            out.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return out


def site(request: HttpRequest) -> dict[str, Any]:
    ctx: dict[str, Any] = {"site_name": settings.YANGGUANG["SITE_NAME"]}
    if request.path.startswith("/console/"):
        ctx["console_nav"] = _items(nav.CONSOLE, request)
        from yangguang.core.calendar import CALENDAR_SCOPE, missing_schedule_years
        from yangguang.orgs.access import can

        if can(request.user, "calendar.change", CALENDAR_SCOPE):
            years = missing_schedule_years(timezone.localdate())
            if years:
                ctx["calendar_warning"] = unknown_year_warning(years)
    else:
        ctx["portal_nav"] = _items(nav.PORTAL, request)
    return ctx
