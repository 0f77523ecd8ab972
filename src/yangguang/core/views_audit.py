"""审计日志 in the console: administrators and supervisors, each seeing only their subtree.

Installation-wide administrators see every event (including those outside any region, such as
logins); region-scoped administrators and supervisors see events whose region path lies in
their subtree. Filters: who, action, object type, body, date range; paginated; xlsx export of
the filtered rows (itself audited).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from yangguang.core import nav
from yangguang.core.audit import record
from yangguang.core.models import AuditEvent
from yangguang.orgs.access import get_visible_or_404, grants, is_global_admin, require
from yangguang.orgs.models import Body
from yangguang.orgs.selectors import bodies_visible_to

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000

nav.console("审计日志", "console:audit", "audit.view", order=900)


def audit_events_visible_to(viewer: Any) -> QuerySet[AuditEvent]:
    """Audit rows a viewer may read (the `audit.view` scope)."""
    if is_global_admin(viewer):
        return AuditEvent.objects.all()
    g = grants(viewer)
    roots = g.supervisor_paths + g.admin_paths
    if not roots:
        return AuditEvent.objects.none()
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(region_path__startswith=root)
    return AuditEvent.objects.filter(q)


class AuditFilterForm(forms.Form):
    who = forms.CharField(label="操作人", required=False, max_length=60)
    action = forms.CharField(
        label="操作", required=False, max_length=80, help_text="如 auth.login，或前缀 auth."
    )
    object_type = forms.CharField(label="对象类型", required=False, max_length=80)
    body = forms.ModelChoiceField(
        label="机构",
        queryset=Body.objects.none(),
        required=False,
        empty_label="全部机构",
        error_messages={"invalid_choice": "所选机构不存在或不在您的查看范围内。"},
    )
    date_from = forms.DateField(
        label="开始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入有效日期，格式如 2026-01-31。"},
    )
    date_to = forms.DateField(
        label="结束日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入有效日期，格式如 2026-01-31。"},
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["body"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrowing for mypy
        field.queryset = bodies_visible_to(viewer).order_by("region__path", "name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        return data

    def apply(self, qs: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        d = self.cleaned_data
        if d.get("who"):
            who = d["who"].strip()
            qs = qs.filter(Q(actor_name__icontains=who) | Q(actor__username__iexact=who))
        if d.get("action"):
            action = d["action"].strip()
            qs = (
                qs.filter(action__startswith=action)
                if action.endswith(".")
                else qs.filter(action=action)
            )
        if d.get("object_type"):
            qs = qs.filter(object_type=d["object_type"].strip().lower())
        if d.get("body"):
            qs = qs.filter(body=d["body"])
        tz = timezone.get_current_timezone()
        if d.get("date_from"):
            qs = qs.filter(at__gte=dt.datetime.combine(d["date_from"], dt.time.min, tzinfo=tz))
        if d.get("date_to"):
            end = d["date_to"] + dt.timedelta(days=1)
            qs = qs.filter(at__lt=dt.datetime.combine(end, dt.time.min, tzinfo=tz))
        return qs


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    form = AuditFilterForm(request.GET or None, viewer=request.user)
    qs = audit_events_visible_to(request.user).select_related("body")
    if form.is_bound:
        qs = form.apply(qs) if form.is_valid() else qs.none()
    return form, qs.order_by("-at", "-id")


def audit_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.view", None)
    form, qs = _filtered(request)
    page_obj = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "console/audit.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_base": urlencode(params) + "&" if params else "",
            "export_query": urlencode(params),
        },
    )


def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_visible_or_404(
        audit_events_visible_to(request.user).select_related("body__region", "actor"),
        request.user,
        "audit.view",
        pk=pk,
    )
    assert isinstance(event, AuditEvent)  # noqa: S101 - narrowing for mypy
    changes = event.changes if isinstance(event.changes, dict) else {}
    rows = [
        {"field": k, "old": v[0], "new": v[1]}
        if isinstance(v, list | tuple) and len(v) == 2
        else {"field": k, "old": "", "new": v}
        for k, v in changes.items()
    ]
    return render(request, "console/audit_detail.html", {"event": event, "rows": rows})


HEADERS = [
    "时间",
    "操作人",
    "来源IP",
    "操作",
    "对象类型",
    "对象ID",
    "对象",
    "所属机构",
    "原因/说明",
    "变更",
]


def audit_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.export", None)
    from openpyxl import Workbook

    form, qs = _filtered(request)
    if form.is_bound and not form.is_valid():
        page_obj = Paginator(qs, PAGE_SIZE).get_page(1)
        return render(
            request, "console/audit.html", {"form": form, "page_obj": page_obj}, status=400
        )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计日志")
    ws.append(HEADERS)
    count = 0
    for event in qs[:EXPORT_MAX_ROWS].iterator(chunk_size=2000):
        ws.append(
            [
                timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                event.actor_name,
                event.ip or "",
                event.action,
                event.object_type,
                event.object_id,
                event.object_repr,
                event.body.name if event.body else "",
                event.reason,
                json.dumps(event.changes, ensure_ascii=False) if event.changes else "",
            ]
        )
        count += 1
    if count >= EXPORT_MAX_ROWS:
        ws.append([f"仅导出前 {EXPORT_MAX_ROWS} 条，请缩小筛选范围后分批导出。"])
    with transaction.atomic():
        record(
            actor=request.user,  # type: ignore[arg-type]
            action="audit.export",
            object_type="core.auditevent",
            object_repr=f"导出 {count} 条",
            reason=urlencode({k: v for k, v in request.GET.items() if v}),
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"audit-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
