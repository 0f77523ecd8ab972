from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from yangguang.core import nav
from yangguang.core.workdays import unknown_year_warning


def _items(items: list[nav.NavItem], request: HttpRequest) -> list[dict[str, str]]:
    from yangguang.orgs.access import can

    out = []
    for item in items:
        if item.action and not can(request.user, item.action):
            continue
        url = url_of(item.url_name)
        if url:
            out.append({"label": item.label, "url": url})
    return out


def url_of(name: str) -> str:
    """reverse(name), "" if it has no URL — remembered: every portal page names the same dozen
    pages in its header (20 µs each, 6 % of a search results page's CPU)."""
    return _reversed(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=256)
def _reversed(name: str, prefix: str, urlconf: str) -> str:
    # prefix and urlconf only key the memo: reverse() reads both itself.
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def site(request: HttpRequest) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "site_name": settings.YANGGUANG["SITE_NAME"],
        "home_url": url_of("portal:home"),
    }
    # The login page (under /console/) shows the portal's navigation: its visitor is not in
    # the console yet.
    if request.path.startswith("/console/") and request.user.is_authenticated:
        ctx["console_nav"] = _items(nav.CONSOLE, request)
        from yangguang.core.calendar import CALENDAR_SCOPE, missing_schedule_years
        from yangguang.orgs.access import can

        if can(request.user, "calendar.change", CALENDAR_SCOPE):
            years = missing_schedule_years(timezone.localdate())
            if years:
                ctx["calendar_warning"] = unknown_year_warning(years)
    else:
        ctx["portal_nav"] = _items(nav.PORTAL, request)
        ctx["calc_url"] = url_of("portal:deadline_calculator")
        ctx["console_url"] = url_of("console:home")
    return ctx
