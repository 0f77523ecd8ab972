"""Staff login: lockout after repeated failures, audit of every login event, and the console gate.

- `LockoutModelBackend`: after LOGIN_MAX_FAILURES wrong passwords in a row the account is locked
  for LOGIN_LOCKOUT_MINUTES (defaults 5 and 15, configurable in settings); a success resets the
  counter. Failures and lockouts are written to the audit log.
- `ConsoleAccessMiddleware`: every URL in the "console" namespace needs a login (redirect to the
  login page) and a staff role (`console.view`; otherwise a Chinese 403 page), so no console view
  can be left open by forgetting a decorator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils import timezone

from yangguang.core.audit import record
from yangguang.orgs.models import User

# Console URL names reachable without logging in, and with a login but no staff role.
CONSOLE_PUBLIC = frozenset({"login", "logout"})
CONSOLE_LOGIN_ONLY = frozenset({"password_change", "password_change_done"})


class AccountLocked(Exception):
    def __init__(self, until: dt.datetime) -> None:
        super().__init__(until)
        self.until = until

    @property
    def message(self) -> str:
        return locked_message(self.until)


def locked_message(until: dt.datetime) -> str:
    local = timezone.localtime(until)
    return f"账户已锁定，请于 {local:%H:%M} 后再试。"


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        now = timezone.now()
        if user is not None and user.locked_until and user.locked_until > now:
            raise AccountLocked(user.locked_until)
        result = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            return None
        if result is None:
            self._failed(user, now)
            return None
        if user.failed_login_count or user.locked_until:
            User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
            result.failed_login_count, result.locked_until = 0, None
        return result  # type: ignore[return-value]

    def _failed(self, user: User, now: dt.datetime) -> None:
        """Count one failure under a row lock; lock the account when the limit is reached."""
        with transaction.atomic():
            row = User.objects.select_for_update().get(pk=user.pk)
            failures = row.failed_login_count + 1
            if failures >= settings.LOGIN_MAX_FAILURES:
                until = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=until)
                record(
                    actor=None,
                    actor_name=f"登录尝试：{user.username}",
                    action="auth.lockout",
                    obj=user,
                    changes={"locked_until": [None, until.isoformat()]},
                    reason=f"连续 {failures} 次密码错误，锁定 {settings.LOGIN_LOCKOUT_MINUTES} 分钟。",
                )
            else:
                until = None
                User.objects.filter(pk=user.pk).update(failed_login_count=failures)
                record(
                    actor=None,
                    actor_name=f"登录尝试：{user.username}",
                    action="auth.login_failed",
                    obj=user,
                    reason=f"密码错误（第 {failures} 次）。",
                )
        if until is not None:
            raise AccountLocked(until)


class ConsoleAccessMiddleware:
    """Login and a staff role for every console URL (see module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or "console" not in match.namespaces:
            return None
        if match.url_name in CONSOLE_PUBLIC:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        if match.url_name in CONSOLE_LOGIN_ONLY:
            return None
        from yangguang.orgs.access import can

        if not can(request.user, "console.view"):
            return render(
                request,
                "403.html",
                {"reason": "您的账号尚未分配工作角色，暂时不能使用工作台。请联系本单位管理员。"},
                status=403,
            )
        return None
