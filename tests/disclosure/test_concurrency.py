"""索引号 under concurrency: parallel creations get distinct serials (no duplicates), on the
database the tests run against (SQLite IMMEDIATE transactions / PostgreSQL row locks)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from tests.factories import BodyFactory, RegionFactory, make_credit_code
from yangguang.disclosure.services import next_index_number


@pytest.mark.django_db(transaction=True)
def test_parallel_index_numbers_are_distinct() -> None:
    region = RegionFactory(code="370921", name="示范县", level="county")
    body = BodyFactory(region=region, credit_code=make_credit_code("370921", 77))
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for _ in range(5):
                n = next_index_number(body, dt.date(2026, 5, 1))
                with lock:
                    results.append(n)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 30 and len(set(results)) == 30
    assert sorted(results)[-1].endswith("2026-00030")
