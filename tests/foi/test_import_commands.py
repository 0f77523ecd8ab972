"""Import of historical applications (all or nothing, row-by-row report), the daily and
recompute commands, and the idempotent demo loader."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from tests.foi.conftest import register
from yangguang.foi.importexport import COLUMNS, import_applications
from yangguang.foi.models import Application, State

D = dt.date


def xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_valid_rows(world: Any, frozen: Any) -> None:
    frozen(D(2026, 1, 10))
    code = world.body_a.credit_code
    data = xlsx(
        [
            [
                "YSQ-2025-000101",
                code,
                "当面提交",
                "2025-12-01",
                "自然人",
                "",
                "已答复",
                "予以公开",
                "2025-12-10",
            ],
            [
                "YSQ-2025-000102",
                code,
                "网上提交",
                "2025-12-20",
                "法人或其他组织",
                "法律服务机构",
                "已答复",
                "不予公开 4.保护第三方合法权益",
                "2026-01-05",
            ],
            [
                "YSQ-2025-000103",
                code,
                "平信",
                dt.date(2025, 12, 28),
                "自然人",
                "",
                "办理中",
                "",
                "",
            ],
        ]
    )
    report = import_applications(data, filename="old.xlsx", actor=world.head_a)
    assert report.ok, report.errors
    assert report.created == 3
    a = Application.objects.get(number="YSQ-2025-000102")
    assert (a.outcome, a.org_kind, a.imported) == ("refuse_4", "legal", True)
    carried = Application.objects.get(number="YSQ-2025-000103")
    assert carried.state == State.PROCESSING and carried.due_on is not None
    # A late registration for 2025 gets a number after the imported ones.
    from yangguang.core.tracking import next_number

    assert next_number("YSQ", 2025) == "YSQ-2025-000104"


def test_import_is_all_or_nothing_with_row_report(world: Any, frozen: Any) -> None:
    frozen(D(2026, 1, 10))
    code = world.body_a.credit_code
    data = xlsx(
        [
            [
                "YSQ-2025-000201",
                code,
                "当面提交",
                "2025-12-01",
                "自然人",
                "",
                "已答复",
                "予以公开",
                "2025-12-10",
            ],
            [
                "YSQ-2025-000202",
                code,
                "飞鸽",
                "2025-12-01",
                "自然人",
                "",
                "已答复",
                "随便",
                "2025-11-10",
            ],
            [
                "YSQ-2025-000203",
                world.body_b.credit_code,
                "当面提交",
                "2025-12-01",
                "自然人",
                "",
                "办理中",
                "",
                "",
            ],
        ]
    )
    report = import_applications(data, filename="bad.xlsx", actor=world.head_a)
    assert not report.ok
    rows = dict(report.errors)
    assert "申请方式" in rows[3] and "不是年报规定的情形" in rows[3] and "早于" in rows[3]
    assert "无权" in rows[4]
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    ("received", "state"),
    [("1999-12-31", "办理中"), ("0001-01-01", "办理中"), ("2001-06-01", "已答复")],
)
def test_import_refuses_dates_outside_the_calendar(
    world: Any, frozen: Any, received: str, state: str
) -> None:
    frozen(D(2026, 1, 10))
    replied = "2001-06-10" if state == "已答复" else ""
    outcome = "予以公开" if state == "已答复" else ""
    row = ["YSQ-2025-000301", world.body_a.credit_code, "当面提交", received, "自然人", ""]
    data = xlsx([[*row, state, outcome, replied]])
    report = import_applications(data, filename="old.xlsx", actor=world.head_a)
    assert not report.ok
    assert f"日期“{received}”超出范围：只能填写 2004—2100 年的日期" in dict(report.errors)[2]
    assert Application.objects.count() == 0


def test_import_csv_missing_column(world: Any) -> None:
    report = import_applications("受理编号\nX\n".encode(), filename="a.csv", actor=world.head_a)
    assert not report.ok and "缺少列" in report.errors[0][1]


def test_daily_and_recompute_commands(world: Any, frozen: Any, capsys: Any) -> None:
    from yangguang.foi import services as s

    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5))
    frozen(D(2026, 2, 10))
    s.correction_request(
        actor=world.handler_a, application=app, items="补充材料清单", period_days=1
    )
    frozen(D(2026, 2, 13))
    call_command("foi_daily")
    app.refresh_from_db()
    assert app.proposed_outcome == "other_1"
    call_command("recompute_foi_deadlines")
    assert "重新计算" in capsys.readouterr().out


def test_demo_loader_is_idempotent(world: Any, frozen: Any) -> None:
    from yangguang.foi import demo

    frozen(D(2026, 11, 20))
    world.body_a.name = demo.BODY_NAMES[1]
    world.body_a.save()
    n = demo.load(count=25)
    assert n == 25 and Application.objects.count() == 25
    assert demo.load(count=25) == 0
    assert Application.objects.filter(outcome__gt="").exists()
