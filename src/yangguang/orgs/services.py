"""Writes for regions, bodies and windows (DESIGN.md: keyword-only `<entity>_<verb>(*, actor, …)`
in `transaction.atomic`, permission through `orgs.access.require`, one audit row per write).

Validation rules (DOMAIN.md §7): division codes are 6 digits for 市/县, 9 for 乡镇/街道 and 12
for 村/社区 and start with the parent's code; each level hangs under the level just above it;
统一社会信用代码 carry a valid GB 32100 check character. The field checks are pure functions
so that the xlsx import reports exactly the same messages row by row.
"""

from __future__ import annotations

import enum
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from yangguang.core.audit import diff, record, snapshot
from yangguang.orgs.access import require
from yangguang.orgs.models import LEVEL_ORDER, Body, BodyKind, Region, RegionLevel, User, Window
from yangguang.orgs.signals import names_changed
from yangguang.orgs.validators import credit_code_error, division_code_error

Errors = dict[str, str]


class _Unset(enum.Enum):
    UNSET = "unset"


UNSET = _Unset.UNSET

# An unsaved region whose path is the installation root: the scope for creating a top-level
# region, which only installation-wide administrators may do.
_ROOT = Region(path="/")

_PHONE_RE = re.compile(r"^[0-9０-９+\-－()（）\s,，、/;；转]*$")
_WINDOW_CODE_RE = re.compile(r"^[A-Za-z0-9\-]+$")


def parent_level(level: str) -> str | None:
    """The level a region of `level` hangs under (None for a city)."""
    order = [str(v) for v in LEVEL_ORDER]
    i = order.index(level)
    return order[i - 1] if i > 0 else None


def level_from_text(text: str) -> str | None:
    """Accept the stored value, the display label or a common short form (市, 县, 区, 乡, 镇,
    街道, 村, 社区) for a region level."""
    text = text.strip()
    for value, label in RegionLevel.choices:
        if text in (value, label):
            return str(value)
    aliases = {
        "市": "city",
        "地级市": "city",
        "县": "county",
        "区": "county",
        "县级市": "county",
        "乡": "township",
        "镇": "township",
        "乡镇": "township",
        "街道": "township",
        "村": "village",
        "社区": "village",
    }
    return aliases.get(text)


def kind_from_text(text: str) -> str | None:
    text = text.strip()
    for value, label in BodyKind.choices:
        if text in (value, label):
            return str(value)
    return None


def _length(
    errors: Errors, field: str, value: str, label: str, max_len: int, *, required: bool
) -> None:
    if required and not value:
        errors[field] = f"请填写{label}。"
    elif len(value) > max_len:
        errors[field] = f"{label}不能超过 {max_len} 个字符（当前 {len(value)} 个）。"


def phone_error(value: str) -> str | None:
    if value and not _PHONE_RE.match(value):
        return "电话只能包含数字、空格、括号、“-”“+”“转”以及分隔符。"
    return None


def region_field_errors(
    *, code: str, name: str, level: str, parent_code: str | None, parent_level_value: str | None
) -> Errors:
    """Pure checks on one region's fields (uniqueness is checked by the caller)."""
    errors: Errors = {}
    _length(errors, "name", name, "区划名称", 60, required=True)
    if level not in RegionLevel.values:
        errors["level"] = "层级应为 市、县/区、乡镇/街道 或 村/社区。"
        return errors
    want_parent = parent_level(level)
    if want_parent is None and parent_code:
        errors["parent"] = "市级区划不能有上级区划。"
    elif want_parent is not None and not parent_code:
        errors["parent"] = (
            f"{RegionLevel(level).label}必须指定上级区划（{RegionLevel(want_parent).label}）。"
        )
    elif (
        want_parent is not None
        and parent_level_value is not None
        and parent_level_value != want_parent
    ):
        errors["parent"] = (
            f"{RegionLevel(level).label}的上级应为{RegionLevel(want_parent).label}，"
            f"而所选上级是{RegionLevel(parent_level_value).label}。"
        )
    if not code:
        errors["code"] = "请填写区划代码。"
    else:
        message = division_code_error(code, level, parent_code or None)
        if message:
            errors["code"] = message
    return errors


def body_field_errors(
    *,
    name: str,
    short_name: str,
    kind: str,
    credit_code: str,
    address: str,
    phone: str,
    office_hours: str,
    email: str = "",
) -> Errors:
    """Pure checks on one body's own fields (relations and uniqueness checked by the caller)."""
    errors: Errors = {}
    _length(errors, "name", name, "机构名称", 100, required=True)
    _length(errors, "short_name", short_name, "简称", 40, required=False)
    if kind not in BodyKind.values:
        errors["kind"] = (
            "机构类型应为：" + "、".join(str(label) for label in BodyKind.labels) + "。"
        )
    if not credit_code:
        errors["credit_code"] = "请填写统一社会信用代码。"
    elif not credit_code.isascii():
        # Checked here because `\d` in the validator's pattern also matches full-width digits.
        errors["credit_code"] = (
            "统一社会信用代码含有全角或其他不允许的字符，请使用半角数字和大写字母。"
        )
    else:
        message = credit_code_error(credit_code)
        if message:
            errors["credit_code"] = message
    _length(errors, "address", address, "地址", 200, required=False)
    _length(errors, "phone", phone, "联系电话", 40, required=False)
    if "phone" not in errors and (message := phone_error(phone)):
        errors["phone"] = message
    _length(errors, "office_hours", office_hours, "办公时间", 200, required=False)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "电子邮箱格式不正确。"
    return errors


def body_parent_error(body_region: Region, parent: Body | None, body: Body | None) -> str | None:
    """A superior body sits in the same region or a region above; no cycles."""
    if parent is None:
        return None
    if body is not None and body.pk is not None:
        seen: set[int] = set()
        cursor: Body | None = parent
        while cursor is not None and cursor.pk not in seen:
            if cursor.pk == body.pk:
                return "上级机构不能是本机构或其下级机构。"
            seen.add(cursor.pk)
            cursor = cursor.parent
    if not body_region.path.startswith(parent.region.path):
        return "上级机构应位于本机构所属区划或其上级区划。"
    return None


def window_field_errors(*, code: str, name: str, hall: str, location: str, phone: str) -> Errors:
    errors: Errors = {}
    _length(errors, "code", code, "窗口编号", 20, required=True)
    if "code" not in errors and not _WINDOW_CODE_RE.match(code):
        errors["code"] = "窗口编号只能由字母、数字和“-”组成，例如 A01。"
    _length(errors, "name", name, "窗口名称", 60, required=True)
    _length(errors, "hall", hall, "服务大厅", 100, required=False)
    _length(errors, "location", location, "位置", 100, required=False)
    _length(errors, "phone", phone, "电话", 40, required=False)
    if "phone" not in errors and (message := phone_error(phone)):
        errors["phone"] = message
    return errors


def _save(instance: Any, unique_message: Errors) -> None:
    """Save inside a savepoint; a unique clash lost to a concurrent writer becomes a form error."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(unique_message) from exc


# --- regions ---------------------------------------------------------------------------------


def region_create(
    *,
    actor: User,
    code: str,
    name: str,
    level: str,
    parent: Region | None,
    sort: int = 0,
) -> Region:
    require(actor, "region.create", parent if parent is not None else _ROOT)
    code, name = code.strip(), name.strip()
    errors = region_field_errors(
        code=code,
        name=name,
        level=level,
        parent_code=parent.code if parent else None,
        parent_level_value=parent.level if parent else None,
    )
    if "code" not in errors and Region.objects.filter(code=code).exists():
        errors["code"] = f"区划代码 {code} 已存在。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        region = Region(code=code, name=name, level=level, parent=parent, sort=sort)
        _save(region, {"code": f"区划代码 {code} 已存在。"})
        record(
            actor=actor,
            action="region.create",
            obj=region,
            region_path=region.path,
            changes=diff({}, snapshot(region)),
        )
    return region


def region_update(
    *, actor: User, region: Region, name: str | None = None, sort: int | None = None
) -> Region:
    """Rename or re-sort a region. Code, level and parent are fixed once created: the code
    embeds the parent's code and the whole subtree's paths hang on it."""
    require(actor, "region.change", region)
    with transaction.atomic():
        locked = Region.objects.select_for_update().get(pk=region.pk)
        before = snapshot(locked)
        if name is not None:
            locked.name = name.strip()
        if sort is not None:
            locked.sort = sort
        errors: Errors = {}
        _length(errors, "name", locked.name, "区划名称", 60, required=True)
        if errors:
            raise ValidationError(errors)
        changes = diff(before, snapshot(locked))
        if changes:
            locked.save()
            record(
                actor=actor,
                action="region.change",
                obj=locked,
                region_path=locked.path,
                changes=changes,
            )
            if "name" in changes:
                subtree = Body.objects.filter(region__path__startswith=locked.path)
                names_changed.send(Region, body_ids=list(subtree.values_list("pk", flat=True)))
    return locked


# --- bodies ----------------------------------------------------------------------------------


def _check_body(body: Body) -> None:
    errors = body_field_errors(
        name=body.name,
        short_name=body.short_name,
        kind=body.kind,
        credit_code=body.credit_code,
        address=body.address,
        phone=body.phone,
        office_hours=body.office_hours,
        email=body.email,
    )
    if "credit_code" not in errors:
        clash = Body.objects.filter(credit_code=body.credit_code).exclude(pk=body.pk).first()
        if clash is not None:
            errors["credit_code"] = f"统一社会信用代码 {body.credit_code} 已被“{clash.name}”使用。"
    if body.parent is not None and (message := body_parent_error(body.region, body.parent, body)):
        errors["parent"] = message
    if errors:
        raise ValidationError(errors)


def body_create(
    *,
    actor: User,
    name: str,
    kind: str,
    credit_code: str,
    region: Region,
    parent: Body | None = None,
    short_name: str = "",
    address: str = "",
    phone: str = "",
    office_hours: str = "",
    email: str = "",
    sort: int = 0,
) -> Body:
    require(actor, "body.create", region)
    body = Body(
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        credit_code=credit_code.strip().upper(),
        region=region,
        parent=parent,
        address=address.strip(),
        phone=phone.strip(),
        office_hours=office_hours.strip(),
        email=email.strip(),
        sort=sort,
    )
    _check_body(body)
    with transaction.atomic():
        _save(body, {"credit_code": f"统一社会信用代码 {body.credit_code} 已存在。"})
        record(
            actor=actor, action="body.create", obj=body, body=body, changes=diff({}, snapshot(body))
        )
    return body


def body_update(
    *,
    actor: User,
    body: Body,
    name: str | None = None,
    short_name: str | None = None,
    kind: str | None = None,
    credit_code: str | None = None,
    region: Region | None = None,
    parent: Body | None | _Unset = UNSET,
    address: str | None = None,
    phone: str | None = None,
    office_hours: str | None = None,
    email: str | None = None,
    sort: int | None = None,
    is_active: bool | None = None,
) -> Body:
    """Change the given fields (None/UNSET = leave as is). Moving a body to another region
    needs `body.create` there as well as `body.change` where it is now."""
    require(actor, "body.change", body)
    if region is not None and region.pk != body.region_id:
        require(actor, "body.create", region)
    with transaction.atomic():
        locked = (
            Body.objects.select_for_update(of=("self",)).select_related("region").get(pk=body.pk)
        )
        before = snapshot(locked)
        for field, value in (
            ("name", name),
            ("short_name", short_name),
            ("address", address),
            ("phone", phone),
            ("office_hours", office_hours),
            ("email", email),
        ):
            if value is not None:
                setattr(locked, field, value.strip())
        if kind is not None:
            locked.kind = kind
        if credit_code is not None:
            locked.credit_code = credit_code.strip().upper()
        if region is not None:
            locked.region = region
        if parent is not UNSET:
            locked.parent = parent
        if sort is not None:
            locked.sort = sort
        if is_active is not None:
            locked.is_active = is_active
        _check_body(locked)
        changes = diff(before, snapshot(locked))
        if changes:
            _save(locked, {"credit_code": f"统一社会信用代码 {locked.credit_code} 已存在。"})
            record(actor=actor, action="body.change", obj=locked, body=locked, changes=changes)
            if changes.keys() & {"name", "region"}:
                names_changed.send(Body, body_ids=[locked.pk])
    return locked


def body_deactivate(*, actor: User, body: Body, reason: str = "") -> Body:
    """停用: the body leaves the public directory; its records and history stay."""
    require(actor, "body.change", body)
    with transaction.atomic():
        locked = (
            Body.objects.select_for_update(of=("self",)).select_related("region").get(pk=body.pk)
        )
        if not locked.is_active:
            raise ValidationError("该机构已停用。")
        if Body.objects.filter(parent=locked, is_active=True).exists():
            raise ValidationError("该机构还有启用中的下级机构，请先停用或调整下级机构。")
        before = snapshot(locked)
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        record(
            actor=actor,
            action="body.deactivate",
            obj=locked,
            body=locked,
            changes=diff(before, snapshot(locked)),
            reason=reason.strip(),
        )
    return locked


# --- windows ---------------------------------------------------------------------------------


def _check_window(window: Window) -> None:
    errors = window_field_errors(
        code=window.code,
        name=window.name,
        hall=window.hall,
        location=window.location,
        phone=window.phone,
    )
    if (
        "code" not in errors
        and Window.objects.filter(body_id=window.body_id, code=window.code)
        .exclude(pk=window.pk)
        .exists()
    ):
        errors["code"] = f"本机构已有编号为 {window.code} 的窗口。"
    if errors:
        raise ValidationError(errors)


def window_create(
    *,
    actor: User,
    body: Body,
    code: str,
    name: str,
    hall: str = "",
    location: str = "",
    phone: str = "",
) -> Window:
    require(actor, "window.change", body)
    window = Window(
        body=body,
        code=code.strip().upper(),
        name=name.strip(),
        hall=hall.strip(),
        location=location.strip(),
        phone=phone.strip(),
    )
    _check_window(window)
    with transaction.atomic():
        _save(window, {"code": f"本机构已有编号为 {window.code} 的窗口。"})
        record(
            actor=actor,
            action="window.create",
            obj=window,
            body=body,
            changes=diff({}, snapshot(window)),
        )
    return window


def window_update(
    *,
    actor: User,
    window: Window,
    code: str | None = None,
    name: str | None = None,
    hall: str | None = None,
    location: str | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
) -> Window:
    require(actor, "window.change", window.body)
    with transaction.atomic():
        locked = (
            Window.objects.select_for_update(of=("self",))
            .select_related("body__region")
            .get(pk=window.pk)
        )
        before = snapshot(locked)
        if code is not None:
            locked.code = code.strip().upper()
        for field, value in (
            ("name", name),
            ("hall", hall),
            ("location", location),
            ("phone", phone),
        ):
            if value is not None:
                setattr(locked, field, value.strip())
        if is_active is not None:
            locked.is_active = is_active
        _check_window(locked)
        changes = diff(before, snapshot(locked))
        if changes:
            _save(locked, {"code": f"本机构已有编号为 {locked.code} 的窗口。"})
            record(
                actor=actor, action="window.change", obj=locked, body=locked.body, changes=changes
            )
    return locked
