"""The working-day calendar as stored: chinesecalendar + administrator overrides (DOMAIN.md §1).

`current_calendar()` returns a `WorkCalendar` rebuilt only when the stored calendar changes
(override count and last update time, plus the years marked complete, are the version), so each
app server sees an administrator's edits on its next request without a shared cache. Everything
that computes a legal deadline takes its calendar from here.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Max

from yangguang.core.models import CalendarOverride, CalendarYear
from yangguang.core.workdays import LIBRARY_YEARS, Override, WorkCalendar

_lock = threading.Lock()
_cached: tuple[object, WorkCalendar] | None = None


class _CalendarScope:
    """The object `calendar.change` is checked against: the calendar is installation-wide, so
    only administrators of the whole installation (no region on their role) may change it."""

    def access_scope(self) -> tuple[int | None, str]:
        return None, "/"

    def __str__(self) -> str:
        return "节假日日历"


CALENDAR_SCOPE = _CalendarScope()


def _version() -> object:
    o = CalendarOverride.objects.aggregate(n=Count("id"), last=Max("id"), at=Max("updated_at"))
    y = CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
    return (o["n"], o["last"], o["at"], tuple(sorted(y)))


def invalidate() -> None:
    """Forget this process's calendar (the services call it after each committed change; other
    processes notice the change through the version on their next request)."""
    global _cached
    _cached = None


_change_hooks: list[Callable[[], object]] = []


def on_change(hook: Callable[[], object]) -> Callable[[], object]:
    """Register a function to run after each committed calendar change. Domains whose stored
    due dates depend on the calendar (foi, hall …) recompute them here: due dates are stored in
    indexed columns and recomputed only by services (DESIGN.md), never left stale."""
    _change_hooks.append(hook)
    return hook


def calendar_changed() -> None:
    """After commit of a calendar change: drop the cached calendar, then run every hook."""
    invalidate()
    for hook in _change_hooks:
        hook()


def current_calendar() -> WorkCalendar:
    """The calendar with every stored override (two small queries to check the version)."""
    global _cached
    version = _version()
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        overrides = [
            Override(o.day, o.is_workday, o.name)
            for o in CalendarOverride.objects.only("day", "is_workday", "name").iterator()
        ]
        years = CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
        calendar = WorkCalendar(overrides, years)
        _cached = (version, calendar)
        return calendar


def missing_schedule_years(today: dt.date, horizon_days: int = 366) -> list[int]:
    """Years between today and the horizon with no known schedule (for the console banner)."""
    return current_calendar().unknown_years(today, today + dt.timedelta(days=horizon_days))


@dataclass(frozen=True)
class YearStatus:
    year: int
    in_library: bool  # published schedule shipped with chinesecalendar
    marked_complete: bool  # an administrator declared the year completely entered
    overrides: int
    source: str = ""

    @property
    def known(self) -> bool:
        return self.in_library or self.marked_complete

    @property
    def label(self) -> str:
        if self.in_library:
            return "已发布（系统内置）"
        if self.marked_complete:
            return "已完整录入"
        if self.overrides:
            return "录入中（尚未标记完整）"
        return "未录入"


def year_status(year: int) -> YearStatus:
    row = CalendarYear.objects.filter(year=year).first()
    count = CalendarOverride.objects.filter(day__year=year).count()
    return YearStatus(
        year,
        year in LIBRARY_YEARS,
        bool(row and row.complete),
        count,
        row.source if row else "",
    )
