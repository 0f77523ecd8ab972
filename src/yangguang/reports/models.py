"""Annual reports on government information disclosure (条例 Art. 49–50; DOMAIN.md §5).

A report is computed live from the data while it is a draft; finalising freezes the tables as
JSON (`data`) so that the published report never changes when old rows are corrected later.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from yangguang.orgs.models import Body


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    FINALISED = "finalised", "已定稿"
    PUBLISHED = "published", "已发布"


class AnnualReport(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="annual_reports", verbose_name="机构"
    )
    year = models.PositiveSmallIntegerField("报告年度")
    status = models.CharField(
        "状态", max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    overview = models.TextField("一、总体情况", blank=True)
    problems = models.TextField("五、存在的主要问题及改进情况", blank=True)
    other_matters = models.TextField("六、其他需要报告的事项", blank=True)
    # Frozen tables (see reports.compute.ReportTables.to_json), filled at finalisation.
    data = models.JSONField("定稿数据", null=True, blank=True)
    finalised_at = models.DateTimeField("定稿时间", null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The publication in the body's 年度报告 catalogue category (disclosure app), when created.
    publication = models.ForeignKey(
        "disclosure.Publication",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="annual_reports",
        verbose_name="公开信息",
    )
    index_number = models.CharField("索引号", max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "body_id"]
        verbose_name = verbose_name_plural = "政府信息公开工作年度报告"
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="uniq_annual_report_body_year")
        ]
        indexes = [models.Index(fields=["year", "status"], name="reports_ar_year_status")]

    def __str__(self) -> str:
        return f"{self.body}{self.year}年政府信息公开工作年度报告"

    @property
    def title(self) -> str:
        return f"{self.body.name}{self.year}年政府信息公开工作年度报告"

    def access_scope(self) -> tuple[int | None, str]:
        return self.body_id, self.body.region.path

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT


class Table2Item(models.TextChoices):
    """Table-二 cells entered or imported by staff (not yet fed by other modules)."""

    LICENSING = "licensing", "行政许可 本年处理决定数量"
    PENALTY = "penalty", "行政处罚 本年处理决定数量"
    COERCION = "coercion", "行政强制 本年处理决定数量"
    FEES = "fees", "行政事业性收费 本年收费金额（万元）"


class EntrySource(models.TextChoices):
    ENTERED = "entered", "录入"
    IMPORTED = "imported", "导入"


class Table2Entry(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="report_table2_entries", verbose_name="机构"
    )
    year = models.PositiveSmallIntegerField("年度")
    item = models.CharField("项目", max_length=12, choices=Table2Item.choices)
    value = models.DecimalField("数值", max_digits=16, decimal_places=4, default=0)
    source = models.CharField(
        "来源", max_length=10, choices=EntrySource.choices, default=EntrySource.ENTERED
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["body_id", "year", "item"]
        verbose_name = verbose_name_plural = "年度报告表二录入项"
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "item"], name="uniq_table2_entry")
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.year} {self.get_item_display()}={self.value}"

    def access_scope(self) -> tuple[int | None, str]:
        return self.body_id, self.body.region.path


class HistoricFormat(models.TextChoices):
    F2021 = "2021", "国办公开办函〔2021〕30号"
    F2019 = "2019", "国办公开办函〔2019〕60号（试行）"


class HistoricReport(models.Model):
    """An earlier year's report imported as data (tables only), in its own format."""

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="historic_reports", verbose_name="机构"
    )
    year = models.PositiveSmallIntegerField("年度")
    format = models.CharField("格式", max_length=4, choices=HistoricFormat.choices)
    data = models.JSONField("表格数据")
    source_name = models.CharField("来源文件", max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["body_id", "year"]
        verbose_name = verbose_name_plural = "历年年度报告（导入）"
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="uniq_historic_report")
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.year}（{self.get_format_display()}）"

    def access_scope(self) -> tuple[int | None, str]:
        return self.body_id, self.body.region.path


def report_deadline(body: Body, year: int) -> dt.date:
    """Publication deadline for the report on `year` (条例 Art. 49–50): 31 January of the next
    year; 31 March for county-level and higher people's governments (县级以上人民政府)."""
    from yangguang.orgs.models import BodyKind, RegionLevel

    if body.kind == BodyKind.GOVERNMENT and body.region.level in (
        RegionLevel.CITY,
        RegionLevel.COUNTY,
    ):
        return dt.date(year + 1, 3, 31)
    return dt.date(year + 1, 1, 31)
