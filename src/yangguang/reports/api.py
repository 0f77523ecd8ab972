"""GET /api/v1/reports/annual?body=<统一社会信用代码>&year=YYYY — the annual report as JSON whose
table rows carry the exact national labels (国办公开办函〔2021〕30号), for other systems to read.

Published reports are public. Drafts and finalised reports are visible only to staff who may
view the body's reports — signed in, or with `Authorization: Bearer <staff API token>` — and
look exactly like "missing" (404) to everyone else."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from yangguang.api import error_answers
from yangguang.orgs.access import can
from yangguang.orgs.models import Body, Region
from yangguang.orgs.tokens import token_user
from yangguang.reports.exports import report_json, tables_json
from yangguang.reports.models import AnnualReport, ReportStatus
from yangguang.reports.selectors import region_overview, report_tables
from yangguang.reports.services import report_sync_publications

router = Router(tags=["年度报告"])


def _viewer(request: HttpRequest) -> Any:
    """The session user, or the staff member behind a bearer token (optional here)."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        user = token_user(header[7:])
        if user is None:
            raise HttpError(401, "未登录或令牌无效。")
        return user
    return request.user


class AnnualQuery(Schema):
    body: str = Field(..., description="机构统一社会信用代码（18位）", max_length=18)
    year: int = Field(..., description="报告年度", ge=2008, le=2100)


@router.get(
    "/annual", summary="政府信息公开工作年度报告（国家格式，行名与国办公开办函〔2021〕30号一致）"
)
def annual(request: HttpRequest, query: Query[AnnualQuery]) -> dict[str, Any]:
    code = query.body.strip().upper()
    if len(code) != 18:
        raise HttpError(422, "参数有误：body 应为18位统一社会信用代码。")
    body = Body.objects.select_related("region").filter(credit_code=code).first()
    if body is None:
        raise Http404("未找到")
    report = (
        AnnualReport.objects.select_related("body__region")
        .filter(body=body, year=query.year)
        .first()
    )
    if report is None:
        raise Http404("未找到")
    report_sync_publications([report])
    if report.status != ReportStatus.PUBLISHED and not can(
        _viewer(request), "annual_report.view", report
    ):
        raise Http404("未找到")
    return report_json(report, report_tables(report))


class OverviewQuery(Schema):
    region: str = Field(..., description="区划代码", max_length=12)
    year: int = Field(..., description="报告年度", ge=2008, le=2100)


@router.get(
    "/overview",
    summary="区域年度报告报送情况与汇总表（主管部门：监督员、管理员；需登录或工作人员令牌）",
    openapi_extra=error_answers({"401": "未登录或令牌无效"}),
)
def overview(request: HttpRequest, query: Query[OverviewQuery]) -> dict[str, Any]:
    viewer = _viewer(request)
    if not viewer.is_authenticated:  # staff only: say how to get in (401), not just 404
        raise HttpError(401, "需要登录或工作人员令牌。")
    region = Region.objects.filter(code=query.region.strip()).first()
    if region is None or not can(viewer, "annual_report.stats", region):
        raise Http404("未找到")
    rows, total = region_overview(region, query.year, timezone.localdate())
    return {
        "region": {"code": region.code, "name": region.name},
        "year": query.year,
        "bodies": [
            {
                "name": r.body.name,
                "credit_code": r.body.credit_code,
                "status": r.report.status if r.report else "missing",
                "status_label": r.status_label,
                "deadline": r.deadline.isoformat(),
                "published_on": r.report.published_on.isoformat()
                if r.report and r.report.published_on
                else None,
                "late": r.late,
                "consistent": r.consistent,
            }
            for r in rows
        ],
        "total": tables_json(total),
    }


routers = [("/reports", router)]
