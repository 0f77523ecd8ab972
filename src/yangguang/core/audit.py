"""Audit events: every write made through a service records actor, time, source IP, action,
object and a before/after diff, in the same transaction as the write (DESIGN.md)."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from yangguang.core.context import current_ip
from yangguang.core.models import AuditEvent

if TYPE_CHECKING:
    from yangguang.orgs.models import Body, User


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audited state of an instance: concrete field values, foreign keys as ids."""
    names = list(fields) if fields is not None else None
    out: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if names is not None and f.name not in names:
            continue
        if f.name in {"password", "code_hash", "key_hash"}:
            continue  # secrets never enter the audit trail
        out[f.name] = _plain(getattr(instance, f.attname))
    return out


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for fields that changed."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_repr: str = "",
    body: Body | None = None,
    region_path: str = "",
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    actor_name: str = "",
) -> AuditEvent:
    """Write one audit row. Call inside the service's `transaction.atomic` block."""
    if body is not None and not region_path:
        region_path = body.region.path
    name = actor_name or (actor.get_full_name() or actor.username if actor else "公众/系统")
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_name=name[:150],
        ip=current_ip.get(),
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        body=body,
        region_path=region_path,
        changes=dict(changes or {}),
        reason=reason,
    )
    event.save()
    return event
