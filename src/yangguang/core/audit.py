"""Audit events: every write made through a service records actor, time, source IP, action,
object and a before/after diff, in the same transaction as the write (DESIGN.md)."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from yangguang.core.context import current_ip
from yangguang.core.models import AuditEvent

if TYPE_CHECKING:
    from yangguang.orgs.models import Body, User


# What each action is called in the audit log (the code stays alongside: the filter takes it).
ACTION_LABELS: dict[str, str] = {
    "auth.login": "登录",
    "auth.logout": "退出登录",
    "auth.login_failed": "登录失败",
    "auth.lockout": "账户锁定",
    "auth.password_change": "修改密码",
    "apitoken.create": "签发接口令牌",
    "apitoken.revoke": "吊销接口令牌",
    "audit.export": "导出审计日志",
    "demo.load": "加载演示数据",
    "orgs.import": "导入机构",
    "region.create": "新增区划",
    "region.change": "修改区划",
    "body.create": "新增机构",
    "body.change": "修改机构",
    "body.deactivate": "停用机构",
    "window.create": "新增窗口",
    "window.change": "修改窗口",
    "calendar.override_set": "设置调休/节假日",
    "calendar.override_delete": "删除调休/节假日",
    "calendar.year_complete": "确认全年日历",
    "calendar.year_incomplete": "取消全年日历确认",
    "publication.create": "新建公开信息",
    "publication.update": "修改公开信息",
    "publication.doc_number_tidy": "规范发文字号（数据迁移）",
    "publication.submit": "提交审查",
    "publication.return": "退回修改",
    "publication.approve": "审查通过",
    "publication.publish": "发布",
    "publication.schedule": "定时发布",
    "publication.withdraw": "撤回",
    "publication.set_validity": "变更有效性",
    "publication.import": "导入公开信息",
    "publication.finding_mask": "隐私信息脱敏",
    "publication.finding_keep": "隐私信息保留",
    "disclosure.catalogue_add": "新增公开目录",
    "disclosure.guide_update": "修改公开指南",
    "fiscal.publish": "发布财政表格",
    "foi.application.submit": "网上提交申请",
    "foi.application.register": "登记申请",
    "foi.application.import": "导入申请",
    "foi.application.attach": "上传材料",
    "foi.application.withdraw_request": "申请人申请撤回",
    "foi.application.assign": "分配承办人",
    "foi.application.correction_request": "补正通知",
    "foi.application.correction_receive": "收到补正材料",
    "foi.application.correction_lapse": "逾期未补正",
    "foi.application.consultation_start": "征求意见",
    "foi.application.consultation_end": "征求意见结束",
    "foi.application.extend": "延期答复",
    "foi.application.fee_notice": "信息处理费通知",
    "foi.application.fee_paid": "登记缴费",
    "foi.application.fee_lapse": "逾期未缴费",
    "foi.application.reply": "答复",
    "foi.review_case.record": "登记行政复议/诉讼",
    "foi.review_case.decide": "登记复议/诉讼结果",
    "annual_report.create": "生成年度报告",
    "annual_report.update_text": "修改年度报告文字",
    "annual_report.table2": "录入年度报告表二",
    "annual_report.finalise": "年度报告定稿",
    "annual_report.reopen": "年度报告退回草稿",
    "annual_report.publish_request": "年度报告提交发布",
    "annual_report.publish": "年度报告发布",
    "annual_report.unpublish": "年度报告撤回",
    "annual_report.history_import": "导入历年报告",
    "search.term_add": "新增检索词",
    "search.term_delete": "删除检索词",
    "search.synonym_add": "新增同义词组",
    "search.synonym_delete": "删除同义词组",
}


def action_label(action: str) -> str:
    """The Chinese name of an audit action ("" when it has none: the code is shown alone)."""
    return ACTION_LABELS.get(action, "")


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audited state of an instance: concrete field values, foreign keys as ids."""
    names = list(fields) if fields is not None else None
    out: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if names is not None and f.name not in names:
            continue
        if f.name in {"password", "code_hash", "key_hash"}:
            continue  # secrets never enter the audit trail
        out[f.name] = _plain(getattr(instance, f.attname))
    return out


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for fields that changed."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_repr: str = "",
    body: Body | None = None,
    region_path: str = "",
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    actor_name: str = "",
) -> AuditEvent:
    """Write one audit row. Call inside the service's `transaction.atomic` block."""
    if body is not None and not region_path:
        region_path = body.region.path
    name = actor_name or (actor.get_full_name() or actor.username if actor else "公众/系统")
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_name=name[:150],
        ip=current_ip.get(),
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:300],
        body=body,
        region_path=region_path,
        changes=dict(changes or {}),
        reason=reason,
    )
    event.save()
    return event
