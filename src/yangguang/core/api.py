"""Public calendar API: the due date of a period in working days, with every skipped day
explained (DOMAIN.md §1; 许可法 Art. 82; 条例 Art. 30–34)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from yangguang.core.calendar import current_calendar
from yangguang.core.workdays import (
    MAX_YEAR,
    MIN_YEAR,
    CalendarError,
    DayInfo,
    DayKind,
    Explanation,
    explain,
    parse_period,
)

router = Router(tags=["节假日日历"])

# The public calculator and API accept periods up to this many working days (about 4 years).
PUBLIC_MAX_WORKDAYS = 1000


class DayOut(Schema):
    date: dt.date
    kind: str  # weekend | holiday | makeup
    reason: str  # 周末 / 春节 / 春节调休上班 …
    source: str  # calendar | override | assumed


class DueDateOut(Schema):
    start: dt.date
    workdays: int
    due_date: dt.date
    due_weekday: str
    calendar_days: int
    skipped_days: list[DayOut]
    makeup_workdays: list[DayOut]
    warnings: list[str]


WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def _day(info: DayInfo) -> dict[str, object]:
    return {
        "date": info.day,
        "kind": info.kind.value,
        "reason": info.reason,
        "source": info.source,
    }


def explanation_dict(e: Explanation) -> dict[str, object]:
    return {
        "start": e.start,
        "workdays": e.workdays,
        "due_date": e.due,
        "due_weekday": WEEKDAYS_ZH[e.due.weekday()],
        "calendar_days": e.calendar_days,
        "skipped_days": [_day(d) for d in e.skipped],
        "makeup_workdays": [_day(d) for d in e.makeup_days],
        "warnings": e.warnings,
    }


def compute(start: str, workdays: str) -> Explanation:
    day, n = parse_period(start, workdays, PUBLIC_MAX_WORKDAYS)
    return explain(current_calendar(), day, n)


@router.get(
    "/due-date",
    url_name="calendar_due_date",
    response=DueDateOut,
    summary="计算办理期限（工作日）",
    description=(
        "起算日为第 0 日（收到申请之日），期限至其后第 N 个工作日结束（DOMAIN.md §1；"
        "许可法第八十二条）。返回到期日、跨越的自然日数、每个被跳过的休息日及原因、"
        "计入的调休上班日；涉及尚未公布节假日安排的年份时 warnings 非空。"
        f"workdays 取 0—{PUBLIC_MAX_WORKDAYS}。"
    ),
)
def due_date_view(
    request: HttpRequest,
    start: str = Query("", description="起算日（第 0 日），YYYY-MM-DD，例如 2026-02-10"),
    workdays: str = Query("", description=f"期限，工作日数 0—{PUBLIC_MAX_WORKDAYS}，例如 20"),
) -> dict[str, object]:
    try:
        return explanation_dict(compute(start, workdays))
    except CalendarError as exc:
        raise HttpError(400, str(exc)) from None


class YearOut(Schema):
    year: int
    known: bool  # the schedule is published (built in) or marked completely entered
    days: list[DayOut]  # holidays, make-up working days and administrator entries
    warnings: list[str]


@router.get(
    "/days",
    response=YearOut,
    url_name="calendar_days",
    summary="某年的节假日与调休上班日",
    description=(
        "列出一年中的法定节假日、调休上班日以及管理员录入的调整（普通周末与工作日不列出）。"
        "该年安排未知时 known 为 false，warnings 非空。"
    ),
)
def year_days_view(
    request: HttpRequest,
    year: str = Query("", description=f"年份 {MIN_YEAR}—{MAX_YEAR}，例如 2026"),
) -> dict[str, object]:
    raw = (year or "").strip()
    if not raw.isdecimal() or len(raw) > 4 or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        raise HttpError(400, f"年份应为 {MIN_YEAR}—{MAX_YEAR} 之间的整数，例如 2026。")
    y = int(raw)
    calendar = current_calendar()
    first, last = dt.date(y, 1, 1), dt.date(y, 12, 31)
    days = [
        _day(info)
        for info in calendar.days(first, last)
        if info.source == "override"
        or info.kind is DayKind.MAKEUP
        or (info.kind is DayKind.HOLIDAY and info.name)
    ]
    return {
        "year": y,
        "known": calendar.is_known_year(y),
        "days": days,
        "warnings": calendar.warnings_for(first, last),
    }


routers = [("/calendar", router)]
