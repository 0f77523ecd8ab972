"""Thin views: access → form → one service → render/redirect (DESIGN.md)."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from yangguang.core.calendar import current_calendar
from yangguang.core.params import int_param
from yangguang.core.tracking import TicketLocked, verify_ticket
from yangguang.core.workdays import MAX_YEAR, MIN_YEAR
from yangguang.foi import services as svc
from yangguang.foi.documents import reply_document, reply_docx
from yangguang.foi.forms import (
    STALE_FORM,
    AssignForm,
    AttachForm,
    ConsultEndForm,
    ConsultStartForm,
    CorrectionForm,
    DateForm,
    DecideForm,
    ExtendForm,
    FeeForm,
    ImportForm,
    PublicApplicationForm,
    RegisterForm,
    ReplyForm,
    ReviewForm,
    TrackForm,
    WithdrawForm,
)
from yangguang.foi.models import (
    OPEN_KEY_LIMIT,
    OPEN_STATES,
    PAUSED_KEY,
    Application,
    ReviewCase,
    State,
)
from yangguang.foi.online import OnlineSubmission, form_token_bound, receipt_id
from yangguang.foi.outcomes import OUTCOMES
from yangguang.foi.selectors import (
    applicant_view,
    application_visible_to,
    queue_rows,
    sees_assigned_only,
    thresholds_for,
    urgency_order,
)
from yangguang.foi.validators import mask_name
from yangguang.orgs.access import can, require, visible_bodies_q, visible_region_paths
from yangguang.orgs.models import FOI_ACCEPTING_KINDS, Body, Role, User

PAGE_SIZE = 50
# receipt id → {"number", "token"}; the token (the code's secret) is cleared once shown.
SESSION_CODES = "foi_codes"
REPLAY_REFUSED = (
    "这份表单已经提交过。如需再次提交本页填写的申请，"
    "请核对后再次点击“提交申请”（将作为一份新的申请）。"
)
SESSION_TRACKED = "foi_tracked"  # numbers verified with their query code in this session


# ---------------------------------------------------------------------------------------------
# Public portal


def apply(request: HttpRequest) -> HttpResponse:
    """依申请公开 application form, per body (?body=<credit code>) or with a body picker."""
    fixed: Body | None = None
    code = request.GET.get("body", "").strip().upper()
    if code:
        fixed = Body.objects.filter(
            credit_code=code, is_active=True, kind__in=FOI_ACCEPTING_KINDS
        ).first()
        if fixed is None:
            raise Http404("未找到该机关")
    if request.method == "POST":
        form = PublicApplicationForm(request.POST)
        if form.is_valid():
            done = _submit(request, form)
            if done is not None:
                return done
        elif STALE_FORM in form.non_field_errors():
            form.replace_token(_form_token(request))
    else:
        initial: dict[str, Any] = {"token": _form_token(request)}
        if fixed is not None:
            initial["body"] = fixed.pk
        form = PublicApplicationForm(initial=initial)
    selected = fixed
    if selected is None and form.is_bound:
        picked = int_param(form.data.get("body"), maximum=2**63 - 1)
        selected = Body.objects.filter(pk=picked, is_active=True).first() if picked else None
    return render(
        request,
        "foi/apply.html",
        {"form": form, "fixed": fixed, **_guide_context(selected)},
    )


def _form_token(request: HttpRequest) -> str:
    """A token for the form, bound to this browser's session (foi.online)."""
    request.session.setdefault(SESSION_CODES, {})  # a session cookie before the POST
    if request.session.session_key is None:
        request.session.save()  # the token names the session key, so the key must exist now
    return PublicApplicationForm.new_token(request.session.session_key or "")


def _submit(request: HttpRequest, form: PublicApplicationForm) -> HttpResponse | None:
    """Submit a valid form. Returns the redirect to the receipt, or None after adding errors
    to the form (to render it again, with what was typed)."""
    token = form.cleaned_data["token"]
    # A retry may show the query code again only in the session the form was issued to.
    # Anyone else holding the token gets the same refusal whatever data they send, so they
    # learn neither the number, nor the code, nor whether their data matched.
    bound = form_token_bound(token, request.session.session_key)
    try:
        result = svc.application_submit_online(
            body=form.cleaned_data["body"],
            data=form.applicant_input(form.cleaned_data),
            submission=OnlineSubmission("web", token, may_reveal=bound),
        )
    except svc.SubmissionConflict:
        _refuse_replay(request, form)
        return None
    except svc.FoiError as exc:
        form.add_service_errors(exc)
        return None
    if result.replay and not bound:
        _refuse_replay(request, form)
        return None
    _remember_receipt(request, token, result)
    return redirect("portal:foi_receipt", key=receipt_id(token))


def _refuse_replay(request: HttpRequest, form: PublicApplicationForm) -> None:
    """This token already names an application this request may not see, or one with other
    data. The citizen keeps what they typed and gets a fresh token: one more click submits it
    as a new application, so it is never silently lost."""
    form.add_error(None, REPLAY_REFUSED)
    form.replace_token(_form_token(request))


def _remember_receipt(request: HttpRequest, token: str, result: svc.Submitted) -> None:
    """Record the receipt in the session for the receipt page.

    The code itself is not stored: the session database row keeps only the token, which gives
    nothing without SECRET_KEY. The receipt derives the code again and then clears the token.
    Every response for one submission writes the same entry, so it does not matter which
    request's session save lands last: the receipt has the code. A retry after the receipt
    was shown does not show it again (once per session). The code shown earlier still works,
    because it is the same code."""
    codes = request.session.get(SESSION_CODES, {})
    key = receipt_id(token)
    entry = codes.get(key)
    if entry is not None and entry.get("number") == result.application.number:
        return
    shown = token if result.code is not None else ""
    codes[key] = {"number": result.application.number, "token": shown}
    request.session[SESSION_CODES] = codes


def guide_hint(request: HttpRequest) -> HttpResponse:
    """htmx fragment next to the body picker: the opening of the chosen body's 公开指南
    (public information) and a link to the whole guide."""
    body_id = int_param(request.GET.get("body"), maximum=2**63 - 1)
    body = Body.objects.filter(pk=body_id, is_active=True).first() if body_id else None
    return render(request, "foi/_guide_hint.html", _guide_context(body))


def _guide_context(body: Body | None) -> dict[str, Any]:
    if body is None:
        return {}
    from yangguang.disclosure.selectors import guide_excerpt

    try:
        url = reverse("portal:disclosure_guide", args=[body.credit_code])
    except NoReverseMatch:
        url = ""
    return {"hint_body": body, "hint_excerpt": guide_excerpt(body), "hint_url": url}


@never_cache  # the code is shown once: no copy in the browser's or a proxy's cache
def receipt(request: HttpRequest, key: str) -> HttpResponse:
    """The printable receipt: tracking number and query code, shown once per session."""
    codes = request.session.get(SESSION_CODES, {})
    entry = codes.get(key)
    if entry is None:
        raise Http404("回执已失效")
    app = Application.objects.select_related("body").filter(number=entry["number"]).first()
    if app is None:
        raise Http404("回执已失效")
    token = entry.get("token", "")
    code = OnlineSubmission("web", token, may_reveal=True).code if token else ""
    if token:
        entry["token"] = ""  # show it once
        codes[key] = entry
        request.session[SESSION_CODES] = codes
    return render(
        request,
        "foi/receipt.html",
        {"app": app, "code": code, "name": mask_name(app.applicant_name)},
    )


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            ticket = verify_ticket(form.cleaned_data["number"], form.cleaned_data["code"])
        except TicketLocked as exc:
            until = timezone.localtime(exc.until)
            error = f"查询密码错误次数过多，请于 {until:%H:%M} 后再试。"
        else:
            if ticket is None or not hasattr(ticket, "foi_application"):
                error = "受理编号或查询密码不正确。"
            else:
                tracked = set(request.session.get(SESSION_TRACKED, []))
                tracked.add(ticket.number)
                request.session[SESSION_TRACKED] = sorted(tracked)
                return redirect("portal:foi_track_detail", number=ticket.number)
    return render(request, "foi/track.html", {"form": form, "error": error})


def _tracked(request: HttpRequest, number: str) -> Application:
    if number not in request.session.get(SESSION_TRACKED, []):
        raise Http404("请先输入受理编号和查询密码")
    app = Application.objects.select_related("body").filter(number=number).first()
    if app is None:
        raise Http404("未找到")
    return app


def track_detail(
    request: HttpRequest, number: str, withdraw_form: WithdrawForm | None = None
) -> HttpResponse:
    app = _tracked(request, number)
    events = app.events.filter(public=True).order_by("on", "id")
    return render(
        request,
        "foi/track_detail.html",
        {
            "app": app,
            "events": events,
            "fees": app.fee_notices.all(),
            "files": app.files.all() if app.outcome else [],
            "name": mask_name(app.applicant_name),
            "document": reply_document(app, masked=True) if app.outcome else None,
            "withdraw_form": withdraw_form or WithdrawForm(),
        },
        status=400 if withdraw_form is not None else 200,
    )


@require_POST
def track_withdraw(request: HttpRequest, number: str) -> HttpResponse:
    """撤回申请 from the tracking page: the applicant proved the query code in this session."""
    app = _tracked(request, number)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            svc.application_withdraw_online(application=app, reason=form.cleaned_data["reason"])
        except svc.FoiError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已提交撤回申请，受理机关确认后将终止办理。")
            return redirect("portal:foi_track_detail", number=app.number)
    return track_detail(request, number, withdraw_form=form)


def track_reply(request: HttpRequest, number: str, fmt: str = "html") -> HttpResponse:
    app = _tracked(request, number)
    return _reply(app, fmt, masked=True, request=request)


def _file_response(app: Application, file_id: int) -> FileResponse:
    rf = app.files.filter(pk=file_id).first()
    if rf is None:
        raise Http404("未找到")
    return FileResponse(rf.file.open("rb"), as_attachment=True, filename=rf.name)


def track_file(request: HttpRequest, number: str, file_id: int) -> FileResponse:
    app = _tracked(request, number)
    if not app.outcome:
        raise Http404("尚未答复")
    return _file_response(app, file_id)


@login_required
def staff_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    return _file_response(_staff_app(request, pk), file_id)


def _reply(app: Application, fmt: str, *, masked: bool, request: HttpRequest) -> HttpResponse:
    if not app.outcome:
        raise Http404("尚未答复")
    doc = reply_document(app, masked=masked)
    if fmt == "docx":
        response = HttpResponse(
            reply_docx(doc),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f'attachment; filename="{app.number}-reply.docx"'
        return response
    return render(request, "foi/reply_document.html", {"doc": doc, "app": app})


# ---------------------------------------------------------------------------------------------
# Staff console


def _today() -> dt.date:
    return timezone.localdate()


def _filtered(request: HttpRequest) -> tuple[QuerySet[Application], dict[str, str], list[Body]]:
    qs = application_visible_to(request.user).select_related("body__region", "handler")
    keys = ("body", "state", "light", "handler", "q", "scope", "due")
    f = {k: request.GET.get(k, "").strip() for k in keys}
    bodies = list(Body.objects.filter(visible_bodies_q(request.user)).only("id", "name")[:500])
    body_id = int_param(f["body"])
    if body_id is not None:
        qs = qs.filter(body_id=body_id)
    if f["state"] in State.values:
        qs = qs.filter(state=f["state"])
    elif f["scope"] != "all":
        qs = qs.filter(queue_key__lt=OPEN_KEY_LIMIT)  # open ones (index range)
    if f["handler"] == "me":
        qs = qs.filter(handler_id=request.user.pk)
    elif f["handler"] == "none":
        qs = qs.filter(handler__isnull=True)
    if f["q"]:
        qs = qs.filter(number__icontains=f["q"])
    if f["due"]:
        try:
            qs = qs.filter(due_on=dt.date.fromisoformat(f["due"]))
        except ValueError:
            f["due"] = ""
    light = f["light"]
    if light:
        today = _today()
        cal = current_calendar()
        th = thresholds_for()
        lo = today.toordinal()
        red = cal.add_workdays(today, th.red_left).toordinal()
        yellow = cal.add_workdays(today, th.yellow_left).toordinal()
        # Light ranges over queue_key (= due date ordinal for open applications): index scans.
        ranges = {
            "overdue": (0, lo - 1),
            "red": (lo, red),
            "yellow": (red + 1, yellow),
            "green": (yellow + 1, PAUSED_KEY - 1),
            "paused": (PAUSED_KEY, PAUSED_KEY),
        }
        if light in ranges:
            qs = qs.filter(queue_key__gte=ranges[light][0], queue_key__lte=ranges[light][1])
    return urgency_order(qs), f, bodies


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Each body's queue (and the supervisor's region view), most urgent first, with lights."""
    if not can(request.user, "foi.list"):
        raise Http404("未找到")
    qs, f, bodies = _filtered(request)
    # Page over ids first (an index-only scan, even deep into 100,000 rows), then load the 50.
    page = Paginator(qs.values_list("id", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    loaded = Application.objects.select_related("body__region", "handler").in_bulk(ids)
    rows = queue_rows(
        [loaded[i] for i in ids],
        request.user,
        calendar=current_calendar(),
        today=_today(),
        thresholds=thresholds_for(),
    )
    summary = _region_summary(request) if visible_region_paths(request.user) else []
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "foi/console/queue.html",
        {
            "rows": rows,
            "page_obj": page,
            "f": f,
            "bodies": bodies,
            "states": State.choices,
            "querystring_base": (params.urlencode() + "&") if params else "",
            "summary": summary,
            "can_register": can(request.user, "foi.register"),
            "can_import": can(request.user, "foi.import"),
            "assigned_only": sees_assigned_only(request.user),
        },
    )


def _region_summary(request: HttpRequest) -> list[dict[str, Any]]:
    """Supervisor's view: open and overdue applications per body, worst first."""
    today = _today().toordinal()
    rows = list(
        application_visible_to(request.user)
        .filter(queue_key__lt=OPEN_KEY_LIMIT)
        .values("body_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(queue_key__lt=today)))
        .order_by("-overdue", "-open")[:30]
    )
    names = dict(Body.objects.filter(pk__in=[r["body_id"] for r in rows]).values_list("id", "name"))
    return [{**r, "name": names.get(r["body_id"], "")} for r in rows]


@login_required
def due_calendar(request: HttpRequest) -> HttpResponse:
    """A month calendar of due dates of open applications."""
    if not can(request.user, "foi.list"):
        raise Http404("未找到")
    today = _today()
    # Only months the working-day calendar covers (core.workdays MIN_YEAR..MAX_YEAR); anything
    # else (year 12, 9999, ²⁰²⁶, month 13) shows the current month.
    year = int_param(request.GET.get("year"), minimum=MIN_YEAR, maximum=MAX_YEAR)
    month = int_param(request.GET.get("month"), minimum=1, maximum=12)
    first = dt.date(year or today.year, month or today.month, 1)
    last = first.replace(day=pycal.monthrange(first.year, first.month)[1])
    counts = dict(
        application_visible_to(request.user)
        .filter(state__in=OPEN_STATES, due_on__gte=first, due_on__lte=last)
        .values_list("due_on")
        .annotate(n=Count("id"))
        .values_list("due_on", "n")
    )
    cal = current_calendar()
    weeks = []
    for week in pycal.Calendar().monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {
                    "day": d,
                    "in_month": d.month == first.month,
                    "n": counts.get(d, 0),
                    "work": cal.is_workday(d),
                    "today": d == today,
                }
                for d in week
            ]
        )
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    nxt = last + dt.timedelta(days=1)
    return render(
        request,
        "foi/console/calendar.html",
        {"weeks": weeks, "first": first, "prev": prev, "next": nxt},
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    from yangguang.foi.importexport import export_xlsx

    if not can(request.user, "foi.export"):
        raise Http404("未找到")
    qs, _, _ = _filtered(request)
    data = export_xlsx(qs[:20000], request.user)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="foi-applications.xlsx"'
    return response


@login_required
def register_view(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "foi.register"):
        raise Http404("未找到")
    bodies = (
        Body.objects.filter(
            visible_bodies_q(request.user, roles=[Role.INTAKE, Role.HANDLER, Role.HEAD])
        )
        .filter(role_assignments__user__pk=request.user.pk or 0)
        .distinct()
    )
    form = RegisterForm(request.POST or None, initial={"channel": "in_person"})
    form.fields["body"].queryset = bodies  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            result = svc.application_register(
                actor=request.user,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
                data=form.applicant_input(form.cleaned_data),
                channel=form.cleaned_data["channel"],
                submitted_on=form.cleaned_data["submitted_on"],
                confirmed_on=form.cleaned_data["confirmed_on"],
            )
        except svc.FoiError as exc:
            form.add_service_errors(exc)
        else:
            return render(
                request,
                "foi/receipt.html",
                {
                    "app": result.application,
                    "code": result.code,
                    "name": result.application.applicant_name,
                    "staff": True,
                },
            )
    return render(request, "foi/console/register.html", {"form": form})


def _staff_app(request: HttpRequest, pk: int, action: str = "foi.view") -> Application:
    app = (
        Application.objects.select_related("body__region", "handler", "ticket")
        .filter(pk=pk)
        .first()
    )
    if app is None:
        raise Http404("未找到")
    require(request.user, action, app)
    return app


ACTION_FORMS: dict[str, tuple[type, str]] = {
    "assign": (AssignForm, "foi.assign"),
    "correction_request": (CorrectionForm, "foi.handle"),
    "correction_receive": (DateForm, "foi.handle"),
    "extend": (ExtendForm, "foi.extend"),
    "consultation_start": (ConsultStartForm, "foi.handle"),
    "consultation_end": (ConsultEndForm, "foi.handle"),
    "fee_notice": (FeeForm, "foi.handle"),
    "fee_paid": (DateForm, "foi.handle"),
    "fee_lapse": (DateForm, "foi.handle"),
    "correction_lapse": (DateForm, "foi.handle"),
    "reply": (ReplyForm, "foi.handle"),
    "close": (DateForm, "foi.handle"),
    "withdraw": (DateForm, "foi.handle"),
    "review": (ReviewForm, "foi.review"),
    "attach": (AttachForm, "foi.handle"),
    "decide": (DecideForm, "foi.review"),
}


def _handlers(app: Application) -> QuerySet[User]:
    return User.objects.filter(
        roles__body=app.body, roles__role__in=[Role.HANDLER, Role.HEAD], is_active=True
    ).distinct()


def _forms(app: Application, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    forms = {name: cls() for name, (cls, _) in ACTION_FORMS.items()}
    forms["assign"].fields["handler"].queryset = _handlers(app)
    if bound:
        forms.update(bound)
    return forms


@login_required
def detail(request: HttpRequest, pk: int, bound: dict[str, Any] | None = None) -> HttpResponse:
    app = _staff_app(request, pk)
    user = request.user
    used = svc.steps_used_up(app)
    allowed = {
        name: can(user, action, app)
        and (
            app.is_open
            or name in ("review", "decide")
            or (name == "attach" and app.state == State.REPLIED)
        )
        # Only the steps the state allows, but always the one just refused (with its error).
        and (
            (app.state in svc.ACTION_STATES.get(name, (app.state,)) and name not in used)
            or name in (bound or {})
        )
        for name, (_, action) in ACTION_FORMS.items()
    }
    clock = svc.compute_clock(
        app,
        app.events.all(),
        calendar=current_calendar(),
        fee_stops=svc.fee_stops_clock(app),
        today=_today(),
        thresholds=thresholds_for(app.body.region.path),
    )
    return render(
        request,
        "foi/console/detail.html",
        {
            "app": app,
            "applicant": applicant_view(app, user),
            "events": app.events.select_related("actor").order_by("on", "id"),
            "fees": app.fee_notices.all(),
            "reviews": app.review_cases.all(),
            "files": app.files.all(),
            "clock": clock,
            "forms": _forms(app, bound),
            "allowed": allowed,
            "outcomes": OUTCOMES,
            "proposed": OUTCOMES.get(app.proposed_outcome),
        },
        status=400 if bound else 200,
    )


@login_required
@require_POST
def action(request: HttpRequest, pk: int, name: str) -> HttpResponseBase:
    if name not in ACTION_FORMS:
        raise Http404("未找到")
    form_cls, perm = ACTION_FORMS[name]
    app = _staff_app(request, pk, perm)
    form = form_cls(request.POST, request.FILES)
    if name == "assign":
        form.fields["handler"].queryset = _handlers(app)
    actor: User = request.user  # type: ignore[assignment]
    if form.is_valid():
        c = form.cleaned_data
        try:
            message = _run(name, actor, app, c)
        except svc.FoiError as exc:
            for field, msg in exc.errors.items():
                form.add_error(field if field in form.fields else None, msg)
        else:
            messages.success(request, message)
            for warning in getattr(app, "last_warnings", []) or []:
                messages.warning(request, warning)
            return redirect(reverse("console:foi_detail", args=[app.pk]))
    return detail(request, pk, bound={name: form})


def _run(name: str, actor: User, app: Application, c: dict[str, Any]) -> str:
    on = c.get("on")
    if name == "assign":
        svc.application_assign(actor=actor, application=app, handler=c["handler"])
        return "已分配承办人。"
    if name == "correction_request":
        res = svc.correction_request(
            actor=actor, application=app, items=c["items"], period_days=c["period_days"], on=on
        )
        app.last_warnings = res.last_warnings
        return "已发出补正通知。"
    if name == "correction_receive":
        svc.correction_receive(actor=actor, application=app, on=on, note=c.get("note", ""))
        return "已登记收到补正材料，答复期限重新计算。"
    if name == "correction_lapse":
        svc.correction_lapse(actor=actor, application=app)
        return "已拟定“逾期不补正”办结建议，请确认。"
    if name == "extend":
        res = svc.application_extend(
            actor=actor, application=app, days=c["days"], reason=c["reason"], on=on
        )
        app.last_warnings = res.last_warnings
        return "已延长答复期限并告知申请人。"
    if name == "consultation_start":
        svc.consultation_start(
            actor=actor, application=app, party=c["party"], party_kind=c["party_kind"], on=on
        )
        return "已登记征求意见，计时暂停。"
    if name == "consultation_end":
        svc.consultation_end(
            actor=actor, application=app, answer=c["answer"], on=on, note=c.get("note", "")
        )
        return "已登记意见，恢复计时。"
    if name == "fee_notice":
        notice = svc.fee_notice(
            actor=actor,
            application=app,
            method=c["method"],
            units=c["units"],
            how_to_pay=c.get("how_to_pay", ""),
            on=on,
        )
        return f"已发出收费通知：{notice.amount} 元。"
    if name == "fee_paid":
        svc.fee_paid(actor=actor, application=app, on=on)
        return "已登记缴费。"
    if name == "fee_lapse":
        svc.fee_lapse(actor=actor, application=app)
        return "已拟定“逾期未缴费”办结建议，请确认。"
    if name == "reply":
        svc.application_reply(
            actor=actor,
            application=app,
            outcome=c["outcome"],
            reason=c.get("reason", ""),
            withheld=c.get("withheld", ""),
            released=c.get("released", ""),
            on=on,
        )
        return "已答复。"
    if name == "close":
        svc.application_close(actor=actor, application=app, on=on)
        return "已确认办结。"
    if name == "withdraw":
        svc.application_withdraw(actor=actor, application=app, reason=c.get("note", ""), on=on)
        return "已登记申请人撤回。"
    if name == "attach":
        rf = svc.released_file_attach(actor=actor, application=app, upload=c["file"])
        return f"已上传附件：{rf.name}。"
    if name == "decide":
        case = app.review_cases.filter(pk=c["case"]).first()
        if case is None:
            raise Http404("未找到")
        svc.review_case_decide(
            actor=actor, case=case, result=c["result"], decided_on=c["decided_on"]
        )
        return "已登记复议/诉讼结果。"
    if name == "review":
        svc.review_case_record(
            actor=actor,
            application=app,
            kind=c["kind"],
            filed_on=c["filed_on"],
            decided_on=c.get("decided_on"),
            result=c["result"],
            authority=c.get("authority", ""),
            case_number=c.get("case_number", ""),
        )
        return "已登记行政复议/行政诉讼。"
    raise Http404("未找到")


@login_required
def staff_reply(request: HttpRequest, pk: int, fmt: str = "html") -> HttpResponse:
    app = _staff_app(request, pk)
    return _reply(app, fmt, masked=not can(request.user, "foi.personal", app), request=request)


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    from yangguang.foi.importexport import import_applications

    if not can(request.user, "foi.import"):
        raise Http404("未找到")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = import_applications(
            upload.read(),
            filename=upload.name,
            actor=request.user,  # type: ignore[arg-type]
        )
        if report.ok:
            messages.success(request, f"已导入 {report.created} 条申请。")
    return render(request, "foi/console/import.html", {"form": form, "report": report})


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "foi.list"):
        raise Http404("未找到")
    qs = ReviewCase.objects.filter(
        application__in=application_visible_to(request.user)
    ).select_related("application__body")
    page = Paginator(qs.order_by("-filed_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "foi/console/reviews.html", {"page_obj": page})
