"""The working-day calendar as stored: chinesecalendar + administrator overrides.

`current_calendar()` returns a `WorkCalendar` rebuilt only when the overrides change (their
count and last update time are the version), so each app server sees an administrator's
edits on its next request without a shared cache.
"""

from __future__ import annotations

import datetime as dt
import threading

from django.db.models import Count, Max

from yangguang.core.models import CalendarOverride, CalendarYear
from yangguang.core.workdays import Override, WorkCalendar

_lock = threading.Lock()
_cached: tuple[object, WorkCalendar] | None = None


def _version() -> object:
    o = CalendarOverride.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    y = CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
    return (o["n"], o["at"], tuple(sorted(y)))


def current_calendar() -> WorkCalendar:
    global _cached
    version = _version()
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        overrides = [
            Override(o.day, o.is_workday, o.name) for o in CalendarOverride.objects.all().iterator()
        ]
        years = CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
        calendar = WorkCalendar(overrides, years)
        _cached = (version, calendar)
        return calendar


def missing_schedule_years(today: dt.date, horizon_days: int = 366) -> list[int]:
    """Years between today and the horizon with no known schedule (for the console banner)."""
    return current_calendar().unknown_years(today, today + dt.timedelta(days=horizon_days))
