"""依申请公开: applications, their event history, fee notices and review cases (DOMAIN.md §3).

Process `state` and `outcome` are separate fields (DESIGN.md). `due_on` is stored (indexed) and
recomputed only by services from the event history (`foi.clock`), never edited by hand.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from yangguang.foi.outcomes import OUTCOMES, Outcome, OutcomeDef


class ApplicantKind(models.TextChoices):
    PERSON = "person", "自然人"
    ORG = "org", "法人或其他组织"


class OrgKind(models.TextChoices):
    """Sub-kinds of 法人或其他组织: the columns of annual-report table 三 (DOMAIN.md §5)."""

    BUSINESS = "business", "商业企业"
    RESEARCH = "research", "科研机构"
    NONPROFIT = "nonprofit", "社会公益组织"
    LEGAL = "legal", "法律服务机构"
    OTHER = "other", "其他"


class IdType(models.TextChoices):
    RESIDENT = "resident", "居民身份证"
    PASSPORT = "passport", "护照"
    HKMO = "hkmo", "港澳居民来往内地通行证"
    TAIWAN = "taiwan", "台湾居民来往大陆通行证"
    OTHER = "other", "其他有效证件"


class Delivery(models.TextChoices):
    EMAIL = "email", "电子邮件"
    POST = "post", "邮寄"
    PICKUP = "pickup", "当面领取"
    ONLINE = "online", "网上查看"


class Form(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子"


class Channel(models.TextChoices):
    """How the application arrived; decides the receipt date (条例 Art. 31)."""

    IN_PERSON = "in_person", "当面提交"
    REGISTERED_POST = "registered_post", "邮寄（挂号/快递）"
    ORDINARY_MAIL = "ordinary_mail", "平信"
    ONLINE = "online", "网上提交"
    FAX = "fax", "传真"


class State(models.TextChoices):
    RECEIVED = "received", "已收到"
    CORRECTION = "correction", "待补正"
    PROCESSING = "processing", "办理中"
    CONSULTING = "consulting", "征求意见中"
    FEE = "fee", "待缴费"
    REPLIED = "replied", "已答复"
    TERMINATED = "terminated", "已终止"


OPEN_STATES = (State.RECEIVED, State.CORRECTION, State.PROCESSING, State.CONSULTING, State.FEE)
CLOSED_STATES = (State.REPLIED, State.TERMINATED)
PAUSED_KEY = 1_000_000  # after every dated open application (ordinals are < 800,000 here)
CLOSED_KEY = 3_000_000  # closed: CLOSED_KEY - ordinal(replied_on), newest first
OPEN_KEY_LIMIT = 2_000_000  # queue_key < this ⇔ open


class Application(models.Model):
    number = models.CharField("受理编号", max_length=32, unique=True)
    ticket = models.OneToOneField(
        "core.TrackingTicket", on_delete=models.PROTECT, related_name="foi_application"
    )
    body = models.ForeignKey(
        "orgs.Body",
        on_delete=models.PROTECT,
        related_name="foi_applications",
        verbose_name="受理机关",
    )
    # Applicant (personal data: masked everywhere except for the handling staff).
    applicant_kind = models.CharField("申请人类型", max_length=10, choices=ApplicantKind.choices)
    org_kind = models.CharField(
        "法人或其他组织类型", max_length=12, choices=OrgKind.choices, blank=True
    )
    applicant_name = models.CharField("申请人姓名/名称", max_length=100)
    id_type = models.CharField(
        "证件类型", max_length=10, choices=IdType.choices, blank=True, default=IdType.RESIDENT
    )
    id_number = models.CharField("证件号码", max_length=40, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    contact_person = models.CharField("联系人", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通信地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=10, blank=True)
    # Applicant identity for 按件 fee counting (per applicant per month per body).
    applicant_key = models.CharField(max_length=60, db_index=True, editable=False)
    # The request.
    description = models.TextField("所需信息的内容描述")
    doc_number = models.CharField("文件名称/文号（如知道）", max_length=200, blank=True)
    purpose = models.CharField("用途（选填）", max_length=300, blank=True)
    delivery = models.CharField("获取信息的方式", max_length=10, choices=Delivery.choices)
    form = models.CharField("信息的载体形式", max_length=12, choices=Form.choices)
    # Receipt (条例 Art. 31).
    channel = models.CharField("申请方式", max_length=20, choices=Channel.choices)
    submitted_on = models.DateField("提交/寄出日期", null=True, blank=True)
    received_on = models.DateField("收到申请日期", db_index=True)
    # Process and outcome (separate).
    state = models.CharField(
        "办理状态", max_length=12, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    outcome = models.CharField("办理结果", max_length=12, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField("理由/依据说明", blank=True)
    withheld = models.TextField("不予公开部分及理由", blank=True)
    released = models.TextField("提供的信息/获取方式", blank=True)
    proposed_outcome = models.CharField(
        "拟定结果（待确认）", max_length=12, choices=Outcome.choices, blank=True
    )
    replied_on = models.DateField("答复日期", null=True, blank=True)
    replied_late = models.BooleanField("逾期答复", default=False)
    # Clock (recomputed from events by services only).
    due_on = models.DateField("答复期限", null=True, blank=True, db_index=True)
    extended = models.BooleanField("已延期", default=False)
    correction_due_on = models.DateField("补正期限", null=True, blank=True)
    item_count = models.PositiveIntegerField("申请件数", default=1)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="foi_applications",
        verbose_name="承办人",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Urgency order of the queue, kept in step with state/due_on by save() and the services:
    # open with a due date → the due date's ordinal; open and paused → after them; closed →
    # most recently replied first. One indexed column makes "most urgent first" an index scan.
    queue_key = models.PositiveIntegerField(default=0, editable=False)
    imported = models.BooleanField("历史导入", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Warnings from the last service call (not stored), e.g. a late 补正 notice (Art. 30).
    last_warnings: list[str]

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = verbose_name_plural = "政府信息公开申请"
        indexes = [
            models.Index(fields=["body", "state", "due_on"], name="foi_app_queue"),
            models.Index(fields=["body", "applicant_key", "received_on"], name="foi_app_fee"),
            models.Index(fields=["state", "due_on"], name="foi_app_open_due"),
            models.Index(fields=["body", "queue_key", "id"], name="foi_app_body_urgency"),
            models.Index(fields=["queue_key", "id"], name="foi_app_urgency"),
            models.Index(fields=["body", "handler", "queue_key"], name="foi_app_handler_urgency"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(applicant_kind="person", org_kind="")
                    | models.Q(applicant_kind="org") & ~models.Q(org_kind="")
                ),
                name="foi_org_kind_matches_applicant_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(state__in=["replied", "terminated"]),
                name="foi_outcome_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.queue_key = self.compute_queue_key()
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, "queue_key"}
        super().save(*args, **kwargs)

    def compute_queue_key(self) -> int:
        if self.state in OPEN_STATES:
            return self.due_on.toordinal() if self.due_on else PAUSED_KEY
        replied = self.replied_on.toordinal() if self.replied_on else 0
        return CLOSED_KEY - replied

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def outcome_def(self) -> OutcomeDef | None:
        return OUTCOMES.get(self.outcome) if self.outcome else None

    @property
    def applicant_column(self) -> str:
        """Annual-report column: 自然人 or the organisation sub-kind."""
        return "person" if self.applicant_kind == ApplicantKind.PERSON else self.org_kind


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", "网上提交"
    REGISTERED = "registered", "登记受理"
    ASSIGNED = "assigned", "分配承办人"
    CORRECTION_REQUESTED = "correction_requested", "发出补正通知"
    CORRECTION_RECEIVED = "correction_received", "收到补正材料"
    CORRECTION_LAPSED = "correction_lapsed", "补正逾期（拟不再处理）"
    EXTENDED = "extended", "延长答复期限"
    CONSULTATION_STARTED = "consultation_started", "征求意见"
    CONSULTATION_ENDED = "consultation_ended", "收到意见/征求意见结束"
    FEE_NOTIFIED = "fee_notified", "发出收费通知"
    FEE_PAID = "fee_paid", "已缴费"
    FEE_LAPSED = "fee_lapsed", "逾期未缴费（拟不再处理）"
    REPLIED = "replied", "答复"
    CLOSED = "closed", "终止办理"
    WITHDRAWN = "withdrawn", "申请人撤回"
    IMPORTED = "imported", "历史数据导入"


class ApplicationEvent(models.Model):
    """One step of an application, with its effective date; the clock is recomputed from these."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=24, choices=EventKind.choices)
    on = models.DateField("日期")
    at = models.DateTimeField("记录时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    reason = models.TextField("原因/说明", blank=True)
    data: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    public = models.BooleanField("申请人可见", default=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = verbose_name_plural = "申请办理记录"

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"


class ReleasedFile(models.Model):
    """A file released to the applicant with the reply (issue 5 point 4)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to="foi/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "答复附件"

    def __str__(self) -> str:
        return self.name


class FeeMethod(models.TextChoices):
    PER_ITEM = "per_item", "按件计收"
    PER_PAGE = "per_page", "按量计收"


class FeeStatus(models.TextChoices):
    PENDING = "pending", "待缴费"
    PAID = "paid", "已缴费"
    LAPSED = "lapsed", "逾期未缴"


class FeeNotice(models.Model):
    """收费通知 (条例 Art. 42; 国办函〔2020〕109号): basis, standard, amount, how to pay."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="fee_notices"
    )
    method = models.CharField("计收方式", max_length=10, choices=FeeMethod.choices)
    units = models.PositiveIntegerField("件数/页数")
    prior_units = models.PositiveIntegerField("本月此前已申请件数", default=0)
    amount = models.PositiveIntegerField("金额（元）")
    breakdown: models.JSONField[Any, Any] = models.JSONField("计算明细", default=list)
    basis = models.TextField("收费依据", blank=True)
    how_to_pay = models.TextField("缴费方式", blank=True)
    notified_on = models.DateField("通知日期")
    pay_by = models.DateField("缴费期限")
    status = models.CharField(
        "状态", max_length=10, choices=FeeStatus.choices, default=FeeStatus.PENDING
    )
    paid_on = models.DateField("缴费日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["notified_on", "id"]
        verbose_name = verbose_name_plural = "收费通知"

    def __str__(self) -> str:
        return f"{self.application} {self.amount} 元"


class ReviewKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION_DIRECT = "litigation_direct", "行政诉讼（未经复议直接起诉）"
    LITIGATION_AFTER = "litigation_after", "行政诉讼（复议后起诉）"


class ReviewResult(models.TextChoices):
    UPHELD = "upheld", "结果维持"
    CORRECTED = "corrected", "结果纠正"
    OTHER = "other", "其他结果"
    PENDING = "pending", "尚未审结"


class ReviewCase(models.Model):
    """行政复议 / 行政诉讼 about an application (annual-report table 四)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="review_cases"
    )
    kind = models.CharField("类型", max_length=20, choices=ReviewKind.choices)
    filed_on = models.DateField("立案/申请日期")
    decided_on = models.DateField("决定/判决日期", null=True, blank=True)
    result = models.CharField(
        "结果", max_length=10, choices=ReviewResult.choices, default=ReviewResult.PENDING
    )
    authority = models.CharField("复议机关/法院", max_length=100, blank=True)
    case_number = models.CharField("案号", max_length=60, blank=True)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["filed_on", "id"]
        verbose_name = verbose_name_plural = "行政复议与行政诉讼"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_number or self.filed_on}"

    def access_scope(self) -> tuple[int | None, str]:
        body = self.application.body
        return body.pk, body.region.path
