"""Table 三 and 四 from crafted application sets, expected values worked out by hand
(DOMAIN.md §5; 国办公开办函〔2021〕30号: 一 + 二 = 三（七） + 四 in every column)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tests.reports.conftest import make_app, make_case
from yangguang.reports.selectors import body_tables, compute_tables

D = dt.date
COLS = ["natural", "commercial", "research", "public_interest", "legal_service", "other", "total"]


def row(*values: int) -> dict[str, int]:
    assert len(values) == 6
    return dict(zip(COLS, [*values, sum(values)], strict=True))


ZERO = row(0, 0, 0, 0, 0, 0)


@pytest.fixture
def crafted(world: World) -> dict[str, object]:
    a = world.body_a
    apps = {
        # carried in from 2024, disclosed on 6 Jan 2025
        "A1": make_app(a, D(2024, 12, 20), outcome="disclose", replied_on=D(2025, 1, 6)),
        # 补正 never answered: closed as 其他处理 1 on 10 Feb 2025 (条例 Art. 30)
        "A2": make_app(a, D(2024, 12, 25), outcome="other_1", replied_on=D(2025, 2, 10)),
        # fee unpaid: 其他处理 2 (条例 Art. 42)
        "A3": make_app(
            a,
            D(2025, 3, 1),
            kind="org",
            org_kind="legal",
            outcome="other_2",
            replied_on=D(2025, 4, 20),
        ),
        # withdrawn by the applicant: 其他处理 3
        "A4": make_app(
            a,
            D(2025, 5, 1),
            kind="org",
            org_kind="business",
            outcome="other_3",
            replied_on=D(2025, 5, 3),
        ),
        # replied on 31 December: finished in 2025
        "A5": make_app(a, D(2025, 12, 1), outcome="partial", replied_on=D(2025, 12, 31)),
        # replied on 1 January: carried over into 2026
        "A6": make_app(a, D(2025, 12, 10), outcome="refuse_1", replied_on=D(2026, 1, 1)),
        # still being processed
        "A7": make_app(a, D(2025, 6, 1), kind="org", org_kind="research"),
        # long finished: in no 2024/2025 table
        "A8": make_app(a, D(2023, 6, 1), outcome="disclose", replied_on=D(2023, 7, 1)),
        # carried over across two years (received 2024, still open at the end of 2025)
        "A9": make_app(a, D(2024, 3, 1), state="correction"),
        "A10": make_app(
            a,
            D(2025, 2, 1),
            kind="org",
            org_kind="nonprofit",
            outcome="reject_2",
            replied_on=D(2025, 2, 20),
        ),
        "A12": make_app(
            a,
            D(2025, 7, 1),
            kind="org",
            org_kind="other",
            outcome="unable_1",
            replied_on=D(2025, 7, 15),
        ),
        # another body: never counted for body A
        "B1": make_app(world.body_b, D(2025, 3, 3)),
    }
    make_case(
        apps["A1"], "reconsideration", D(2025, 2, 1), result="upheld", decided_on=D(2025, 4, 1)
    )
    make_case(apps["A5"], "litigation_direct", D(2025, 12, 20))
    make_case(
        apps["A10"],
        "litigation_after",
        D(2024, 10, 1),
        result="corrected",
        decided_on=D(2025, 1, 10),
    )
    make_case(
        apps["A10"], "reconsideration", D(2024, 5, 1), result="other", decided_on=D(2024, 8, 1)
    )
    # decided on 2 Jan 2026: still pending on 31 December 2025
    make_case(
        apps["A12"], "reconsideration", D(2025, 8, 1), result="corrected", decided_on=D(2026, 1, 2)
    )
    return apps


def test_table3_2025_by_hand(world: World, crafted: dict[str, object]) -> None:
    t = body_tables(world.body_a, 2025).table3
    assert t["1"] == row(2, 1, 1, 1, 1, 1)  # A5 A6 | A4 | A7 | A10 | A3 | A12
    assert t["2"] == row(3, 0, 0, 0, 0, 0)  # A1 A2 A9
    assert t["3.1"] == row(1, 0, 0, 0, 0, 0)  # A1
    assert t["3.2"] == row(1, 0, 0, 0, 0, 0)  # A5 (31 Dec)
    assert t["3.3.1"] == ZERO  # A6 is replied on 1 Jan 2026
    assert t["3.4.1"] == row(0, 0, 0, 0, 0, 1)  # A12
    assert t["3.5.2"] == row(0, 0, 0, 1, 0, 0)  # A10
    assert t["3.6.1"] == row(1, 0, 0, 0, 0, 0)  # A2 补正 never answered
    assert t["3.6.2"] == row(0, 0, 0, 0, 1, 0)  # A3 fee unpaid
    assert t["3.6.3"] == row(0, 1, 0, 0, 0, 0)  # A4 withdrawn
    assert t["3.7"] == row(3, 1, 0, 1, 1, 1)
    assert t["4"] == row(2, 0, 1, 0, 0, 0)  # A6 A9 | A7
    for key in ("3.3.2", "3.4.2", "3.5.1", "3.5.5"):
        assert t[key] == ZERO


def test_identity_holds_in_every_column(world: World, crafted: dict[str, object]) -> None:
    for year in (2023, 2024, 2025, 2026):
        tables = body_tables(world.body_a, year)
        assert tables.identity_failures() == [], year
        assert tables.consistent


def test_carry_over_across_two_years(world: World, crafted: dict[str, object]) -> None:
    t2024 = body_tables(world.body_a, 2024).table3
    assert t2024["1"] == row(3, 0, 0, 0, 0, 0)  # A1 A2 A9
    assert t2024["2"] == ZERO  # A8 finished in 2023
    assert t2024["3.7"] == ZERO
    assert t2024["4"] == row(3, 0, 0, 0, 0, 0)
    t2026 = body_tables(world.body_a, 2026).table3
    # carried out of 2025 = carried into 2026
    assert t2026["2"] == body_tables(world.body_a, 2025).table3["4"]
    assert t2026["3.3.1"] == row(1, 0, 0, 0, 0, 0)  # A6 replied on 1 January 2026
    assert t2026["4"] == row(1, 0, 1, 0, 0, 0)  # A9 (third year) and A7


def test_table4_2025_by_hand(world: World, crafted: dict[str, object]) -> None:
    t = body_tables(world.body_a, 2025).table4
    assert t["reconsideration"] == {
        "upheld": 1,
        "corrected": 0,
        "other": 0,
        "pending": 1,
        "total": 2,
    }
    assert t["litigation_direct"] == {
        "upheld": 0,
        "corrected": 0,
        "other": 0,
        "pending": 1,
        "total": 1,
    }
    assert t["litigation_after"] == {
        "upheld": 0,
        "corrected": 1,
        "other": 0,
        "pending": 0,
        "total": 1,
    }
    t2024 = body_tables(world.body_a, 2024).table4
    # decided 2024 (other) + filed 2024 and undecided on 31 Dec 2024 (litigation_after)
    assert t2024["reconsideration"]["other"] == 1
    assert t2024["litigation_after"]["pending"] == 1


def test_other_body_counts_separately(world: World, crafted: dict[str, object]) -> None:
    tables = compute_tables([world.body_a.pk, world.body_b.pk], 2025)
    assert tables[world.body_b.pk].table3["1"] == row(1, 0, 0, 0, 0, 0)
    assert tables[world.body_b.pk].table3["4"] == row(1, 0, 0, 0, 0, 0)
    assert tables[world.body_a.pk].table3["1"]["total"] == 7


def test_finished_without_outcome_breaks_identity(world: World) -> None:
    from yangguang.reports.sources import breaking_applications

    make_app(world.body_a, D(2025, 3, 1), outcome="disclose", replied_on=D(2025, 3, 5))
    bad = make_app(world.body_a, D(2025, 4, 1), state="replied", replied_on=D(2025, 4, 9))
    tables = body_tables(world.body_a, 2025)
    assert tables.identity_failures() == ["natural", "total"]
    assert [a.pk for a in breaking_applications(world.body_a.pk, 2025)] == [bad.pk]
