"""Console forms for regions, bodies and windows. The forms only coerce input; the rules live in
orgs.services, whose ValidationErrors the views attach back to these forms so the page is
redisplayed with what the user typed and a Chinese message next to each field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from yangguang.core.forms import ChineseLabelsForm
from yangguang.orgs.models import Body, BodyKind, Region, RegionLevel
from yangguang.orgs.services import body_field_errors, window_field_errors

REQUIRED = {"required": "请填写此项。"}


class RegionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        indent = "\u3000" * max(obj.depth - 1, 0)
        return f"{indent}{obj.name}（{obj.code}）"


def _add_service_errors(form: forms.Form, errors: dict[str, str]) -> None:
    """Show the services' own checks for every field at once, not only the first failure."""
    for field, message in errors.items():
        if field in form.fields and field not in form.errors:
            form.add_error(field, message)


# PositiveIntegerField: PostgreSQL's integer (SQLite overflowed at 2^63 with a 500 before).
SORT_MAX = 2_147_483_647
SORT_ERRORS = {"max_value": "排序号太大：不能超过 2147483647。", "invalid": "排序号应为整数。"}


def _int(value: Any) -> int:
    return int(value) if value not in (None, "") else 0


class RegionCreateForm(forms.Form):
    parent = RegionChoiceField(
        label="上级区划",
        queryset=Region.objects.none(),
        required=False,
        empty_label="（无，新建市级区划）",
    )
    level = forms.ChoiceField(label="层级", choices=RegionLevel.choices, error_messages=REQUIRED)
    code = forms.CharField(
        label="区划代码",
        max_length=12,
        error_messages=REQUIRED,
        help_text="市、县/区 6 位，乡镇/街道 9 位，村/社区 12 位，并以上级区划代码开头。",
    )
    name = forms.CharField(label="名称", max_length=60, error_messages=REQUIRED)
    sort = forms.IntegerField(
        label="排序",
        required=False,
        min_value=0,
        max_value=SORT_MAX,
        initial=0,
        error_messages=SORT_ERRORS,
    )

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, forms.ModelChoiceField)  # noqa: S101
        parent_field.queryset = regions.exclude(level=RegionLevel.VILLAGE)


class RegionEditForm(forms.Form):
    name = forms.CharField(label="名称", max_length=60, error_messages=REQUIRED)
    sort = forms.IntegerField(
        label="排序", required=False, min_value=0, max_value=SORT_MAX, error_messages=SORT_ERRORS
    )


class BodyForm(forms.Form):
    name = forms.CharField(label="机构名称", max_length=100, error_messages=REQUIRED)
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    kind = forms.ChoiceField(label="机构类型", choices=BodyKind.choices, error_messages=REQUIRED)
    credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        error_messages=REQUIRED,
        help_text="18 位，最后一位为校验码（GB 32100）。",
    )
    region = RegionChoiceField(
        label="所属区划",
        queryset=Region.objects.none(),
        empty_label="请选择所属区划",
        error_messages={"required": "请选择所属区划。", "invalid_choice": "请选择有效的区划。"},
    )
    parent_code = forms.CharField(
        label="上级机构统一社会信用代码",
        max_length=18,
        required=False,
        help_text="可留空。填写上级机构的统一社会信用代码。",
    )
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    office_hours = forms.CharField(
        label="办公时间",
        max_length=200,
        required=False,
        help_text="例如：工作日 上午 9:00–12:00，下午 13:30–17:00",
    )
    email = forms.CharField(label="电子邮箱", max_length=254, required=False)
    sort = forms.IntegerField(
        label="排序",
        required=False,
        min_value=0,
        max_value=SORT_MAX,
        initial=0,
        error_messages=SORT_ERRORS,
    )

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)  # noqa: S101
        region_field.queryset = regions

    def clean_credit_code(self) -> str:
        return str(self.cleaned_data["credit_code"]).strip().upper()

    def clean_parent_code(self) -> Body | None:
        code = str(self.cleaned_data.get("parent_code") or "").strip().upper()
        if not code:
            return None
        parent = Body.objects.select_related("region", "parent").filter(credit_code=code).first()
        if parent is None:
            raise forms.ValidationError(f"没有统一社会信用代码为 {code} 的机构。")
        return parent

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        errors = body_field_errors(
            name=str(d.get("name") or "").strip(),
            short_name=str(d.get("short_name") or "").strip(),
            kind=str(d.get("kind") or BodyKind.DEPARTMENT),
            credit_code=str(d.get("credit_code") or "X"),
            address=str(d.get("address") or "").strip(),
            phone=str(d.get("phone") or "").strip(),
            office_hours=str(d.get("office_hours") or "").strip(),
            email=str(d.get("email") or "").strip(),
        )
        _add_service_errors(self, errors)
        return d

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "short_name": d.get("short_name") or "",
            "kind": d["kind"],
            "credit_code": d["credit_code"],
            "region": d["region"],
            "parent": d.get("parent_code"),
            "address": d.get("address") or "",
            "phone": d.get("phone") or "",
            "office_hours": d.get("office_hours") or "",
            "email": d.get("email") or "",
            "sort": _int(d.get("sort")),
        }

    @staticmethod
    def initial_for(body: Body) -> dict[str, Any]:
        return {
            "name": body.name,
            "short_name": body.short_name,
            "kind": body.kind,
            "credit_code": body.credit_code,
            "region": body.region_id,
            "parent_code": body.parent.credit_code if body.parent else "",
            "address": body.address,
            "phone": body.phone,
            "office_hours": body.office_hours,
            "email": body.email,
            "sort": body.sort,
        }


class WindowForm(forms.Form):
    code = forms.CharField(
        label="窗口编号", max_length=20, error_messages=REQUIRED, help_text="例如 A01"
    )
    name = forms.CharField(label="窗口名称", max_length=60, error_messages=REQUIRED)
    hall = forms.CharField(label="服务大厅", max_length=100, required=False)
    location = forms.CharField(label="位置", max_length=100, required=False)
    phone = forms.CharField(label="电话", max_length=40, required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        errors = window_field_errors(
            code=str(d.get("code") or "").strip().upper() or "A",
            name=str(d.get("name") or "").strip() or "-",
            hall=str(d.get("hall") or "").strip(),
            location=str(d.get("location") or "").strip(),
            phone=str(d.get("phone") or "").strip(),
        )
        _add_service_errors(self, errors)
        return d

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "code": d["code"],
            "name": d["name"],
            "hall": d.get("hall") or "",
            "location": d.get("location") or "",
            "phone": d.get("phone") or "",
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        error_messages={"required": "请选择要上传的文件。", "empty": "上传的文件是空的。"},
    )


class BodyFilterForm(ChineseLabelsForm):
    region = forms.ChoiceField(label="所属区划", required=False)
    kind = forms.ChoiceField(
        label="机构类型", required=False, choices=[("", "全部类型"), *BodyKind.choices]
    )
    q = forms.CharField(label="名称或信用代码", required=False, max_length=60)

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "全部区划")]
        for region in regions.exclude(level=RegionLevel.VILLAGE).only("code", "name", "path"):
            choices.append((region.code, "\u3000" * max(region.depth - 1, 0) + region.name))
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ChoiceField)  # noqa: S101
        region_field.choices = choices
