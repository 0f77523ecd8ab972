"""Public tracking numbers (受理编号) and query codes (查询密码).

Numbers are readable and unique per kind and year (YSQ-2026-000123). The sequence row is
incremented inside the caller's transaction: PostgreSQL's row lock and SQLite's IMMEDIATE
transactions serialise concurrent writers, so parallel creations get distinct numbers.
The query code is shown to the citizen once and stored only as a hash; wrong codes are counted
and the number is locked for a while after repeated failures.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from yangguang.core.models import TrackingSequence, TrackingTicket

# Query codes avoid look-alike characters (0/O, 1/I/L) for people reading them off paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def next_number(kind: str, year: int) -> str:
    """The next number for `kind` in `year`, e.g. next_number("YSQ", 2026) → "YSQ-2026-000124"."""
    with transaction.atomic():
        updated = TrackingSequence.objects.filter(kind=kind, year=year).update(last=F("last") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    TrackingSequence.objects.create(kind=kind, year=year, last=1)
            except IntegrityError:
                TrackingSequence.objects.filter(kind=kind, year=year).update(last=F("last") + 1)
        last = TrackingSequence.objects.values_list("last", flat=True).get(kind=kind, year=year)
    return f"{kind}-{year}-{last:06d}"


@dataclass(frozen=True)
class IssuedTicket:
    ticket: TrackingTicket
    code: str  # plain query code: show once, never stored


def issue_ticket(kind: str, year: int) -> IssuedTicket:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    number = next_number(kind, year)
    ticket = TrackingTicket.objects.create(number=number, kind=kind, code_hash=make_password(code))
    return IssuedTicket(ticket, code)


class TicketLocked(Exception):
    def __init__(self, until: dt.datetime) -> None:
        super().__init__(until)
        self.until = until


def normalise_code(code: str) -> str:
    return code.strip().upper().replace(" ", "").replace("-", "")


def verify_ticket(number: str, code: str) -> TrackingTicket | None:
    """The ticket when `code` matches; None for an unknown number or a wrong code (the caller
    shows the same message for both). Raises TicketLocked while the number is locked."""
    now = timezone.now()
    ticket = TrackingTicket.objects.filter(number=number.strip().upper()).first()
    if ticket is None:
        return None
    if ticket.locked_until and ticket.locked_until > now:
        raise TicketLocked(ticket.locked_until)
    if check_password(normalise_code(code), ticket.code_hash):
        if ticket.failed_attempts:
            TrackingTicket.objects.filter(pk=ticket.pk).update(failed_attempts=0, locked_until=None)
        return ticket
    failures = ticket.failed_attempts + 1
    if failures >= settings.TRACKING_MAX_FAILURES:
        until = now + dt.timedelta(minutes=settings.TRACKING_LOCK_MINUTES)
        TrackingTicket.objects.filter(pk=ticket.pk).update(failed_attempts=0, locked_until=until)
        raise TicketLocked(until)
    TrackingTicket.objects.filter(pk=ticket.pk).update(failed_attempts=F("failed_attempts") + 1)
    return None
