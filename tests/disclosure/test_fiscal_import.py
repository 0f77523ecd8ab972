"""Fiscal and village-finance tables (DOMAIN.md §2 fiscal disclosure): schema, classification
codes and totals validated cell by cell; xlsx import of publications: row-by-row report,
nothing half-imported; catalogue export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from yangguang.disclosure import services
from yangguang.disclosure.fiscal import FiscalError, validate
from yangguang.disclosure.models import FiscalTable, Publication, State

pytestmark = pytest.mark.django_db

BUDGET_HEAD = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]


def xlsx(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD_BUDGET = [
    BUDGET_HEAD,
    ["208", "社会保障和就业支出", 300, 200, 100],
    ["20801", "人力资源和社会保障管理事务", 300, 200, 100],
    ["2080101", "行政运行", 200, 200, 0],
    ["2080109", "社会保险经办机构", 100, 0, 100],
]


@pytest.mark.parametrize(
    ("kind", "rows", "month", "errors"),
    [
        ("budget", GOOD_BUDGET, None, []),
        (
            "budget",
            [*GOOD_BUDGET[:3], ["2080101", "行政运行", 250, 200, 0], GOOD_BUDGET[4]],
            None,
            ["C4", "C3"],
        ),
        ("budget", [BUDGET_HEAD, ["20A", "错误编码", 1, 1, 0]], None, ["A2"]),
        ("budget", [BUDGET_HEAD, ["208", "x", "一百", 0, 0]], None, ["C2"]),
        ("budget", [["编码", "名称"]], None, ["第1行"]),
        (
            "basic",
            [
                ["科目编码", "科目名称", "金额"],
                ["301", "工资福利支出", 150],
                ["30101", "基本工资", 100],
                ["30102", "津贴补贴", 50],
            ],
            None,
            [],
        ),
        (
            "basic",
            [
                ["科目编码", "科目名称", "金额"],
                ["301", "工资福利支出", 160],
                ["30101", "基本工资", 100],
                ["30102", "津贴补贴", 50],
            ],
            None,
            ["C2"],
        ),
        (
            "three",
            [
                ["项目", "金额"],
                ["合计", 60],
                ["因公出国(境)费", 0],
                ["公务用车购置及运行费", 40],
                ["其中：公务用车购置费", 0],
                ["公务用车运行费", 40],
                ["公务接待费", 20],
            ],
            None,
            [],
        ),
        (
            "three",
            [
                ["项目", "金额"],
                ["合计", 70],
                ["因公出国（境）费", 0],
                ["公务用车购置及运行费", 40],
                ["其中：公务用车购置费", 10],
                ["公务用车运行费", 40],
                ["公务接待费", 20],
            ],
            None,
            ["B4", "B2"],
        ),
        (
            "village",
            [
                ["日期", "事项", "金额", "收款人", "凭证号"],
                [dt.date(2026, 3, 5), "购买办公用品", 120.5, "示范县文具店", "记-001"],
                ["2026-03-18", "村道维修", 3000, "东关建筑队", "记-002"],
            ],
            3,
            [],
        ),
        (
            "village",
            [
                ["日期", "事项", "金额", "收款人", "凭证号"],
                ["2026-04-01", "", -5, "", "记-001"],
                ["2026-03-02", "x", 1, "y", "记-001"],
            ],
            3,
            ["A2", "B2", "C2", "D2", "E3"],
        ),
    ],
)
def test_validate_table(
    kind: str, rows: list[list[Any]], month: int | None, errors: list[str]
) -> None:
    if not errors:
        parsed = validate(kind, rows, year=2026, month=month)
        assert len(parsed.rows) == len(rows) - 1
        return
    with pytest.raises(FiscalError) as exc:
        validate(kind, rows, year=2026, month=month)
    assert sorted({c for c, _ in exc.value.errors}) == sorted(errors)


def test_fiscal_upload_publishes_html_table_and_downloads(world: World) -> None:
    c = Client()
    c.force_login(world.editor_a)
    r = c.post(
        reverse("console:disclosure_fiscal"),
        {"kind": "budget", "year": 2026, "file": io.BytesIO(xlsx(GOOD_BUDGET))},
    )
    assert r.status_code == 302
    table = FiscalTable.objects.get()
    assert str(table.total) == "300.00"
    page = Client().get(reverse("portal:disclosure_fiscal", args=[table.pk])).content.decode()
    assert "<table>" in page and "社会保障和就业支出" in page
    # The total under 合计 (the third column), then the two columns after it left empty.
    assert (
        '<tfoot><tr><th scope="row" colspan="2">合计</th><td>300.00</td><td></td><td></td>' in page
    )
    r = Client().get(reverse("portal:disclosure_fiscal_download", args=[table.pk, "csv"]))
    assert "行政运行" in r.content.decode("utf-8-sig")
    r = Client().get(reverse("portal:disclosure_fiscal_download", args=[table.pk, "xlsx"]))
    assert r.content[:2] == b"PK"


def test_fiscal_upload_bad_cells_reported_nothing_saved(world: World) -> None:
    c = Client()
    c.force_login(world.editor_a)
    bad = [BUDGET_HEAD, ["208", "x", 10, 1, 1]]
    r = c.post(
        reverse("console:disclosure_fiscal"),
        {"kind": "budget", "year": 2026, "file": io.BytesIO(xlsx(bad))},
    )
    assert r.status_code == 200 and "C2" in r.content.decode()
    r = c.post(
        reverse("console:disclosure_fiscal"),
        {"kind": "budget", "year": 2026, "file": io.BytesIO(b"not xlsx")},
    )
    assert "无法读取" in r.content.decode()
    assert not FiscalTable.objects.exists()
    # another body's handler cannot upload
    other = Client()
    other.force_login(world.handler_b)
    assert other.get(reverse("console:disclosure_fiscal")).status_code == 404


HEAD = services.IMPORT_COLUMNS


def test_import_all_or_nothing_with_row_report(world: World) -> None:
    rows = [
        HEAD,
        [
            "关于A的通知",
            "示人社发〔2025〕1号",
            "2025-01-05",
            "2025-01-10",
            "政策文件/行政规范性文件",
            "社会保障",
            "就业",
            "",
            "有效",
            "<p>正文</p>",
        ],
        ["关于B的通知", "", "2999-01-01", "", "不存在的目录", "", "", "", "作废", ""],
    ]
    report = services.publications_import(actor=world.editor_a, body=world.body_a, data=xlsx(rows))
    assert [r for r, _ in report.errors] == [3]
    msg = report.errors[0][1]
    assert "未知的公开目录" in msg and "有效性" in msg and "成文日期" in msg
    assert not Publication.objects.exists()
    report = services.publications_import(
        actor=world.editor_a, body=world.body_a, data=xlsx(rows[:2])
    )
    assert not report.errors and len(report.created) == 1
    pub = Publication.objects.get()
    assert pub.state == State.DRAFT and pub.category is not None and pub.theme is not None


def test_import_as_published_by_reviewer_and_export(world: World) -> None:
    from tests.factories import grant
    from yangguang.orgs.models import Role

    grant(world.reviewer_a, Role.EDITOR, body=world.body_a)
    rows = [
        HEAD,
        [
            "旧站文件",
            "示人社发〔2020〕8号",
            "2020-03-02",
            "2020-03-05",
            "",
            "",
            "",
            "",
            "废止",
            "<p>旧</p>",
        ],
    ]
    report = services.publications_import(
        actor=world.reviewer_a, body=world.body_a, data=xlsx(rows), as_published=True
    )
    assert not report.errors
    pub = Publication.objects.get()
    assert pub.state == State.PUBLISHED and pub.published_on == dt.date(2020, 3, 5)
    assert pub.validity == "repealed"
    c = Client()
    c.force_login(world.editor_a)
    r = c.get(reverse("console:disclosure_export"))
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    values = [row for row in wb.active.iter_rows(values_only=True)]
    assert values[1][0] == pub.index_number and values[1][1] == "旧站文件"


def test_import_malformed_file(world: World) -> None:
    report = services.publications_import(
        actor=world.editor_a, body=world.body_a, data=b"\x00garbage"
    )
    assert report.errors and "无法读取" in report.errors[0][1]
