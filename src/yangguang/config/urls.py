"""URL map: the public portal (namespace "portal"), the staff console ("console"), the JSON
API under /api/v1/ and Django admin. Each app contributes `portal_urlpatterns` and
`console_urlpatterns` in its own urls module."""

from importlib import import_module

from django.contrib import admin
from django.urls import include, path

from yangguang.api import api

APPS = ["core", "orgs", "disclosure", "search", "foi", "reports"]


def _collect(name: str) -> list:  # type: ignore[type-arg]
    patterns: list = []  # type: ignore[type-arg]
    for app in APPS:
        try:
            module = import_module(f"yangguang.{app}.urls")
        except ModuleNotFoundError as exc:
            if exc.name != f"yangguang.{app}.urls":
                raise
            continue
        patterns += getattr(module, name, [])
    return patterns


urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("console/", include((_collect("console_urlpatterns"), "console"))),
    path("", include((_collect("portal_urlpatterns"), "portal"))),
]

admin.site.site_header = "阳光政务 系统管理"
admin.site.site_title = "阳光政务"
