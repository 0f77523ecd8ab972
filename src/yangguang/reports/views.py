"""Pages of the annual report: the console (draft, tables, identity check, text, table 二 entries,
finalise / reopen / publish, downloads, region overview, history) and the public report page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from yangguang.core.models import AuditEvent
from yangguang.core.params import int_param
from yangguang.disclosure.services import DisclosureError
from yangguang.orgs.access import (
    can,
    get_visible_or_404,
    require,
    visible_bodies_q,
    visible_region_paths,
)
from yangguang.orgs.models import Body, Region
from yangguang.reports import exports, services
from yangguang.reports import national as nat
from yangguang.reports.charts import history_charts
from yangguang.reports.compute import (
    ReportTables,
    fmt_amount,
    table2_layout,
    table3_layout,
    table4_values,
)
from yangguang.reports.models import (
    AnnualReport,
    ReportStatus,
    Table2Entry,
    Table2Item,
    report_deadline,
)
from yangguang.reports.selectors import (
    published_reports,
    region_overview,
    report_tables,
    report_visible_to,
)


def report_context(report: AnnualReport, tables: ReportTables) -> dict[str, Any]:
    """What the standard-layout template `reports/_report_body.html` needs."""
    return {
        "title": report.title,
        "year": report.year,
        "overview_paragraphs": exports.paragraphs(report.overview),
        "problems_paragraphs": exports.paragraphs(report.problems),
        "other_paragraphs": exports.paragraphs(report.other_matters),
        "table2": table2_layout(tables),
        "table3": table3_layout(tables),
        "table4": table4_values(tables),
        "table4_labels": [c.label for c in nat.TABLE4_COLUMNS],
        "failing_rows": [],
    }


def _last_year() -> int:
    return timezone.localdate().year - 1


def _year_param(value: str | None) -> int:
    """A report year from the query string; anything odd (99999, ²⁰²⁶) means last year."""
    year = int_param(value, minimum=2000, maximum=2100)
    return _last_year() if year is None else year


def _int(value: Any, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def _changeable_bodies(user: Any) -> list[Body]:
    bodies = Body.objects.filter(pk__in=[b for b in _grant_body_ids(user)]).select_related("region")
    return [b for b in bodies if can(user, "annual_report.change", b)]


def _grant_body_ids(user: Any) -> list[int]:
    from yangguang.orgs.access import grants

    return list(grants(user).body_roles)


def _report_or_404(
    request: HttpRequest, pk: int, action: str = "annual_report.view"
) -> AnnualReport:
    qs = AnnualReport.objects.select_related("body__region")
    return get_visible_or_404(qs, request.user, action, pk=pk)  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# Console


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "annual_report.view", None)
    form_error = ""
    bodies = _changeable_bodies(request.user)
    if request.method == "POST":
        body = next((b for b in bodies if str(b.pk) == request.POST.get("body")), None)
        year = _int(request.POST.get("year"), 0)
        if body is None:
            form_error = "请选择机构。"
        else:
            try:
                report = services.report_create(actor=request.user, body=body, year=year)  # type: ignore[arg-type]
            except services.ReportError as exc:
                form_error = str(exc)
            else:
                return redirect("console:reports_detail", pk=report.pk)
    qs = report_visible_to(request.user).order_by(
        "-year", "body__region__path", "body__sort", "body_id"
    )
    year_filter = request.GET.get("year", "")
    year_value = int_param(year_filter, minimum=1, maximum=9999)
    if year_value is not None:
        qs = qs.filter(year=year_value)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    services.report_sync_publications(page.object_list)
    return render(
        request,
        "reports/console_list.html",
        {
            "page_obj": page,
            "bodies": bodies,
            "default_year": _last_year(),
            "year_filter": year_filter,
            "form_error": form_error,
            "posted": request.POST,
            "can_overview": bool(visible_region_paths(request.user)),
            "can_import_table2": can(request.user, "annual_report.import")
            or can(request.user, "annual_report.change"),
            "querystring_base": f"year={year_filter}&" if year_filter else "",
        },
    )


def _entry_text(item: str, value: Any) -> str:
    if value is None:
        return ""
    return fmt_amount(value) if item == Table2Item.FEES else str(int(value))


@login_required
@require_POST
def table2_import_view(request: HttpRequest) -> HttpResponse:
    """Bulk import of table-二 entries (xlsx); per-row errors are listed on the page."""
    if not (can(request.user, "annual_report.import") or can(request.user, "annual_report.change")):
        raise Http404("未找到")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要导入的 xlsx 文件。")
        return redirect("console:reports_list")
    if upload.size and upload.size > 5 * 1024 * 1024:
        messages.error(request, "文件过大（不超过5MB）。")
        return redirect("console:reports_list")
    done, errors = services.table2_import(actor=request.user, content=upload.read())  # type: ignore[arg-type]
    if done:
        messages.success(request, f"已导入表二录入项 {done} 行。")
    for err in errors[:50]:
        messages.error(request, err)
    if len(errors) > 50:
        messages.error(request, f"另有 {len(errors) - 50} 行未导入。")
    return redirect("console:reports_list")


def _detail_context(request: HttpRequest, report: AnnualReport) -> dict[str, Any]:
    from yangguang.reports import history
    from yangguang.reports.sources import breaking_applications, breaking_reason

    services.report_sync_publications([report])
    tables = report_tables(report)
    failures = tables.identity_failures()
    broken_page = None
    if report.status == ReportStatus.DRAFT:
        broken = breaking_applications(report.body_id, report.year)
        broken_page = Paginator(broken, 20).get_page(request.GET.get("page"))
        for app in broken_page.object_list:
            app.break_reason = breaking_reason(app, report.year)  # type: ignore[attr-defined]
    entries = {
        e.item: e.value for e in Table2Entry.objects.filter(body=report.body, year=report.year)
    }
    ctx = report_context(report, tables)
    carried_in = tables.table3[nat.ROW_CARRIED_IN]["total"]
    # Why a finalised report came back to draft: the reason the 负责人 had to give.
    reopened = (
        AuditEvent.objects.filter(
            object_type=AnnualReport._meta.label_lower,
            object_id=str(report.pk),
            action="annual_report.reopen",
        )
        .order_by("-at", "-id")
        .first()
        if report.status == ReportStatus.DRAFT
        else None
    )
    ctx.update(
        {
            "report": report,
            "tables": tables,
            "failures": [c.label for c in nat.TABLE3_COLUMNS if c.key in failures],
            "unclassified": tables.unclassified,
            "page_obj": broken_page,
            "entries": [
                (item, label, "" if entries.get(item) is None else fmt_amount(entries[item]))
                for item, label in Table2Item.choices
            ],
            "deadline": report_deadline(report.body, report.year),
            "carried_in": carried_in,
            "reopened": reopened,
            "previous_carried_out": history.carry_over_mismatch(
                report.body, report.year, carried_in
            ),
            "can_change": can(request.user, "annual_report.change", report)
            and report.status == ReportStatus.DRAFT,
            "can_finalise": can(request.user, "annual_report.finalise", report),
            "can_publish": can(request.user, "annual_report.publish", report)
            and can(request.user, "publication.create", report.body),
            "is_draft": report.status == ReportStatus.DRAFT,
            "is_finalised": report.status == ReportStatus.FINALISED,
        }
    )
    return ctx


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    return render(request, "reports/console_detail.html", _detail_context(request, report))


def _rerender(request: HttpRequest, report: AnnualReport, error: str, **extra: Any) -> HttpResponse:
    ctx = _detail_context(request, report)
    ctx["error"] = error
    ctx.update(extra)
    return render(request, "reports/console_detail.html", ctx, status=400)


@login_required
@require_POST
def report_text(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    require(request.user, "annual_report.change", report)
    try:
        if request.POST.get("redraft"):
            services.report_redraft(actor=request.user, report=report)  # type: ignore[arg-type]
            messages.success(request, "已根据最新数据重新生成文字草稿。")
        else:
            services.report_update_text(
                actor=request.user,  # type: ignore[arg-type]
                report=report,
                overview=request.POST.get("overview", ""),
                problems=request.POST.get("problems", ""),
                other_matters=request.POST.get("other_matters", ""),
            )
            messages.success(request, "文字部分已保存。")
    except services.ReportError as exc:
        report.overview = request.POST.get("overview", report.overview)
        report.problems = request.POST.get("problems", report.problems)
        report.other_matters = request.POST.get("other_matters", report.other_matters)
        return _rerender(request, report, str(exc))
    return redirect("console:reports_detail", pk=report.pk)


@login_required
@require_POST
def report_table2(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    try:
        services.table2_entries_set(
            actor=request.user,  # type: ignore[arg-type]
            body=report.body,
            year=report.year,
            values={item: request.POST.get(item, "") for item in Table2Item.values},
        )
    except services.ReportError as exc:
        typed = [(item, label, request.POST.get(item, "")) for item, label in Table2Item.choices]
        return _rerender(request, report, str(exc), entries=typed)  # what was typed, kept
    messages.success(request, "表二录入项已保存。")
    return redirect("console:reports_detail", pk=report.pk)


@login_required
@require_POST
def report_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    try:
        services.report_finalise(actor=request.user, report=report)  # type: ignore[arg-type]
    except services.ReportError as exc:
        return _rerender(request, report, str(exc))
    messages.success(request, "报告已定稿，表格数据已固定。")
    return redirect("console:reports_detail", pk=report.pk)


@login_required
@require_POST
def report_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    try:
        services.report_reopen(
            actor=request.user,  # type: ignore[arg-type]
            report=report,
            reason=request.POST.get("reason", ""),
        )
    except services.ReportError as exc:
        return _rerender(request, report, str(exc))
    messages.success(request, "报告已退回草稿。")
    return redirect("console:reports_detail", pk=report.pk)


@login_required
@require_POST
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    try:
        services.report_publish(actor=request.user, report=report)  # type: ignore[arg-type]
    except (services.ReportError, DisclosureError) as exc:
        return _rerender(request, report, str(exc))
    messages.success(
        request, "已在“年度报告”目录下生成公开信息并提交保密审查，审核发布后报告即为已发布。"
    )
    return redirect("console:reports_detail", pk=report.pk)


def _download(report: AnnualReport, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404("未找到")
    content, ctype, name = exports.render(report, report_tables(report), fmt)
    response = HttpResponse(content, content_type=ctype)
    # A Chinese file name (RFC 6266 filename*: browsers save it as written).
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = _report_or_404(request, pk, "annual_report.export")
    return _download(report, fmt)


def _overview_region(request: HttpRequest) -> tuple[Region, list[Region]]:
    paths = visible_region_paths(request.user)
    if not paths:
        raise Http404("未找到")
    if "/" in paths:
        regions = list(Region.objects.filter(parent=None).order_by("path"))
    else:
        regions = list(Region.objects.filter(path__in=paths).order_by("path"))
    wanted = request.GET.get("region")
    region = regions[0] if regions else None
    if wanted:
        region = Region.objects.filter(code=wanted[:12]).first()
    if region is None:
        raise Http404("未找到")
    require(request.user, "annual_report.stats", region)
    return region, regions


@login_required
def region_overview_view(request: HttpRequest) -> HttpResponse:
    region, regions = _overview_region(request)
    year = _year_param(request.GET.get("year"))
    today = timezone.localdate()
    rows, total = region_overview(region, year, today)
    counts = {
        "total": len(rows),
        "published": sum(1 for r in rows if r.report and r.report.status == ReportStatus.PUBLISHED),
        "finalised": sum(1 for r in rows if r.report and r.report.status == ReportStatus.FINALISED),
        "draft": sum(1 for r in rows if r.report and r.report.status == ReportStatus.DRAFT),
        "missing": sum(1 for r in rows if r.report is None),
        "late": sum(1 for r in rows if r.late),
    }
    show = request.GET.get("show", "")
    filters = {
        "late": lambda r: r.late,
        "missing": lambda r: r.report is None,
        "draft": lambda r: r.report is not None and r.report.status == ReportStatus.DRAFT,
        "finalised": lambda r: r.report is not None and r.report.status == ReportStatus.FINALISED,
        "published": lambda r: r.report is not None and r.report.status == ReportStatus.PUBLISHED,
        "inconsistent": lambda r: not r.consistent,
    }
    shown = [r for r in rows if filters[show](r)] if show in filters else rows
    page = Paginator(shown, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/console_overview.html",
        {
            "region": region,
            "regions": regions,
            "subregions": region.children.order_by("sort", "code"),
            "year": year,
            "page_obj": page,
            "counts": counts,
            "total_table2": table2_layout(total),
            "total_table3": table3_layout(total),
            "total_table4": table4_values(total),
            "table4_labels": [c.label for c in nat.TABLE4_COLUMNS],
            "total_failures": [
                c.label for c in nat.TABLE3_COLUMNS if c.key in total.identity_failures()
            ],
            "querystring_base": f"region={region.code}&year={year}&show={show}&",
            "today": today,
            "show": show,
            "show_choices": [
                ("", "全部机构"),
                ("late", "逾期"),
                ("missing", "未编制"),
                ("draft", "草稿"),
                ("finalised", "已定稿"),
                ("published", "已发布"),
                ("inconsistent", "勾稽不一致"),
            ],
        },
    )


@login_required
def region_overview_xlsx(request: HttpRequest) -> HttpResponse:
    region, _ = _overview_region(request)
    year = _year_param(request.GET.get("year"))
    rows, total = region_overview(region, year, timezone.localdate())
    content = exports.build_region_xlsx(
        region.name,
        year,
        [
            {
                "body": r.body.name,
                "credit_code": r.body.credit_code,
                "region": r.body.region.name,
                "status": r.status_label,
                "deadline": r.deadline.isoformat(),
                "published_on": r.report.published_on.isoformat()
                if r.report and r.report.published_on
                else "",
                "late": r.late,
                "consistent": r.consistent,
                "new": r.tables.table3[nat.ROW_NEW]["total"],
            }
            for r in rows
        ],
        total,
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="region-{region.code}-{year}.xlsx"'
    return response


@login_required
def history_view(request: HttpRequest) -> HttpResponse:
    from yangguang.reports import history

    require(request.user, "annual_report.view", None)
    visible = Body.objects.filter(visible_bodies_q(request.user), is_active=True)
    body_id = _int(request.GET.get("body") or request.POST.get("body"), 0)
    body = None
    if body_id:
        body = get_object_or_404(Body.objects.select_related("region"), pk=body_id)
        require(request.user, "annual_report.view", body)
    elif _grant_body_ids(request.user):
        body = Body.objects.select_related("region").get(pk=_grant_body_ids(request.user)[0])
    error = ""
    if request.method == "POST":
        if body is None:
            raise Http404("未找到")
        upload = request.FILES.get("file")
        year = _int(request.POST.get("year"), 0)
        if upload is None:
            error = "请选择要导入的 xlsx 文件。"
        elif upload.size and upload.size > 5 * 1024 * 1024:
            error = "文件过大（不超过5MB）。"
        else:
            try:
                fmt, data = history.parse_workbook(
                    upload.read(), fmt=request.POST.get("format") or None
                )
                services.history_save(
                    actor=request.user,  # type: ignore[arg-type]
                    body=body,
                    year=year,
                    fmt=fmt,
                    data=data,
                    source_name=upload.name or "",
                )
            except (history.ImportError_, services.ReportError) as exc:
                error = str(exc)
            else:
                messages.success(
                    request, f"已导入{body.name}{year}年年度报告（{nat.FORMATS[fmt].label}格式）。"
                )
                return redirect(f"{reverse('console:reports_history')}?body={body.pk}")
    charts: list[dict[str, Any]] = []
    rows: list[Any] = []
    if body is not None:
        rows = history.series_for(body)
        charts = history_charts(rows)
    return render(
        request,
        "reports/console_history.html",
        {
            "body": body,
            "bodies": visible.order_by("region__path", "sort", "id")[:500],
            "rows": rows,
            "charts": charts,
            "error": error,
            "can_import": body is not None and can(request.user, "annual_report.import", body),
            "default_year": _last_year() - 1,
        },
        status=400 if error else 200,
    )


# ---------------------------------------------------------------------------------------------
# Public portal


def public_list(request: HttpRequest) -> HttpResponse:
    qs = published_reports().order_by("-year", "body__region__path", "body__sort", "body_id")
    year = request.GET.get("year", "")
    year_value = int_param(year, minimum=1, maximum=9999)
    if year_value is not None:
        qs = qs.filter(year=year_value)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(body__name__contains=q[:50])
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/public_list.html",
        {"page_obj": page, "year": year, "q": q, "querystring_base": f"year={year}&q={q}&"},
    )


def _public_report(pk: int) -> AnnualReport:
    report = published_reports().filter(pk=pk).first()
    if report is None:
        raise Http404("未找到")
    return report


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _public_report(pk)
    from yangguang.reports import history

    ctx = report_context(report, report_tables(report))
    ctx["report"] = report
    series = [
        r for r in history.series_for(report.body, published_only=True) if r["year"] <= report.year
    ]
    ctx["charts"] = history_charts(series)[:3] if len(series) > 1 else []
    return render(request, "reports/public_detail.html", ctx)


def public_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _download(_public_report(pk), fmt)
