"""Console login, logout and password change: Chinese errors, lockout message, audit rows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils import timezone

from yangguang.core.audit import record
from yangguang.orgs.auth import AccountLocked
from yangguang.orgs.models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续输错 %(max)s 次，账户将被锁定 %(minutes)s 分钟。",
        "inactive": "该账户已停用，请联系管理员。",
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.fields["username"].error_messages["required"] = "请输入用户名。"
        self.fields["password"].error_messages["required"] = "请输入密码。"

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except AccountLocked as exc:
            raise ValidationError(exc.message, code="locked") from None

    def get_invalid_login_error(self) -> ValidationError:
        return ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={
                "max": settings.LOGIN_MAX_FAILURES,
                "minutes": settings.LOGIN_LOCKOUT_MINUTES,
            },
        )


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["idle_minutes"] = settings.SESSION_COOKIE_AGE // 60
        # Django's LoginView puts the current site's name here: without django.contrib.sites
        # that is the request's host ("127.0.0.1:8000"), which hid the portal's name.
        context["site_name"] = settings.YANGGUANG["SITE_NAME"]
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        with transaction.atomic():
            record(actor=user, action="auth.login", obj=user)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if isinstance(user, User):
            with transaction.atomic():
                record(actor=user, action="auth.logout", obj=user)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("console:password_change_done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = form.user
            user.password_changed_at = timezone.now()
            User.objects.filter(pk=user.pk).update(password_changed_at=user.password_changed_at)
            record(actor=user, action="auth.password_change", obj=user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"
