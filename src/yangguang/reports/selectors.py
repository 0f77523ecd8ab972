"""Reads for the annual report: which reports a viewer sees, the tables of a report (frozen or
live), and the region overview."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from yangguang.core.rules import get_rule
from yangguang.orgs.access import visible_bodies_q
from yangguang.orgs.models import Body, Region
from yangguang.reports import sources
from yangguang.reports.compute import ReportTables, fill_table2, fill_table3, fill_table4
from yangguang.reports.models import AnnualReport, HistoricReport, ReportStatus, report_deadline
from yangguang.reports.rules import REPORTING_KINDS


def report_visible_to(viewer: Any) -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(visible_bodies_q(viewer, prefix="body")).select_related(
        "body__region"
    )


def published_reports() -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(status=ReportStatus.PUBLISHED).select_related("body__region")


def historic_visible_to(viewer: Any) -> QuerySet[HistoricReport]:
    return HistoricReport.objects.filter(visible_bodies_q(viewer, prefix="body")).select_related(
        "body"
    )


def compute_tables(body_ids: Sequence[int], year: int) -> dict[int, ReportTables]:
    """Live tables for every body in `body_ids`: four grouped queries in all."""
    out = {b: ReportTables() for b in body_ids}
    apps: dict[int, list[sources.ApplicationCount]] = {b: [] for b in body_ids}
    for a in sources.application_counts(body_ids, year):
        apps[a.body_id].append(a)
    reviews: dict[int, list[sources.ReviewCount]] = {b: [] for b in body_ids}
    for r in sources.review_counts(body_ids, year):
        reviews[r.body_id].append(r)
    pubs: dict[int, list[sources.PublicationCount]] = {b: [] for b in body_ids}
    for p in sources.publication_counts(body_ids, year):
        pubs[p.body_id].append(p)
    entries = sources.staff_entries(body_ids, year)
    for b, tables in out.items():
        fill_table3(tables, apps[b])
        fill_table4(tables, reviews[b])
        fill_table2(tables, pubs[b], entries.get(b, {}))
    return out


def body_tables(body: Body, year: int) -> ReportTables:
    return compute_tables([body.pk], year)[body.pk]


def report_tables(report: AnnualReport) -> ReportTables:
    """Frozen tables once finalised; computed live while a draft."""
    if report.data and report.status != ReportStatus.DRAFT:
        return ReportTables.from_json(report.data)
    return body_tables(report.body, report.year)


# ---------------------------------------------------------------------------------------------
# Region overview (主管部门).


@dataclass
class OverviewRow:
    body: Body
    report: AnnualReport | None
    deadline: dt.date
    late: bool
    tables: ReportTables

    @property
    def status_label(self) -> str:
        if self.report is None:
            return "未编制"
        return str(self.report.get_status_display())

    @property
    def consistent(self) -> bool:
        return self.tables.consistent


def is_late(report: AnnualReport | None, deadline: dt.date, today: dt.date) -> bool:
    """Late: published after the deadline, or not published and the deadline has passed."""
    if report is not None and report.status == ReportStatus.PUBLISHED and report.published_on:
        return report.published_on > deadline
    return today > deadline


def region_overview(
    region: Region, year: int, today: dt.date
) -> tuple[list[OverviewRow], ReportTables]:
    """Every active body in the region subtree that must report (configurable kinds; 条例
    Art. 49) with its report status, and the summed tables.
    Finalised/published reports contribute their frozen tables, drafts their live tables."""
    kinds = get_rule(REPORTING_KINDS.key, region.path)
    bodies = list(
        Body.objects.filter(region__path__startswith=region.path, is_active=True, kind__in=kinds)
        .select_related("region")
        .order_by("region__path", "sort", "id")
    )
    reports = {
        r.body_id: r
        for r in AnnualReport.objects.filter(body__in=bodies, year=year).only(
            "id", "body_id", "year", "status", "data", "published_on", "finalised_at"
        )
    }
    live_ids = [
        b.pk
        for b in bodies
        if b.pk not in reports
        or reports[b.pk].status == ReportStatus.DRAFT
        or not reports[b.pk].data
    ]
    live = compute_tables(live_ids, year) if live_ids else {}
    total = ReportTables()
    rows = []
    for b in bodies:
        report = reports.get(b.pk)
        tables = live[b.pk] if b.pk in live else ReportTables.from_json(report.data)  # type: ignore[union-attr,arg-type]
        deadline = report_deadline(b, year)
        rows.append(OverviewRow(b, report, deadline, is_late(report, deadline, today), tables))
        total.add(tables)
    return rows, total
