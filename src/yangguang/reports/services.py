"""Every write of the annual report (DESIGN.md: keyword-only `<entity>_<verb>(*, actor, ...)`,
one transaction, transition + permission checked, one audit row).

Workflow (条例 Art. 49–50): draft (tables computed live, text edited) → finalised (tables
frozen; refused while 一 + 二 ≠ 三（七） + 四 in any column) → published. Publishing creates a
publication in the body's 年度报告 catalogue category through the disclosure services (own 索引号)
and submits it to 保密审查; the report counts as published when that publication is published
(`report_sync_publications`). A finalised report may be reopened (back to draft) until then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from yangguang.core import audit
from yangguang.orgs.access import can, require
from yangguang.orgs.models import Body, User
from yangguang.reports import sources
from yangguang.reports.drafting import TO_FILL_IN_MARK, draft_sections
from yangguang.reports.models import (
    AnnualReport,
    EntrySource,
    HistoricReport,
    ReportStatus,
    Table2Entry,
    Table2Item,
)
from yangguang.reports.selectors import body_tables, report_tables

TEXT_FIELDS = ("overview", "problems", "other_matters")
SECTION_LABELS = ("一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
MAX_TEXT = 20000


class ReportError(Exception):
    """A refused write, with a Chinese message for the page or the API."""


def _check_year(year: int, today: dt.date) -> None:
    if year < 2008 or year > today.year:
        raise ReportError(f"报告年度有误：应在2008年至{today.year}年之间。")


def report_create(*, actor: User, body: Body, year: int) -> AnnualReport:
    """A draft report for `body` and `year`, with a data-driven first draft of 一、五、六."""
    require(actor, "annual_report.change", body)
    return _create(actor=actor, body=body, year=year)


def _create(*, actor: User | None, body: Body, year: int) -> AnnualReport:
    today = timezone.localdate()
    _check_year(year, today)
    with transaction.atomic():
        existing = AnnualReport.objects.filter(body=body, year=year).first()
        if existing is not None:
            return existing
        texts = draft_sections(
            body.name, year, sources.draft_facts(body.pk, year), body_tables(body, year)
        )
        report = AnnualReport.objects.create(body=body, year=year, **texts)
        audit.record(
            actor=actor,
            action="annual_report.create",
            obj=report,
            body=body,
            changes={"year": [None, year]},
        )
    return report


def report_redraft(*, actor: User, report: AnnualReport) -> AnnualReport:
    """Replace the text sections with a fresh data-driven draft (drafts only)."""
    require(actor, "annual_report.change", report)
    if report.status != ReportStatus.DRAFT:
        raise ReportError("已定稿的报告不能重新生成草稿，请先退回修改。")
    texts = draft_sections(
        report.body.name,
        report.year,
        sources.draft_facts(report.body_id, report.year),
        body_tables(report.body, report.year),
    )
    return report_update_text(actor=actor, report=report, **texts)


def report_update_text(
    *, actor: User, report: AnnualReport, overview: str, problems: str, other_matters: str
) -> AnnualReport:
    require(actor, "annual_report.change", report)
    if report.status != ReportStatus.DRAFT:
        raise ReportError("报告已定稿，不能修改；如需修改请先退回草稿。")
    values = {"overview": overview, "problems": problems, "other_matters": other_matters}
    labels = dict(zip(TEXT_FIELDS, SECTION_LABELS, strict=True))
    for name, value in values.items():
        if len(value) > MAX_TEXT:
            raise ReportError(f"“{labels[name]}”过长：每节不超过{MAX_TEXT}字。")
    with transaction.atomic():
        before = audit.snapshot(report, TEXT_FIELDS)
        for name, value in values.items():
            setattr(report, name, value.strip())
        report.save(update_fields=[*TEXT_FIELDS, "updated_at"])
        audit.record(
            actor=actor,
            action="annual_report.update_text",
            obj=report,
            body=report.body,
            changes=audit.diff(before, audit.snapshot(report, TEXT_FIELDS)),
        )
    return report


def parse_amount(raw: Any, *, integer: bool, label: str) -> Decimal:
    text = str(raw if raw is not None else "").strip().replace(",", "")
    if text == "":
        return Decimal(0)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ReportError(f"“{label}”应填写数字。") from None
    if not value.is_finite() or value < 0:
        raise ReportError(f"“{label}”不能为负数。")
    if integer and value != value.to_integral_value():
        raise ReportError(f"“{label}”应为整数。")
    if value >= Decimal("1e12"):
        raise ReportError(f"“{label}”数值过大。")
    return value.quantize(Decimal("0.0001"))


def table2_entries_set(
    *,
    actor: User,
    body: Body,
    year: int,
    values: Mapping[str, Any],
    source: str = EntrySource.ENTERED,
) -> dict[str, Decimal]:
    """Staff-entered table-二 cells (行政许可/处罚/强制 本年处理决定数量, 行政事业性收费 万元).
    Imports may also come from whoever may import for the body (e.g. a regional administrator
    loading the service hall's decision counts)."""
    if not (
        can(actor, "annual_report.change", body)
        or (source == EntrySource.IMPORTED and can(actor, "annual_report.import", body))
    ):
        require(actor, "annual_report.change", body)
    report = AnnualReport.objects.filter(body=body, year=year).first()
    if report is not None and report.status != ReportStatus.DRAFT:
        raise ReportError("报告已定稿，不能修改表二；如需修改请先退回草稿。")
    parsed: dict[str, Decimal] = {}
    problems: list[str] = []
    for item, label in Table2Item.choices:  # every wrong cell at once, not the first only
        if item in values:
            try:
                parsed[item] = parse_amount(
                    values[item], integer=item != Table2Item.FEES, label=str(label)
                )
            except ReportError as exc:
                problems.append(str(exc))
    if problems:
        raise ReportError("；".join(p.rstrip("。") for p in problems) + "。")
    with transaction.atomic():
        changes: dict[str, list[Any]] = {}
        for item, value in parsed.items():
            entry, created = Table2Entry.objects.get_or_create(
                body=body,
                year=year,
                item=item,
                defaults={"value": value, "source": source, "updated_by": actor},
            )
            old = None if created else entry.value
            if not created and entry.value != value:
                entry.value = value
                entry.source = source
                entry.updated_by = actor
                entry.save()
            if old != value:
                changes[item] = [None if old is None else str(old), str(value)]
        if changes:
            audit.record(
                actor=actor,
                action="annual_report.table2",
                object_type="reports.table2entry",
                object_repr=f"{body} {year}年表二",
                body=body,
                changes=changes,
            )
    return parsed


def _section_texts(report: AnnualReport) -> list[tuple[str, str]]:
    return list(zip(SECTION_LABELS, (getattr(report, f) for f in TEXT_FIELDS), strict=True))


def report_finalise(*, actor: User, report: AnnualReport) -> AnnualReport:
    """Freeze the tables. Refused while 一 + 二 ≠ 三（七） + 四 in any column of table 三
    (国办公开办函〔2021〕30号 consistency rule; DOMAIN.md §5) or an application has no column."""
    require(actor, "annual_report.finalise", report)
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update()
            .select_related("body__region")
            .get(pk=report.pk)
        )
        if report.status != ReportStatus.DRAFT:
            raise ReportError("只有草稿状态的报告可以定稿。")
        tables = body_tables(report.body, report.year)
        failures = tables.identity_failures()
        if failures or tables.unclassified:
            from yangguang.reports.national import TABLE3_COLUMNS

            names = "、".join(c.label for c in TABLE3_COLUMNS if c.key in failures)
            parts = []
            if failures:
                parts.append(f"表三在以下列不满足“一＋二＝三（七）＋四”：{names}")
            if tables.unclassified:
                parts.append(f"有{tables.unclassified}件申请无法归入申请人类型列")
            raise ReportError("；".join(parts) + "。请先更正列出的申请后再定稿。")
        if not report.overview.strip():
            raise ReportError("请先填写“一、总体情况”。")
        for label, text in _section_texts(report):
            if TO_FILL_IN_MARK in text:
                raise ReportError(f"“{label}”中还有待填写的提示文字，请按实际情况改写后再定稿。")
        report.data = tables.to_json()
        report.status = ReportStatus.FINALISED
        report.finalised_at = timezone.now()
        report.finalised_by = actor
        report.save()
        audit.record(
            actor=actor,
            action="annual_report.finalise",
            obj=report,
            body=report.body,
            changes={"status": [ReportStatus.DRAFT, ReportStatus.FINALISED]},
        )
    return report


def report_reopen(*, actor: User, report: AnnualReport, reason: str) -> AnnualReport:
    """Back to draft (tables live again) — only before the report is published."""
    require(actor, "annual_report.finalise", report)
    reason = reason.strip()
    if not reason:
        raise ReportError("请填写退回修改的理由。")
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update()
            .select_related("body__region")
            .get(pk=report.pk)
        )
        if report.status != ReportStatus.FINALISED:
            raise ReportError("只有已定稿、未发布的报告可以退回修改。")
        if report.publication_id:
            raise ReportError("报告已提交发布（公开信息审核中），请先在主动公开中撤回该信息。")
        report.status = ReportStatus.DRAFT
        report.data = None
        report.finalised_at = None
        report.finalised_by = None
        report.save()
        audit.record(
            actor=actor,
            action="annual_report.reopen",
            obj=report,
            body=report.body,
            changes={"status": [ReportStatus.FINALISED, ReportStatus.DRAFT]},
            reason=reason,
        )
    return report


def render_report_html(report: AnnualReport) -> str:
    from yangguang.reports.views import report_context

    return render_to_string(
        "reports/_report_body.html", report_context(report, report_tables(report))
    )


def report_publish(*, actor: User, report: AnnualReport) -> AnnualReport:
    """Create the publication in the body's 年度报告 catalogue category (own 索引号) and submit it
    to 保密审查. The report becomes 已发布 when the reviewer publishes that publication."""
    require(actor, "annual_report.publish", report)
    from yangguang.disclosure import services as disclosure
    from yangguang.disclosure.models import CatalogueNode

    if not can(actor, "publication.create", report.body):
        raise ReportError(
            "提交发布需要本机构“发布员”角色（年度报告作为主动公开信息经保密审查后发布）。"
        )
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update()
            .select_related("body__region")
            .get(pk=report.pk)
        )
        if report.status != ReportStatus.FINALISED:
            raise ReportError("只有已定稿的报告可以发布。")
        if report.publication_id:
            raise ReportError("报告已提交发布，正在保密审查。")
        disclosure.catalogue_ensure(report.body)
        category = CatalogueNode.objects.filter(
            body=report.body, name=sources.ANNUAL_REPORT_CATEGORY
        ).first()
        today = timezone.localdate()
        result = disclosure.publication_create(
            actor=actor,
            body=report.body,
            data={
                "title": report.title,
                "written_on": today,
                "category": category,
                "summary": f"{report.body.name}{report.year}年政府信息公开工作年度报告（国办公开办函〔2021〕30号格式）。",
                "keywords": "政府信息公开 年度报告",
                "body_html": render_report_html(report),
            },
        )
        pub = disclosure.publication_submit(actor=actor, publication=result.publication)
        report.publication = pub
        report.index_number = pub.index_number
        report.save(update_fields=["publication", "index_number", "updated_at"])
        audit.record(
            actor=actor,
            action="annual_report.publish_request",
            obj=report,
            body=report.body,
            changes={"publication": [None, pub.index_number]},
        )
    return report


def report_sync_publications(reports: Iterable[AnnualReport]) -> int:
    """Mark reports published whose publication has been published (one query). Returns the
    number of reports changed."""
    from yangguang.disclosure.models import Publication
    from yangguang.disclosure.models import State as PubState

    waiting = {
        r.publication_id: r
        for r in reports
        if r.status == ReportStatus.FINALISED and r.publication_id
    }
    if not waiting:
        return 0
    done = 0
    for pk, published_on, published_at in Publication.objects.filter(
        pk__in=list(waiting), state=PubState.PUBLISHED
    ).values_list("pk", "published_on", "published_at"):
        report = waiting[pk]
        with transaction.atomic():
            updated = AnnualReport.objects.filter(
                pk=report.pk, status=ReportStatus.FINALISED
            ).update(
                status=ReportStatus.PUBLISHED, published_on=published_on, published_at=published_at
            )
            if updated:
                report.status = ReportStatus.PUBLISHED
                report.published_on = published_on
                report.published_at = published_at
                audit.record(
                    actor=None,
                    action="annual_report.publish",
                    obj=report,
                    body=report.body,
                    changes={"status": [ReportStatus.FINALISED, ReportStatus.PUBLISHED]},
                    reason=f"公开信息 {report.index_number} 已发布",
                )
                done += 1
    return done


def report_publication_withdrawn(*, report: AnnualReport, reason: str = "") -> AnnualReport:
    """The report's publication was withdrawn in 主动公开: back to 已定稿 (frozen tables kept),
    unlinked, so that it can be published again."""
    with transaction.atomic():
        old = report.status
        AnnualReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.FINALISED,
            publication=None,
            index_number="",
            published_on=None,
            published_at=None,
        )
        report.refresh_from_db()
        audit.record(
            actor=None,
            action="annual_report.unpublish",
            obj=report,
            body=report.body,
            changes={"status": [old, ReportStatus.FINALISED]},
            reason=f"公开信息已撤回：{reason}".rstrip("："),
        )
    return report


def history_save(
    *,
    actor: User,
    body: Body,
    year: int,
    fmt: str,
    data: dict[str, Any],
    source_name: str = "",
) -> HistoricReport:
    """Store an earlier year's report tables (imported), replacing an earlier import."""
    require(actor, "annual_report.import", body)
    today = timezone.localdate()
    _check_year(year, today)
    with transaction.atomic():
        old = HistoricReport.objects.filter(body=body, year=year).first()
        hist, created = HistoricReport.objects.update_or_create(
            body=body,
            year=year,
            defaults={
                "format": fmt,
                "data": data,
                "source_name": source_name[:200],
                "imported_by": actor,
            },
        )
        audit.record(
            actor=actor,
            action="annual_report.history_import",
            obj=hist,
            body=body,
            changes={"format": [old.format if old else None, fmt], "source": [None, source_name]},
        )
    return hist


TABLE2_IMPORT_HEADERS = {
    "统一社会信用代码": "credit_code",
    "年度": "year",
    "行政许可": Table2Item.LICENSING,
    "行政处罚": Table2Item.PENALTY,
    "行政强制": Table2Item.COERCION,
    "行政事业性收费（万元）": Table2Item.FEES,
}


def table2_import(*, actor: User, content: bytes) -> tuple[int, list[str]]:
    """Import table-二 entries for many bodies from an xlsx sheet with the headers
    统一社会信用代码 | 年度 | 行政许可 | 行政处罚 | 行政强制 | 行政事业性收费（万元）.
    Every row is checked on its own; returns (rows imported, Chinese error per refused row)."""
    from yangguang.reports.history import ImportError_, _rows, norm

    try:
        rows = _rows(content)
    except ImportError_ as exc:
        return 0, [str(exc)]
    if not rows:
        return 0, ["文件是空的。"]
    header = [norm(c) for c in rows[0]]
    missing = [h for h in ("统一社会信用代码", "年度") if h not in header]
    if missing:
        return 0, [f"第1行缺少表头：{'、'.join(missing)}。"]
    index = {
        TABLE2_IMPORT_HEADERS[h]: i for i, h in enumerate(header) if h in TABLE2_IMPORT_HEADERS
    }
    codes = {
        str(r[index["credit_code"]]).strip().upper()
        for r in rows[1:]
        if index["credit_code"] < len(r) and r[index["credit_code"]]
    }
    bodies = {
        b.credit_code: b
        for b in Body.objects.filter(credit_code__in=codes).select_related("region")
    }
    done, errors = 0, []
    for line, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * (len(header) - len(row))
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        code = str(cells[index["credit_code"]] or "").strip().upper()
        body = bodies.get(code)
        if body is None or not (
            can(actor, "annual_report.import", body) or can(actor, "annual_report.change", body)
        ):
            errors.append(f"第{line}行：未找到统一社会信用代码为“{code}”的机构，或无权导入。")
            continue
        try:
            year = int(str(cells[index["year"]]).strip())
        except ValueError:
            errors.append(f"第{line}行：年度有误。")
            continue
        values = {item: cells[i] for item, i in index.items() if item in Table2Item.values}
        try:
            _check_year(year, timezone.localdate())
            table2_entries_set(
                actor=actor, body=body, year=year, values=values, source=EntrySource.IMPORTED
            )
        except ReportError as exc:
            errors.append(f"第{line}行：{exc}")
            continue
        done += 1
    return done, errors
