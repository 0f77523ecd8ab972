"""主动公开 (DOMAIN.md §2): themes, per-body catalogues, publications with their metadata, review
workflow state, validity, attachments, privacy findings, 公开指南 and fiscal tables.

Process state (`Publication.state`) and validity (`Publication.validity`) are separate fields:
a published document can be 废止 and still published (marked), a draft is always 有效.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q


class Theme(models.Model):
    """主题分类: the State Council's 22 top-level themes and their second levels (editable)."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=60)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级主题",
    )
    sort = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = verbose_name_plural = "主题分类"

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent_id and self.parent else self.name


class CatalogueNode(models.Model):
    """One node of a body's 公开目录 tree (条例 Art. 12). Every body starts with the default tree
    (`services.catalogue_ensure`) and may edit it."""

    body = models.ForeignKey(
        "orgs.Body", on_delete=models.CASCADE, related_name="catalogue", verbose_name="机构"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级目录",
    )
    name = models.CharField("目录名称", max_length=60)
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["body", "sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "parent", "name"], name="uniq_catalogue_name")
        ]
        verbose_name = verbose_name_plural = "公开目录"

    def __str__(self) -> str:
        return self.name

    def access_scope(self) -> tuple[int, str]:
        return self.body_id, self.body.region.path


class IndexSequence(models.Model):
    """Last 索引号 serial issued per body and year (see services.next_index_number)."""

    body = models.ForeignKey("orgs.Body", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="uniq_index_seq_body_year")
        ]

    def __str__(self) -> str:
        return f"{self.body_id}/{self.year}: {self.last}"


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "审核通过"
    SCHEDULED = "scheduled", "定时发布"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class Mode(models.TextChoices):
    """公开方式: only 主动公开 is shown to the public."""

    PROACTIVE = "proactive", "主动公开"
    ON_REQUEST = "on_request", "依申请公开"
    NOT_DISCLOSED = "not_disclosed", "不予公开"


class Validity(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRED = "expired", "失效"
    REPEALED = "repealed", "废止"
    REVISED = "revised", "已修订"


class Publication(models.Model):
    body = models.ForeignKey(
        "orgs.Body", on_delete=models.PROTECT, related_name="publications", verbose_name="发布机构"
    )
    issuers = models.ManyToManyField(
        "orgs.Body", related_name="issued_publications", blank=True, verbose_name="发文机关"
    )
    index_number = models.CharField("索引号", max_length=60, unique=True)
    title = models.CharField("标题", max_length=300)
    doc_number = models.CharField("发文字号", max_length=80, blank=True, db_index=True)
    written_on = models.DateField("成文日期")
    published_on = models.DateField("发布日期", null=True, blank=True, db_index=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    scheduled_at = models.DateTimeField("定时发布时间", null=True, blank=True, db_index=True)
    theme = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name="主题分类",
    )
    # The top-level theme, denormalised so that "all of 劳动、人事、监察" is one index range.
    theme_root = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,
    )
    category = models.ForeignKey(
        CatalogueNode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name="公开目录",
    )
    keywords = models.CharField("主题词", max_length=200, blank=True)
    summary = models.TextField("内容概述", blank=True)
    mode = models.CharField("公开方式", max_length=16, choices=Mode.choices, default=Mode.PROACTIVE)
    validity = models.CharField(
        "有效性", max_length=10, choices=Validity.choices, default=Validity.VALID
    )
    validity_changed_on = models.DateField("有效性变更日期", null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name="替代文件",
    )
    body_html = models.TextField("正文", blank=True)
    body_text = models.TextField("正文纯文本", blank=True, editable=False)
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    interprets = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="interpretations",
        blank=True,
        verbose_name="解读的政策文件",
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="起草人",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审查人",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审查时间", null=True, blank=True)
    submission_count = models.PositiveSmallIntegerField("提交次数", default=0)
    return_reason = models.TextField("退回理由", blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.TextField("撤回理由", blank=True)
    # Hints that let the public detail page skip empty look-ups (one query for most documents).
    # Set whenever a link/attachment/joint issuer is added; a stale True only costs a query.
    has_issuers = models.BooleanField(default=False, editable=False)
    has_attachments = models.BooleanField(default=False, editable=False)
    has_links = models.BooleanField(default=False, editable=False)
    # 条例 Art. 26 counts from the day the information is created *or changed*: for changed
    # information the period starts on the change date instead of 成文日期.
    changed_on = models.DateField("变更日期", null=True, blank=True)
    # Timeliness (条例 Art. 26): working days from 成文日期 (or 变更日期) to 发布日期; late when > 20.
    delay_workdays = models.IntegerField("发布用时（工作日）", null=True, blank=True)
    is_late = models.BooleanField("超期发布", default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(
                fields=["state", "mode", "-published_on", "-id"],
                name="pub_public_latest",
            ),
            models.Index(
                fields=["body", "state", "mode", "-published_on", "-id"],
                name="pub_body_latest",
            ),
            models.Index(
                fields=["category", "state", "-published_on", "-id"], name="pub_category_latest"
            ),
            models.Index(
                fields=["theme", "state", "-published_on", "-id"], name="pub_theme_latest"
            ),
            models.Index(
                fields=["theme_root", "state", "-published_on", "-id"],
                name="pub_theme_root_latest",
            ),
            models.Index(
                fields=["validity", "state", "-published_on", "-id"],
                name="pub_validity_latest",
            ),
            models.Index(fields=["body", "doc_number"], name="pub_body_docnum"),
        ]
        verbose_name = verbose_name_plural = "公开信息"

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.theme_root_id = theme_root_id(self.theme if self.theme_id else None)
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.state == State.PUBLISHED and self.mode == Mode.PROACTIVE

    @property
    def year(self) -> int | None:
        return self.published_on.year if self.published_on else None


def theme_root_id(theme: Theme | None) -> int | None:
    if theme is None:
        return None
    return theme.parent_id or theme.pk


PUBLIC_Q = Q(state=State.PUBLISHED, mode=Mode.PROACTIVE)

# The texts of a publication that the public sees (and search indexes), each checked for
# personal data before review (services.scan_texts; "body" is checked as body_text and masked in
# body_html), with the reviewer's label. Attachments are checked too ("attachment:<id>").
SCANNED_FIELDS = {
    "title": "标题",
    "doc_number": "发文字号",
    "keywords": "主题词",
    "summary": "内容概述",
    "body": "正文",
}


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    OFD = "ofd", "OFD"
    DOC = "doc", "Word 97-2003"
    DOCX = "docx", "Word"
    XLS = "xls", "Excel 97-2003"
    XLSX = "xlsx", "Excel"
    JPG = "jpg", "JPEG 图片"
    PNG = "png", "PNG 图片"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"disclosure/{instance.publication.body_id}/{instance.sha256[:2]}/{instance.sha256}.{instance.kind}"


class Attachment(models.Model):
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="attachments", verbose_name="公开信息"
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=8, choices=AttachmentKind.choices)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    text = models.TextField("提取文本", blank=True)
    sort = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["publication", "sort", "id"]
        verbose_name = verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.original_name

    def access_scope(self) -> tuple[int, str]:
        return self.publication.body_id, self.publication.body.region.path


class FindingKind(models.TextChoices):
    ID_NUMBER = "id_number", "身份证号码"
    MOBILE = "mobile", "手机号码"
    BANK_CARD = "bank_card", "银行卡号"
    EMAIL = "email", "电子邮箱"
    SECRECY = "secrecy", "密级/保密标识"


class FindingStatus(models.TextChoices):
    OPEN = "open", "待处理"
    MASKED = "masked", "已遮盖"
    KEPT = "kept", "保留"


class PrivacyFinding(models.Model):
    """One hit of the privacy and secrecy pre-check (保密审查) of one submission."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="findings", verbose_name="公开信息"
    )
    submission = models.PositiveSmallIntegerField("提交次序")
    kind = models.CharField("类型", max_length=12, choices=FindingKind.choices)
    field = models.CharField("位置", max_length=40)  # SCANNED_FIELDS or attachment:<id>
    text = models.CharField("命中内容", max_length=200)
    masked = models.CharField("遮盖后", max_length=200)
    context = models.CharField("上下文", max_length=400)
    status = models.CharField(
        "处理", max_length=8, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    reason = models.TextField("保留理由", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["publication", "submission", "id"]
        verbose_name = verbose_name_plural = "隐私与保密检查结果"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.masked}"

    def access_scope(self) -> tuple[int, str]:
        return self.publication.body_id, self.publication.body.region.path

    @property
    def attachment_id(self) -> int | None:
        """The attachment a finding was made in (field "attachment:<id>"), else None."""
        pk = self.field.removeprefix("attachment:")
        return int(pk) if pk != self.field and pk.isdecimal() and len(pk) <= 18 else None

    @property
    def field_label(self) -> str:
        if self.field.startswith("attachment:"):
            return "附件"
        return SCANNED_FIELDS.get(self.field, self.field)


class Guide(models.Model):
    """A body's 公开指南 page (editable)."""

    body = models.OneToOneField(
        "orgs.Body", on_delete=models.CASCADE, related_name="disclosure_guide"
    )
    html = models.TextField("公开指南", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "公开指南"

    def __str__(self) -> str:
        return f"{self.body} 公开指南"

    def access_scope(self) -> tuple[int, str]:
        return self.body_id, self.body.region.path


class FiscalKind(models.TextChoices):
    BUDGET = "budget", "部门预算"
    FINAL = "final", "部门决算"
    BASIC = "basic", "基本支出"
    THREE = "three", "“三公”经费"
    VILLAGE = "village", "村级财务月度公开"


class FiscalTable(models.Model):
    """A structured fiscal or village-finance table, validated against the kind's schema
    (DOMAIN.md §2 fiscal disclosure) and rendered as an HTML table."""

    body = models.ForeignKey(
        "orgs.Body", on_delete=models.PROTECT, related_name="fiscal_tables", verbose_name="机构"
    )
    kind = models.CharField("表格类型", max_length=10, choices=FiscalKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份", null=True, blank=True)
    title = models.CharField("标题", max_length=200)
    columns = models.JSONField("列", default=list)
    rows = models.JSONField("行", default=list)
    total = models.DecimalField("合计", max_digits=16, decimal_places=2, default=0)
    is_published = models.BooleanField("已发布", default=False, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["body", "-year", "-month", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "kind", "year", "month"], name="uniq_fiscal_table"
            )
        ]
        verbose_name = verbose_name_plural = "财政与村务公开表"

    def __str__(self) -> str:
        return self.title
