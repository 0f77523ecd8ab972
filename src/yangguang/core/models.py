"""What every domain shares: the holiday calendar, audit events, tracking numbers, outbox."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class CalendarOverride(models.Model):
    """An administrator's entry for one date, over the published schedule (DOMAIN.md §1)."""

    day = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("名称/原因", max_length=100, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name = verbose_name_plural = "节假日调整"

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_workday else '休息'} {self.name}"


class CalendarYear(models.Model):
    """A year whose schedule an administrator has declared completely entered."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    complete = models.BooleanField("已完整录入", default=True)
    source = models.CharField("依据", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="标记人",
    )
    updated_at = models.DateTimeField("标记时间", auto_now=True, null=True)

    class Meta:
        ordering = ["year"]
        verbose_name = verbose_name_plural = "节假日年度"

    def __str__(self) -> str:
        return str(self.year)


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("审计记录不可修改。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计记录不可删除。")


class AuditEvent(models.Model):
    """One write made through a service: who, when, from where, what, and the before/after diff.

    Append-only: no code path edits or deletes these rows (the model and queryset refuse).
    """

    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name="操作人",
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    ip = models.GenericIPAddressField("来源IP", null=True, blank=True)
    action = models.CharField("操作", max_length=80, db_index=True)
    object_type = models.CharField("对象类型", max_length=80, db_index=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    body = models.ForeignKey(
        "orgs.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所属机构",
    )
    region_path = models.CharField("所属区划路径", max_length=200, blank=True, db_index=True)
    changes = models.JSONField("变更", default=dict, blank=True)
    reason = models.TextField("原因/说明", blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = verbose_name_plural = "审计日志"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("审计记录不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计记录不可删除。")

    @property
    def action_label(self) -> str:
        from yangguang.core.audit import action_label

        return action_label(self.action)


class TrackingSequence(models.Model):
    """Last number issued per kind and year (YSQ-2026-000123)."""

    kind = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="uniq_tracking_seq")]

    def __str__(self) -> str:
        return f"{self.kind}-{self.year}: {self.last}"


class TrackingTicket(models.Model):
    """A public tracking number and the hash of its query code (the code is shown once)."""

    number = models.CharField("受理编号", max_length=32, unique=True)
    kind = models.CharField(max_length=16, db_index=True)
    code_hash = models.CharField(max_length=200)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    # The count above holds the failures since the first one after a quiet TRACKING_LOCK_MINUTES
    # (core.tracking._count_failure): a typo in March does not count towards a lock in May.
    last_failed_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "受理编号"

    def __str__(self) -> str:
        return self.number


class TrackingFailure(models.Model):
    """Wrong query codes for one tracking number from one client (IP address): a stranger who
    knows a number locks it for themselves, not for the applicant (core.tracking)."""

    ticket = models.ForeignKey(TrackingTicket, on_delete=models.CASCADE, related_name="failures")
    client = models.CharField(max_length=64)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    last_failed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "查询失败记录"
        constraints = [
            models.UniqueConstraint(fields=["ticket", "client"], name="uniq_tracking_failure")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.client}"


class OutboxMessage(models.Model):
    """Notifications and index updates, written in the same transaction as the change and
    delivered after commit; the tests read this table."""

    topic = models.CharField(max_length=60, db_index=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"


class RuleSetting(models.Model):
    """A configurable rule (DOMAIN.md "configurable") for a region subtree or, with an empty
    scope, for the whole installation. The most specific scope wins."""

    scope_path = models.CharField("适用区划路径", max_length=200, blank=True, db_index=True)
    key = models.CharField("规则", max_length=80)
    value = models.JSONField("取值")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope_path", "key"], name="uniq_rule_scope_key")
        ]
        verbose_name = verbose_name_plural = "可配置规则"

    def __str__(self) -> str:
        return f"{self.scope_path or '全局'} {self.key}"
