"""Working days and the deadline clock (core.workdays) — pure, no database.

DOMAIN.md §1: working days are Monday–Friday minus statutory holidays plus make-up working days
(调休上班) (许可法 Art. 82; 条例 periods in 工作日). Day 0 is the day of receipt; the period ends
at the close of the N-th working day after it. Pauses (条例 Art. 32, 34), restarts after 补正
(Art. 30) and extensions (Art. 33) are events; the due date is recomputed from them.
"""

from __future__ import annotations

import datetime as dt
import random

import chinese_calendar
import pytest

from yangguang.core.workdays import (
    LIBRARY_YEARS,
    CalendarError,
    DayKind,
    Extension,
    Light,
    Override,
    Pause,
    Restart,
    Thresholds,
    WorkCalendar,
    due_date,
    explain,
    parse_date,
    parse_period,
    parse_schedule,
)

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


# --- the published 2026 schedule, checked against chinesecalendar itself ---------------------

SPRING_FESTIVAL_2026_OFF = [D("2026-02-15") + dt.timedelta(days=i) for i in range(9)]  # 15..23
NATIONAL_DAY_2026_OFF = [D("2026-10-01") + dt.timedelta(days=i) for i in range(7)]  # 1..7
MAKEUP_2026 = {  # 调休上班 (weekend days worked)
    D("2026-01-04"): "元旦",  # Sun
    D("2026-02-14"): "春节",  # Sat
    D("2026-02-28"): "春节",  # Sat
    D("2026-05-09"): "劳动节",  # Sat
    D("2026-09-20"): "国庆节",  # Sun
    D("2026-10-10"): "国庆节",  # Sat
}


def test_library_knows_2004_to_2026_but_not_2027() -> None:
    """DOMAIN.md §1: chinesecalendar carries the published years; 2027 is not published yet."""
    assert min(LIBRARY_YEARS) == 2004
    assert 2026 in LIBRARY_YEARS
    assert 2027 not in LIBRARY_YEARS


@pytest.mark.parametrize("day", SPRING_FESTIVAL_2026_OFF + NATIONAL_DAY_2026_OFF)
def test_2026_holidays_are_rest_days(cal: WorkCalendar, day: dt.date) -> None:
    """2026 schedule (国务院, published 2025-11-04): 春节 02-15..02-23, 国庆节 10-01..10-07 off."""
    assert chinese_calendar.is_holiday(day)  # the source agrees
    assert not cal.is_workday(day)
    info = cal.day_info(day)
    assert info.kind is DayKind.HOLIDAY
    assert info.reason == ("春节" if day.month == 2 else "国庆节")


@pytest.mark.parametrize(("day", "name"), sorted(MAKEUP_2026.items()))
def test_2026_makeup_days_are_working_days(cal: WorkCalendar, day: dt.date, name: str) -> None:
    """2026 make-up working days (调休上班): 02-14 Sat, 02-28 Sat, 09-20 Sun, 10-10 Sat …"""
    assert day.weekday() >= 5
    assert chinese_calendar.is_workday(day)
    assert cal.is_workday(day)
    info = cal.day_info(day)
    assert info.kind is DayKind.MAKEUP
    assert info.reason == f"{name}调休上班"


def test_is_workday_matches_chinesecalendar_for_every_published_day(cal: WorkCalendar) -> None:
    day, last = dt.date(min(LIBRARY_YEARS), 1, 1), dt.date(max(LIBRARY_YEARS), 12, 31)
    while day <= last:
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


# --- add_workdays: (day 0, n, expected due, reason) ------------------------------------------

ADD_CASES = [
    ("2026-03-02", 0, "2026-03-02", "n = 0: on the spot (当场答复), day 0 itself"),
    ("2026-03-02", 1, "2026-03-03", "Mon → Tue"),
    ("2026-03-06", 1, "2026-03-09", "Fri → Mon: weekend skipped"),
    ("2026-03-07", 1, "2026-03-09", "day 0 on a Saturday (online receipt): next working day"),
    ("2026-03-02", 20, "2026-03-30", "条例 Art. 33: 20 working days, no holiday in March"),
    ("2026-02-13", 1, "2026-02-14", "春节: Sat 02-14 is a make-up working day"),
    ("2026-02-13", 2, "2026-02-24", "春节: 02-15..02-23 off"),
    ("2026-02-13", 20, "2026-03-19", "春节 + 02-28 Sat worked"),
    ("2026-02-14", 1, "2026-02-24", "day 0 = make-up Saturday"),
    ("2026-09-18", 1, "2026-09-20", "国庆节: Sun 09-20 worked"),
    ("2026-09-24", 1, "2026-09-28", "中秋节 09-25..09-27 off"),
    ("2026-09-30", 1, "2026-10-08", "国庆节 10-01..10-07 off"),
    ("2026-09-30", 3, "2026-10-10", "国庆节: Sat 10-10 worked"),
    ("2026-09-30", 4, "2026-10-12", "after 10-10 the Sunday is off"),
    ("2026-09-24", 20, "2026-10-29", "中秋 + 国庆 + two make-up days"),
    ("2026-10-03", 1, "2026-10-08", "day 0 inside the holiday"),
    ("2026-10-03", 0, "2026-10-03", "n = 0 on a holiday: still day 0"),
    ("2025-12-31", 1, "2026-01-04", "元旦: Sun 2026-01-04 worked"),
    ("2025-12-31", 2, "2026-01-05", "across the new year"),
    ("2026-12-31", 1, "2027-01-01", "2027 unknown: Monday–Friday assumed (and warned)"),
]


@pytest.mark.parametrize(("day0", "n", "due", "reason"), ADD_CASES)
def test_add_workdays(cal: WorkCalendar, day0: str, n: int, due: str, reason: str) -> None:
    """DOMAIN.md §1 counting convention; 许可法 Art. 82."""
    assert cal.add_workdays(D(day0), n) == D(due), reason
    assert cal.workdays_between(D(day0), D(due)) == n, reason


BETWEEN_CASES = [
    ("2026-03-02", "2026-03-02", 0),
    ("2026-03-06", "2026-03-09", 1),  # Sat, Sun not counted
    ("2026-02-13", "2026-02-28", 6),  # 02-14, 24, 25, 26, 27, 28
    ("2026-09-30", "2026-10-10", 3),
    ("2026-03-30", "2026-03-02", -20),
]


@pytest.mark.parametrize(("a", "b", "expected"), BETWEEN_CASES)
def test_workdays_between(cal: WorkCalendar, a: str, b: str, expected: int) -> None:
    assert cal.workdays_between(D(a), D(b)) == expected


def _naive_add(day0: dt.date, n: int) -> dt.date:
    """Day-by-day reference straight from chinesecalendar."""
    day, count = day0, 0
    while count < n:
        day += dt.timedelta(days=1)
        count += chinese_calendar.is_workday(day)
    return day


def test_property_add_and_between_agree_with_each_other_and_with_the_library() -> None:
    """Property: workdays_between(d, add_workdays(d, n)) == n; the due date is a working day,
    strictly later for n > 0, increasing in n, and equal to a day-by-day count."""
    cal = WorkCalendar()
    rng = random.Random(82)  # 许可法 Art. 82
    first = dt.date(2004, 1, 1).toordinal()
    last = dt.date(2025, 12, 31).toordinal()
    for _ in range(1500):
        d = dt.date.fromordinal(rng.randint(first, last))
        n = rng.randint(0, 250)
        due = cal.add_workdays(d, n)
        assert cal.workdays_between(d, due) == n
        if n:
            assert due > d and cal.is_workday(due)
            assert cal.add_workdays(d, n - 1) < due
        if rng.random() < 0.1:
            assert due == _naive_add(d, n)


def test_span_grows_for_long_periods_and_far_dates() -> None:
    cal = WorkCalendar()
    assert cal.add_workdays(D("2026-03-02"), 1) == D("2026-03-03")
    far = cal.add_workdays(D("2005-01-04"), 5000)  # crosses ~20 years, span rebuilt on the way
    assert cal.workdays_between(D("2005-01-04"), far) == 5000
    assert far == _naive_add(D("2005-01-04"), 5000)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.add_workdays(D("2026-03-02"), -1), "负数"),
        (lambda c: c.add_workdays(D("2026-03-02"), 1.5), "整数"),
        (lambda c: c.add_workdays(D("2026-03-02"), "3"), "整数"),
        (lambda c: c.add_workdays(D("2026-03-02"), True), "整数"),
        (lambda c: c.add_workdays(D("2026-03-02"), 10_001), "过大"),
        (lambda c: c.add_workdays(D("2003-12-31"), 1), "超出日历范围"),
        (lambda c: c.add_workdays(D("2101-01-01"), 1), "超出日历范围"),
        (lambda c: c.add_workdays(D("2100-12-01"), 100), "超出日历范围"),
        (lambda c: c.workdays_between(D("2003-06-01"), D("2026-01-01")), "超出日历范围"),
        (lambda c: c.is_workday(D("1999-01-01")), "超出日历范围"),
        (lambda c: c.day_info(D("2200-01-01")), "超出日历范围"),
        (lambda c: due_date(c, D("2026-03-02"), -1), "负数"),
        (lambda c: due_date(c, D("2026-03-02"), 20, [Extension(-5)]), "负数"),
        (
            lambda c: due_date(c, D("2026-03-02"), 20, [Pause(D("2026-03-05"), D("2026-03-04"))]),
            "早于",
        ),
        (lambda c: due_date(c, D("2026-03-02"), 20, [Restart(D("2026-03-01"))]), "早于"),
        (lambda c: explain(c, D("2026-03-02"), -3), "负数"),
    ],
)
def test_bad_input_raises_calendar_error(cal: WorkCalendar, call, message: str) -> None:  # type: ignore[no-untyped-def]
    """Issue 2 "Bad input": dates outside the calendar, negative working days → CalendarError
    with a Chinese message."""
    with pytest.raises(CalendarError, match=message):
        call(cal)


def test_bad_thresholds() -> None:
    with pytest.raises(CalendarError):
        Thresholds(yellow_left=1, red_left=3)
    with pytest.raises(CalendarError):
        Thresholds(yellow_left=5, red_left=-1)


# --- overrides and unknown years ----------------------------------------------------------------

SCHEDULE_2027 = [  # an administrator's entry before the library knows 2027 (illustrative)
    Override(D("2027-01-01"), False, "元旦"),
    *[Override(D("2027-02-06") + dt.timedelta(days=i), False, "春节") for i in range(8)],
    Override(D("2027-02-14"), True, "春节"),  # Sun worked
]


def test_unknown_year_is_counted_monday_to_friday_and_warned(cal: WorkCalendar) -> None:
    """DOMAIN.md §1: warn loudly, never a silent weekends-only guess."""
    e = explain(cal, D("2026-12-20"), 20)
    assert e.warnings and "2027" in e.warnings[0]
    assert D("2027-01-01") not in [d.day for d in e.skipped]  # assumed a working day…
    assert all(d.source == "assumed" for d in e.skipped if d.day.year == 2027)
    assert "未知" in [d for d in e.skipped if d.day.year == 2027][0].reason
    clock = due_date(cal, D("2026-12-20"), 20)
    assert clock.warnings and "2027" in clock.warnings[0]
    # …and a period wholly inside a published year carries no warning.
    assert explain(cal, D("2026-03-02"), 20).warnings == []
    assert due_date(cal, D("2026-03-02"), 20).warnings == ()


def test_warning_when_today_is_in_an_unknown_year(cal: WorkCalendar) -> None:
    """Used/left up to 'today' touch today's year too."""
    clock = due_date(cal, D("2026-12-01"), 5, today=D("2027-01-04"))
    assert clock.light is Light.OVERDUE
    assert clock.warnings


def test_overrides_fill_an_unknown_year_and_complete_marking_silences_the_warning() -> None:
    entered = WorkCalendar(SCHEDULE_2027)
    assert not entered.is_workday(D("2027-01-01"))
    assert entered.day_info(D("2027-02-08")).reason == "春节"
    assert entered.day_info(D("2027-02-14")).kind is DayKind.MAKEUP
    assert entered.day_info(D("2027-02-14")).reason == "春节调休上班"
    assert entered.add_workdays(D("2027-02-05"), 1) == D("2027-02-14")
    assert entered.add_workdays(D("2027-02-05"), 2) == D("2027-02-15")
    # Entered but not yet declared complete: still warned.
    assert explain(entered, D("2027-02-05"), 2).warnings
    complete = WorkCalendar(SCHEDULE_2027, complete_years=[2027])
    assert complete.is_known_year(2027)
    assert explain(complete, D("2027-02-05"), 2).warnings == []
    assert complete.unknown_years(D("2026-01-01"), D("2028-01-01")) == [2028]


def test_override_wins_over_the_published_schedule() -> None:
    """A local holiday (or a correction) entered by an administrator takes precedence."""
    cal = WorkCalendar(
        [Override(D("2026-03-03"), False, "地方节日"), Override(D("2026-02-16"), True)]
    )
    assert cal.add_workdays(D("2026-03-02"), 1) == D("2026-03-04")
    assert cal.day_info(D("2026-03-03")).reason == "地方节日"
    assert cal.day_info(D("2026-03-03")).source == "override"
    assert cal.is_workday(D("2026-02-16"))
    # An unnamed rest override on a weekend is just a weekend.
    plain = WorkCalendar([Override(D("2026-03-07"), False)])
    assert plain.day_info(D("2026-03-07")).kind is DayKind.WEEKEND


# --- explain (the public calculator) -------------------------------------------------------------


def test_explain_spring_festival_2026(cal: WorkCalendar) -> None:
    """20 working days from Fri 2026-02-13: every skipped day with its reason, both make-up
    Saturdays counted."""
    e = explain(cal, D("2026-02-13"), 20)
    assert e.due == D("2026-03-19")
    assert e.calendar_days == 34
    festival = [d for d in e.skipped if d.reason == "春节"]
    assert [d.day for d in festival] == SPRING_FESTIVAL_2026_OFF
    weekends = [d.day for d in e.skipped if d.reason == "周末"]
    assert weekends == [
        D(x) for x in ("2026-03-01", "2026-03-07", "2026-03-08", "2026-03-14", "2026-03-15")
    ]
    assert [(d.day, d.reason) for d in e.makeup_days] == [
        (D("2026-02-14"), "春节调休上班"),
        (D("2026-02-28"), "春节调休上班"),
    ]
    assert e.calendar_days == e.workdays + len(e.skipped)


def test_explain_national_day_2026(cal: WorkCalendar) -> None:
    e = explain(cal, D("2026-09-18"), 20)
    skipped = {d.day: d.reason for d in e.skipped}
    assert all(skipped[d] == "国庆节" for d in NATIONAL_DAY_2026_OFF)
    assert skipped[D("2026-09-25")] == "中秋节"
    assert [d.day for d in e.makeup_days] == [D("2026-09-20"), D("2026-10-10")]
    assert cal.workdays_between(D("2026-09-18"), e.due) == 20


def test_explain_zero_days(cal: WorkCalendar) -> None:
    e = explain(cal, D("2026-10-03"), 0)
    assert (e.due, e.skipped, e.makeup_days, e.calendar_days) == (D("2026-10-03"), [], [], 0)


# --- the clock: (received, events, expected due date, reason) -----------------------------------

RECEIVED = D("2026-03-02")  # Monday; 20 working days → 2026-03-30

CLOCK_CASES = [
    (RECEIVED, 20, [], "2026-03-30", "条例 Art. 33: 20 working days"),
    (
        RECEIVED,
        20,
        [Extension(20, "负责人批准延长")],
        "2026-04-28",
        "条例 Art. 33: +20 with approval; 清明 04-04..06 skipped",
    ),
    (
        RECEIVED,
        20,
        [Restart(D("2026-03-10"), "收到补正申请")],
        "2026-04-08",
        "条例 Art. 30: period restarts from the corrected application",
    ),
    (
        RECEIVED,
        20,
        [Pause(D("2026-03-05"), D("2026-03-12"), "征求第三方意见")],
        "2026-04-07",
        "条例 Art. 32: 5 working days of consultation not counted",
    ),
    (
        RECEIVED,
        20,
        [Pause(D("2026-03-05"), None, "征求第三方意见")],
        None,
        "open pause: the due date is unknown while the clock stands still",
    ),
    (
        RECEIVED,
        20,
        [Pause(D("2026-04-01"), D("2026-04-10"))],
        "2026-03-30",
        "a pause beginning after the due date changes nothing",
    ),
    (
        RECEIVED,
        20,
        [Pause(D("2026-03-30"), D("2026-04-10"))],
        "2026-03-30",
        "a pause beginning on the due date changes nothing",
    ),
    (
        RECEIVED,
        20,
        [Pause(D("2026-03-03"), D("2026-03-05")), Restart(D("2026-03-10"))],
        "2026-04-08",
        "a pause before the restart belongs to the old period",
    ),
    (
        RECEIVED,
        20,
        [Extension(5), Restart(D("2026-03-10"))],
        "2026-04-08",
        "an extension before the restart belongs to the old period",
    ),
    (
        RECEIVED,
        20,
        [Restart(D("2026-03-10")), Extension(5)],
        "2026-04-15",
        "an extension after the restart counts: 04-08 + 5",
    ),
    (
        RECEIVED,
        20,
        [Pause(D("2026-03-05"), D("2026-03-12")), Pause(D("2026-03-10"), D("2026-03-17"))],
        "2026-04-10",
        "overlapping pauses merge: 03-06..03-17 = 8 working days",
    ),
    (
        RECEIVED,
        20,
        [Pause(D("2026-03-20"), D("2026-03-23")), Pause(D("2026-03-05"), D("2026-03-06"))],
        "2026-04-01",
        "pauses in any order: 1 + 1 working days",
    ),
    (
        D("2026-09-24"),
        20,
        [Pause(D("2026-09-29"), D("2026-10-09")), Extension(20)],
        "2026-12-01",
        "国庆 inside a pause: only 09-30, 10-08, 10-09 are not counted; +20 extension",
    ),
    (
        D("2026-09-24"),
        20,
        [
            Pause(D("2026-09-28"), D("2026-09-30")),
            Pause(D("2026-10-12"), D("2026-10-14")),
            Pause(D("2026-10-19"), D("2026-10-20")),
            Extension(20),
        ],
        "2026-12-03",
        "3 pauses (2 + 2 + 1 working days) and an extension (the benchmark shape)",
    ),
    (D("2026-02-13"), 7, [], "2026-03-02", "条例 Art. 30: 7 working days for 补正 across 春节"),
]


@pytest.mark.parametrize(("received", "limit", "events", "due", "reason"), CLOCK_CASES)
def test_clock_due_date(
    cal: WorkCalendar,
    received: dt.date,
    limit: int,
    events: list,
    due: str | None,
    reason: str,  # type: ignore[type-arg]
) -> None:
    clock = due_date(cal, received, limit, events)
    assert clock.due == (D(due) if due else None), reason


def test_clock_reports_day0_limit_and_paused_days(cal: WorkCalendar) -> None:
    clock = due_date(
        cal,
        RECEIVED,
        20,
        [Restart(D("2026-03-10")), Pause(D("2026-03-12"), D("2026-03-16")), Extension(20)],
    )
    assert clock.day0 == D("2026-03-10")
    assert clock.limit == 40
    assert clock.paused_workdays == 2  # 03-13, 03-16


LIGHT_CASES = [
    # (today, events, used, left, light, reason)
    ("2026-03-02", [], 0, 20, Light.GREEN, "day 0"),
    ("2026-02-20", [], 0, 20, Light.GREEN, "before day 0: nothing used"),
    ("2026-03-16", [], 10, 10, Light.GREEN, "half-way"),
    ("2026-03-23", [], 15, 5, Light.YELLOW, "≤ 5 left: yellow (clock.yellow_left)"),
    ("2026-03-27", [], 19, 1, Light.RED, "≤ 1 left: red (clock.red_left)"),
    ("2026-03-30", [], 20, 0, Light.RED, "the due day itself is still in time"),
    ("2026-03-31", [], 21, -1, Light.OVERDUE, "the day after: overdue"),
    (
        "2026-03-16",
        [Pause(D("2026-03-05"), D("2026-03-12"))],
        5,
        15,
        Light.GREEN,
        "paused days are not used",
    ),
    ("2026-03-10", [Pause(D("2026-03-05"), None)], 3, 17, Light.PAUSED, "open pause"),
    (
        "2026-03-04",
        [Pause(D("2026-03-05"), None)],
        2,
        18,
        Light.GREEN,
        "a pause that has not begun yet",
    ),
    ("2026-04-02", [Extension(20)], 23, 17, Light.GREEN, "after an extension"),
]


@pytest.mark.parametrize(("today", "events", "used", "left", "light", "reason"), LIGHT_CASES)
def test_clock_used_left_light(
    cal: WorkCalendar,
    today: str,
    events: list,
    used: int,
    left: int,
    light: Light,
    reason: str,  # type: ignore[type-arg]
) -> None:
    clock = due_date(cal, RECEIVED, 20, events, today=D(today))
    assert (clock.used, clock.left, clock.light) == (used, left, light), reason
    if clock.due is not None:
        assert clock.left == cal.workdays_between(D(today), clock.due) or D(today) < RECEIVED


def test_clock_thresholds_are_configurable(cal: WorkCalendar) -> None:
    clock = due_date(cal, RECEIVED, 20, today=D("2026-03-16"), thresholds=Thresholds(10, 3))
    assert clock.light is Light.YELLOW
    clock = due_date(cal, RECEIVED, 20, today=D("2026-03-25"), thresholds=Thresholds(10, 3))
    assert clock.light is Light.RED  # 3 left


def test_clock_without_today_has_no_light(cal: WorkCalendar) -> None:
    clock = due_date(cal, RECEIVED, 20)
    assert (clock.used, clock.left, clock.light, clock.paused) == (None, None, None, False)


def test_property_paused_clock_equals_shifted_period() -> None:
    """A closed pause of k working days moves the due date by exactly k working days."""
    cal = WorkCalendar()
    rng = random.Random(33)
    first = dt.date(2024, 1, 1).toordinal()
    for _ in range(500):
        start = dt.date.fromordinal(first + rng.randint(0, 900))
        limit = rng.randint(1, 40)
        p_start = start + dt.timedelta(days=rng.randint(0, 30))
        p_end = p_start + dt.timedelta(days=rng.randint(0, 20))
        plain = cal.add_workdays(start, limit)
        clock = due_date(cal, start, limit, [Pause(p_start, p_end)])
        if p_start >= plain:
            assert clock.due == plain
        else:
            k = cal.workdays_between(max(p_start, start), p_end)
            assert clock.due == cal.add_workdays(plain, k)


# --- parsing what people type ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-02-06", "2027-02-06"),
        ("2027/2/6", "2027-02-06"),
        ("2027.2.6", "2027-02-06"),
        ("2027年2月6日", "2027-02-06"),
        ("20270206", "2027-02-06"),
        (" 2027-02-06 ", "2027-02-06"),
        ("2027-02-30", None),
        ("2027-13-01", None),
        ("明天", None),
        ("", None),
        ("9" * 50, None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == (D(expected) if expected else None)


@pytest.mark.parametrize(
    ("start", "workdays", "field", "message"),
    [
        ("", "20", "start", "请填写起算日"),
        ("2026-02-30", "20", "start", "不是有效日期"),
        ("1999-01-01", "20", "start", "超出日历范围"),
        ("2026-02-13", "", "workdays", "请填写期限"),
        ("2026-02-13", "abc", "workdays", "不是整数"),
        ("2026-02-13", "--5", "workdays", "不是整数"),
        ("2026-02-13", "1.5", "workdays", "不是整数"),
        ("2026-02-13", "-1", "workdays", "负数"),
        ("2026-02-13", "1001", "workdays", "过长"),
        ("2026-02-13", "9" * 40, "workdays", "不是整数"),
    ],
)
def test_parse_period_errors(start: str, workdays: str, field: str, message: str) -> None:
    with pytest.raises(CalendarError, match=message) as info:
        parse_period(start, workdays, 1000)
    assert info.value.field == field


def test_parse_schedule() -> None:
    text = """
    # 2027 年春节（示例）
    2027-02-06 休 春节
    2027-02-14 班 春节调休
    2027/02/20，上班，春节补班
    2027-10-01\t休\t国庆节
    2027-05-01 休
    """
    entries, errors = parse_schedule(text)
    assert errors == []
    assert [(e.override.day, e.override.is_workday, e.override.name) for e in entries] == [
        (D("2027-02-06"), False, "春节"),
        (D("2027-02-14"), True, "春节"),
        (D("2027-02-20"), True, "春节"),
        (D("2027-10-01"), False, "国庆节"),
        (D("2027-05-01"), False, ""),
    ]


def test_parse_schedule_reports_every_bad_line() -> None:
    text = "2027-02-06 休 春节\n2027-02-30 休 春节\n2027-02-07 放风\n2027-02-08\n2027-02-06 班\n1999-01-01 休"
    entries, errors = parse_schedule(text)
    assert len(entries) == 1
    assert len(errors) == 5
    assert errors[0].startswith("第 2 行") and "无法识别" in errors[0]
    assert "第 3 行" in errors[1] and "休" in errors[1]
    assert "第 4 行" in errors[2]
    assert "重复" in errors[3]
    assert "超出日历范围" in errors[4]


# --- differential check: the fast ordinal clock against a plain reference ------------------------


def _reference_due(
    cal: WorkCalendar,
    start: dt.date,
    limit: int,
    events: list,  # type: ignore[type-arg]
    today: dt.date | None,
) -> tuple[dt.date | None, int | None, int | None, bool, int]:
    """The clock written plainly with dates and the public methods (DOMAIN.md §1)."""
    day0, total, pauses = start, limit, []
    for ev in events:
        if isinstance(ev, Restart):
            day0, total = ev.day, limit
        elif isinstance(ev, Extension):
            total += ev.days
        else:
            pauses.append(ev)
    spans: list[list] = []  # type: ignore[type-arg]
    for p in sorted(pauses, key=lambda p: p.start):
        if p.end is not None and p.end <= day0:
            continue
        s = max(p.start, day0)
        if spans and (spans[-1][1] is None or s <= spans[-1][1]):
            if spans[-1][1] is not None:
                spans[-1][1] = None if p.end is None else max(spans[-1][1], p.end)
            continue
        spans.append([s, p.end])
    due: dt.date | None = cal.add_workdays(day0, total)
    applied, paused_days = [], 0
    for s, e in spans:
        assert due is not None
        if s >= due:
            break
        applied.append((s, e))
        if e is None:
            due = None
            break
        k = cal.workdays_between(s, e)
        paused_days += k
        due = cal.add_workdays(due, k)
    if today is None:
        return due, None, None, bool(applied) and applied[-1][1] is None, paused_days
    used = cal.workdays_between(day0, today) if today > day0 else 0
    for s, e in applied:
        if s >= today:
            break
        used -= cal.workdays_between(s, today if e is None or e > today else e)
    paused = bool(applied) and applied[-1][1] is None and applied[-1][0] <= today
    return due, used, total - used, paused, paused_days


def test_property_clock_matches_the_plain_reference() -> None:
    cal = WorkCalendar()
    rng = random.Random(34)  # 条例 Art. 34
    first = dt.date(2024, 1, 1).toordinal()
    for _ in range(3000):
        start = dt.date.fromordinal(first + rng.randint(0, 1000))
        events: list = []  # type: ignore[type-arg]
        day = start
        for _ in range(rng.randint(0, 5)):
            roll = rng.random()
            day += dt.timedelta(days=rng.randint(0, 15))
            if roll < 0.55:
                back = dt.timedelta(days=rng.randint(0, 10))  # sometimes out of order / overlapping
                p_start = day - back
                end = None if rng.random() < 0.1 else p_start + dt.timedelta(rng.randint(0, 25))
                events.append(Pause(p_start, end))
            elif roll < 0.8:
                events.append(Extension(rng.randint(0, 20)))
            else:
                events.append(Restart(day))
        limit = rng.choice((0, 1, 7, 15, 20))
        today = start + dt.timedelta(days=rng.randint(-5, 120)) if rng.random() < 0.8 else None
        clock = due_date(cal, start, limit, events, today=today)
        expected = _reference_due(cal, start, limit, events, today)
        got = (clock.due, clock.used, clock.left, clock.paused, clock.paused_workdays)
        if clock.due is None:  # paused_workdays only describes a running clock
            got, expected = got[:4], expected[:4]
        assert got == expected, (start, limit, events, today)


def test_clock_grows_the_span_when_needed() -> None:
    """A fresh calendar, a pause ending years later, today far away: still exact."""
    cal = WorkCalendar()
    clock = due_date(
        cal,
        D("2010-03-01"),
        20,
        [Pause(D("2010-03-02"), D("2013-03-01"))],
        today=D("2016-01-04"),
    )
    ref = WorkCalendar()
    k = ref.workdays_between(D("2010-03-02"), D("2013-03-01"))
    assert clock.due == ref.add_workdays(ref.add_workdays(D("2010-03-01"), 20), k)
    assert clock.light is Light.OVERDUE
    with pytest.raises(CalendarError, match="超出日历范围"):
        due_date(WorkCalendar(), D("2026-03-02"), 20, [Pause(D("2026-03-03"), D("2200-01-01"))])
