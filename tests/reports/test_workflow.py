"""Draft → finalised (refused while the identity fails) → published through the 年度报告
catalogue category; permissions (other body 404, supervisor read-only); API labels."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from tests.conftest import World
from tests.reports.conftest import make_app, written
from yangguang.core.models import AuditEvent
from yangguang.reports import national as nat
from yangguang.reports.models import ReportStatus, Table2Entry
from yangguang.reports.services import (
    ReportError,
    report_create,
    report_finalise,
    report_reopen,
    report_update_text,
    table2_entries_set,
)

D = dt.date


@pytest.fixture(autouse=True)
def _today() -> object:
    with time_machine.travel(dt.datetime(2026, 1, 15, 2, 0, tzinfo=dt.UTC), tick=False) as t:
        yield t


def _login(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_create_drafts_text_from_data(world: World) -> None:
    make_app(world.body_a, D(2025, 3, 1), outcome="disclose", replied_on=D(2025, 3, 10))
    make_app(world.body_a, D(2025, 4, 1))
    report = report_create(actor=world.head_a, body=world.body_a, year=2025)
    assert report.status == ReportStatus.DRAFT
    assert "新收政府信息公开申请2件" in report.overview
    assert "本年度办结1件" in report.overview
    assert "未收取信息处理费" in report.other_matters
    assert AuditEvent.objects.filter(
        action="annual_report.create", object_id=str(report.pk)
    ).exists()
    # idempotent
    assert report_create(actor=world.head_a, body=world.body_a, year=2025).pk == report.pk


def test_finalise_refused_while_identity_fails_then_allowed(world: World) -> None:
    make_app(world.body_a, D(2025, 3, 1), outcome="disclose", replied_on=D(2025, 3, 10))
    bad = make_app(world.body_a, D(2025, 4, 1), state="replied", replied_on=D(2025, 4, 9))
    report = report_create(actor=world.head_a, body=world.body_a, year=2025)
    with pytest.raises(ReportError, match="自然人"):
        report_finalise(actor=world.head_a, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.data is None
    bad.outcome = "disclose"
    bad.save()
    with pytest.raises(ReportError, match="待填写的提示文字"):
        report_finalise(actor=world.head_a, report=report)
    report = report_finalise(actor=world.head_a, report=written(world.head_a, report))
    assert report.status == ReportStatus.FINALISED
    assert report.data["table3"]["3.1"]["natural"] == 2
    # frozen: later data changes do not alter the finalised tables
    make_app(world.body_a, D(2025, 5, 1), outcome="disclose", replied_on=D(2025, 5, 5))
    from yangguang.reports.selectors import report_tables

    assert report_tables(report).table3["3.1"]["natural"] == 2
    with pytest.raises(ReportError):
        report_update_text(
            actor=world.head_a, report=report, overview="x", problems="", other_matters=""
        )
    with pytest.raises(ReportError):
        report_reopen(actor=world.head_a, report=report, reason="")
    report = report_reopen(actor=world.head_a, report=report, reason="补录申请")
    assert report.status == ReportStatus.DRAFT and report.data is None
    # The reason shows on the report page, for whoever works on the draft next.
    client = Client()
    client.force_login(world.editor_a)
    page = client.get(f"/console/reports/{report.pk}/").content.decode()
    assert 'id="reopened"' in page and "补录申请" in page


def test_console_lists_breaking_applications(world: World, client: Client) -> None:
    bad = make_app(world.body_a, D(2025, 4, 1), state="replied", replied_on=D(2025, 4, 9))
    report = report_create(actor=world.head_a, body=world.body_a, year=2025)
    _login(client, world.head_a)
    page = client.get(f"/console/reports/{report.pk}/").content.decode()
    assert "勾稽关系不成立" in page
    assert bad.number in page
    response = client.post(f"/console/reports/{report.pk}/finalise/")
    assert response.status_code == 400
    assert "不满足“一＋二＝三（七）＋四”" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_table2_entries_and_validation(world: World, client: Client) -> None:
    report = report_create(actor=world.head_a, body=world.body_a, year=2025)
    _login(client, world.editor_a)
    response = client.post(
        f"/console/reports/{report.pk}/table2/",
        {"licensing": "12", "penalty": "3", "coercion": "", "fees": "1.25"},
    )
    assert response.status_code == 302
    values = dict(Table2Entry.objects.filter(body=world.body_a).values_list("item", "value"))
    assert values["licensing"] == 12 and str(values["fees"]) == "1.2500"
    # Saved values read as typed: 12 and 1.25, not 12.0000 and 1.2500.
    page = client.get(f"/console/reports/{report.pk}/").content.decode()
    assert 'value="12"' in page and 'value="1.25"' in page and "1.2500" not in page
    response = client.post(
        f"/console/reports/{report.pk}/table2/",
        {"licensing": "1.5", "penalty": "abc", "coercion": "7", "fees": "-5"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    # Every wrong cell is named at once, and what was typed is still in the boxes.
    assert "应为整数" in html and "负数" in html and html.count("；") >= 2
    for typed in ('value="1.5"', 'value="abc"', 'value="7"', 'value="-5"'):
        assert typed in html, typed
    with pytest.raises(ReportError, match="负数"):
        table2_entries_set(actor=world.head_a, body=world.body_a, year=2025, values={"fees": "-1"})
    too_long = "长" * 20_001
    with pytest.raises(ReportError, match="“六、其他需要报告的事项”过长"):
        report_update_text(
            actor=world.head_a, report=report, overview="x", problems="", other_matters=too_long
        )


def test_other_body_gets_404_and_supervisor_reads_only(world: World, client: Client) -> None:
    report = report_create(actor=world.head_a, body=world.body_a, year=2025)
    _login(client, world.handler_b)
    for url in (
        f"/console/reports/{report.pk}/",
        f"/console/reports/{report.pk}/download/xlsx/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/console/reports/{report.pk}/finalise/").status_code == 404
    sup = Client()
    _login(sup, world.county_supervisor)
    assert sup.get(f"/console/reports/{report.pk}/").status_code == 200
    assert sup.get(f"/console/reports/{report.pk}/download/docx/").status_code == 200
    assert sup.post(f"/console/reports/{report.pk}/finalise/").status_code == 404
    assert sup.post(f"/console/reports/{report.pk}/text/", {"overview": "x"}).status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    anon = Client()
    assert anon.get(f"/console/reports/{report.pk}/").status_code == 302
    assert anon.get(f"/reports/annual/{report.pk}/").status_code == 404  # not published
    assert anon.get(f"/reports/annual/{report.pk}/download/docx/").status_code == 404
    assert anon.get(f"/console/reports/{report.pk}/download/json/").status_code == 302


def test_api_labels_exact_and_visibility(world: World, client: Client) -> None:
    make_app(
        world.body_a,
        D(2025, 3, 1),
        kind="org",
        org_kind="legal",
        outcome="other_2",
        replied_on=D(2025, 4, 1),
    )
    report_create(actor=world.head_a, body=world.body_a, year=2025)
    url = f"/api/v1/reports/annual?body={world.body_a.credit_code}&year=2025"
    assert client.get(url).status_code == 404  # draft: not public
    _login(client, world.handler_b)
    assert client.get(url).status_code == 404
    _login(client, world.handler_a)
    data = client.get(url).json()
    labels = [r["label"] for r in data["table3"]]
    expected = [r.label for r in nat.TABLE3_ROWS_2021 if r.has_values]
    assert labels == expected
    assert labels[0] == "一、本年新收政府信息公开申请数量"
    assert "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请" in labels
    assert "3.危及“三安全一稳定”" in labels
    assert labels[-1] == "四、结转下年度继续办理"
    fee_row = next(r for r in data["table3"] if r["key"] == "3.6.2")
    assert fee_row["path"] == ["三、本年度办理结果", "（六）其他处理"]
    assert fee_row["values"]["法人或其他组织/法律服务机构"] == 1
    assert fee_row["values"]["总计"] == 1
    t2 = {r["label"]: r for r in data["table2"]}
    assert [v["label"] for v in t2["规章"]["values"]] == [
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
    ]
    assert t2["行政事业性收费"]["values"][0]["label"] == "本年收费金额（单位：万元）"
    assert [g["label"] for g in data["table4"]] == ["行政复议", "行政诉讼", "行政诉讼"]
    assert list(data["table4"][1]["values"]) == [
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
    ]
    assert data["table4"][1]["sub_label"] == "未经复议直接起诉"
    assert client.get("/api/v1/reports/annual?body=123&year=2025").status_code == 422
    assert (
        client.get(f"/api/v1/reports/annual?body={world.body_a.credit_code}&year=2024").status_code
        == 404
    )


def test_api_bearer_token_sees_draft(world: World) -> None:
    from yangguang.orgs.tokens import token_issue

    report_create(actor=world.head_a, body=world.body_a, year=2025)
    url = f"/api/v1/reports/annual?body={world.body_a.credit_code}&year=2025"
    secret = token_issue(user=world.handler_a).secret
    client = Client()
    resp = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert resp.status_code == 200 and resp.json()["status"] == "draft"
    other = token_issue(user=world.handler_b).secret
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    assert client.get(url, HTTP_AUTHORIZATION="Bearer yg_nope_nope").status_code == 401


def test_demo_loader_is_idempotent(world: World) -> None:
    from yangguang.reports import demo

    assert demo.load() == 0  # no demo office in the test world: nothing to do
    from tests.factories import BodyFactory

    BodyFactory(name="示范市人民政府办公室", region=world.city)
    assert demo.load() >= 1  # imported history at least
    assert demo.load() == 0


def test_table2_bulk_import(world: World, client: Client) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(
        ["统一社会信用代码", "年度", "行政许可", "行政处罚", "行政强制", "行政事业性收费（万元）"]
    )
    ws.append([world.body_a.credit_code, 2025, 30, 2, None, "0.8"])
    ws.append([world.body_b.credit_code, 2025, 5, 0, 0, 0])  # not head_a's body
    ws.append([world.body_a.credit_code, 2025.5, 1, 1, 1, 1])
    ws.append([world.body_a.credit_code, 2024, -1, 0, 0, 0])
    buf = io.BytesIO()
    wb.save(buf)
    _login(client, world.head_a)
    resp = client.post(
        "/console/reports/table2-import/",
        {"file": SimpleUploadedFile("t2.xlsx", buf.getvalue())},
        follow=True,
    )
    html = resp.content.decode()
    assert "已导入表二录入项 1 行" in html
    assert "第3行" in html and "第4行：年度有误" in html and "第5行" in html and "负数" in html
    values = dict(
        Table2Entry.objects.filter(body=world.body_a, year=2025).values_list("item", "source")
    )
    assert values == {
        "licensing": "imported",
        "penalty": "imported",
        "coercion": "imported",
        "fees": "imported",
    }
    assert not Table2Entry.objects.filter(body=world.body_b).exists()
    _login(client, world.county_supervisor)
    assert client.post("/console/reports/table2-import/", {}).status_code == 404
