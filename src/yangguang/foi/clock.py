"""The reply clock of an application, recomputed from its events (条例 Art. 30–34, 42; DOMAIN.md §3).

- 20 working days from receipt (Art. 33), day 0 = received_on (DOMAIN.md §1);
- a 补正 notice stops the clock; the period restarts from the day the corrected application
  is received (Art. 30) → Pause(requested) + Restart(received);
- consultation of a third party (Art. 32) or another agency (Art. 34) is not counted → Pause;
- an approved extension adds up to 20 working days (Art. 33) → Extension;
- waiting for a fee stops the clock when the rule `foi.fee_stops_clock` says so (default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from yangguang.core.workdays import (
    Clock,
    ClockEvent,
    Extension,
    Light,
    Pause,
    Restart,
    Thresholds,
    WorkCalendar,
    due_date,
)
from yangguang.foi.models import Application, ApplicationEvent, EventKind

REPLY_LIMIT = 20  # Art. 33
EXTENSION_MAX = 20  # Art. 33
CORRECTION_NOTICE_LIMIT = 7  # Art. 30
CONSULTATION_LIMIT = 15  # Art. 32, 34
FEE_PAYMENT_LIMIT = 20  # 国办函〔2020〕109号


def clock_events(events: Sequence[ApplicationEvent], *, fee_stops: bool) -> list[ClockEvent]:
    """Translate event rows (in date order) into the clock's Pause/Restart/Extension."""
    out: list[ClockEvent] = []
    open_pause: dict[str, dt.date] = {}

    def close(key: str, end: dt.date, reason: str) -> None:
        start = open_pause.pop(key, None)
        if start is not None:
            out.append(Pause(start, max(start, end), reason))

    for e in sorted(events, key=lambda e: (e.on, e.pk or 0)):
        kind = e.kind
        if kind == EventKind.CORRECTION_REQUESTED:
            open_pause["correction"] = e.on
        elif kind == EventKind.CORRECTION_RECEIVED:
            close("correction", e.on, "补正")
            out.append(Restart(e.on, "收到补正后的申请（条例第三十条）"))
        elif kind == EventKind.EXTENDED:
            out.append(Extension(int(e.data.get("days", 0)), "延长答复期限（条例第三十三条）"))
        elif kind == EventKind.CONSULTATION_STARTED:
            open_pause.setdefault("consultation", e.on)
        elif kind == EventKind.CONSULTATION_ENDED:
            close("consultation", e.on, "征求意见（条例第三十二条、第三十四条）")
        elif kind == EventKind.FEE_NOTIFIED and fee_stops:
            open_pause.setdefault("fee", e.on)
        elif kind == EventKind.FEE_PAID and fee_stops:
            close("fee", e.on, "等待缴费")
    for key, start in open_pause.items():
        out.append(Pause(start, None, key))
    # Restarts must come in date order; due_date() takes the last one.
    return out


def compute_clock(
    application: Application,
    events: Iterable[ApplicationEvent],
    *,
    calendar: WorkCalendar,
    fee_stops: bool = True,
    today: dt.date | None = None,
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen
) -> Clock:
    return due_date(
        calendar,
        application.received_on,
        REPLY_LIMIT,
        clock_events(list(events), fee_stops=fee_stops),
        today=today,
        thresholds=thresholds,
    )


def light_for(
    due_on: dt.date | None,
    is_open: bool,
    *,
    calendar: WorkCalendar,
    today: dt.date,
    thresholds: Thresholds,
) -> Light | None:
    """The queue light from the stored due date (cheap: no events needed)."""
    if not is_open:
        return None
    if due_on is None:
        return Light.PAUSED
    if today > due_on:
        return Light.OVERDUE
    left = calendar.workdays_between(today, due_on)
    if left <= thresholds.red_left:
        return Light.RED
    if left <= thresholds.yellow_left:
        return Light.YELLOW
    return Light.GREEN
