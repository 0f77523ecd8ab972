"""Regions (市 → 县/区 → 乡镇/街道 → 村/社区), bodies, windows, staff and their roles (DOMAIN.md §7)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from yangguang.orgs.validators import validate_credit_code


class RegionLevel(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县/区"
    TOWNSHIP = "township", "乡镇/街道"
    VILLAGE = "village", "村/社区"


LEVEL_ORDER = [RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]


class Region(models.Model):
    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级区划",
    )
    # Materialised path of codes, e.g. "/370900/370902/370902001/": subtree = path prefix.
    path = models.CharField(max_length=200, unique=True, editable=False)
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["path"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = (self.parent.path if self.parent else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def ancestors(self) -> models.QuerySet[Region]:
        codes = [c for c in self.path.split("/") if c]
        return Region.objects.filter(code__in=codes[:-1]).order_by("path")

    def subtree(self) -> models.QuerySet[Region]:
        return Region.objects.filter(path__startswith=self.path)


class BodyKind(models.TextChoices):
    GOVERNMENT = "government", "人民政府"
    DEPARTMENT = "department", "政府工作部门"
    TOWNSHIP = "township", "乡镇人民政府/街道办事处"
    VILLAGE = "village", "村(居)民委员会"
    INSTITUTION = "institution", "事业单位"
    ENTERPRISE = "enterprise", "国有企业"


# Who receives applications under the 条例: administrative organs (Art. 2) and organisations a
# law or regulation empowers to manage public affairs (Art. 54; often 事业单位, such as a
# 住房公积金管理中心). Villages' affairs (村务公开) and enterprises' (厂务公开, Art. 55 for public
# utilities) are disclosed under other rules, not by application here.
FOI_ACCEPTING_KINDS = (
    BodyKind.GOVERNMENT,
    BodyKind.DEPARTMENT,
    BodyKind.TOWNSHIP,
    BodyKind.INSTITUTION,
)


class Body(models.Model):
    name = models.CharField("机构名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("机构类型", max_length=20, choices=BodyKind.choices)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="bodies", verbose_name="所属区划"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级机构",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    office_hours = models.CharField("办公时间", max_length=200, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["region__path", "sort", "id"]
        verbose_name = verbose_name_plural = "机构"

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def accepts_applications(self) -> bool:
        """Whether citizens apply to it for information (FOI_ACCEPTING_KINDS)."""
        return self.is_active and self.kind in FOI_ACCEPTING_KINDS


class Window(models.Model):
    """A window (窗口) of a service hall, belonging to a body."""

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="windows", verbose_name="所属机构"
    )
    code = models.CharField("窗口编号", max_length=20)
    name = models.CharField("窗口名称", max_length=60)
    hall = models.CharField("服务大厅", max_length=100, blank=True)
    location = models.CharField("位置", max_length=100, blank=True)
    phone = models.CharField("电话", max_length=40, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["body", "code"]
        constraints = [models.UniqueConstraint(fields=["body", "code"], name="uniq_window_code")]
        verbose_name = verbose_name_plural = "窗口"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=60, blank=True)
    phone = models.CharField("手机", max_length=20, blank=True)
    failed_login_count = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作人员"

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username


class Role(models.TextChoices):
    EDITOR = "editor", "发布员"
    REVIEWER = "reviewer", "审核员"
    INTAKE = "intake", "受理员"
    HANDLER = "handler", "承办人"
    HEAD = "head", "负责人"
    WINDOW = "window", "窗口人员"
    SUPERVISOR = "supervisor", "监督员"
    ADMIN = "admin", "管理员"


BODY_ROLES = {Role.EDITOR, Role.REVIEWER, Role.INTAKE, Role.HANDLER, Role.HEAD, Role.WINDOW}
REGION_ROLES = {Role.SUPERVISOR, Role.ADMIN}


class RoleAssignment(models.Model):
    """A role held in one body, or (supervisor, administrator) over a region subtree.
    An administrator without a region administers the whole installation."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="roles", verbose_name="人员"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    body = models.ForeignKey(
        Body,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name="机构",
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name="区划范围",
    )
    window = models.ForeignKey(
        Window,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="窗口",
    )

    class Meta:
        verbose_name = verbose_name_plural = "角色分配"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "body", "region"], name="uniq_role_assignment"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=sorted(r.value for r in BODY_ROLES),
                        body__isnull=False,
                        region__isnull=True,
                    )
                    | Q(role=Role.SUPERVISOR, body__isnull=True, region__isnull=False)
                    | Q(role=Role.ADMIN, body__isnull=True)
                ),
                name="role_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        scope = self.body or self.region or "全部"
        return f"{self.user} · {self.get_role_display()} · {scope}"


class ApiToken(models.Model):
    """A staff API token: the secret is shown once; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
