"""Publishing through the 年度报告 catalogue category, the public page, docx/xlsx/json
downloads, the management command and table 二 from publications."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from tests.conftest import World
from tests.reports.conftest import make_app, written
from yangguang.disclosure import services as disclosure
from yangguang.disclosure.models import CatalogueNode, Publication
from yangguang.disclosure.models import State as PubState
from yangguang.reports.models import ReportStatus
from yangguang.reports.selectors import body_tables
from yangguang.reports.services import (
    ReportError,
    report_create,
    report_finalise,
    report_publish,
    table2_entries_set,
)

D = dt.date


@pytest.fixture(autouse=True)
def _today() -> object:
    with time_machine.travel(dt.datetime(2026, 1, 20, 2, 0, tzinfo=dt.UTC), tick=False) as t:
        yield t


def _pub(body, category: str, published_on, *, validity="valid", changed=None) -> Publication:  # type: ignore[no-untyped-def]
    disclosure.catalogue_ensure(body)
    node = CatalogueNode.objects.get(body=body, name=category)
    n = Publication.objects.count() + 1
    return Publication.objects.create(
        body=body,
        index_number=f"{body.credit_code}/{published_on.year}-{n:05d}",
        title=f"文件{n}",
        written_on=published_on,
        published_on=published_on,
        category=node,
        state=PubState.PUBLISHED,
        validity=validity,
        validity_changed_on=changed,
    )


def test_table2_from_publications_and_entries(world: World) -> None:
    a = world.body_a
    _pub(a, "规章", D(2025, 3, 1))
    _pub(a, "规章", D(2020, 3, 1), validity="repealed", changed=D(2025, 6, 1))  # repealed in 2025
    _pub(a, "行政规范性文件", D(2025, 12, 31))
    _pub(a, "行政规范性文件", D(2026, 1, 1))  # next year
    _pub(
        a, "行政规范性文件", D(2019, 1, 1), validity="repealed", changed=D(2026, 1, 5)
    )  # in force on 31 Dec
    _pub(a, "行政规范性文件", D(2019, 1, 1), validity="expired", changed=D(2024, 1, 5))
    _pub(a, "工作动态", D(2025, 5, 1))
    table2_entries_set(
        actor=world.head_a, body=a, year=2025, values={"licensing": "7", "fees": "0.35"}
    )
    t = body_tables(a, 2025).table2
    assert t["regulation"] == {"issued": 1, "repealed": 1, "in_force": 1}
    assert t["normative"] == {"issued": 1, "repealed": 0, "in_force": 2}
    assert t["licensing"]["decisions"] == 7
    assert str(t["fees"]["amount"]) == "0.3500"


def _finalised(world: World):  # type: ignore[no-untyped-def]
    make_app(world.body_a, D(2025, 3, 1), outcome="disclose", replied_on=D(2025, 3, 10))
    make_app(world.body_a, D(2025, 11, 1), kind="org", org_kind="research")
    report = report_create(actor=world.head_a, body=world.body_a, year=2025)
    return report_finalise(actor=world.head_a, report=written(world.head_a, report))


def test_publish_creates_publication_in_annual_report_category(
    world: World, client: Client
) -> None:
    report = _finalised(world)
    with pytest.raises(ReportError, match="发布员"):
        report_publish(actor=world.head_a, report=report)
    report = report_publish(actor=world.editor_a, report=report)
    pub = Publication.objects.get(pk=report.publication_id)
    assert pub.category.name == "年度报告"
    assert pub.index_number == report.index_number
    assert pub.index_number.startswith(world.body_a.credit_code + "/2026-")
    assert pub.state == PubState.SUBMITTED
    assert "（七）总计" in pub.body_html
    assert report.status == ReportStatus.FINALISED
    # not public until the confidentiality review publishes it
    assert client.get(f"/reports/annual/{report.pk}/").status_code == 404
    disclosure.publication_approve(actor=world.reviewer_a, publication=pub)
    disclosure.publication_publish(actor=world.reviewer_a, publication=pub)
    from yangguang.reports.models import HistoricReport

    HistoricReport.objects.create(
        body=world.body_a, year=2024, format="2021", data={"table3": {"1": {"total": 5}}}
    )
    page = client.get(f"/reports/annual/{report.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "一、本年新收政府信息公开申请数量" in html and report.index_number in html
    assert "历年对比" in html and "<svg" in html and "2024年" in html
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.published_on == D(2026, 1, 20)
    data = client.get(f"/api/v1/reports/annual?body={world.body_a.credit_code}&year=2025").json()
    assert data["status"] == "published" and data["index_number"] == report.index_number
    assert client.get("/reports/annual/").content.decode().count(report.title) == 1
    for fmt in ("docx", "xlsx"):
        assert client.get(f"/reports/annual/{report.pk}/download/{fmt}/").status_code == 200
    # withdrawn in 主动公开: the report is no longer public and can be published again
    pub.refresh_from_db()
    disclosure.publication_withdraw(actor=world.reviewer_a, publication=pub, reason="内容需更正")
    report.refresh_from_db()
    assert report.status == ReportStatus.FINALISED and report.publication is None
    assert client.get(f"/reports/annual/{report.pk}/").status_code == 404
    again = report_publish(actor=world.editor_a, report=report)
    assert again.publication is not None and again.index_number != pub.index_number


def test_docx_and_xlsx_content(world: World, client: Client) -> None:
    report = _finalised(world)
    client.force_login(world.head_a)
    resp = client.get(f"/console/reports/{report.pk}/download/docx/")
    # Saved under the report's Chinese title (RFC 6266 filename*).
    from urllib.parse import quote

    name = f"{world.body_a.name}2025年政府信息公开工作年度报告.docx"
    assert resp["Content-Disposition"].startswith("attachment;")
    assert f"filename*=utf-8''{quote(name)}" in resp["Content-Disposition"]
    doc = Document(io.BytesIO(resp.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "二、主动公开政府信息情况" in text and "六、其他需要报告的事项" in text
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in cells
    assert "未经复议直接起诉" in cells
    resp = client.get(f"/console/reports/{report.pk}/download/xlsx/")
    wb = load_workbook(io.BytesIO(resp.content))
    ws = wb["表三 依申请公开"]
    rows = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r[0]}
    assert rows["一、本年新收政府信息公开申请数量"] == (1, 0, 1, 0, 0, 0, 2)
    assert rows["四、结转下年度继续办理"] == (0, 0, 1, 0, 0, 0, 1)
    assert client.get(f"/console/reports/{report.pk}/download/pdf/").status_code == 404


def test_command_writes_each_format(world: World, tmp_path: Path) -> None:
    _finalised(world)
    out = io.StringIO()
    call_command(
        "annual_report", body=world.body_a.credit_code, year=2025, format="json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["table3"][0]["values"]["总计"] == 2
    for fmt in ("docx", "xlsx"):
        target = tmp_path / f"r.{fmt}"
        call_command(
            "annual_report",
            body=world.body_a.credit_code,
            year=2025,
            format=fmt,
            output=str(target),
            stdout=io.StringIO(),
        )
        assert target.stat().st_size > 1000
    # no report yet for 2024: live tables
    out = io.StringIO()
    call_command("annual_report", body=world.body_a.credit_code, year=2024, stdout=out)
    assert json.loads(out.getvalue())["status"] == "draft"
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未找到"):
        call_command("annual_report", body="X" * 18, year=2025, stdout=io.StringIO())


def test_publish_through_the_console(world: World, client: Client) -> None:
    report = _finalised(world)
    client.force_login(world.head_a)
    page = client.get(f"/console/reports/{report.pk}/").content.decode()
    assert ">提交发布</button>" not in page and "待本机构发布员提交发布" in page
    resp = client.post(f"/console/reports/{report.pk}/publish/")
    assert resp.status_code == 400 and "发布员" in resp.content.decode()
    client.force_login(world.editor_a)
    resp = client.post(f"/console/reports/{report.pk}/publish/")
    assert resp.status_code == 302
    report.refresh_from_db()
    assert report.publication is not None and report.publication.state == PubState.SUBMITTED
    client.force_login(world.handler_b)
    assert client.post(f"/console/reports/{report.pk}/publish/").status_code == 404
