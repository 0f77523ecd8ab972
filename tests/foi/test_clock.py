"""Deadline table across the 2026 holidays (DOMAIN.md §1, §3): (received, events, expected due).

Spring Festival 02-15..02-23 off, 02-14 (Sat) and 02-28 (Sat) worked; Mid-Autumn 09-25 off;
National Day 10-01..10-07 off, 09-20 (Sun) and 10-10 (Sat) worked. Day 0 = day of receipt."""

from __future__ import annotations

import datetime as dt

import pytest

from yangguang.core.workdays import WorkCalendar
from yangguang.foi.clock import compute_clock
from yangguang.foi.models import Application, ApplicationEvent

D = dt.date
CAL = WorkCalendar()


def ev(kind: str, on: dt.date, **data: int) -> ApplicationEvent:
    return ApplicationEvent(kind=kind, on=on, data=data)


TABLE = [
    # (received, events, fee_stops, expected due, why)
    (D(2026, 2, 5), [], True, D(2026, 3, 11), "Art. 33: 20 working days over Spring Festival"),
    (D(2026, 2, 13), [], True, D(2026, 3, 19), "02-14 (Sat) is worked and counts as day 1"),
    (D(2026, 2, 14), [], True, D(2026, 3, 20), "received on a make-up Saturday"),
    (D(2026, 2, 20), [], True, D(2026, 3, 20), "received during the holiday: same as 02-14"),
    (D(2026, 9, 15), [], True, D(2026, 10, 19), "09-20 and 10-10 worked, 09-25, 10-01..07 off"),
    (D(2026, 9, 30), [], True, D(2026, 11, 3), "day 1 is 10-08 after National Day"),
    (
        D(2026, 9, 15),
        [ev("correction_requested", D(2026, 9, 18)), ev("correction_received", D(2026, 9, 29))],
        True,
        D(2026, 11, 2),
        "Art. 30: restart from the corrected application (09-29)",
    ),
    (
        D(2026, 9, 15),
        [ev("correction_requested", D(2026, 9, 18))],
        True,
        None,
        "Art. 30: waiting for the correction, no due date",
    ),
    (
        D(2026, 2, 5),
        [ev("extended", D(2026, 3, 5), days=20)],
        True,
        D(2026, 4, 9),
        "Art. 33: +20 working days",
    ),
    (
        D(2026, 9, 15),
        [ev("consultation_started", D(2026, 9, 18)), ev("consultation_ended", D(2026, 9, 29))],
        True,
        D(2026, 10, 28),
        "Art. 32: 7 working days of consultation not counted",
    ),
    (
        D(2026, 2, 5),
        [ev("fee_notified", D(2026, 2, 10)), ev("fee_paid", D(2026, 2, 26))],
        True,
        D(2026, 3, 20),
        "fee wait (7 working days) not counted (configurable, default)",
    ),
    (
        D(2026, 2, 5),
        [ev("fee_notified", D(2026, 2, 10)), ev("fee_paid", D(2026, 2, 26))],
        False,
        D(2026, 3, 11),
        "fee wait counted when the rule says so",
    ),
    (
        D(2026, 2, 5),
        [
            ev("consultation_started", D(2026, 2, 10)),
            ev("consultation_ended", D(2026, 2, 26)),
            ev("extended", D(2026, 3, 5), days=20),
        ],
        True,
        D(2026, 4, 20),
        "pause and extension together",
    ),
]


@pytest.mark.parametrize(("received", "events", "fee_stops", "due", "why"), TABLE)
def test_due_dates(
    received: dt.date,
    events: list[ApplicationEvent],
    fee_stops: bool,
    due: dt.date | None,
    why: str,
) -> None:
    app = Application(received_on=received)
    clock = compute_clock(app, events, calendar=CAL, fee_stops=fee_stops)
    assert clock.due == due, why
    assert clock.warnings == ()


def test_unknown_year_warns() -> None:
    """A deadline in a year without a published schedule warns instead of guessing silently."""
    clock = compute_clock(Application(received_on=D(2026, 12, 21)), [], calendar=CAL)
    if CAL.is_known_year(2027):
        pytest.skip("the calendar package already knows 2027")
    assert clock.warnings and "2027" in clock.warnings[0]
