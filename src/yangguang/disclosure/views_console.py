"""Console pages of 主动公开: drafts, each reviewer's queue, the edit form, the review page with
the privacy findings, publish / withdraw / validity, the timeliness count (条例 Art. 26)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yangguang.core.models import AuditEvent
from yangguang.core.text import tidy_number
from yangguang.disclosure import services
from yangguang.disclosure.files import MASKABLE_KINDS
from yangguang.disclosure.forms import (
    FiscalUploadForm,
    ImportForm,
    PublicationForm,
    PublishForm,
    ReasonForm,
    ValidityForm,
)
from yangguang.disclosure.models import (
    Attachment,
    CatalogueNode,
    FindingStatus,
    PrivacyFinding,
    Publication,
    State,
)
from yangguang.disclosure.selectors import (
    publication_for,
    publications_public,
    publications_visible_to,
    review_queue,
)
from yangguang.disclosure.services import DisclosureError
from yangguang.orgs.access import can, grants, require
from yangguang.orgs.models import Body, Role


def _user(request: HttpRequest) -> Any:
    return request.user


def _editor_bodies(request: HttpRequest) -> list[Body]:
    g = grants(request.user)
    ids = [b for b, roles in g.body_roles.items() if Role.EDITOR in roles]
    return list(Body.objects.filter(pk__in=ids).select_related("region"))


@login_required
def drafts(request: HttpRequest) -> HttpResponse:
    """The editor's (and supervisor's) list of publications, filterable by state."""
    require(request.user, "publication.list", None)
    qs = publications_visible_to(request.user).select_related("body", "drafter")
    state = request.GET.get("state", "")
    if state in State.values:
        qs = qs.filter(state=state)
    mine = request.GET.get("mine") == "1"
    if mine:
        qs = qs.filter(drafter=_user(request))
    q = request.GET.get("q", "").strip()
    if q:
        # 发文字号 are stored tidied (〔2026〕): one typed as [2026] must still find its document.
        qs = qs.filter(
            Q(title__contains=q) | Q(index_number=q) | Q(doc_number__in={q, tidy_number(q)})
        )
    page = Paginator(qs.order_by("-updated_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/console/drafts.html",
        {
            "page_obj": page,
            "states": State.choices,
            "state": state,
            "q": q,
            "mine": mine,
            "editor_bodies": _editor_bodies(request),
            "querystring_base": f"state={state}&q={q}&mine={'1' if mine else ''}&",
        },
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The reviewer's own queue: submitted (and approved, waiting to be published) items of the
    bodies where they review, except their own drafts."""
    require(request.user, "publication.review", None)
    page = Paginator(review_queue(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "disclosure/console/queue.html", {"page_obj": page})


def _save_form(
    request: HttpRequest, form: PublicationForm, pub: Publication | None
) -> Publication | None:
    if not form.is_valid():
        return None
    try:
        kwargs: dict[str, Any] = {
            "actor": request.user,
            "data": form.service_data(),
            "issuers": list(form.cleaned_data.get("issuers") or []),
            "interprets": form.interprets_list,
            "attachments": form.checked_files,
        }
        if pub is None:
            result = services.publication_create(body=form.body, **kwargs)
        else:
            remove = [
                int(x)
                for x in request.POST.getlist("remove_attachment")
                if x.isdecimal() and len(x) <= 18
            ]
            result = services.publication_update(
                publication=pub, remove_attachments=remove, **kwargs
            )
    except DisclosureError as exc:
        for name, msgs in exc.errors.items():
            for msg in msgs:
                form.add_error(name if name in form.fields else None, msg)
        return None
    for w in result.warnings:
        messages.warning(request, w)
    return result.publication


@login_required
def create(request: HttpRequest) -> HttpResponse:
    bodies = _editor_bodies(request)
    if not bodies:
        raise Http404("未找到")
    body_id = request.POST.get("body") or request.GET.get("body")
    body = next((b for b in bodies if str(b.pk) == body_id), bodies[0])
    services.catalogue_ensure(body)
    form = PublicationForm(request.POST or None, request.FILES or None, body=body)
    if request.method == "POST":
        pub = _save_form(request, form, None)
        if pub is not None:
            messages.success(request, f"已保存草稿，索引号 {pub.index_number}。")
            return redirect("console:disclosure_detail", pk=pub.pk)
    return render(
        request,
        "disclosure/console/form.html",
        {"form": form, "body": body, "bodies": bodies, "pub": None},
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    pub = publication_for(request.user, pk)
    action = "publication.publish" if pub.state == State.PUBLISHED else "publication.change"
    require(request.user, action, pub)
    if pub.state not in services.EDITABLE_STATES | {State.PUBLISHED}:
        messages.error(request, f"“{pub.get_state_display()}”状态的信息不能修改。")
        return redirect("console:disclosure_detail", pk=pub.pk)
    initial = {
        "issuers": list(pub.issuers.exclude(pk=pub.body_id)),
        "interprets": "\n".join(pub.interprets.values_list("index_number", flat=True)),
    }
    form = PublicationForm(
        request.POST or None,
        request.FILES or None,
        body=pub.body,
        initial={
            **{k: getattr(pub, k) for k in services.FIELDS},
            **initial,
        },
    )
    if request.method == "POST":
        saved = _save_form(request, form, pub)
        if saved is not None:
            messages.success(request, "已保存。")
            return redirect("console:disclosure_detail", pk=pub.pk)
    return render(
        request,
        "disclosure/console/form.html",
        {"form": form, "body": pub.body, "pub": pub, "attachments": pub.attachments.all()},
    )


@dataclass(frozen=True)
class FindingRow:
    """A finding on the review page, with the attachment it was found in (if any) and whether
    the reviewer can mask it online: text fields and docx/xlsx attachments, not PDF or images."""

    finding: PrivacyFinding
    attachment: Attachment | None
    maskable: bool


def _finding_rows(
    findings: list[PrivacyFinding], attachments: list[Attachment]
) -> list[FindingRow]:
    by_id = {a.pk: a for a in attachments}
    rows = []
    for f in findings:
        att = by_id.get(f.attachment_id) if f.attachment_id is not None else None
        in_file = f.field.startswith("attachment:")
        rows.append(
            FindingRow(f, att, not in_file or (att is not None and att.kind in MASKABLE_KINDS))
        )
    return rows


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One publication in the console: metadata, state, actions, findings and its history."""
    pub = publication_for(request.user, pk)
    findings = list(
        PrivacyFinding.objects.filter(publication=pub, submission=pub.submission_count)
        .select_related("resolved_by")
        .order_by("id")
    )
    attachments = list(pub.attachments.all())
    events = AuditEvent.objects.filter(
        object_type="disclosure.publication", object_id=str(pub.pk)
    ).order_by("at", "id")[:100]
    user = request.user
    ctx = {
        "pub": pub,
        "findings": findings,
        "finding_rows": _finding_rows(findings, attachments),
        "open_findings": sum(1 for f in findings if f.status == FindingStatus.OPEN),
        "events": events,
        "attachments": attachments,
        "interprets": pub.interprets.all(),
        "interpretations": pub.interpretations.all(),
        "can_edit": pub.state in services.EDITABLE_STATES and can(user, "publication.change", pub),
        "can_correct": pub.state == State.PUBLISHED and can(user, "publication.publish", pub),
        "can_submit": pub.state in services.EDITABLE_STATES
        and can(user, "publication.submit", pub),
        "can_review": pub.state == State.SUBMITTED
        and can(user, "publication.review", pub)
        and pub.drafter_id != user.pk,
        "can_publish": pub.state in {State.APPROVED, State.SCHEDULED}
        and can(user, "publication.publish", pub),
        "can_withdraw": pub.state in {State.PUBLISHED, State.SCHEDULED}
        and can(user, "publication.withdraw", pub),
        "can_validity": pub.state == State.PUBLISHED and can(user, "publication.validity", pub),
        "reason_form": ReasonForm(),
        "publish_form": PublishForm(),
        "validity_form": ValidityForm(initial={"validity": pub.validity}),
    }
    return render(request, "disclosure/console/detail.html", ctx)


def _run(request: HttpRequest, pk: int, fn: Any, ok: str) -> HttpResponse:
    pub = publication_for(request.user, pk)
    try:
        fn(pub)
    except DisclosureError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, ok)
    return redirect("console:disclosure_detail", pk=pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        lambda p: services.publication_submit(actor=_user(request), publication=p),
        "已提交审核。",
    )


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        lambda p: services.publication_approve(actor=_user(request), publication=p),
        "审核通过。",
    )


@login_required
@require_POST
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _run(
        request,
        pk,
        lambda p: services.publication_return(actor=_user(request), publication=p, reason=reason),
        "已退回发布员。",
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    form = PublishForm(request.POST)
    at: dt.datetime | None = None
    if form.is_valid():
        at = form.cleaned_data.get("at")
        if at is not None and timezone.is_naive(at):
            at = timezone.make_aware(at)
    else:
        messages.error(request, "定时发布时间格式有误。")
        return redirect("console:disclosure_detail", pk=pk)
    return _run(
        request,
        pk,
        lambda p: services.publication_publish(actor=_user(request), publication=p, at=at),
        # A time already past publishes now (services.publication_publish): say so.
        "已发布。"
        if at is None
        else "已定时发布。"
        if at > timezone.now()
        else "所填定时发布时间已过，已立即发布。",
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _run(
        request,
        pk,
        lambda p: services.publication_withdraw(actor=_user(request), publication=p, reason=reason),
        "已撤回，索引号保留。",
    )


@login_required
@require_POST
def validity(request: HttpRequest, pk: int) -> HttpResponse:
    publication_for(request.user, pk)  # access first: the same 404 as a missing document
    form = ValidityForm(request.POST)
    if not form.is_valid():
        messages.error(request, "有效性信息有误。")
        return redirect("console:disclosure_detail", pk=pk)
    number = form.cleaned_data.get("replaced_by", "").strip()
    replaced_by = None
    if number:
        # Only a published document can replace another; drafts of any body stay invisible.
        replaced_by = publications_public().filter(index_number=number).first()
        if replaced_by is None:
            messages.error(request, f"找不到索引号为 {number} 的替代文件。")
            return redirect("console:disclosure_detail", pk=pk)
    return _run(
        request,
        pk,
        lambda p: services.publication_set_validity(
            actor=_user(request),
            publication=p,
            validity=form.cleaned_data["validity"],
            on=form.cleaned_data.get("on"),
            replaced_by=replaced_by,
        ),
        "已更新有效性。",
    )


@login_required
@require_POST
def finding(request: HttpRequest, pk: int, finding_id: int) -> HttpResponse:
    pub = publication_for(request.user, pk)
    f = PrivacyFinding.objects.filter(pk=finding_id, publication=pub).first()
    if f is None:
        raise Http404("未找到")
    f.publication = pub
    try:
        resolved = services.finding_resolve(
            actor=_user(request),
            finding=f,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
        )
    except DisclosureError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _resolved_message(pub, resolved))
    return redirect("console:disclosure_detail", pk=pk)


def _resolved_message(pub: Publication, f: PrivacyFinding) -> str:
    if f.status == FindingStatus.KEPT:
        return "已保留，理由已记录。"
    if f.attachment_id is None:
        return f"已遮盖为 {f.masked}。"
    att = pub.attachments.filter(pk=f.attachment_id).first()
    name = att.original_name if att is not None else "附件"
    # Findings of the same text that vanished with it were resolved in the same call (same time).
    also = (
        PrivacyFinding.objects.filter(
            publication=pub, field=f.field, status=FindingStatus.MASKED, resolved_at=f.resolved_at
        )
        .exclude(pk=f.pk)
        .count()
    )
    extra = f"同一附件中另有 {also} 项相同内容已一并遮盖。" if also else ""
    return f"已在附件“{name}”中遮盖为 {f.masked}，附件文件已更新。{extra}"


@login_required
def timeliness(request: HttpRequest) -> HttpResponse:
    """条例 Art. 26: per body, published items and those later than 20 working days."""
    require(request.user, "publication.stats", None)
    year = request.GET.get("year", "")
    qs = publications_visible_to(request.user).filter(state=State.PUBLISHED)
    if year.isdecimal() and len(year) == 4:
        qs = qs.filter(published_on__year=int(year))
    rows = (
        qs.values("body__id", "body__name")
        .annotate(total=Count("id"), late=Count("id", filter=Q(is_late=True)))
        .order_by("-late", "body__name")
    )
    late_items = qs.filter(is_late=True).select_related("body").order_by("-published_on")[:50]
    return render(
        request,
        "disclosure/console/timeliness.html",
        {"rows": rows, "late_items": late_items, "year": year, "limit": services.TIMELY_WORKDAYS},
    )


def _pick_body(request: HttpRequest, action: str) -> tuple[Body, list[Body]]:
    g = grants(request.user)
    bodies = [
        b
        for b in Body.objects.filter(pk__in=list(g.body_roles)).select_related("region")
        if can(request.user, action, b)
    ]
    if not bodies:
        raise Http404("未找到")
    body_id = request.POST.get("body") or request.GET.get("body")
    return next((b for b in bodies if str(b.pk) == body_id), bodies[0]), bodies


@login_required
def import_(request: HttpRequest) -> HttpResponse:
    """xlsx import with a row-by-row report; nothing is saved unless every row is valid."""
    body, bodies = _pick_body(request, "publication.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.publications_import(
            actor=_user(request),
            body=body,
            data=form.cleaned_data["file"].read(),
            as_published=request.POST.get("as_published") == "1"
            and can(request.user, "publication.publish", body),
        )
        if not report.errors:
            messages.success(request, f"已导入 {len(report.created)} 条。")
    return render(
        request,
        "disclosure/console/import.html",
        {
            "form": form,
            "body": body,
            "bodies": bodies,
            "report": report,
            "columns": services.IMPORT_COLUMNS,
            "can_publish": can(request.user, "publication.publish", body),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The body's catalogue (all its publications' metadata) as xlsx."""
    body, _ = _pick_body(request, "publication.export")
    qs = (
        publications_visible_to(request.user)
        .filter(body=body)
        .select_related("category", "theme")
        .order_by("-id")
    )
    data = services.catalogue_export(body, qs.iterator(chunk_size=2000))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename=catalogue-{body.credit_code}.xlsx"
    return response


@login_required
def fiscal_upload(request: HttpRequest) -> HttpResponse:
    from yangguang.disclosure.fiscal import SCHEMAS, FiscalError
    from yangguang.disclosure.models import FiscalKind, FiscalTable

    body, bodies = _pick_body(request, "fiscal.change")
    form = FiscalUploadForm(request.POST or None, request.FILES or None)
    kind_field = form.fields["kind"]
    assert isinstance(kind_field, forms.ChoiceField)  # noqa: S101
    kind_field.choices = FiscalKind.choices
    cell_errors: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            table = services.fiscal_publish(
                actor=_user(request),
                body=body,
                kind=form.cleaned_data["kind"],
                year=form.cleaned_data["year"],
                month=form.cleaned_data.get("month"),
                data=form.cleaned_data["file"].read(),
            )
        except FiscalError as exc:
            cell_errors = exc.errors
        except DisclosureError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已发布：{table.title}")
            return redirect("console:disclosure_fiscal")
    tables = FiscalTable.objects.filter(body=body).order_by("-year", "-month")[:50]
    return render(
        request,
        "disclosure/console/fiscal.html",
        {
            "form": form,
            "body": body,
            "bodies": bodies,
            "cell_errors": cell_errors,
            "tables": tables,
            "schemas": SCHEMAS,
        },
    )


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """Edit the body's 公开目录 (add nodes) and its 公开指南."""
    body, bodies = _pick_body(request, "catalogue.change")
    services.catalogue_ensure(body)
    if request.method == "POST":
        try:
            if "guide" in request.POST:
                services.guide_update(
                    actor=_user(request), body=body, html_text=request.POST.get("guide", "")
                )
                messages.success(request, "公开指南已保存。")
            else:
                parent_id = request.POST.get("parent", "")
                parent = (
                    CatalogueNode.objects.filter(pk=int(parent_id), body=body).first()
                    if parent_id.isdecimal() and len(parent_id) <= 18
                    else None
                )
                services.catalogue_add(
                    actor=_user(request),
                    body=body,
                    name=request.POST.get("name", ""),
                    parent=parent,
                )
                messages.success(request, "已添加目录。")
        except DisclosureError as exc:
            messages.error(request, str(exc))
        return redirect(f"{request.path}?body={body.pk}")
    from yangguang.disclosure.views_portal import _tree

    return render(
        request,
        "disclosure/console/catalogue.html",
        {"body": body, "bodies": bodies, "tree": _tree(body), "guide": services.guide_for(body)},
    )
