"""Staff API tokens, sent as `Authorization: Bearer <token>`.

A token looks like `yg_<prefix>_<secret>`. It is shown once, when issued; the database keeps
only the prefix (for lookup and for recognising a token in lists) and the SHA-256 of the whole
token. Revoked tokens and tokens of inactive users are refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from yangguang.core.audit import record
from yangguang.orgs.models import ApiToken, User

TOKEN_PREFIX = "yg_"  # noqa: S105 - a label, not a secret
# last_used_at is written at most this often per token, so reads do not become writes.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole bearer token; shown once, never stored


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_issue(*, actor: User | None = None, user: User, name: str = "") -> IssuedToken:
    """Create a token for `user`; returns the secret once."""
    if not user.is_active:
        raise ValueError(f"用户 {user.username} 已停用，不能签发令牌。")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], prefix=prefix, key_hash=_hash(raw)
        )
        record(actor=actor, action="apitoken.create", obj=token, reason=name)
    return IssuedToken(token=token, secret=raw)


def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(actor=actor, action="apitoken.revoke", obj=token)
    return token


def token_user(raw: str) -> User | None:
    """The active user behind a bearer token, or None (unknown, malformed, revoked)."""
    raw = raw.strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    prefix, _, rest = raw[len(TOKEN_PREFIX) :].partition("_")
    if not prefix or not rest:
        return None
    wanted = _hash(raw)
    for token in ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).select_related(
        "user"
    ):
        if hmac.compare_digest(token.key_hash, wanted):
            if not token.user.is_active:
                return None
            now = timezone.now()
            if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            return token.user
    return None


class BearerTokenAuth(HttpBearer):
    """django-ninja auth: `Authorization: Bearer yg_…`; request.auth is the user."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


bearer_auth = BearerTokenAuth()
