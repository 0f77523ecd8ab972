"""Pages of the shared core: the public deadline calculator and the holiday calendar console.

Thin views (DESIGN.md): parse input → one service → render/redirect. Bad input is shown in
Chinese next to the field, with what the user typed; never a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from yangguang.core import nav, services
from yangguang.core.api import PUBLIC_MAX_WORKDAYS, WEEKDAYS_ZH
from yangguang.core.calendar import (
    CALENDAR_SCOPE,
    current_calendar,
    missing_schedule_years,
    year_status,
)
from yangguang.core.models import CalendarOverride
from yangguang.core.workdays import (
    LIBRARY_YEARS,
    MAX_YEAR,
    MIN_YEAR,
    CalendarError,
    DayKind,
    explain,
    parse_date,
    parse_period,
)
from yangguang.orgs.access import require

nav.console("节假日日历", "console:calendar", "calendar.change", order=85)

# Common legal periods, offered as one-click presets on the calculator (DOMAIN.md §3, §4).
PRESETS: list[tuple[int, str]] = [
    (20, "依申请公开答复期限（条例第三十三条）"),
    (7, "补正通知期限（条例第三十条）"),
    (15, "第三方/其他机关意见期限（条例第三十二、三十四条）"),
    (20, "行政许可决定期限（许可法第四十二条）"),
    (10, "颁发、送达许可证件（许可法第四十四条）"),
]


def deadline_calculator(request: HttpRequest) -> HttpResponse:
    """办理期限计算器 (public): start date + working days → due date, every skipped day with
    its reason, make-up working days counted, and a warning for years with no known schedule.
    A plain GET form: works without JavaScript; with htmx the calculator block is swapped in
    place (hx-select), errors included."""
    today = timezone.localdate()
    start = request.GET.get("start", "")
    workdays = request.GET.get("workdays", "")
    submitted = "start" in request.GET or "workdays" in request.GET
    ctx: dict[str, Any] = {
        "start": start if submitted else today.isoformat(),
        "workdays": workdays if submitted else "20",
        "today": today,
        "presets": PRESETS,
        "max_workdays": PUBLIC_MAX_WORKDAYS,
        "errors": {},
    }
    if submitted:
        try:
            day, n = parse_period(start, workdays, PUBLIC_MAX_WORKDAYS)
            result = explain(current_calendar(), day, n)
        except CalendarError as exc:
            ctx["errors"] = {exc.field or "general": str(exc)}
        else:
            ctx["result"] = result
            ctx["due_weekday"] = WEEKDAYS_ZH[result.due.weekday()]
            ctx["start_weekday"] = WEEKDAYS_ZH[result.start.weekday()]
    # htmx swaps only 2xx responses: an enhanced request gets its errors with a 200.
    status = 400 if ctx["errors"] and not request.headers.get("HX-Request") else 200
    return render(request, "portal/deadline_calculator.html", ctx, status=status)


# ---------------------------------------------------------------------------------------------
# Console: 节假日日历 (installation-wide administrators only; everyone else gets 404).


def _default_year(today: dt.date) -> int:
    missing = missing_schedule_years(today)
    return missing[0] if missing else today.year


def _year_from(request: HttpRequest, today: dt.date) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    try:
        year = int(raw)
    except ValueError:
        return _default_year(today)
    return year if MIN_YEAR <= year <= MAX_YEAR else _default_year(today)


def _day_label(row: CalendarOverride) -> str:
    kind = "上班" if row.is_workday else "休息"
    return f"{kind}（{row.name}）" if row.name else kind


def _saved_message(before: CalendarOverride | None, row: CalendarOverride) -> str:
    """Say when an entry replaced another one for the same date (the form enters and changes
    alike, and a typo in the date would otherwise change another day without a word)."""
    day = row.day.isoformat()
    if before is None:
        return f"已保存 {day} 的安排：{_day_label(row)}。"
    if (before.is_workday, before.name, before.note) == (row.is_workday, row.name, row.note):
        return f"{day} 已是这样安排（{_day_label(row)}），未作改动。"
    return f"已将 {day} 的安排由“{_day_label(before)}”改为“{_day_label(row)}”。"


def _calendar_url(year: int) -> str:
    return f"{reverse('console:calendar')}?year={year}"


@login_required
@require_http_methods(["GET", "POST"])
def calendar_admin(request: HttpRequest) -> HttpResponse:
    """节假日日历: the overrides of a year, add/remove one, bulk-enter a schedule, mark a year
    complete (DOMAIN.md §1: next year's schedule is entered the day it is published)."""
    require(request.user, "calendar.change", CALENDAR_SCOPE)
    today = timezone.localdate()
    year = _year_from(request, today)
    form: dict[str, str] = {"day": "", "kind": "rest", "name": "", "note": ""}
    bulk = ""
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        user: Any = request.user
        try:
            if action == "add":
                form = {k: request.POST.get(k, "").strip() for k in form}
                day = parse_date(form["day"])
                if day is None:
                    raise CalendarError("日期无法识别，请写成 2027-02-06。", "day")
                if form["kind"] not in ("rest", "work"):
                    raise CalendarError("请选择“休息”或“上班”。", "kind")
                before = CalendarOverride.objects.filter(day=day).first()
                row = services.calendar_override_set(
                    actor=user,
                    day=day,
                    is_workday=form["kind"] == "work",
                    name=form["name"],
                    note=form["note"],
                )
                messages.success(request, _saved_message(before, row))
                return redirect(_calendar_url(day.year))
            if action == "delete":
                day = parse_date(request.POST.get("day", ""))
                if day is None:
                    raise CalendarError("日期无法识别。")
                services.calendar_override_delete(actor=user, day=day)
                messages.success(request, f"已删除 {day.isoformat()} 的调整。")
                return redirect(_calendar_url(day.year))
            if action == "bulk":
                bulk = request.POST.get("schedule", "")
                count = services.calendar_schedule_import(actor=user, text=bulk, year=year)
                messages.success(request, f"已录入 {count} 个日期的安排。")
                return redirect(_calendar_url(year))
            if action in ("complete", "incomplete"):
                services.calendar_year_mark_complete(
                    actor=user,
                    year=year,
                    complete=action == "complete",
                    source=request.POST.get("source", ""),
                )
                messages.success(
                    request,
                    f"{year} 年已标记为完整录入。"
                    if action == "complete"
                    else f"已取消 {year} 年的完整录入标记。",
                )
                return redirect(_calendar_url(year))
            raise CalendarError("无法识别的操作。")
        except CalendarError as exc:
            section = "complete" if action in ("complete", "incomplete") else action
            errors[section if section in ("add", "delete", "bulk", "complete") else "general"] = (
                str(exc)
            )
            errors["field"] = exc.field

    overrides = CalendarOverride.objects.filter(day__year=year).order_by("day")
    page_obj = Paginator(overrides, 100).get_page(request.GET.get("page"))
    calendar = current_calendar()
    published: list[dict[str, Any]] = []
    if year in LIBRARY_YEARS:
        for info in calendar.days(dt.date(year, 1, 1), dt.date(year, 12, 31)):
            if info.source == "calendar" and (
                info.kind is DayKind.MAKEUP or (info.kind is DayKind.HOLIDAY and info.name)
            ):
                published.append({"info": info, "weekday": WEEKDAYS_ZH[info.day.weekday()]})
    rows = [
        {"o": o, "weekday": WEEKDAYS_ZH[o.day.weekday()], "weekend": o.day.weekday() >= 5}
        for o in page_obj
    ]
    ctx = {
        "year": year,
        "years": list(range(max(MIN_YEAR, today.year - 2), min(MAX_YEAR, today.year + 3) + 1)),
        "status": year_status(year),
        "page_obj": page_obj,
        "querystring_base": f"year={year}&",
        "rows": rows,
        "published": published,
        "form": form,
        "bulk": bulk,
        "errors": errors,
        "library_first": min(LIBRARY_YEARS),
        "library_last": max(LIBRARY_YEARS),
        "example": f"{year}-01-01 休 元旦\n{year}-02-06 休 春节\n{year}-02-14 班 春节调休",
    }
    return render(request, "console/calendar.html", ctx, status=400 if errors else 200)
