"""Django admin for the shared tables: holiday overrides (audited) and the audit log, which is
read-only for everyone — no add, change or delete permission exists, superuser or not."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yangguang.core.models import AuditEvent, CalendarOverride, CalendarYear
from yangguang.orgs.adminsite import AdminOnlyMixin, AuditedAdminMixin


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["day", "is_workday", "name", "note", "created_by"]
    list_filter = ["is_workday"]
    search_fields = ["name", "note"]
    date_hierarchy = "day"
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change and request.user.is_authenticated:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["year", "complete", "source"]


@admin.register(AuditEvent)
class AuditEventAdmin(AdminOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "actor_name", "action", "object_type", "object_repr", "body", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "action", "object_repr", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["body"]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
