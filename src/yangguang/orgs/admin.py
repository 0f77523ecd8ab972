"""Django admin for installation-wide administrators: staff and their roles, regions, bodies,
windows, API tokens. Every write made here is audited (`AuditedAdminMixin`); access is by role,
not by Django's model permissions (see `adminsite.py`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from yangguang.orgs.adminsite import AdminOnlyMixin, AuditedAdminMixin, audit_admin_write
from yangguang.orgs.models import (
    BODY_ROLES,
    ApiToken,
    Body,
    Region,
    Role,
    RoleAssignment,
    User,
    Window,
)
from yangguang.orgs.tokens import token_revoke


class RoleAssignmentForm(forms.ModelForm):  # type: ignore[type-arg]
    """The role decides the scope: body roles need a body; supervisors a region; an
    administrator a region or nothing (the whole installation)."""

    class Meta:
        model = RoleAssignment
        fields = ["role", "body", "region", "window"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, body, region = data.get("role"), data.get("body"), data.get("region")
        window = data.get("window")
        if role in {r.value for r in BODY_ROLES}:
            if body is None:
                raise forms.ValidationError("该角色属于某个机构：请选择机构。")
            if region is not None:
                raise forms.ValidationError("机构角色不设区划范围：请清空“区划范围”。")
        elif role == Role.SUPERVISOR:
            if region is None:
                raise forms.ValidationError("监督员须指定区划范围。")
            if body is not None:
                raise forms.ValidationError("监督员按区划授权：请清空“机构”。")
        elif role == Role.ADMIN and body is not None:
            raise forms.ValidationError("管理员按区划授权（不选则为全部区划）：请清空“机构”。")
        if window is not None and window.body_id != getattr(body, "pk", None):
            raise forms.ValidationError("所选窗口不属于所选机构。")
        return data


class RoleAssignmentInline(AdminOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = RoleAssignment
    form = RoleAssignmentForm
    extra = 0
    autocomplete_fields = ["body", "region"]
    raw_id_fields = ["window"]


class StaffCreationForm(UserCreationForm):  # type: ignore[type-arg]
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name")


class StaffChangeForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):  # type: ignore[type-arg]
    form = StaffChangeForm
    add_form = StaffCreationForm
    inlines = [RoleAssignmentInline]
    list_display = ["username", "full_name", "phone", "is_active", "locked_until", "last_login"]
    list_filter = ["is_active", "roles__role"]
    search_fields = ["username", "full_name", "phone", "email"]
    ordering = ["username"]
    readonly_fields = ["last_login", "date_joined", "password_changed_at", "failed_login_count"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "phone", "email")}),
        ("状态", {"fields": ("is_active", "is_superuser", "locked_until", "failed_login_count")}),
        ("时间", {"fields": ("last_login", "date_joined", "password_changed_at")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")},
        ),
    )
    actions = ["unlock"]

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """An administrator setting someone's password is audited like any other write."""
        with transaction.atomic():
            response: HttpResponse = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now())
                audit_admin_write(request, user, "password_reset")
        return response

    @admin.action(description="解除所选账户的登录锁定")
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = 0
        for user in queryset.exclude(locked_until=None):
            User.objects.filter(pk=user.pk).update(locked_until=None, failed_login_count=0)
            audit_admin_write(
                request, user, "unlock", {"locked_until": [str(user.locked_until), None]}
            )
            count += 1
        self.message_user(request, f"已解除 {count} 个账户的锁定。", messages.SUCCESS)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    form = RoleAssignmentForm
    list_display = ["user", "role", "body", "region", "window"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "body__name", "region__name"]
    autocomplete_fields = ["body", "region"]
    raw_id_fields = ["user", "window"]
    list_select_related = ["user", "body", "region", "window"]


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "code", "level", "parent", "path"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Code and parent make up the materialised path of the whole subtree: they are set at
        # creation; moving a region is done by the console's region service, not here.
        return ["path", "code", "parent"] if obj is not None else ["path"]


class WindowInline(AdminOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Window
    extra = 0


@admin.register(Body)
class BodyAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "short_name", "kind", "credit_code", "region", "is_active"]
    list_filter = ["kind", "is_active", "region__level"]
    search_fields = ["name", "short_name", "credit_code"]
    autocomplete_fields = ["region", "parent"]
    list_select_related = ["region"]
    inlines = [WindowInline]


@admin.register(Window)
class WindowAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "body", "hall", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "body__name", "hall"]
    autocomplete_fields = ["body"]
    list_select_related = ["body"]


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Tokens are issued in the console (我的接口令牌) or with `manage.py issue_api_token` (the
    secret is shown only there); here administrators see them and revoke them."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "user__username", "name"]
    list_select_related = ["user"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the row stays as evidence

    @admin.action(description="吊销所选令牌")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        for token in queryset.filter(revoked_at=None):
            token_revoke(actor=actor, token=token)
        self.message_user(request, "所选令牌已吊销。", messages.SUCCESS)
