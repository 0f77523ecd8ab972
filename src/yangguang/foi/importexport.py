"""xlsx export of the queue, and import of historical applications from xlsx/csv
(issue 5 point 8): one row per application, validated row by row, nothing half-imported.

Import columns (first row = headers, exact Chinese names; see README):
  受理编号 | 机关统一社会信用代码 | 申请方式 | 收到申请日期 | 申请人类型 | 组织类型 | 办理状态 |
  办理结果 | 答复日期   — and optionally 申请人姓名 | 内容描述
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from yangguang.core import audit
from yangguang.core.models import TrackingSequence, TrackingTicket
from yangguang.foi.models import (
    OPEN_STATES,
    ApplicantKind,
    Application,
    ApplicationEvent,
    Channel,
    Delivery,
    EventKind,
    Form,
    OrgKind,
    State,
)
from yangguang.foi.outcomes import OUTCOMES, TERMINATING, code_for_national_label
from yangguang.foi.services import date_range_error, recompute
from yangguang.foi.validators import mask_name
from yangguang.orgs.access import can
from yangguang.orgs.models import Body, User

COLUMNS = [
    "受理编号",
    "机关统一社会信用代码",
    "申请方式",
    "收到申请日期",
    "申请人类型",
    "组织类型",
    "办理状态",
    "办理结果",
    "答复日期",
]
OPTIONAL = ["申请人姓名", "内容描述"]
MAX_ROWS = 50000


def _by_label(choices: Iterable[tuple[str, str]], text: str) -> str | None:
    t = "".join(text.split())
    for value, label in choices:
        if t in (value, "".join(str(label).split())):
            return value
    aliases = {
        "邮寄": "registered_post",
        "挂号": "registered_post",
        "当面": "in_person",
        "网上": "online",
    }
    return aliases.get(t)


def _date(value: Any) -> dt.date | None:
    day = _parse_date(value)
    # An open application's due date is computed on the holiday calendar, which has a range.
    if day is not None and (error := date_range_error(day, f"日期“{day.isoformat()}”")):
        raise ValueError(error)
    return day


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise ValueError(f"日期“{text}”格式不正确（应为 2026-01-31）")


def read_rows(data: bytes, filename: str) -> list[dict[str, Any]]:
    if filename.lower().endswith(".csv"):
        text = data.decode("utf-8-sig")
        return [dict(r) for r in csv.DictReader(io.StringIO(text))]
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb.active
    if ws is None:
        return []
    it = ws.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(it, [])]
    rows = []
    for values in it:
        if not any(v not in (None, "") for v in values):
            continue
        rows.append(dict(zip(header, values, strict=False)))
    return rows


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_applications(data: bytes, *, filename: str, actor: User) -> ImportReport:
    report = ImportReport()
    try:
        rows = read_rows(data, filename)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's error
        report.errors.append((0, f"无法读取文件：{exc}"))
        return report
    report.rows = len(rows)
    if not rows:
        report.errors.append((0, "文件中没有数据行。"))
        return report
    if len(rows) > MAX_ROWS:
        report.errors.append((0, f"一次最多导入 {MAX_ROWS} 行。"))
        return report
    missing = [c for c in COLUMNS if c not in rows[0]]
    if missing:
        report.errors.append((1, "缺少列：" + "、".join(missing)))
        return report
    bodies = {b.credit_code: b for b in Body.objects.select_related("region")}
    existing = set(
        Application.objects.filter(
            number__in=[str(r.get("受理编号") or "").strip() for r in rows]
        ).values_list("number", flat=True)
    )
    seen: set[str] = set()
    parsed: list[dict[str, Any]] = []
    for i, r in enumerate(rows, start=2):
        errs: list[str] = []
        number = str(r.get("受理编号") or "").strip().upper()
        if not number:
            errs.append("受理编号为空")
        elif number in existing or number in seen:
            errs.append(f"受理编号 {number} 已存在或重复")
        seen.add(number)
        body = bodies.get(str(r.get("机关统一社会信用代码") or "").strip().upper())
        if body is None:
            errs.append("机关统一社会信用代码不存在")
        elif not can(actor, "foi.import", body):
            errs.append("无权向该机关导入")
        channel = _by_label(Channel.choices, str(r.get("申请方式") or ""))
        if channel is None:
            errs.append("申请方式应为：" + "、".join(str(lbl) for _, lbl in Channel.choices))
        try:
            received = _date(r.get("收到申请日期"))
            if received is None:
                errs.append("收到申请日期为空")
        except ValueError as exc:
            errs.append(str(exc))
            received = None
        kind = _by_label(ApplicantKind.choices, str(r.get("申请人类型") or ""))
        org_kind = ""
        if kind is None:
            errs.append("申请人类型应为“自然人”或“法人或其他组织”")
        elif kind == ApplicantKind.ORG:
            org_kind = _by_label(OrgKind.choices, str(r.get("组织类型") or "")) or ""
            if not org_kind:
                errs.append("组织类型应为：商业企业、科研机构、社会公益组织、法律服务机构、其他")
        state = _by_label(State.choices, str(r.get("办理状态") or ""))
        if state is None:
            errs.append("办理状态应为：" + "、".join(str(lbl) for _, lbl in State.choices))
        outcome_text = str(r.get("办理结果") or "").strip()
        outcome = code_for_national_label(outcome_text) if outcome_text else ""
        if outcome is None:
            errs.append(f"办理结果“{outcome_text}”不是年报规定的情形")
        try:
            replied = _date(r.get("答复日期"))
        except ValueError as exc:
            errs.append(str(exc))
            replied = None
        if state in (State.REPLIED, State.TERMINATED):
            if not outcome:
                errs.append("已办结的申请须填写办理结果")
            if replied is None:
                errs.append("已办结的申请须填写答复日期")
            if outcome and state == State.REPLIED and outcome in TERMINATING:
                errs.append("该办理结果对应的状态应为“已终止”")
        elif state is not None:
            if outcome:
                errs.append("未办结的申请不能有办理结果")
            if replied is not None:
                errs.append("未办结的申请不能有答复日期")
        if received and replied and replied < received:
            errs.append("答复日期早于收到申请日期")
        if errs:
            report.errors.append((i, "；".join(errs)))
            continue
        parsed.append(
            {
                "number": number,
                "body": body,
                "channel": channel,
                "received_on": received,
                "applicant_kind": kind,
                "org_kind": org_kind,
                "state": state,
                "outcome": outcome or "",
                "replied_on": replied,
                "applicant_name": str(r.get("申请人姓名") or "").strip() or "（历史导入）",
                "description": str(r.get("内容描述") or "").strip() or "（历史导入）",
            }
        )
    if report.errors:
        return report
    unusable = make_password(None)  # imported numbers have no query code
    with transaction.atomic():
        for p in parsed:
            ticket = TrackingTicket.objects.create(
                number=p["number"], kind="YSQ", code_hash=unusable
            )
            app = Application.objects.create(
                ticket=ticket,
                applicant_key=f"import:{p['number']}",
                delivery=Delivery.ONLINE,
                form=Form.ELECTRONIC,
                imported=True,
                registered_by=actor,
                outcome_reason="（历史导入）" if p["outcome"] else "",
                **p,
            )
            ApplicationEvent.objects.create(
                application=app,
                kind=EventKind.IMPORTED,
                on=p["received_on"],
                at=app.created_at,
                actor=actor,
                actor_name=actor.get_full_name(),
                reason=f"从 {filename} 导入",
                public=False,
            )
            if app.state in OPEN_STATES:
                recompute(app)
            report.created += 1
        _advance_sequences([p["number"] for p in parsed])
        audit.record(
            actor=actor,
            action="foi.application.import",
            object_type="foi.application",
            object_repr=f"{filename}：{report.created} 条",
            changes={"numbers": [p["number"] for p in parsed[:1000]]},
        )
    return report


NUMBER_RE = re.compile(r"^YSQ-(\d{4})-(\d{6,})$")


def _advance_sequences(numbers: Iterable[str]) -> None:
    """Imported numbers in our own format reserve their serials: the next number issued for
    that year comes after the highest imported one (no collision on later registrations)."""
    highest: dict[int, int] = {}
    for n in numbers:
        m = NUMBER_RE.match(n)
        if m:
            year, serial = int(m.group(1)), int(m.group(2))
            highest[year] = max(highest.get(year, 0), serial)
    for year, serial in highest.items():
        seq, _ = TrackingSequence.objects.select_for_update().get_or_create(
            kind="YSQ", year=year, defaults={"last": 0}
        )
        if seq.last < serial:
            seq.last = serial
            seq.save(update_fields=["last"])


def export_xlsx(apps: Iterable[Application], viewer: Any) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("依申请公开")
    ws.append(COLUMNS + ["申请人姓名", "内容描述", "答复期限", "承办人", "逾期答复", "拟定结果"])
    for a in apps:
        personal = can(viewer, "foi.personal", a)
        ws.append(
            [
                a.number,
                a.body.credit_code,
                a.get_channel_display(),
                a.received_on,
                a.get_applicant_kind_display(),
                a.get_org_kind_display() if a.org_kind else "",
                a.get_state_display(),
                OUTCOMES[a.outcome].national_label if a.outcome else "",
                a.replied_on,
                a.applicant_name if personal else mask_name(a.applicant_name),
                a.description,
                a.due_on,
                a.handler.get_full_name() if a.handler else "",
                "是" if a.replied_late else "",
                OUTCOMES[a.proposed_outcome].short if a.proposed_outcome else "",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
