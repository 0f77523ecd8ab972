"""The console home's FOI tiles (core.dashboard)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from yangguang.core.dashboard import Tile, provider
from yangguang.foi.models import OPEN_STATES
from yangguang.foi.selectors import application_visible_to
from yangguang.orgs.access import can


@provider
def foi_tiles(user: Any, today: dt.date) -> list[Tile]:
    """Open applications the user sees (a 承办人: those assigned to them), and the overdue ones
    (条例 Art. 33: a reply past its due date is late)."""
    if not can(user, "foi.list"):
        return []
    open_apps = application_visible_to(user).filter(state__in=OPEN_STATES)
    queue = reverse("console:foi_queue")
    return [
        Tile("件依申请公开申请未办结", open_apps.count(), queue),
        Tile(
            "件已超过答复期限",
            open_apps.filter(due_on__lt=today).count(),
            f"{queue}?light=overdue",
            urgent=True,
        ),
    ]
