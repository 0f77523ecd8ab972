"""Django admin for the editable 主题分类 taxonomy (DOMAIN.md §2 "configurable taxonomy") and
per-body catalogues; publications themselves are edited only through the console services."""

from __future__ import annotations

from django.contrib import admin

from yangguang.disclosure.models import CatalogueNode, Theme
from yangguang.orgs.adminsite import AuditedAdminMixin


@admin.register(Theme)
class ThemeAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "parent", "sort", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["code", "name"]
    ordering = ["code"]


@admin.register(CatalogueNode)
class CatalogueNodeAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "parent", "body", "sort"]
    list_select_related = ["parent", "body"]
    search_fields = ["name", "body__name"]
    autocomplete_fields = ["body"]
    raw_id_fields = ["parent"]
