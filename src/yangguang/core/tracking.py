"""Public tracking numbers (受理编号) and query codes (查询密码).

Numbers are readable and unique per kind and year (YSQ-2026-000123). The sequence row is
incremented in a short transaction: PostgreSQL's row lock and SQLite's IMMEDIATE transactions
serialise concurrent writers, so parallel creations get distinct numbers (gaps are possible when
a caller's transaction rolls back; duplicates are not).
The query code is shown to the citizen once and stored only as a hash (the first entry of
PASSWORD_HASHERS, argon2); wrong codes are counted and the number is locked for
TRACKING_LOCK_MINUTES after TRACKING_MAX_FAILURES failures in a row from one client (IP
address), and for every client after TRACKING_MAX_FAILURES_TOTAL from all. Numbers are
sequential, so a lock for everyone after a few wrong codes let anyone lock an applicant out;
per client, guessing an 8-character code (31^8) at 5 tries per 30 minutes stays hopeless.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from yangguang.core.context import current_ip
from yangguang.core.models import TrackingFailure, TrackingSequence, TrackingTicket

# Query codes avoid look-alike characters (0/O, 1/I/L) for people reading them off paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
KIND_RE = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")
NUMBER_RE = re.compile(r"^[A-Z][A-Z0-9]{1,7}-\d{4}-\d{6,}$")


def format_number(kind: str, year: int, serial: int) -> str:
    return f"{kind}-{year}-{serial:06d}"


def next_number(kind: str, year: int) -> str:
    """The next number for `kind` in `year`, e.g. next_number("YSQ", 2026) → "YSQ-2026-000124".

    Safe under concurrency on both databases; when called inside the caller's transaction the
    sequence row stays locked until that transaction ends (numbers are then gap-free too)."""
    if not KIND_RE.match(kind):
        raise ValueError(
            f"invalid tracking kind {kind!r}: 2-8 capital letters or digits, starting with a letter"
        )
    if not 2000 <= year <= 9999:
        raise ValueError(f"invalid tracking year {year!r}")
    with transaction.atomic():
        # UPDATE first: it takes the row lock (PostgreSQL) before reading the new value, so two
        # writers can never read the same `last`.
        updated = TrackingSequence.objects.filter(kind=kind, year=year).update(last=F("last") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    TrackingSequence.objects.create(kind=kind, year=year, last=1)
            except IntegrityError:
                # Someone created the row meanwhile (PostgreSQL waited for their commit).
                TrackingSequence.objects.filter(kind=kind, year=year).update(last=F("last") + 1)
        last = TrackingSequence.objects.values_list("last", flat=True).get(kind=kind, year=year)
    return format_number(kind, year, last)


@dataclass(frozen=True)
class IssuedTicket:
    ticket: TrackingTicket
    code: str  # plain query code: show once, never stored

    @property
    def number(self) -> str:
        return self.ticket.number


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def issue_ticket(kind: str, year: int | None = None, code: str | None = None) -> IssuedTicket:
    """A new tracking number for `kind` (year defaults to today's, Asia/Shanghai) and its query
    code — random, or `code` when the caller derives it (an online submission's, see
    foi.online). Call it inside the service's transaction so number and case are saved
    together."""
    if year is None:
        year = timezone.localdate().year
    if code is None:
        code = new_code()
    # Hash before taking the sequence lock: argon2 is deliberately slow.
    code_hash = make_password(code)
    with transaction.atomic():
        number = next_number(kind, year)
        ticket = TrackingTicket.objects.create(number=number, kind=kind, code_hash=code_hash)
    return IssuedTicket(ticket, code)


class TicketLocked(Exception):
    """Too many wrong query codes: the number is locked until `until`."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(until)
        self.until = until


def normalise_number(number: str) -> str:
    return number.strip().upper().replace(" ", "")


def normalise_code(code: str) -> str:
    return code.strip().upper().replace(" ", "").replace("-", "")


def verify_ticket(number: str, code: str, client: str | None = None) -> TrackingTicket | None:
    """The ticket when `code` matches; None for an unknown number or a wrong code (the caller
    shows the same message for both, and both cost one hash check). Raises TicketLocked while
    the number is locked for `client` (default: the request's IP address), and on the failure
    that locks it."""
    now = timezone.now()
    number = normalise_number(number)
    code = normalise_code(code)
    client = (client if client is not None else current_ip.get()) or ""
    ticket = (
        TrackingTicket.objects.filter(number=number).first() if NUMBER_RE.match(number) else None
    )
    if ticket is None:
        # Same work as a wrong code, so timing does not tell unknown numbers apart.
        make_password(code)
        return None
    mine = TrackingFailure.objects.filter(ticket=ticket, client=client).first()
    for until in (ticket.locked_until, mine.locked_until if mine else None):
        if until and until > now:
            raise TicketLocked(until)
    if code and check_password(code, ticket.code_hash):
        if ticket.failed_attempts or ticket.locked_until:
            TrackingTicket.objects.filter(pk=ticket.pk).update(failed_attempts=0, locked_until=None)
        if mine:
            mine.delete()
        return ticket
    locked_until = _count_failure(ticket, client, now)
    if locked_until is not None:
        raise TicketLocked(locked_until)
    return None


def _count_failure(ticket: TrackingTicket, client: str, now: dt.datetime) -> dt.datetime | None:
    """Count a wrong code for `client` and for the number; the end of the lock it causes.
    Failures count while they come less than TRACKING_LOCK_MINUTES apart: after a quiet spell
    as long as a lock the count starts again at one, so old typos never add up to a lock."""
    window = dt.timedelta(minutes=settings.TRACKING_LOCK_MINUTES)
    until = now + window
    # Count atomically (one UPDATE each): concurrent wrong guesses cannot slip past the limits.
    counted = Case(
        When(last_failed_at__gt=now - window, then=F("failed_attempts") + 1), default=Value(1)
    )
    locked = None
    with transaction.atomic():
        TrackingFailure.objects.get_or_create(ticket=ticket, client=client)
        mine = TrackingFailure.objects.filter(ticket=ticket, client=client)
        mine.update(failed_attempts=counted, last_failed_at=now)
        if mine.values_list("failed_attempts", flat=True).get() >= settings.TRACKING_MAX_FAILURES:
            mine.update(failed_attempts=0, locked_until=until)
            locked = until
        everyone = TrackingTicket.objects.filter(pk=ticket.pk)
        everyone.update(failed_attempts=counted, last_failed_at=now)
        total = everyone.values_list("failed_attempts", flat=True).get()
        if total >= settings.TRACKING_MAX_FAILURES_TOTAL:
            everyone.update(failed_attempts=0, locked_until=until)
            locked = until
    return locked


def prune_failures(now: dt.datetime | None = None) -> int:
    """Forget per-client failure records that count for nothing any more (quiet for longer than
    a lock and not locked), so that guessing at many numbers from many addresses does not grow
    the table for ever. Run daily (foi_daily). Returns how many were deleted."""
    now = now or timezone.now()
    quiet = Q(last_failed_at__isnull=True) | Q(
        last_failed_at__lte=now - dt.timedelta(minutes=settings.TRACKING_LOCK_MINUTES)
    )
    unlocked = Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    deleted, _ = TrackingFailure.objects.filter(quiet & unlocked).delete()
    return deleted
