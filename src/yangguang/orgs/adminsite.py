"""Django admin for installation-wide administrators only.

Access to /admin/ is decided by our roles (`access.is_global_admin`), not by Django's
`is_staff` flag or model permissions: a user holding the administrator role without a region
(or a superuser) may use it; everyone else is sent to the console login or gets the same 404.
Region-scoped administrators manage their subtree in the console, which scopes every query.

This module must not import models at import time (it is named in INSTALLED_APPS).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url


class YangguangAdminSite(admin.AdminSite):
    site_header = "阳光政务 系统管理"
    site_title = "阳光政务"
    index_title = "系统管理"

    def has_permission(self, request: HttpRequest) -> bool:
        from yangguang.orgs.access import is_global_admin

        return is_global_admin(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """One login page for everyone: the console login (lockout, audit, Chinese errors)."""
        from django.contrib.auth.views import redirect_to_login

        if request.user.is_authenticated:
            # Logged in without the administrator role: the admin does not exist for them.
            raise Http404("未找到")
        target = request.GET.get("next") or resolve_url("admin:index")
        return redirect_to_login(target, resolve_url("console:login"))

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        from yangguang.orgs.views_auth import LogoutView

        response: HttpResponse = LogoutView.as_view()(request)
        return response


class YangguangAdminConfig(AdminConfig):
    default_site = "yangguang.orgs.adminsite.YangguangAdminSite"


def _global_admin(request: HttpRequest) -> bool:
    from yangguang.orgs.access import is_global_admin

    return is_global_admin(request.user)


class AdminOnlyMixin:
    """Model admins usable by installation-wide administrators only (not Django permissions)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _global_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _global_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _global_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _global_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _global_admin(request)


def _audit_scope(obj: Any) -> dict[str, Any]:
    from yangguang.orgs.models import Body, Region

    if isinstance(obj, Body):
        return {"body": obj}
    if isinstance(obj, Region):
        return {"region_path": obj.path}
    body = getattr(obj, "body", None)
    if isinstance(body, Body):
        return {"body": body}
    return {}


def audit_admin_write(request: HttpRequest, obj: Any, verb: str, changes: Any = None) -> None:
    """One audit row for a write made in Django admin (same table as service writes)."""
    from yangguang.core.audit import record

    user = request.user if request.user.is_authenticated else None
    record(
        actor=user,  # type: ignore[arg-type]
        action=f"{obj._meta.model_name}.{verb}",
        obj=obj,
        changes=changes or {},
        reason="系统管理后台",
        **_audit_scope(obj),
    )


class AuditedAdminMixin(AdminOnlyMixin):
    """Every add/change/delete made in the admin writes an audit row with the before/after diff."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from yangguang.core.audit import diff, snapshot

        before: dict[str, Any] = {}
        if change and obj.pk is not None:
            old = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = snapshot(old) if old is not None else {}
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        audit_admin_write(
            request, obj, "change" if change else "create", diff(before, snapshot(obj))
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        from yangguang.core.audit import snapshot

        audit_admin_write(request, obj, "delete", {"deleted": snapshot(obj)})
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        from yangguang.core.audit import snapshot

        for obj in queryset:
            audit_admin_write(request, obj, "delete", {"deleted": snapshot(obj)})
        super().delete_queryset(request, queryset)  # type: ignore[misc]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        from yangguang.core.audit import snapshot

        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for obj in formset.new_objects:
            audit_admin_write(request, obj, "create", {"created": snapshot(obj)})
        for obj, fields in formset.changed_objects:
            audit_admin_write(request, obj, "change", {"fields": list(fields)})
        for obj in formset.deleted_objects:
            audit_admin_write(request, obj, "delete", {"deleted": snapshot(obj)})
