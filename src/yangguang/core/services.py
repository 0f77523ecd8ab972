"""Writes to what every domain shares — here: the holiday calendar (DOMAIN.md §1).

Each service is keyword-only, takes `actor=`, runs in `transaction.atomic`, checks the
permission `calendar.change` (installation-wide administrators: the calendar is shared by every
region) and writes one audit row per change. Bad input raises `CalendarError` with a Chinese
message; nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from yangguang.core.audit import diff, record, snapshot
from yangguang.core.calendar import CALENDAR_SCOPE, calendar_changed
from yangguang.core.models import CalendarOverride, CalendarYear
from yangguang.core.workdays import (
    MAX_YEAR,
    MIN_YEAR,
    CalendarError,
    Override,
    check_date,
    parse_schedule,
)
from yangguang.orgs.access import require

if TYPE_CHECKING:
    from yangguang.orgs.models import User

NAME_MAX = 100
NOTE_MAX = 200


def _clean_text(value: str, label: str, max_len: int) -> str:
    value = (value or "").strip()
    if len(value) > max_len:
        raise CalendarError(f"{label}过长：最多 {max_len} 字。")
    return value


def _check_year(year: int) -> int:
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarError(f"年份超出日历范围：只支持 {MIN_YEAR}—{MAX_YEAR} 年。")
    return year


def _set_one(
    *, actor: User, day: dt.date, is_workday: bool, name: str, note: str, reason: str
) -> tuple[CalendarOverride, bool]:
    """Create or update one override and audit it; returns (row, changed)."""
    existing = CalendarOverride.objects.select_for_update().filter(day=day).first()
    if existing is None:
        row = CalendarOverride.objects.create(
            day=day, is_workday=is_workday, name=name, note=note, created_by=actor
        )
        record(
            actor=actor,
            action="calendar.override_set",
            obj=row,
            changes=diff({}, snapshot(row, ["day", "is_workday", "name", "note"])),
            reason=reason,
        )
        return row, True
    before = snapshot(existing, ["day", "is_workday", "name", "note"])
    existing.is_workday, existing.name, existing.note = is_workday, name, note
    after = snapshot(existing, ["day", "is_workday", "name", "note"])
    changes = diff(before, after)
    if not changes:
        return existing, False
    existing.save(update_fields=["is_workday", "name", "note", "updated_at"])
    record(
        actor=actor, action="calendar.override_set", obj=existing, changes=changes, reason=reason
    )
    return existing, True


def calendar_override_set(
    *,
    actor: User,
    day: dt.date,
    is_workday: bool,
    name: str = "",
    note: str = "",
    reason: str = "",
) -> CalendarOverride:
    """Enter (or change) the State Council schedule for one date: 休 (`is_workday=False`,
    named holiday) or 班 (`is_workday=True`, e.g. a make-up working day on a weekend)."""
    require(actor, "calendar.change", CALENDAR_SCOPE)
    check_date(day)
    name = _clean_text(name, "名称", NAME_MAX)
    note = _clean_text(note, "备注", NOTE_MAX)
    with transaction.atomic():
        transaction.on_commit(calendar_changed)
        row, _ = _set_one(
            actor=actor, day=day, is_workday=bool(is_workday), name=name, note=note, reason=reason
        )
    return row


def calendar_override_delete(*, actor: User, day: dt.date, reason: str = "") -> None:
    """Remove the entry for one date (the published schedule or Monday–Friday applies again)."""
    require(actor, "calendar.change", CALENDAR_SCOPE)
    with transaction.atomic():
        transaction.on_commit(calendar_changed)
        row = CalendarOverride.objects.select_for_update().filter(day=day).first()
        if row is None:
            raise CalendarError(f"{day.isoformat()} 没有录入的调整，无需删除。")
        before = snapshot(row, ["day", "is_workday", "name", "note"])
        record(
            actor=actor,
            action="calendar.override_delete",
            obj=row,
            changes=diff(before, {}),
            reason=reason,
        )
        row.delete()


def calendar_schedule_import(
    *, actor: User, text: str, reason: str = "", year: int | None = None
) -> int:
    """Enter a whole schedule typed or pasted as lines ``2027-02-06 休 春节`` /
    ``2027-02-14 班 春节调休``. All lines or none: any bad line raises `CalendarError` listing
    every problem — with `year` (the year the page shows), a date of another year too: a
    typo there would silently change that year's deadlines. Returns the number of dates
    created or changed."""
    require(actor, "calendar.change", CALENDAR_SCOPE)
    entries, errors = parse_schedule(text)
    if year is not None:
        errors += [
            f"第 {e.line} 行：{e.override.day.isoformat()} 不在 {year} 年（本页录入 {year} 年的安排）。"
            for e in entries
            if e.override.day.year != year
        ]
    if errors:
        raise CalendarError("\n".join(errors))
    if not entries:
        raise CalendarError("没有可录入的内容：每行写“日期 休/班 名称”。")
    changed = 0
    with transaction.atomic():
        transaction.on_commit(calendar_changed)
        for entry in entries:
            o: Override = entry.override
            _, did = _set_one(
                actor=actor, day=o.day, is_workday=o.is_workday, name=o.name, note="", reason=reason
            )
            changed += did
    return changed


# The holidays the State Council's yearly notice always schedules (全国年节及纪念日放假办法).
NATIONAL_HOLIDAYS = ("元旦", "春节", "清明", "劳动", "端午", "中秋", "国庆")


def _check_complete(year: int) -> None:
    """A year is complete only with a rest day entered for each national holiday: marking it
    ends the "unknown year" warnings, and deadlines then trust the year as entered."""
    rest = CalendarOverride.objects.filter(day__year=year, is_workday=False)
    if not rest.exists():
        raise CalendarError(f"{year} 年尚未录入任何节假日安排，不能标记为已完整录入。")
    names = " ".join(rest.values_list("name", flat=True))
    missing = [h for h in NATIONAL_HOLIDAYS if h not in names]
    if missing:
        raise CalendarError(
            f"{year} 年的放假安排还缺少：{'、'.join(missing)}（国务院办公厅每年公布这七个节日的"
            "放假安排，名称中须写明节日），不能标记为已完整录入。"
        )


def calendar_year_mark_complete(
    *, actor: User, year: int, complete: bool = True, source: str = ""
) -> CalendarYear:
    """Declare a year's schedule completely entered (no more "unknown year" warnings for it),
    or withdraw that declaration. `source` names the notice, e.g. 国办发明电〔2026〕x号.
    A year with nothing entered cannot be marked complete: every year has holidays."""
    require(actor, "calendar.change", CALENDAR_SCOPE)
    _check_year(year)
    source = _clean_text(source, "依据", 200)
    with transaction.atomic():
        transaction.on_commit(calendar_changed)
        if complete:
            _check_complete(year)
        row = CalendarYear.objects.select_for_update().filter(year=year).first()
        before = snapshot(row, ["year", "complete", "source"]) if row else {}
        if row is None:
            row = CalendarYear(year=year)
        row.complete = complete
        if source or complete:
            row.source = source
        row.updated_by = actor
        row.save()
        record(
            actor=actor,
            action="calendar.year_complete" if complete else "calendar.year_incomplete",
            obj=row,
            changes=diff(before, snapshot(row, ["year", "complete", "source"])),
        )
    return row
