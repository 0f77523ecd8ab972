"""The working-day clock (issue 2 point 12): µs per `add_workdays` and per `due_date` with 3
pauses and an extension, over 1,000,000 calls each, random dates 2024–2026, warm calendar.
Targets: ≤ 5 µs and ≤ 20 µs.

    .venv/bin/python bench/run.py workdays
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from bench.run import scaled, timed
from yangguang.core.workdays import (
    Extension,
    Pause,
    WorkCalendar,
    due_date,
    explain,
)

CALLS = 1_000_000
POOL = 20_000  # distinct inputs, cycled through


def _inputs(rng: random.Random) -> tuple[list[dt.date], list[int], list[list[Any]], list[dt.date]]:
    first = dt.date(2024, 1, 1).toordinal()
    last = dt.date(2026, 12, 31).toordinal()
    starts, limits, events, todays = [], [], [], []
    for _ in range(POOL):
        start = dt.date.fromordinal(rng.randint(first, last))
        starts.append(start)
        limits.append(rng.choice((7, 15, 20, 20, 20, 45)))
        # Three pauses (third party, other agency, fee) and one extension, as a FOI case has.
        day = start
        evs: list[Any] = []
        for reason in ("征求第三方意见", "征求其他机关意见", "等待缴费"):
            day += dt.timedelta(days=rng.randint(1, 8))
            end = day + dt.timedelta(days=rng.randint(1, 10))
            evs.append(Pause(day, end, reason))
            day = end
        evs.append(Extension(20, "负责人批准延长"))
        events.append(evs)
        todays.append(start + dt.timedelta(days=rng.randint(0, 60)))
    return starts, limits, events, todays


def run() -> list[dict[str, Any]]:
    rng = random.Random(2026)
    cal = WorkCalendar()
    starts, limits, events, todays = _inputs(rng)
    ns = [rng.randint(0, 60) for _ in range(POOL)]
    # Warm: the precomputed span covers every date used below.
    for i in range(POOL):
        due_date(cal, starts[i], limits[i], events[i], today=todays[i])
    calls = scaled(CALLS)
    mask = POOL  # i % POOL

    add = cal.add_workdays
    us_add, cpu_add = timed(lambda i: add(starts[i % mask], ns[i % mask]), calls)

    between = cal.workdays_between
    us_between, cpu_between = timed(lambda i: between(starts[i % mask], todays[i % mask]), calls)

    is_workday = cal.is_workday
    us_is, cpu_is = timed(lambda i: is_workday(starts[i % mask]), calls)

    us_due, cpu_due = timed(
        lambda i: due_date(cal, starts[i % mask], limits[i % mask], events[i % mask]), calls
    )
    us_due_today, cpu_due_today = timed(
        lambda i: due_date(
            cal, starts[i % mask], limits[i % mask], events[i % mask], today=todays[i % mask]
        ),
        calls,
    )
    explain_calls = scaled(20_000)
    us_explain, cpu_explain = timed(lambda i: explain(cal, starts[i % mask], 20), explain_calls)

    note = "random dates 2024–2026, warm calendar, loop included"
    return [
        {
            "name": "add_workdays",
            "value": us_add,
            "cpu": cpu_add,
            "unit": "µs/call",
            "target": 5.0,
            "calls": calls,
            "note": note + "; n = 0..60",
        },
        {
            "name": "due_date (3 pauses + extension)",
            "value": us_due,
            "cpu": cpu_due,
            "unit": "µs/call",
            "target": 20.0,
            "calls": calls,
            "note": note,
        },
        {
            "name": "due_date (3 pauses + extension, with today → used/left/light)",
            "value": us_due_today,
            "cpu": cpu_due_today,
            "unit": "µs/call",
            "target": 20.0,
            "calls": calls,
            "note": note,
        },
        {
            "name": "workdays_between",
            "value": us_between,
            "cpu": cpu_between,
            "unit": "µs/call",
            "calls": calls,
            "note": note,
        },
        {
            "name": "is_workday",
            "value": us_is,
            "cpu": cpu_is,
            "unit": "µs/call",
            "calls": calls,
            "note": note,
        },
        {
            "name": "explain (20 working days, calculator page/API)",
            "value": us_explain,
            "cpu": cpu_explain,
            "unit": "µs/call",
            "calls": explain_calls,
            "note": "every skipped day listed",
        },
    ]
