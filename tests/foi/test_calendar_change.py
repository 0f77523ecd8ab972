"""A holiday entered by an administrator moves open applications' due dates (DOMAIN.md §1:
the due date is recomputed from the event history and the calendar, never edited by hand)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import World
from tests.foi.conftest import register
from yangguang.core.services import calendar_override_delete, calendar_override_set
from yangguang.foi.models import Application


def test_calendar_override_recomputes_open_due_dates(
    world: World, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    frozen(dt.date(2026, 3, 2))
    app = register(world, dt.date(2026, 3, 2))
    # 20 working days from Monday 2026-03-02 (day 0): Monday 2026-03-30 (条例 Art. 33).
    assert app.due_on == dt.date(2026, 3, 30)

    with django_capture_on_commit_callbacks(execute=True):
        calendar_override_set(
            actor=world.admin, day=dt.date(2026, 3, 10), is_workday=False, name="地方假日"
        )
    app.refresh_from_db()
    assert app.due_on == dt.date(2026, 3, 31)  # one working day fewer → one day later

    with django_capture_on_commit_callbacks(execute=True):
        calendar_override_delete(actor=world.admin, day=dt.date(2026, 3, 10))
    assert Application.objects.get(pk=app.pk).due_on == dt.date(2026, 3, 30)
