"""Working days (工作日) and deadline clocks — pure functions, no clock reading inside.

DOMAIN.md §1: every legal period is counted in working days: Monday–Friday that are not
statutory holidays, plus weekend days the State Council declares make-up working days (调休上班)
(许可法 Art. 82; the 条例 periods are stated in 工作日).

Counting convention (DOMAIN.md §1): the day of receipt is day 0; the period ends at the close
of the N-th working day after it.

The calendar is `chinesecalendar` (published State Council schedules) plus administrator
overrides per date, so next year's schedule can be entered the day it is published. A year that
neither source knows is counted Monday–Friday, and every result that touches it carries a warning
— never a silent weekends-only guess.

Performance: a `WorkCalendar` precomputes, per contiguous span of years, the running count of
working days and the ordinal of every working day, so `is_workday`, `add_workdays` and
`workdays_between` are a few list look-ups per call.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import chinese_calendar

# chinesecalendar names holidays in English; the public sees the Chinese names.
HOLIDAY_NAMES_ZH: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

_LIBRARY_YEARS: frozenset[int] = frozenset(d.year for d in chinese_calendar.holidays)


class DayKind(enum.StrEnum):
    WORKDAY = "workday"  # ordinary Monday–Friday working day
    MAKEUP = "makeup"  # weekend day declared a working day (调休上班)
    WEEKEND = "weekend"  # Saturday or Sunday, not worked
    HOLIDAY = "holiday"  # statutory holiday or rest day of a holiday period

    @property
    def label(self) -> str:
        return {
            DayKind.WORKDAY: "工作日",
            DayKind.MAKEUP: "调休上班",
            DayKind.WEEKEND: "周末",
            DayKind.HOLIDAY: "法定节假日",
        }[self]

    @property
    def is_work(self) -> bool:
        return self in (DayKind.WORKDAY, DayKind.MAKEUP)


@dataclass(frozen=True, slots=True)
class Override:
    """An administrator's entry for one date (e.g. next year's schedule, a local holiday)."""

    day: dt.date
    is_workday: bool
    name: str = ""


@dataclass(frozen=True, slots=True)
class DayInfo:
    day: dt.date
    kind: DayKind
    name: str = ""  # holiday name in Chinese, if any
    source: str = "calendar"  # calendar | override | assumed (year without a known schedule)


class CalendarError(ValueError):
    """A request the calendar cannot answer (negative period, date out of range)."""


MIN_YEAR = 2004  # chinesecalendar's first year; earlier dates are not legal deadlines here
MAX_YEAR = 2100


def unknown_year_warning(years: Iterable[int]) -> str:
    ys = "、".join(str(y) for y in sorted(set(years)))
    return (
        f"{ys} 年的节假日安排尚未公布或未录入，期限仅按周一至周五推算，可能不准确；"
        "请管理员在“节假日日历”中录入国务院公布的安排。"
    )


class WorkCalendar:
    """The working-day calendar: library schedule + overrides, with per-year precomputation.

    `complete_years` are years the administrator has declared fully entered (for a year the
    library does not know yet); they count as known and produce no warning.
    """

    def __init__(
        self,
        overrides: Iterable[Override] = (),
        complete_years: Iterable[int] = (),
    ) -> None:
        self._overrides: dict[dt.date, Override] = {o.day: o for o in overrides}
        self._known_years = frozenset(_LIBRARY_YEARS) | frozenset(complete_years)
        self._first_year = 0
        self._last_year = -1
        self._base = 0  # ordinal of 1 January of _first_year
        self._cum: list[int] = []  # _cum[i] = working days in [base, base + i]
        self._work_ordinals: list[int] = []  # ordinals of working days, ascending

    # -- precomputation -------------------------------------------------------------------
    def _ensure(self, year: int) -> None:
        if self._first_year <= year <= self._last_year:
            return
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CalendarError(f"日期超出日历范围：只支持 {MIN_YEAR}—{MAX_YEAR} 年。")
        first = min(year, self._first_year) if self._cum else year
        last = max(year, self._last_year) if self._cum else year
        # Precompute a little around the request so deadlines that cross a new year stay cheap.
        first = max(MIN_YEAR, min(first, year - 1))
        last = min(MAX_YEAR, max(last, year + 1))
        self._build(first, last)

    def _build(self, first: int, last: int) -> None:
        base = dt.date(first, 1, 1).toordinal()
        end = dt.date(last, 12, 31).toordinal()
        cum: list[int] = []
        works: list[int] = []
        count = 0
        for ordinal in range(base, end + 1):
            if self._classify(dt.date.fromordinal(ordinal)).kind.is_work:
                count += 1
                works.append(ordinal)
            cum.append(count)
        self._first_year, self._last_year, self._base = first, last, base
        self._cum, self._work_ordinals = cum, works

    def _classify(self, day: dt.date) -> DayInfo:
        weekend = day.weekday() >= 5
        override = self._overrides.get(day)
        if override is not None:
            if override.is_workday:
                kind = DayKind.MAKEUP if weekend else DayKind.WORKDAY
            else:
                kind = DayKind.WEEKEND if weekend and not override.name else DayKind.HOLIDAY
            return DayInfo(day, kind, override.name, "override")
        if day.year in _LIBRARY_YEARS:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            zh = HOLIDAY_NAMES_ZH.get(name or "", name or "")
            if not on_holiday:
                return DayInfo(day, DayKind.MAKEUP if weekend else DayKind.WORKDAY, zh)
            if name:
                return DayInfo(day, DayKind.HOLIDAY, zh)
            return DayInfo(day, DayKind.WEEKEND)
        source = "calendar" if day.year in self._known_years else "assumed"
        return DayInfo(day, DayKind.WEEKEND if weekend else DayKind.WORKDAY, "", source)

    # -- queries ----------------------------------------------------------------------------
    def is_known_year(self, year: int) -> bool:
        return year in self._known_years

    def unknown_years(self, first: dt.date, last: dt.date) -> list[int]:
        lo, hi = min(first, last), max(first, last)
        return [y for y in range(lo.year, hi.year + 1) if y not in self._known_years]

    def day_info(self, day: dt.date) -> DayInfo:
        self._ensure(day.year)
        return self._classify(day)

    def is_workday(self, day: dt.date) -> bool:
        self._ensure(day.year)
        i = day.toordinal() - self._base
        return self._cum[i] != (self._cum[i - 1] if i else 0)

    def _count_through(self, ordinal: int) -> int:
        """Working days from the start of the precomputed span up to and including `ordinal`."""
        return self._cum[ordinal - self._base]

    def add_workdays(self, day0: dt.date, n: int) -> dt.date:
        """The date on which a period of `n` working days counted from day 0 = `day0` ends.

        DOMAIN.md §1: day 0 is the day of receipt; the period ends at the close of the n-th
        working day after it. `n == 0` returns `day0` itself (on the spot).
        """
        if n < 0:
            raise CalendarError("工作日数不能为负数。")
        self._ensure(day0.year)
        target = self._count_through(day0.toordinal()) + n
        while target > len(self._work_ordinals):
            self._ensure(self._last_year + 1)
            target = self._count_through(day0.toordinal()) + n
        if n == 0:
            return day0
        return dt.date.fromordinal(self._work_ordinals[target - 1])

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after `a` up to and including `b` (negative when b < a).

        So `workdays_between(d, add_workdays(d, n)) == n`.
        """
        if b < a:
            return -self.workdays_between(b, a)
        self._ensure(a.year)
        self._ensure(b.year)
        return self._count_through(b.toordinal()) - self._count_through(a.toordinal())

    def next_workday_on_or_after(self, day: dt.date) -> dt.date:
        self._ensure(day.year)
        i = bisect.bisect_left(self._work_ordinals, day.toordinal())
        while i >= len(self._work_ordinals):
            self._ensure(self._last_year + 1)
            i = bisect.bisect_left(self._work_ordinals, day.toordinal())
        return dt.date.fromordinal(self._work_ordinals[i])


# ---------------------------------------------------------------------------------------------
# Explaining a period: every skipped day with its reason (the public deadline calculator).


@dataclass(frozen=True)
class Explanation:
    start: dt.date
    workdays: int
    due: dt.date
    skipped: list[DayInfo]  # weekends and holidays passed over, with reasons
    makeup_days: list[DayInfo]  # weekend days counted because they are 调休上班
    calendar_days: int
    warnings: list[str] = field(default_factory=list)


def explain(calendar: WorkCalendar, start: dt.date, n: int) -> Explanation:
    """Due date of an `n`-working-day period from day 0 = `start`, with every day explained."""
    due = calendar.add_workdays(start, n)
    skipped: list[DayInfo] = []
    makeup: list[DayInfo] = []
    day = start + dt.timedelta(days=1)
    while day <= due:
        info = calendar.day_info(day)
        if not info.kind.is_work:
            skipped.append(info)
        elif info.kind is DayKind.MAKEUP:
            makeup.append(info)
        day += dt.timedelta(days=1)
    unknown = calendar.unknown_years(start, due)
    warnings = [unknown_year_warning(unknown)] if unknown else []
    return Explanation(start, n, due, skipped, makeup, (due - start).days, warnings)


# ---------------------------------------------------------------------------------------------
# The deadline clock: a period with pauses, restarts and extensions, recomputed from events.


class Light(enum.StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    OVERDUE = "overdue"
    PAUSED = "paused"

    @property
    def label(self) -> str:
        return {
            Light.GREEN: "正常",
            Light.YELLOW: "临近期限",
            Light.RED: "即将到期",
            Light.OVERDUE: "已超期",
            Light.PAUSED: "暂停计时",
        }[self]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Lights by working days left: yellow at ≤ `yellow_left`, red at ≤ `red_left` (configurable)."""

    yellow_left: int = 5
    red_left: int = 1


@dataclass(frozen=True, slots=True)
class Pause:
    """Time not counted, e.g. third-party consultation (条例 Art. 32) or 补正 waiting.

    Working days after `start` up to and including `end` are not counted; `end=None` means the
    clock is still stopped.
    """

    start: dt.date
    end: dt.date | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Restart:
    """The period counts again from a new day 0 (e.g. corrected application received, Art. 30)."""

    day: dt.date
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Extension:
    """`days` more working days (e.g. +20 with the head's approval, 条例 Art. 33)."""

    days: int
    reason: str = ""


ClockEvent = Pause | Restart | Extension


@dataclass(frozen=True)
class Clock:
    day0: dt.date
    limit: int  # the period including extensions
    due: dt.date | None  # None while an open pause stops the clock
    used: int | None  # working days counted up to `today` (None without `today`)
    left: int | None
    light: Light | None
    paused: bool
    warnings: tuple[str, ...] = ()


def _merged_pauses(pauses: Sequence[Pause], day0: dt.date) -> list[tuple[dt.date, dt.date | None]]:
    spans: list[tuple[dt.date, dt.date | None]] = []
    for p in sorted(pauses, key=lambda p: p.start):
        if p.end is not None and p.end <= day0:
            continue  # wholly before the (re)start: irrelevant
        start = max(p.start, day0)
        if spans:
            last_start, last_end = spans[-1]
            if last_end is None or start <= last_end:
                end = None if (last_end is None or p.end is None) else max(last_end, p.end)
                spans[-1] = (last_start, end)
                continue
        spans.append((start, p.end))
    return spans


def due_date(
    calendar: WorkCalendar,
    start: dt.date,
    limit: int,
    events: Iterable[ClockEvent] = (),
    *,
    today: dt.date | None = None,
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen, immutable default
) -> Clock:
    """Recompute a deadline from its event history (DOMAIN.md §1; 条例 Art. 30, 32–34).

    - day 0 is `start`, or the day of the last `Restart`;
    - each `Extension` adds its working days to `limit`;
    - each `Pause` that begins before the running due date moves it by the working days it
      covers; an open pause leaves the due date unknown (`due=None`) and the light `PAUSED`.
    With `today`, also the working days used and left and the traffic light.
    """
    if limit < 0:
        raise CalendarError("期限工作日数不能为负数。")
    pauses: list[Pause] = []
    day0 = start
    total = limit
    for event in events:
        if isinstance(event, Restart):
            if event.day < day0:
                raise CalendarError("重新计算的起算日不能早于原起算日。")
            day0 = event.day
        elif isinstance(event, Extension):
            if event.days < 0:
                raise CalendarError("延长的工作日数不能为负数。")
            total += event.days
        else:
            if event.end is not None and event.end < event.start:
                raise CalendarError("暂停结束日不能早于开始日。")
            pauses.append(event)

    spans = _merged_pauses(pauses, day0)
    due: dt.date | None = calendar.add_workdays(day0, total)
    for p_start, p_end in spans:
        if due is None or p_start >= due:
            break
        if p_end is None:
            due = None
            break
        due = calendar.add_workdays(due, calendar.workdays_between(p_start, p_end))

    last = max(d for d in (due, today, day0, *(e for _, e in spans if e)) if d is not None)
    unknown = calendar.unknown_years(start, last)
    warnings = (unknown_year_warning(unknown),) if unknown else ()
    paused = bool(spans) and spans[-1][1] is None and (today is None or spans[-1][0] <= today)

    if today is None:
        return Clock(day0, total, due, None, None, None, paused, warnings)
    used = max(0, calendar.workdays_between(day0, today)) if today > day0 else 0
    for p_start, p_end in spans:
        if p_start >= today:
            break
        end = today if p_end is None or p_end > today else p_end
        used -= calendar.workdays_between(p_start, end)
    left = total - used
    light = _light(due, today, left, paused, thresholds)
    return Clock(day0, total, due, used, left, light, paused, warnings)


def _light(
    due: dt.date | None, today: dt.date, left: int, paused: bool, thresholds: Thresholds
) -> Light:
    if due is not None and today > due:
        return Light.OVERDUE
    if paused:
        return Light.PAUSED
    if left <= thresholds.red_left:
        return Light.RED
    if left <= thresholds.yellow_left:
        return Light.YELLOW
    return Light.GREEN


def overrides_from_mapping(entries: Mapping[dt.date, tuple[bool, str]]) -> list[Override]:
    return [Override(day, is_work, name) for day, (is_work, name) in entries.items()]
