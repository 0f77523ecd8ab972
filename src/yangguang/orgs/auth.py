"""Login with lockout: after LOGIN_MAX_FAILURES wrong passwords the account is locked for
LOGIN_LOCKOUT_MINUTES (defaults 5 and 15, configurable in settings)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from yangguang.orgs.models import User


class AccountLocked(Exception):
    def __init__(self, until: dt.datetime) -> None:
        super().__init__(until)
        self.until = until


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
            failures = user.failed_login_count + 1
            locked = None
            if failures >= settings.LOGIN_MAX_FAILURES:
                locked = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                failures = 0
            User.objects.filter(pk=user.pk).update(
                failed_login_count=F("failed_login_count") + 1 if locked is None else 0,
                locked_until=locked,
            )
            return None
        if user.failed_login_count or user.locked_until:
            User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        return result  # type: ignore[return-value]
