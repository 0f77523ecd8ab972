"""Working days (工作日) and deadline clocks — pure functions, no clock reading inside.

DOMAIN.md §1: every legal period is counted in working days: Monday–Friday that are not
statutory holidays, plus weekend days the State Council declares make-up working days (调休上班)
(许可法 Art. 82; the 条例 periods are stated in 工作日).

Counting convention (DOMAIN.md §1): the day of receipt is day 0; the period ends at the close
of the N-th working day after it. So a 20-working-day period (条例 Art. 33) for an application
received on a Friday ends on the 20th working day after that Friday, whatever day 0 itself was.

The calendar is `chinesecalendar` (published State Council schedules, 2004 onwards) plus
administrator overrides per date, so next year's schedule can be entered the day it is
published (each November). A year that neither source knows is counted Monday–Friday, and
every result that touches it carries a warning (`unknown_year_warning`) — never a silent
weekends-only guess. An administrator who has entered a whole year marks it complete
(`complete_years`), which silences the warning for that year.

Performance: a `WorkCalendar` precomputes, for a contiguous span of years, the kind of every
day, the running count of working days and the ordinal of every working day. `is_workday`,
`add_workdays` and `workdays_between` are then a handful of list look-ups (constant time); the
span grows (rebuilt once, under a lock, swapped in atomically) when a request leaves it.
"""

from __future__ import annotations

import datetime as dt
import enum
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

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

# The years whose State Council schedule the installed chinesecalendar carries (2004–2026 for
# chinesecalendar 1.11.0). Derived from the data, so upgrading the package extends it.
_LIB_HOLIDAYS: Mapping[dt.date, str] = chinese_calendar.holidays
_LIB_WORKDAYS: Mapping[dt.date, str] = chinese_calendar.workdays
LIBRARY_YEARS: frozenset[int] = frozenset(d.year for d in _LIB_HOLIDAYS)

MIN_YEAR = min(LIBRARY_YEARS)  # chinesecalendar's first year; earlier dates are refused
MAX_YEAR = 2100  # far enough for any legal period; later dates are refused
MAX_WORKDAYS = 10_000  # a period longer than this is a typing error, not a legal period

_fromordinal = dt.date.fromordinal


class CalendarError(ValueError):
    """A request the calendar cannot answer (negative period, date out of range, bad event).

    The message is Chinese and safe to show to the public; `field` names the input at fault
    when there is one (forms show the message next to it).
    """

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class DayKind(enum.StrEnum):
    WORKDAY = "workday"  # ordinary Monday–Friday working day
    MAKEUP = "makeup"  # weekend day declared a working day (调休上班)
    WEEKEND = "weekend"  # Saturday or Sunday, not worked
    HOLIDAY = "holiday"  # statutory holiday or rest day of a holiday period

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def is_work(self) -> bool:
        return self is DayKind.WORKDAY or self is DayKind.MAKEUP


_KIND_LABELS = {
    DayKind.WORKDAY: "工作日",
    DayKind.MAKEUP: "调休上班",
    DayKind.WEEKEND: "周末",
    DayKind.HOLIDAY: "法定节假日",
}
# Compact per-day codes in the precomputed span; codes < 2 are working days.
_KINDS: tuple[DayKind, ...] = (DayKind.WORKDAY, DayKind.MAKEUP, DayKind.WEEKEND, DayKind.HOLIDAY)
_CODE = {kind: i for i, kind in enumerate(_KINDS)}


@dataclass(frozen=True, slots=True)
class Override:
    """An administrator's entry for one date (next year's schedule, a local holiday…).

    `is_workday=False` with a name is a holiday (休, e.g. 春节); without a name on a weekend it is
    an ordinary weekend. `is_workday=True` on a weekend is a make-up working day (调休上班).
    """

    day: dt.date
    is_workday: bool
    name: str = ""


@dataclass(frozen=True, slots=True)
class DayInfo:
    day: dt.date
    kind: DayKind
    name: str = ""  # holiday name in Chinese, if any (also on make-up days: "春节")
    source: str = "calendar"  # calendar | override | assumed (year without a known schedule)

    @property
    def reason(self) -> str:
        """Why the day is (not) worked, in words for the public: 周末 / 春节 / 春节调休上班."""
        if self.kind is DayKind.HOLIDAY:
            return self.name or DayKind.HOLIDAY.label
        if self.kind is DayKind.MAKEUP:
            return f"{self.name}调休上班" if self.name else DayKind.MAKEUP.label
        if self.kind is DayKind.WEEKEND:
            return "周末（该年节假日安排未知）" if self.source == "assumed" else "周末"
        return self.name or DayKind.WORKDAY.label


def unknown_year_warning(years: Iterable[int]) -> str:
    ys = "、".join(str(y) for y in sorted(set(years)))
    return (
        f"{ys} 年的节假日安排尚未公布或未录入，期限仅按周一至周五推算，可能不准确；"
        "请管理员在“节假日日历”中录入国务院公布的安排。"
    )


def check_date(day: object, what: str = "日期") -> dt.date:
    if not isinstance(day, dt.date):
        raise CalendarError(f"{what}格式不正确。")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise CalendarError(f"{what}超出日历范围：只支持 {MIN_YEAR}—{MAX_YEAR} 年。")
    return day


def check_days(n: object, what: str = "工作日数") -> int:
    if not isinstance(n, int) or isinstance(n, bool):
        raise CalendarError(f"{what}必须是整数。")
    if n < 0:
        raise CalendarError(f"{what}不能为负数。")
    if n > MAX_WORKDAYS:
        raise CalendarError(f"{what}过大：最多 {MAX_WORKDAYS} 个工作日。")
    return n


@dataclass(frozen=True, slots=True, eq=False)
class _Span:
    """Precomputed days of the years first..last (immutable; replaced as a whole)."""

    first_year: int
    last_year: int
    base: int  # ordinal of 1 January of first_year
    ndays: int
    codes: bytes  # codes[i]: kind code of day base + i
    cum: list[int]  # cum[i]: working days in [base, base + i]
    works: list[int]  # ordinals of the working days, ascending
    names: dict[int, str]  # ordinal → Chinese holiday name (holidays and make-up days)


_EMPTY = _Span(0, -1, 0, 0, b"", [], [], {})


class WorkCalendar:
    """The working-day calendar: library schedule + overrides, with per-year precomputation.

    `complete_years` are years the administrator has declared fully entered (for a year the
    library does not know yet); they count as known and produce no warning. Instances are safe
    to share between threads.
    """

    def __init__(
        self,
        overrides: Iterable[Override] = (),
        complete_years: Iterable[int] = (),
    ) -> None:
        self._overrides: dict[dt.date, Override] = {o.day: o for o in overrides}
        self._known_years = LIBRARY_YEARS | frozenset(complete_years)
        self._span = _EMPTY
        self._lock = threading.Lock()

    # -- precomputation -------------------------------------------------------------------
    def _ensure(self, lo: int, hi: int | None = None) -> _Span:
        """Make the span cover years lo..hi (plus a year either side) and return it."""
        hi = lo if hi is None else hi
        span = self._span
        if span.first_year <= lo and hi <= span.last_year:
            return span
        if lo < MIN_YEAR or hi > MAX_YEAR:
            raise CalendarError(f"日期超出日历范围：只支持 {MIN_YEAR}—{MAX_YEAR} 年。")
        with self._lock:
            span = self._span
            if span.first_year <= lo and hi <= span.last_year:
                return span
            if span.ndays:
                lo, hi = min(lo, span.first_year), max(hi, span.last_year)
            # A little around the request, so periods that cross a new year stay cheap.
            span = self._build(max(MIN_YEAR, lo - 1), min(MAX_YEAR, hi + 1))
            self._span = span
            return span

    def _build(self, first: int, last: int) -> _Span:
        base = dt.date(first, 1, 1).toordinal()
        end = dt.date(last, 12, 31).toordinal()
        codes = bytearray()
        cum: list[int] = []
        works: list[int] = []
        names: dict[int, str] = {}
        count = 0
        for ordinal in range(base, end + 1):
            info = self._classify(_fromordinal(ordinal))
            code = _CODE[info.kind]
            codes.append(code)
            if code < 2:
                count += 1
                works.append(ordinal)
            if info.name:
                names[ordinal] = info.name
            cum.append(count)
        return _Span(first, last, base, end - base + 1, bytes(codes), cum, works, names)

    def _classify(self, day: dt.date) -> DayInfo:
        weekend = day.weekday() >= 5
        override = self._overrides.get(day)
        if override is not None:
            if override.is_workday:
                kind = DayKind.MAKEUP if weekend else DayKind.WORKDAY
            else:
                kind = DayKind.WEEKEND if weekend and not override.name else DayKind.HOLIDAY
            return DayInfo(day, kind, override.name, "override")
        if day.year in LIBRARY_YEARS:
            # Same logic as chinese_calendar.get_holiday_detail, on its data directly.
            name = _LIB_HOLIDAYS.get(day)
            if name is not None:
                return DayInfo(day, DayKind.HOLIDAY, HOLIDAY_NAMES_ZH.get(name, name))
            name = _LIB_WORKDAYS.get(day)
            if name is not None:
                zh = HOLIDAY_NAMES_ZH.get(name, name)
                return DayInfo(day, DayKind.MAKEUP if weekend else DayKind.WORKDAY, zh)
            return DayInfo(day, DayKind.WEEKEND if weekend else DayKind.WORKDAY)
        source = "calendar" if day.year in self._known_years else "assumed"
        return DayInfo(day, DayKind.WEEKEND if weekend else DayKind.WORKDAY, "", source)

    # -- queries ----------------------------------------------------------------------------
    def is_known_year(self, year: int) -> bool:
        """Is the year's schedule known (published in the library or marked complete)?"""
        return year in self._known_years

    def unknown_years(self, first: dt.date, last: dt.date) -> list[int]:
        """Years between the two dates (inclusive, any order) with no known schedule."""
        lo, hi = (first.year, last.year) if first <= last else (last.year, first.year)
        known = self._known_years
        if lo == hi:
            return [] if lo in known else [lo]
        return [y for y in range(lo, hi + 1) if y not in known]

    def warnings_for(self, first: dt.date, last: dt.date) -> list[str]:
        unknown = self.unknown_years(first, last)
        return [unknown_year_warning(unknown)] if unknown else []

    def day_info(self, day: dt.date) -> DayInfo:
        check_date(day)
        span = self._ensure(day.year)
        ordinal = day.toordinal()
        kind = _KINDS[span.codes[ordinal - span.base]]
        if day in self._overrides:
            source = "override"
        elif day.year in self._known_years:
            source = "calendar"
        else:
            source = "assumed"
        return DayInfo(day, kind, span.names.get(ordinal, ""), source)

    def is_workday(self, day: dt.date) -> bool:
        span = self._span
        i = day.toordinal() - span.base
        if not 0 <= i < span.ndays:
            span = self._ensure(check_date(day).year)
            i = day.toordinal() - span.base
        return span.codes[i] < 2

    def add_workdays(self, day0: dt.date, n: int) -> dt.date:
        """The date on which a period of `n` working days counted from day 0 = `day0` ends.

        DOMAIN.md §1 (许可法 Art. 82; 条例 Art. 30–34): day 0 is the day of receipt, whatever
        kind of day it is; the period ends at the close of the n-th working day after it.
        `n == 0` returns `day0` itself (on the spot, 当场答复). Raises `CalendarError` for a
        negative or non-integer `n` and for dates outside 2004–2100.
        """
        if n.__class__ is not int or n < 0 or n > MAX_WORKDAYS:
            check_days(n)
        span = self._span
        i = day0.toordinal() - span.base
        if 0 <= i < span.ndays:
            target = span.cum[i] + n
            if target <= len(span.works):
                if n == 0:
                    return _fromordinal(i + span.base)
                return _fromordinal(span.works[target - 1])
        return self._add_slow(day0, n)

    def _add_slow(self, day0: dt.date, n: int) -> dt.date:
        check_date(day0, "起算日")
        span = self._ensure(day0.year)
        i = day0.toordinal() - span.base
        # Working days run out at the end of the span: extend it (each year has > 200).
        while span.cum[i] + n > len(span.works):
            extra = (span.cum[i] + n - len(span.works)) // 240 + 1
            span = self._ensure(day0.year, min(MAX_YEAR + 1, span.last_year + extra))
            i = day0.toordinal() - span.base
        if n == 0:
            return _fromordinal(day0.toordinal())
        return _fromordinal(span.works[span.cum[i] + n - 1])

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days after `a` up to and including `b` (negative when b < a).

        So `workdays_between(d, add_workdays(d, n)) == n` for every `n >= 0`.
        """
        span = self._span
        base, ndays = span.base, span.ndays
        i = a.toordinal() - base
        j = b.toordinal() - base
        if not (0 <= i < ndays and 0 <= j < ndays):
            check_date(a)
            check_date(b)
            span = self._ensure(min(a.year, b.year), max(a.year, b.year))
            i = a.toordinal() - span.base
            j = b.toordinal() - span.base
        cum = span.cum
        return cum[j] - cum[i]

    def next_workday_on_or_after(self, day: dt.date) -> dt.date:
        """The first working day on or after `day` (a day 0 that falls on a rest day…)."""
        return day if self.is_workday(day) else self.add_workdays(day, 1)

    def days(self, first: dt.date, last: dt.date) -> list[DayInfo]:
        """Every day from `first` to `last` inclusive, explained."""
        check_date(first)
        check_date(last)
        out = []
        day = first
        one = dt.timedelta(days=1)
        while day <= last:
            out.append(self.day_info(day))
            day += one
        return out


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
    """Due date of an `n`-working-day period from day 0 = `start`, with every day explained.

    The days after day 0 up to the due date that are not counted (weekends, holidays) are
    listed with their reason, and so are the weekend days that are counted because they are
    make-up working days (调休上班) — DOMAIN.md §1.
    """
    check_date(start, "起算日")
    check_days(n)
    due = calendar.add_workdays(start, n)
    skipped: list[DayInfo] = []
    makeup: list[DayInfo] = []
    if due > start:
        span = calendar._ensure(start.year, due.year)
        codes, base = span.codes, span.base
        for ordinal in range(start.toordinal() + 1, due.toordinal() + 1):
            code = codes[ordinal - base]
            if code == 0:
                continue  # an ordinary working day: nothing to explain
            info = calendar.day_info(_fromordinal(ordinal))
            (makeup if code == 1 else skipped).append(info)
    warnings = calendar.warnings_for(start, due)
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
        return _LIGHT_LABELS[self]


_LIGHT_LABELS = {
    Light.GREEN: "正常",
    Light.YELLOW: "临近期限",
    Light.RED: "即将到期",
    Light.OVERDUE: "已超期",
    Light.PAUSED: "暂停计时",
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Lights by working days left: yellow at ≤ `yellow_left`, red at ≤ `red_left`.

    DOMAIN.md §4 (办理情况即时公开): yellow close to the limit, red at it — thresholds
    configurable (rules `clock.yellow_left` / `clock.red_left`, see `core.rules`).
    """

    yellow_left: int = 5
    red_left: int = 1

    def __post_init__(self) -> None:
        if self.red_left < 0 or self.yellow_left < self.red_left:
            raise CalendarError("灯色阈值不正确：应满足 黄灯剩余天数 ≥ 红灯剩余天数 ≥ 0。")


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class Pause:
    """Time not counted, e.g. third-party consultation (条例 Art. 32), another agency's opinion
    (Art. 34), waiting for a fee (Art. 42, configurable) or special steps (许可法 Art. 45).

    Working days after `start` up to and including `end` are not counted: the day the clock
    stops still counts, the day it resumes is like a day 0. `end=None` means the clock is still
    stopped.
    """

    start: dt.date
    end: dt.date | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Restart:
    """The period counts again, in full, from a new day 0 — e.g. the corrected application is
    received (条例 Art. 30: 答复期限自收到补正的申请之日起计算). Pauses that ended before it and
    extensions listed before it belonged to the old period and no longer count."""

    day: dt.date
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Extension:
    """`days` more working days (e.g. +20 with the head's approval, 条例 Art. 33; +10, 许可法
    Art. 42)."""

    days: int
    reason: str = ""


ClockEvent = Pause | Restart | Extension


class Clock(NamedTuple):
    """A deadline recomputed from its events (immutable; a named tuple because boards compute
    thousands of them per page)."""

    day0: dt.date
    limit: int  # the period including extensions
    due: dt.date | None  # None while an open pause stops the clock
    used: int | None  # working days counted up to `today` (None without `today`)
    left: int | None  # working days left (negative: days overdue; None without `today`)
    light: Light | None
    paused: bool
    warnings: tuple[str, ...] = ()
    paused_workdays: int = 0  # working days not counted because of closed pauses (running clock)


_OPEN = 1 << 30  # ordinal of an open pause's end: later than any date


def due_date(
    calendar: WorkCalendar,
    start: dt.date,
    limit: int,
    events: Iterable[ClockEvent] = (),
    *,
    today: dt.date | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Clock:
    """Recompute a deadline from its event history (DOMAIN.md §1; 条例 Art. 30, 32–34; 许可法
    Art. 42, 45, 82). Events are given in the order they happened.

    - day 0 is `start`, or the day of the last `Restart` (which also drops extensions listed
      before it: the period counts again in full);
    - each `Extension` adds its working days to `limit`;
    - each `Pause` (merged with any pause it overlaps or touches) that begins before the running
      due date moves it by the working days it covers; a pause beginning on or after the due
      date changes nothing (the period had already run out); an open pause leaves the due date
      unknown (`due=None`) and the light `PAUSED` once it has begun.
    With `today`, also the working days used and left and the light (`thresholds`).
    `warnings` is non-empty when any date involved lies in a year with no known schedule.
    """
    if limit.__class__ is not int or limit < 0 or limit > MAX_WORKDAYS:
        check_days(limit, "期限工作日数")
    pauses: list[tuple[int, int]] = []
    in_order = True
    previous = 0
    day0 = start
    total = limit
    for event in events:
        if isinstance(event, Pause):
            p_start = event.start.toordinal()
            p_end = _OPEN if event.end is None else event.end.toordinal()
            if p_end < p_start:
                raise CalendarError("暂停结束日不能早于开始日。")
            if p_start < previous:
                in_order = False
            previous = p_start
            pauses.append((p_start, p_end))
        elif isinstance(event, Extension):
            days = event.days
            if days.__class__ is not int or days < 0 or days > MAX_WORKDAYS:
                check_days(days, "延长的工作日数")
            total += days
        elif isinstance(event, Restart):
            if event.day < day0:
                raise CalendarError("重新计算的起算日不能早于原起算日。")
            day0 = event.day
            total = limit
        else:
            raise CalendarError("无法识别的计时事件。")
    if not in_order:
        pauses.sort()
    while True:
        result = _clock_on_span(
            calendar._span, calendar._known_years, start, day0, total, pauses, today, thresholds
        )
        if isinstance(result, Clock):
            return result
        # The span lacks a year (`result`): grow it (CalendarError beyond 2100) and recompute.
        calendar._ensure(min(day0.year, result), max(day0.year, result))


def _clock_on_span(
    span: _Span,
    known: frozenset[int],
    start: dt.date,
    day0: dt.date,
    total: int,
    pauses: list[tuple[int, int]],
    today: dt.date | None,
    thresholds: Thresholds,
) -> Clock | int:
    """The clock computed on one precomputed span, in day ordinals (the hot path of boards and
    the benchmark); returns instead the year the span must grow to when it is too short."""
    base, ndays, cum, works = span.base, span.ndays, span.cum, span.works
    nworks = len(works)
    d0 = day0.toordinal()
    i0 = d0 - base
    if not 0 <= i0 < ndays:
        return day0.year
    target = cum[i0] + total
    if target > nworks:
        return span.last_year + 1 + (target - nworks) // 240
    due = works[target - 1] if total else d0

    applied: list[tuple[int, int]] = []  # pauses that moved the due date, merged, in order
    paused_days = 0
    for p_start, p_end in pauses:
        if p_end <= d0:
            continue  # wholly before the (re)start: irrelevant
        if p_start < d0:
            p_start = d0
        if applied and p_start <= applied[-1][1]:
            # Overlaps or touches the previous pause: only the days beyond it are new.
            last_start, last_end = applied[-1]
            if p_end <= last_end:
                continue
            applied[-1] = (last_start, p_end)
            counted_from = last_end
        else:
            if p_start >= due:
                break  # the period had already run out
            applied.append((p_start, p_end))
            counted_from = p_start
        if p_end == _OPEN:
            break  # the clock stands still from here on
        j = p_end - base
        if j >= ndays:
            return _fromordinal(p_end).year
        k = cum[j] - cum[counted_from - base]
        if k:
            target = cum[due - base] + k
            if target > nworks:
                return span.last_year + 1 + (target - nworks) // 240
            due = works[target - 1]
            paused_days += k
    open_pause = bool(applied) and applied[-1][1] == _OPEN

    last = d0 if open_pause else due
    if applied and not open_pause and applied[-1][1] > last:
        last = applied[-1][1]
    t = today.toordinal() if today is not None else 0
    if t > last:
        last = t
    last_year = _fromordinal(last).year
    if last_year - start.year <= 1 and start.year in known and last_year in known:
        warnings: tuple[str, ...] = ()
    else:
        years = range(min(start.year, last_year), max(start.year, last_year) + 1)
        unknown = [y for y in years if y not in known]
        warnings = (unknown_year_warning(unknown),) if unknown else ()

    due_day = None if open_pause else _fromordinal(due)
    if today is None:
        return Clock(day0, total, due_day, None, None, None, open_pause, warnings, paused_days)

    used = 0
    if t > d0:
        ti = t - base
        if ti >= ndays:
            return today.year
        used = cum[ti] - cum[i0]
        for p_start, p_end in applied:
            if p_start >= t:
                break
            used -= cum[(t if p_end > t else p_end) - base] - cum[p_start - base]
    paused = open_pause and applied[-1][0] <= t
    left = total - used
    light = _light(due_day, today, left, paused, thresholds)
    return Clock(day0, total, due_day, used, left, light, paused, warnings, paused_days)


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


# ---------------------------------------------------------------------------------------------
# Schedules typed by an administrator: one line per date (console bulk entry).

_REST_WORDS = {"休", "休息", "放假", "假", "off", "holiday"}
_WORK_WORDS = {"班", "上班", "工作", "工作日", "调休上班", "work", "workday"}
_MAKEUP_SUFFIXES = ("调休上班", "调休", "补班", "上班")


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    line: int
    override: Override


def parse_schedule(text: str) -> tuple[list[ScheduleLine], list[str]]:
    """Parse lines like ``2027-02-06 休 春节`` / ``2027-02-14 班 春节调休`` (a date, 休 or 班,
    an optional name). Blank lines and lines starting with ``#`` are ignored. Returns the parsed
    entries and Chinese error messages (one per bad line); callers write nothing when there
    are errors. For 班 lines the name is stored without a trailing 调休/上班 ("春节"), so the
    calculator explains the day as "春节调休上班"."""
    entries: list[ScheduleLine] = []
    errors: list[str] = []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("\u3000", " ")
        if not line or line.startswith("#"):
            continue
        parts = line.replace("，", " ").replace(",", " ").replace("\t", " ").split(None, 2)
        if len(parts) < 2:
            errors.append(f"第 {number} 行：应为“日期 休/班 名称”，例如“2027-02-06 休 春节”。")
            continue
        day = parse_date(parts[0])
        if day is None:
            errors.append(f"第 {number} 行：日期“{parts[0]}”无法识别，请写成 2027-02-06。")
            continue
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            errors.append(f"第 {number} 行：日期超出日历范围（{MIN_YEAR}—{MAX_YEAR} 年）。")
            continue
        word = parts[1].lower()
        if word in _REST_WORDS:
            is_workday = False
        elif word in _WORK_WORDS:
            is_workday = True
        else:
            errors.append(f"第 {number} 行：第二项应为“休”或“班”，而不是“{parts[1]}”。")
            continue
        name = parts[2].strip() if len(parts) > 2 else ""
        if is_workday:
            for suffix in _MAKEUP_SUFFIXES:
                if name.endswith(suffix) and len(name) > len(suffix):
                    name = name[: -len(suffix)]
                    break
        if len(name) > 100:
            errors.append(f"第 {number} 行：名称过长（最多 100 字）。")
            continue
        if day in seen:
            errors.append(f"第 {number} 行：日期 {day.isoformat()} 与第 {seen[day]} 行重复。")
            continue
        seen[day] = number
        entries.append(ScheduleLine(number, Override(day, is_workday, name)))
    return entries, errors


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def parse_date(text: str) -> dt.date | None:
    """A date typed by a person: 2027-02-06, 2027/2/6, 2027.2.6, 2027年2月6日 or 20270206."""
    text = text.strip()
    if not text or len(text) > 20:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def parse_period(start: str, workdays: str, max_workdays: int = 1000) -> tuple[dt.date, int]:
    """Validate a (start date, working days) pair typed by a person — the public deadline
    calculator and its API. Raises `CalendarError` (with `field`) carrying a Chinese message."""
    start = (start or "").strip()
    workdays = (workdays or "").strip()
    if not start:
        raise CalendarError("请填写起算日（收到申请的日期），例如 2026-02-10。", "start")
    day = parse_date(start)
    if day is None:
        raise CalendarError(f"起算日“{start[:20]}”不是有效日期，请写成 2026-02-10。", "start")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise CalendarError(f"起算日超出日历范围：只支持 {MIN_YEAR}—{MAX_YEAR} 年。", "start")
    if not workdays:
        raise CalendarError("请填写期限（工作日数），例如 20。", "workdays")
    try:
        n = int(workdays) if len(workdays) <= 12 else None
    except ValueError:
        n = None
    if n is None:
        raise CalendarError(f"期限“{workdays[:20]}”不是整数，请填写工作日数，例如 20。", "workdays")
    if n < 0:
        raise CalendarError("期限不能为负数。", "workdays")
    if n > max_workdays:
        raise CalendarError(f"期限过长：最多 {max_workdays} 个工作日。", "workdays")
    return day, n
