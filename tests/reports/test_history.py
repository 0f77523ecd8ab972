"""History import (2021 format and 2019 trial format, DOMAIN.md §5) and year-on-year charts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from tests.conftest import World
from tests.reports.conftest import make_app, written
from yangguang.reports import national as nat
from yangguang.reports.exports import build_xlsx
from yangguang.reports.history import ImportError_, parse_workbook, series_for
from yangguang.reports.models import HistoricReport
from yangguang.reports.selectors import report_tables
from yangguang.reports.services import report_create, report_finalise

D = dt.date


@pytest.fixture(autouse=True)
def _today() -> object:
    with time_machine.travel(dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC), tick=False) as t:
        yield t


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _national_2019_sheet() -> list[list[object]]:
    """A hand-filled 2019 trial-format workbook: merged-style label columns, （六） without
    sub-rows, table 二 with 本年新制作数量 / 本年新公开数量 / 对外公开总数量."""
    rows: list[list[object]] = [
        ["二、主动公开政府信息情况"],
        ["第二十条第（一）项"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", 1, 1, 9],
        ["规范性文件", 4, 4, 30],
        ["第二十条第（五）项"],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政许可", 20, 2, 150],
        ["其他对外管理服务事项", 3, 0, 10],
        ["三、收到和处理政府信息公开申请情况"],
        [
            None,
            None,
            None,
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            "总计",
        ],
    ]
    values = {
        "1": [5, 1, 0, 0, 1, 0],
        "2": [1, 0, 0, 0, 0, 0],
        "3.1": [2, 1, 0, 0, 0, 0],
        "3.2": [1, 0, 0, 0, 0, 0],
        "3.5.2": [1, 0, 0, 0, 0, 0],
        "3.6": [1, 0, 0, 0, 1, 0],
        "4": [1, 0, 0, 0, 0, 0],
    }
    sums = {"3.7": [5, 1, 0, 0, 1, 0]}
    for r in nat.TABLE3_ROWS_2019:
        label_cols: list[object] = [None, None, None]
        label_cols[r.level] = r.label
        if r.level == 2:  # first sub-row of a group also carries the group heading
            pass
        if not r.has_values:
            rows.append(label_cols)
            continue
        v = values.get(r.key) or sums.get(r.key) or [0] * 6
        rows.append([*label_cols, *v, sum(v)])
    rows += [
        ["四、政府信息公开行政复议、行政诉讼情况"],
        ["行政复议", None, None, None, None, "行政诉讼"],
        [None] * 5 + ["未经复议直接起诉"] + [None] * 4 + ["复议后起诉"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3,
        [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0],
    ]
    return rows


def test_import_2019_trial_format() -> None:
    fmt, data = parse_workbook(_xlsx(_national_2019_sheet()))
    assert fmt == "2019"
    assert data["table3"]["1"]["total"] == 7
    assert data["table3"]["3.6"] == {
        "natural": 1,
        "commercial": 0,
        "research": 0,
        "public_interest": 0,
        "legal_service": 1,
        "other": 0,
        "total": 2,
    }
    assert "3.6.1" not in data["table3"]
    assert data["table2"]["normative"] == {"made": "4", "published": "4", "total_published": "30"}
    assert data["table2"]["other_services"]["decisions"] == "10"
    assert data["table4"]["reconsideration"]["total"] == 1
    assert data["table4"]["litigation_direct"]["pending"] == 1
    assert data["consistent"]


def test_import_2021_roundtrip_from_our_export(world: World) -> None:
    make_app(world.body_a, D(2025, 3, 1), outcome="other_1", replied_on=D(2025, 4, 1))
    make_app(world.body_a, D(2025, 5, 1), kind="org", org_kind="business")
    report = report_finalise(
        actor=world.head_a,
        report=written(
            world.head_a, report_create(actor=world.head_a, body=world.body_a, year=2025)
        ),
    )
    tables = report_tables(report)
    fmt, data = parse_workbook(build_xlsx(report, tables))
    assert fmt == "2021"
    assert data["table3"] == tables.table3
    assert data["table4"] == tables.table4
    assert data["table2"]["regulation"] == {"issued": "0", "repealed": "0", "in_force": "0"}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["随便什么"]], "无法识别报告格式"),
        (
            [["本年制发件数"], ["一、本年新收政府信息公开申请数量", 1, 0, 0, 0, 0, 0, 1]],
            "未找到表三的行",
        ),
        (
            [["本年制发件数"], ["一、本年新收政府信息公开申请数量", 1, 0, 0, 0, 0, 0, 5]],
            "总计与各列之和不符",
        ),
    ],
)
def test_import_errors_are_explained(rows: list[list[object]], message: str) -> None:
    with pytest.raises(ImportError_, match=message):
        parse_workbook(_xlsx(rows))


def test_not_a_workbook() -> None:
    with pytest.raises(ImportError_, match="xlsx"):
        parse_workbook(b"not a zip")


def test_console_import_and_charts(world: World, client: Client) -> None:
    client.force_login(world.head_a)
    upload = SimpleUploadedFile("2019年报.xlsx", _xlsx(_national_2019_sheet()))
    resp = client.post(
        "/console/reports/history/",
        {"body": world.body_a.pk, "year": "2019", "format": "", "file": upload},
    )
    assert resp.status_code == 302
    hist = HistoricReport.objects.get(body=world.body_a, year=2019)
    assert hist.format == "2019" and hist.imported_by == world.head_a
    make_app(world.body_a, D(2025, 3, 1), outcome="disclose", replied_on=D(2025, 4, 1))
    report_finalise(
        actor=world.head_a,
        report=written(
            world.head_a, report_create(actor=world.head_a, body=world.body_a, year=2025)
        ),
    )
    series = series_for(world.body_a)
    assert [(r["year"], r["new"], r["source"]) for r in series] == [
        (2019, 7, "导入"),
        (2025, 1, "本系统"),
    ]
    assert series[0]["normative_issued"] == 4
    page = client.get(f"/console/reports/history/?body={world.body_a.pk}").content.decode()
    assert "<svg" in page and "2019年" in page and "本年新收政府信息公开申请数量" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    bad = client.post(
        "/console/reports/history/",
        {"body": world.body_a.pk, "year": "2020", "file": SimpleUploadedFile("x.xlsx", b"junk")},
    )
    assert bad.status_code == 400 and "xlsx" in bad.content.decode()


def test_history_permissions(world: World, client: Client) -> None:
    client.force_login(world.handler_b)
    assert client.get(f"/console/reports/history/?body={world.body_a.pk}").status_code == 404
    client.force_login(world.county_supervisor)
    upload = SimpleUploadedFile("r.xlsx", _xlsx(_national_2019_sheet()))
    resp = client.post(
        "/console/reports/history/", {"body": world.body_a.pk, "year": "2019", "file": upload}
    )
    assert resp.status_code == 404
    assert not HistoricReport.objects.exists()


def test_import_national_template_with_blank_cells_and_units() -> None:
    """A 2021 national template as offices fill it: labels over three merged columns, blank
    cells meaning 0, "-" in table 二, units typed into cells."""
    rows: list[list[object]] = [
        ["第二十条第（一）项"],
        ["信息内容", None, "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", None, None, "-", 3],
        ["行政规范性文件", None, "2件", None, 14],
        ["第二十条第（八）项"],
        ["信息内容", None, "本年收费金额（单位：万元）"],
        ["行政事业性收费", None, "1.5万元"],
        [
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            None,
            None,
            "申请人情况",
        ],
        [None, None, None, "自然人", "法人或其他组织", None, None, None, None, "总计"],
        [
            None,
            None,
            None,
            None,
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            None,
        ],
    ]
    values = {
        "1": (3, None, None, None, 1, None),
        "3.1": (2, None, None, None, None, None),
        "3.6.3": (1, None, None, None, 1, None),
    }
    for r in nat.TABLE3_ROWS_2021:
        label: list[object] = [None, None, None]
        label[r.level] = r.label
        if not r.has_values:
            rows.append(label)
            continue
        v = values.get(r.key) or (None,) * 6
        if r.key == "3.7":
            v = (3, None, None, None, 1, None)
        total = sum(x or 0 for x in v)
        rows.append([*label, *v, total if total else None])
    rows += [
        [None],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3,
        [None, None, None, 1, 1, "-", None, None, None, None, None, None, None, None, None],
    ]
    fmt, data = parse_workbook(_xlsx(rows))
    assert fmt == "2021"
    assert data["table2"]["regulation"] == {"issued": "0", "repealed": "0", "in_force": "3"}
    assert data["table2"]["normative"]["issued"] == "2"
    assert data["table2"]["fees"]["amount"] == "1.5"
    assert data["table3"]["1"] == {
        "natural": 3,
        "commercial": 0,
        "research": 0,
        "public_interest": 0,
        "legal_service": 1,
        "other": 0,
        "total": 4,
    }
    assert data["table3"]["3.6.3"]["legal_service"] == 1
    assert data["table3"]["4"]["total"] == 0
    assert data["table4"]["reconsideration"] == {
        "upheld": 0,
        "corrected": 0,
        "other": 0,
        "pending": 1,
        "total": 1,
    }
    assert data["consistent"]


@pytest.mark.parametrize(
    ("previous_carried_out", "open_at_new_year", "warned"),
    [
        (6, 0, True),  # imported 2024 report: 6 carried over, none entered here
        (1, 1, False),  # the one open application is here: 二 of 2025 = 结转 of 2024
        (0, 1, True),  # one here that the 2024 report did not count
    ],
)
def test_carry_over_checked_against_the_previous_years_report(
    world: World, client: Client, previous_carried_out: int, open_at_new_year: int, warned: bool
) -> None:
    """二、上年结转 of a year equals 结转下年度继续办理 of the year before (国办公开办函〔2021〕30号
    tables; DOMAIN.md §5): the draft says when they differ, with both numbers."""
    HistoricReport.objects.create(
        body=world.body_a,
        year=2024,
        format="2021",
        data={"table3": {nat.ROW_CARRIED_OUT: {"total": previous_carried_out}}},
    )
    for _ in range(open_at_new_year):
        make_app(world.body_a, D(2024, 12, 20), outcome="disclose", replied_on=D(2025, 1, 10))
    report = report_create(actor=world.head_a, body=world.body_a, year=2025)
    client.force_login(world.head_a)
    page = client.get(f"/console/reports/{report.pk}/").content.decode()
    assert ('id="carry-over-check"' in page) is warned
    if warned:
        assert (
            f"上年结转{open_at_new_year}件，与2024年度报告“结转下年度继续办理”"
            f"{previous_carried_out}件不一致" in page
        )
