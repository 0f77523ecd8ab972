"""Region overview for the 主管部门: every body with its report status and lateness (31 January;
31 March for county-level and higher governments — 条例 Art. 49–50) and the summed table."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from tests.conftest import World
from tests.factories import BodyFactory, make_credit_code
from tests.reports.conftest import make_app, written
from yangguang.orgs.models import BodyKind
from yangguang.reports.models import AnnualReport, ReportStatus, report_deadline
from yangguang.reports.selectors import is_late, region_overview
from yangguang.reports.services import report_create, report_finalise

D = dt.date


@pytest.fixture(autouse=True)
def _today() -> object:
    with time_machine.travel(dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC), tick=False) as t:
        yield t


@pytest.mark.parametrize(
    ("kind", "level", "deadline"),
    [
        (BodyKind.DEPARTMENT, "county", D(2026, 1, 31)),
        (BodyKind.GOVERNMENT, "county", D(2026, 3, 31)),  # 县级以上人民政府
        (BodyKind.GOVERNMENT, "city", D(2026, 3, 31)),
        (BodyKind.TOWNSHIP, "township", D(2026, 1, 31)),
    ],
)
def test_deadline(world: World, kind: str, level: str, deadline: dt.date) -> None:
    region = {"county": world.county, "city": world.city, "township": world.township}[level]
    body = BodyFactory(kind=kind, region=region)
    assert report_deadline(body, 2025) == deadline


def test_is_late() -> None:
    deadline = D(2026, 1, 31)
    published = AnnualReport(status=ReportStatus.PUBLISHED, published_on=D(2026, 2, 1))
    assert is_late(published, deadline, D(2026, 2, 10))
    published.published_on = D(2026, 1, 31)
    assert not is_late(published, deadline, D(2026, 2, 10))
    assert not is_late(None, deadline, D(2026, 1, 31))
    assert is_late(None, deadline, D(2026, 2, 1))
    assert is_late(AnnualReport(status=ReportStatus.FINALISED), deadline, D(2026, 2, 1))


def test_region_overview_rows_and_sum(world: World, client: Client) -> None:
    gov = BodyFactory(
        name="示范县人民政府",
        kind=BodyKind.GOVERNMENT,
        region=world.county,
        credit_code=make_credit_code("370921", 99),
    )
    make_app(world.body_a, D(2025, 3, 1), outcome="disclose", replied_on=D(2025, 3, 5))
    make_app(world.body_a, D(2025, 4, 1))
    make_app(world.township_body, D(2025, 6, 1), kind="org", org_kind="business")
    make_app(world.body_b, D(2025, 6, 1))  # other county: outside the region
    report_finalise(
        actor=world.head_a,
        report=written(
            world.head_a, report_create(actor=world.head_a, body=world.body_a, year=2025)
        ),
    )
    make_app(world.body_a, D(2025, 5, 1))  # after finalisation: frozen table ignores it
    rows, total = region_overview(world.county, 2025, D(2026, 2, 10))
    by_body = {r.body.pk: r for r in rows}
    assert set(by_body) == {world.body_a.pk, world.township_body.pk, gov.pk}
    assert by_body[world.body_a.pk].status_label == "已定稿"
    assert by_body[world.body_a.pk].late  # not published by 31 January
    assert (
        by_body[world.township_body.pk].status_label == "未编制"
        and by_body[world.township_body.pk].late
    )
    assert not by_body[gov.pk].late  # 31 March
    assert total.table3["1"]["total"] == 3  # 2 frozen (body A) + 1 live (township)
    assert total.table3["1"]["commercial"] == 1
    assert total.consistent
    client.force_login(world.county_supervisor)
    page = client.get("/console/reports/overview/?year=2025")
    assert page.status_code == 200
    html = page.content.decode()
    assert "示范县人民政府" in html and "东区" not in html.split('id="overview"')[1]
    assert "逾期 2" in html
    late_only = client.get("/console/reports/overview/?year=2025&show=late").content.decode()
    table = late_only.split('id="overview"')[1].split("</table>")[0]
    assert world.township_body.name in table and "示范县人民政府" not in table
    resp = client.get(
        f"/console/reports/overview/download/xlsx/?region={world.county.code}&year=2025"
    )
    assert resp.status_code == 200
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(resp.content))
    status = [r for r in wb["报送情况"].iter_rows(values_only=True)][2:]
    assert {r[0] for r in status} == {world.body_a.name, world.township_body.name, "示范县人民政府"}
    t3 = {r[0]: r[-1] for r in wb["表三 依申请公开"].iter_rows(values_only=True) if r[0]}
    assert t3["一、本年新收政府信息公开申请数量"] == 3


def test_overview_permissions(world: World, client: Client) -> None:
    client.force_login(world.handler_a)
    assert client.get("/console/reports/overview/").status_code == 404
    client.force_login(world.county_supervisor)
    # a region outside the supervised subtree
    assert client.get(f"/console/reports/overview/?region={world.county2.code}").status_code == 404
    assert (
        client.get(
            f"/console/reports/overview/download/xlsx/?region={world.county2.code}"
        ).status_code
        == 404
    )
    assert client.get(f"/console/reports/overview/?region={world.township.code}").status_code == 200
    client.force_login(world.admin)
    assert client.get(f"/console/reports/overview/?region={world.county2.code}").status_code == 200


def test_which_bodies_must_report_is_configurable(world: World) -> None:
    """条例 Art. 49: administrative organs by default; a region may add e.g. public institutions."""
    from yangguang.core.models import RuleSetting

    school = BodyFactory(name="示范县第一中学", kind=BodyKind.INSTITUTION, region=world.county)
    rows, _ = region_overview(world.county, 2025, D(2026, 2, 10))
    assert school.pk not in {r.body.pk for r in rows}
    RuleSetting.objects.create(
        scope_path=world.county.path,
        key="reports.reporting_body_kinds",
        value=["government", "department", "township", "institution"],
    )
    rows, _ = region_overview(world.county, 2025, D(2026, 2, 10))
    assert school.pk in {r.body.pk for r in rows}


def test_overview_api(world: World, client: Client) -> None:
    from yangguang.orgs.tokens import token_issue

    make_app(world.body_a, D(2025, 3, 1))
    url = f"/api/v1/reports/overview?region={world.county.code}&year=2025"
    anonymous = client.get(url)  # told to log in or use a token; nothing about the region
    assert anonymous.status_code == 401 and anonymous.json() == {
        "detail": "需要登录或工作人员令牌。"
    }
    assert client.get(url.replace(world.county.code, "999999")).status_code == 401
    secret = token_issue(user=world.county_supervisor).secret
    data = client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert data["region"]["name"] == "示范县"
    statuses = {b["credit_code"]: b["status"] for b in data["bodies"]}
    assert statuses[world.body_a.credit_code] == "missing"
    assert data["total"]["table3"][0]["label"] == "一、本年新收政府信息公开申请数量"
    assert data["total"]["table3"][0]["values"]["总计"] == 1
    handler = token_issue(user=world.handler_a).secret
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {handler}").status_code == 404
    other = f"/api/v1/reports/overview?region={world.county2.code}&year=2025"
    assert client.get(other, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 404
