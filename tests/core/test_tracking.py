"""Tracking numbers and query codes (issue 2 point 6; DOMAIN.md: the citizen follows an
application with number + query code)."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.db import connection, connections

from yangguang.core.models import TrackingFailure, TrackingSequence, TrackingTicket
from yangguang.core.tracking import (
    CODE_ALPHABET,
    CODE_LENGTH,
    TicketLocked,
    issue_ticket,
    next_number,
    verify_ticket,
)

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_number_format() -> None:
    assert next_number("YSQ", 2026) == "YSQ-2026-000001"
    assert next_number("YSQ", 2026) == "YSQ-2026-000002"


@pytest.mark.parametrize(
    ("calls", "expected"),
    [
        # Each kind and each year counts on its own.
        (
            [("YSQ", 2026), ("YSQ", 2026), ("BJ", 2026)],
            ["YSQ-2026-000001", "YSQ-2026-000002", "BJ-2026-000001"],
        ),
        (
            [("YSQ", 2026), ("YSQ", 2027), ("YSQ", 2026)],
            ["YSQ-2026-000001", "YSQ-2027-000001", "YSQ-2026-000002"],
        ),
    ],
)
def test_sequences_per_kind_and_year(calls: list[tuple[str, int]], expected: list[str]) -> None:
    assert [next_number(kind, year) for kind, year in calls] == expected


def test_number_grows_past_six_digits() -> None:
    TrackingSequence.objects.create(kind="YSQ", year=2026, last=999_999)
    assert next_number("YSQ", 2026) == "YSQ-2026-1000000"


@pytest.mark.parametrize(("kind", "year"), [("ysq", 2026), ("", 2026), ("Y", 2026), ("YSQ", 26)])
def test_bad_kind_or_year_rejected(kind: str, year: int) -> None:
    with pytest.raises(ValueError):
        next_number(kind, year)


def test_year_defaults_to_local_date() -> None:
    # 2026-12-31 17:00 UTC is already 2027-01-01 in Asia/Shanghai.
    with time_machine.travel(dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC), tick=False):
        assert issue_ticket("YSQ").number == "YSQ-2027-000001"


def test_query_code_shown_once_and_stored_only_as_hash() -> None:
    issued = issue_ticket("YSQ", 2026)
    assert len(issued.code) == CODE_LENGTH
    assert set(issued.code) <= set(CODE_ALPHABET)
    stored = TrackingTicket.objects.get(number=issued.number)
    assert issued.code not in stored.code_hash
    assert identify_hasher(stored.code_hash).algorithm == "argon2"
    # Nothing else in the row holds the plain code.
    assert issued.code not in repr(TrackingTicket.objects.filter(pk=stored.pk).values().get())


def test_codes_differ_between_tickets() -> None:
    codes = {issue_ticket("YSQ", 2026).code for _ in range(5)}
    assert len(codes) == 5


def test_right_code_opens_ticket_tolerating_case_and_spaces() -> None:
    issued = issue_ticket("YSQ", 2026)
    assert verify_ticket(issued.number, issued.code) == issued.ticket
    spaced = " " + issued.code[:4].lower() + "-" + issued.code[4:].lower() + " "
    assert verify_ticket(" " + issued.number.lower(), spaced) == issued.ticket


@pytest.mark.parametrize(
    "number", ["YSQ-2026-999999", "not a number", "", "YSQ-2026-000001' OR 1=1 --"]
)
def test_unknown_number_and_wrong_code_look_the_same(number: str) -> None:
    issued = issue_ticket("YSQ", 2026)
    assert verify_ticket(issued.number, "WRONGCODE") is None
    assert verify_ticket(number, "WRONGCODE") is None


def test_empty_code_is_wrong() -> None:
    issued = issue_ticket("YSQ", 2026)
    assert verify_ticket(issued.number, "") is None
    assert TrackingTicket.objects.get(pk=issued.ticket.pk).failed_attempts == 1


def test_lockout_after_repeated_failures(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRACKING_MAX_FAILURES = 3
    settings.TRACKING_LOCK_MINUTES = 30
    with time_machine.travel(T0, tick=False) as traveller:
        issued = issue_ticket("YSQ", 2026)
        assert verify_ticket(issued.number, "WRONG1") is None
        assert verify_ticket(issued.number, "WRONG2") is None
        with pytest.raises(TicketLocked) as locked:
            verify_ticket(issued.number, "WRONG3")
        assert locked.value.until == T0 + dt.timedelta(minutes=30)
        # While locked even the right code is refused.
        traveller.shift(dt.timedelta(minutes=29))
        with pytest.raises(TicketLocked):
            verify_ticket(issued.number, issued.code)
        # After the lock the right code works again, and the counter starts afresh.
        traveller.shift(dt.timedelta(minutes=1, seconds=1))
        assert verify_ticket(issued.number, issued.code) == issued.ticket
        ticket = TrackingTicket.objects.get(pk=issued.ticket.pk)
        assert ticket.failed_attempts == 0
        assert ticket.locked_until is None


def test_success_resets_failure_count(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRACKING_MAX_FAILURES = 3
    issued = issue_ticket("YSQ", 2026)
    verify_ticket(issued.number, "WRONG1")
    verify_ticket(issued.number, "WRONG2")
    assert verify_ticket(issued.number, issued.code) == issued.ticket
    # Two more failures do not lock: the count restarted after the success.
    assert verify_ticket(issued.number, "WRONG3") is None
    assert verify_ticket(issued.number, "WRONG4") is None


def test_lock_is_per_client_so_a_stranger_cannot_lock_out_the_applicant(settings) -> None:  # type: ignore[no-untyped-def]
    """Numbers are sequential: anyone can try codes for anyone's number. Their wrong codes lock
    the number for them, not for the applicant on another address."""
    settings.TRACKING_MAX_FAILURES = 3
    issued = issue_ticket("YSQ", 2026)
    stranger, applicant = "203.0.113.9", "198.51.100.7"
    assert verify_ticket(issued.number, "WRONG1", client=stranger) is None
    assert verify_ticket(issued.number, "WRONG2", client=stranger) is None
    with pytest.raises(TicketLocked):
        verify_ticket(issued.number, "WRONG3", client=stranger)
    with pytest.raises(TicketLocked):  # locked for the stranger, even with the right code
        verify_ticket(issued.number, issued.code, client=stranger)
    # The applicant's own typo counts on their own account, and the right code opens.
    assert verify_ticket(issued.number, "TYPO", client=applicant) is None
    assert verify_ticket(issued.number, issued.code, client=applicant) == issued.ticket


def test_many_clients_together_lock_the_number_for_everyone(settings) -> None:  # type: ignore[no-untyped-def]
    """A cap on the number across clients: many addresses guessing together stop too."""
    settings.TRACKING_MAX_FAILURES = 3
    settings.TRACKING_MAX_FAILURES_TOTAL = 5
    with time_machine.travel(T0, tick=False):
        issued = issue_ticket("YSQ", 2026)
        for i in range(4):
            assert verify_ticket(issued.number, "WRONG", client=f"192.0.2.{i}") is None
        with pytest.raises(TicketLocked) as locked:
            verify_ticket(issued.number, "WRONG", client="192.0.2.99")
        assert locked.value.until == T0 + dt.timedelta(minutes=settings.TRACKING_LOCK_MINUTES)
        with pytest.raises(TicketLocked):
            verify_ticket(issued.number, issued.code, client="198.51.100.7")


def test_lock_is_per_number(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRACKING_MAX_FAILURES = 1
    first, second = issue_ticket("YSQ", 2026), issue_ticket("YSQ", 2026)
    with pytest.raises(TicketLocked):
        verify_ticket(first.number, "WRONG")
    assert verify_ticket(second.number, second.code) == second.ticket


N_PARALLEL = 50


def _in_parallel(fn, n: int = N_PARALLEL) -> list:  # type: ignore[no-untyped-def,type-arg]
    """Run fn() in n threads released together; each thread uses (and closes) its own
    database connection."""
    barrier = threading.Barrier(n, timeout=60)

    def run(_: int):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            return fn()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


@pytest.mark.django_db(transaction=True)
def test_parallel_numbers_are_distinct() -> None:
    """50 simultaneous first-ever numbers of a kind/year: the race on creating the sequence row
    and on incrementing it both end in 50 distinct, consecutive numbers."""
    numbers = _in_parallel(lambda: next_number("YSQ", 2026))
    assert len(set(numbers)) == N_PARALLEL
    assert sorted(numbers) == [f"YSQ-2026-{i:06d}" for i in range(1, N_PARALLEL + 1)]
    assert TrackingSequence.objects.get(kind="YSQ", year=2026).last == N_PARALLEL


@pytest.mark.django_db(transaction=True)
def test_parallel_tickets_are_distinct() -> None:
    issued = _in_parallel(lambda: issue_ticket("YSQ", 2026))
    numbers = {t.number for t in issued}
    assert len(numbers) == N_PARALLEL
    assert TrackingTicket.objects.filter(number__in=numbers).count() == N_PARALLEL
    # Every code opens its own ticket (spot check: hashing 50 is slow).
    for t in issued[:3]:
        assert verify_ticket(t.number, t.code) is not None


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_codes_cannot_slip_past_the_limit(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TRACKING_MAX_FAILURES = 5
    issued = issue_ticket("YSQ", 2026)

    def guess() -> str:
        try:
            return "open" if verify_ticket(issued.number, "WRONGCODE") else "wrong"
        except TicketLocked:
            return "locked"

    results = _in_parallel(guess, n=10)
    assert "open" not in results
    assert "locked" in results
    assert TrackingFailure.objects.get(ticket=issued.ticket).locked_until is not None


def test_test_database_is_shared_between_threads() -> None:
    """Guard for the parallel tests: SQLite's test database must be a file (an in-memory
    database is not shared with other threads' connections)."""
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db()


def test_unknown_number_costs_one_hash_like_a_wrong_code(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Timing must not tell unknown numbers from wrong codes: both run the password hasher."""
    from yangguang.core import tracking

    issued = issue_ticket("YSQ", 2026)
    calls: list[str] = []
    real_make, real_check = tracking.make_password, tracking.check_password
    monkeypatch.setattr(tracking, "make_password", lambda c: calls.append("hash") or real_make(c))
    monkeypatch.setattr(
        tracking, "check_password", lambda c, h: calls.append("hash") or real_check(c, h)
    )
    verify_ticket("YSQ-2026-999999", "WRONGCODE")
    verify_ticket(issued.number, "WRONGCODE")
    assert calls == ["hash", "hash"]


@pytest.mark.parametrize(
    ("minutes_apart", "locked"),
    [
        # Wrong codes less than TRACKING_LOCK_MINUTES apart add up to a lock…
        ([0, 29, 29], True),
        ([0, 1, 1], True),
        # …but a quiet spell as long as a lock starts the count again: old typos never add up.
        ([0, 30, 1], False),
        ([0, 31, 31], False),
        ([0, 1, 30], False),
    ],
)
def test_failures_count_only_while_they_come_close_together(
    settings,  # type: ignore[no-untyped-def]
    minutes_apart: list[int],
    locked: bool,
) -> None:
    settings.TRACKING_MAX_FAILURES = 3
    settings.TRACKING_MAX_FAILURES_TOTAL = 3  # the number's own count follows the same rule
    with time_machine.travel(T0, tick=False) as traveller:
        issued = issue_ticket("YSQ", 2026)
        for gap in minutes_apart[:-1]:
            traveller.shift(dt.timedelta(minutes=gap))
            assert verify_ticket(issued.number, "WRONG", client="192.0.2.1") is None
        traveller.shift(dt.timedelta(minutes=minutes_apart[-1]))
        if locked:
            with pytest.raises(TicketLocked):
                verify_ticket(issued.number, "WRONG", client="192.0.2.1")
        else:
            assert verify_ticket(issued.number, "WRONG", client="192.0.2.1") is None
            # A new client's right code opens: the number is not locked for everyone either.
            assert verify_ticket(issued.number, issued.code, client="198.51.100.7")


def test_prune_forgets_only_failures_that_count_for_nothing(settings) -> None:  # type: ignore[no-untyped-def]
    from yangguang.core.tracking import prune_failures

    settings.TRACKING_MAX_FAILURES = 2
    settings.TRACKING_LOCK_MINUTES = 30
    with time_machine.travel(T0, tick=False) as traveller:
        issued = issue_ticket("YSQ", 2026)
        verify_ticket(issued.number, "WRONG", client="old")
        traveller.shift(dt.timedelta(minutes=15))
        verify_ticket(issued.number, "WRONG", client="locked")
        with pytest.raises(TicketLocked):  # locked until T0 + 45
            verify_ticket(issued.number, "WRONG", client="locked")
        traveller.shift(dt.timedelta(minutes=25))  # T0 + 40
        verify_ticket(issued.number, "WRONG", client="recent")
        # "old" has been quiet for 40 minutes: its one failure would count for nothing.
        assert prune_failures() == 1
        assert set(TrackingFailure.objects.values_list("client", flat=True)) == {"locked", "recent"}
        with pytest.raises(TicketLocked):  # pruning unlocks nobody
            verify_ticket(issued.number, issued.code, client="locked")
        traveller.shift(dt.timedelta(minutes=31))  # T0 + 71: the lock is over, all quiet
        assert prune_failures() == 2
        assert not TrackingFailure.objects.exists()
        assert verify_ticket(issued.number, issued.code, client="locked") == issued.ticket


def test_foi_daily_prunes_failures() -> None:
    from io import StringIO

    from django.core.management import call_command

    issued = issue_ticket("YSQ", 2026)
    with time_machine.travel(T0, tick=False):
        verify_ticket(issued.number, "WRONG", client="192.0.2.1")
    out = StringIO()
    call_command("foi_daily", stdout=out)
    assert "清理过期的查询失败记录 1 条" in out.getvalue()
    assert not TrackingFailure.objects.exists()
