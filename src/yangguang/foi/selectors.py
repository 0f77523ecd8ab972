"""Reads: which applications a viewer may see, and the queue with its lights."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from yangguang.core.rules import get_rule
from yangguang.core.workdays import Light, Thresholds, WorkCalendar
from yangguang.foi.access import ALL_OF_BODY, ASSIGNED_ONLY
from yangguang.foi.clock import light_for
from yangguang.foi.models import OPEN_STATES, Application
from yangguang.foi.validators import mask_id, mask_name, mask_phone
from yangguang.orgs.access import body_ids_with, can, visible_bodies_q
from yangguang.orgs.models import Body

MAX_BODY_IDS = 5000


def application_visible_to(viewer: Any) -> QuerySet[Application]:
    """Applications of the bodies where the viewer is 受理员 or 负责人, those assigned to them
    where they are 承办人 only (foi.access), plus supervised/administered regions. Nothing for
    anonymous users (they track by number + query code)."""
    assigned = Q(body_id__in=body_ids_with(viewer, ASSIGNED_ONLY), handler_id=viewer.pk)
    # Resolve the bodies first (a region has hundreds of them, not millions): the queue then
    # filters on body_id alone and counts/orders from the application indexes, no joins.
    ids = list(
        Body.objects.filter(visible_bodies_q(viewer, roles=ALL_OF_BODY)).values_list(
            "id", flat=True
        )[: MAX_BODY_IDS + 1]
    )
    if len(ids) <= MAX_BODY_IDS:
        return Application.objects.filter(Q(body_id__in=ids) | assigned)
    return Application.objects.filter(
        visible_bodies_q(viewer, prefix="body", roles=ALL_OF_BODY) | assigned
    )


def sees_assigned_only(viewer: Any) -> bool:
    """Is the viewer 承办人 (only) in some body — seeing there just what is assigned to them?"""
    return bool(set(body_ids_with(viewer, ASSIGNED_ONLY)) - set(body_ids_with(viewer, ALL_OF_BODY)))


def urgency_order(qs: QuerySet[Application]) -> QuerySet[Application]:
    """Open first by due date (paused clocks after them), then closed ones newest first —
    one indexed column (`queue_key`, kept by Application.save() and the services)."""
    return qs.order_by("queue_key", "id")


def thresholds_for(region_path: str = "") -> Thresholds:
    return Thresholds(
        yellow_left=int(get_rule("foi.light_yellow_left", region_path)),
        red_left=int(get_rule("foi.light_red_left", region_path)),
    )


@dataclass
class Row:
    app: Application
    light: Light | None
    left: int | None
    name: str
    show_personal: bool


def queue_rows(
    apps: list[Application],
    viewer: Any,
    *,
    calendar: WorkCalendar,
    today: dt.date,
    thresholds: Thresholds,
) -> list[Row]:
    """Rows for a list page. Names are always masked in lists (DESIGN.md)."""
    rows = []
    for app in apps:
        light = light_for(
            app.due_on,
            app.state in OPEN_STATES,
            calendar=calendar,
            today=today,
            thresholds=thresholds,
        )
        left = (
            calendar.workdays_between(today, app.due_on)
            if app.due_on and app.state in OPEN_STATES
            else None
        )
        rows.append(Row(app, light, left, mask_name(app.applicant_name), False))
    return rows


@dataclass
class Applicant:
    name: str
    id_number: str
    credit_code: str
    phone: str
    email: str
    address: str
    masked: bool


def applicant_view(app: Application, viewer: Any) -> Applicant:
    """Full personal data for the handling staff only; masked for everyone else."""
    if can(viewer, "foi.personal", app):
        return Applicant(
            app.applicant_name,
            app.id_number,
            app.credit_code,
            app.phone,
            app.email,
            app.address,
            False,
        )
    return Applicant(
        mask_name(app.applicant_name),
        mask_id(app.id_number),
        app.credit_code,  # an organisation's credit code is public registration data
        mask_phone(app.phone),
        "***" if app.email else "",
        "***" if app.address else "",
        True,
    )
