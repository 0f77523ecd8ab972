"""Keep a report's status in step with its publication: when the publication created for the
report in the 年度报告 category is published (after 保密审查), the report becomes 已发布; when
that publication is withdrawn (撤回), the report goes back to 已定稿 and may be published again."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save


def _on_publication_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    from yangguang.disclosure.models import State
    from yangguang.reports.models import AnnualReport, ReportStatus
    from yangguang.reports.services import report_publication_withdrawn, report_sync_publications

    if instance.state == State.WITHDRAWN:
        for report in AnnualReport.objects.filter(publication_id=instance.pk).select_related(
            "body__region"
        ):
            report_publication_withdrawn(report=report, reason=instance.withdraw_reason)
        return
    if instance.state != State.PUBLISHED:
        return
    reports = list(
        AnnualReport.objects.filter(
            publication_id=instance.pk, status=ReportStatus.FINALISED
        ).select_related("body__region")
    )
    if reports:
        report_sync_publications(reports)


def connect() -> None:
    from yangguang.disclosure.models import Publication

    post_save.connect(
        _on_publication_saved, sender=Publication, dispatch_uid="reports.publication_saved"
    )
