"""依申请公开 API (in the OpenAPI document under /api/v1/foi/).

Public: submit an application, track it by number + query code. Staff (Bearer token, see
orgs/tokens.py): every workflow action, so a provincial platform can drive the same workflow.
Errors: {"detail": "中文说明"}; "not yours" and "missing" are the same 404.
"""

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from yangguang.api import error_answers
from yangguang.core.tracking import TicketLocked, verify_ticket
from yangguang.foi import fees
from yangguang.foi import services as svc
from yangguang.foi.documents import reply_document
from yangguang.foi.models import Application, FeeNotice
from yangguang.foi.online import API_KEY_MIN_REPLAY, OnlineSubmission
from yangguang.foi.outcomes import OUTCOMES
from yangguang.foi.selectors import applicant_view, application_visible_to, urgency_order
from yangguang.foi.validators import mask_name
from yangguang.orgs.access import get_visible_or_404, require
from yangguang.orgs.models import Body, User
from yangguang.orgs.tokens import bearer_auth

TRACK_LOCKED = "查询密码错误次数过多，暂时锁定（detail 说明何时可再试）"

router = Router(tags=["依申请公开"])


class ApplicantIn(Schema):
    applicant_kind: str = Field(description="person 自然人 | org 法人或其他组织")
    org_kind: str = Field("", description="business | research | nonprofit | legal | other")
    applicant_name: str
    id_type: str = "resident"
    id_number: str = ""
    credit_code: str = ""
    contact_person: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    description: str
    doc_number: str = ""
    purpose: str = ""
    delivery: str = Field(description="email | post | pickup | online")
    form: str = Field(description="paper | electronic")

    def to_input(self) -> svc.ApplicantInput:
        names = svc.ApplicantInput.__dataclass_fields__.keys()
        return svc.ApplicantInput(**{k: getattr(self, k) for k in names})


class SubmitIn(ApplicantIn):
    body: str = Field(description="受理机关统一社会信用代码")
    idempotency_key: str = Field(
        "",
        max_length=60,
        description=(
            "幂等键：用同一键和相同内容重试时返回同一申请；键长至少 "
            f"{API_KEY_MIN_REPLAY} 个字符（如 UUID）时，重试也返回同一查询密码。"
            "同一键用于内容不同的申请时返回 409。"
        ),
    )


class RegisterIn(ApplicantIn):
    body: str = Field(description="受理机关统一社会信用代码")
    channel: str = Field(description="in_person | registered_post | ordinary_mail | online | fax")
    submitted_on: dt.date | None = None
    confirmed_on: dt.date | None = Field(None, description="签收/确认收到日期（条例第三十一条）")


class ReceiptOut(Schema):
    number: str
    code: str | None = Field(
        description=(
            "查询密码（系统只保存其摘要）。重复提交时：幂等键至少 "
            f"{API_KEY_MIN_REPLAY} 个字符则返回同一查询密码，否则为 null"
        )
    )
    received_on: dt.date
    due_on: dt.date | None


class NoticeOut(Schema):
    on: dt.date
    kind: str
    label: str
    text: str


class FeeOut(Schema):
    method: str
    units: int
    amount: int
    notified_on: dt.date
    pay_by: dt.date
    status: str
    paid_on: dt.date | None


class ReplyOut(Schema):
    title: str
    paragraphs: list[str]
    signature: str
    date: str


class TrackOut(Schema):
    number: str
    body: str
    applicant: str
    state: str
    state_label: str
    received_on: dt.date
    due_on: dt.date | None
    extended: bool
    outcome: str
    outcome_label: str
    replied_on: dt.date | None
    withdrawal_pending: bool = Field(description="申请人已申请撤回，待受理机关确认")
    notices: list[NoticeOut]
    fees: list[FeeOut]
    reply: ReplyOut | None


class ApplicationOut(Schema):
    id: int
    number: str
    body: str
    applicant_kind: str
    org_kind: str
    applicant: str
    channel: str
    received_on: dt.date
    due_on: dt.date | None
    state: str
    outcome: str
    outcome_national_label: str
    proposed_outcome: str
    replied_on: dt.date | None
    replied_late: bool
    handler: str


class ApplicationDetailOut(ApplicationOut):
    id_number: str
    phone: str
    email: str
    address: str
    description: str
    events: list[NoticeOut]
    fees: list[FeeOut]


class ApplicationPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[ApplicationOut]


def _fail(exc: svc.FoiError) -> HttpError:
    return HttpError(400, str(exc))


def _fee(f: FeeNotice) -> dict[str, Any]:
    return {
        "method": f.method,
        "units": f.units,
        "amount": f.amount,
        "notified_on": f.notified_on,
        "pay_by": f.pay_by,
        "status": f.status,
        "paid_on": f.paid_on,
    }


@router.post(
    "/applications",
    response={201: ReceiptOut},
    summary="提交政府信息公开申请（公众）",
    openapi_extra=error_answers({"409": "幂等键已用于内容不同的另一份申请"}),
)
def submit(request: HttpRequest, payload: SubmitIn) -> Status[dict[str, Any]]:
    body = Body.objects.filter(credit_code=payload.body.strip().upper(), is_active=True).first()
    if body is None:
        raise HttpError(400, "受理机关不存在：请填写正确的统一社会信用代码。")
    key = payload.idempotency_key
    # A retry (lost response, client timeout) gets the same code back, derived from the key
    # (foi.online), but only for a key long enough not to be guessed.
    submission = (
        OnlineSubmission("api", key, may_reveal=len(key) >= API_KEY_MIN_REPLAY) if key else None
    )
    try:
        result = svc.application_submit_online(
            body=body, data=payload.to_input(), submission=submission
        )
    except svc.SubmissionConflict:
        # Says nothing about the application that holds the key.
        raise HttpError(
            409, "该幂等键已用于另一份内容不同的申请，请更换 idempotency_key 后重新提交。"
        ) from None
    except svc.FoiError as exc:
        raise _fail(exc) from None
    return _created(result.application, result.code)


def _created(app: Application, code: str | None) -> Status[dict[str, Any]]:
    """201 for a new application: its number, the query code, received and due dates."""
    return Status(
        201,
        {"number": app.number, "code": code, "received_on": app.received_on, "due_on": app.due_on},
    )


def _ticket_application(number: str, code: str) -> Application:
    """The application whose number and query code these are (404 otherwise; 429 when the
    code was mistyped too often)."""
    try:
        ticket = verify_ticket(number, code)
    except TicketLocked as exc:
        until = timezone.localtime(exc.until)
        raise HttpError(429, f"查询密码错误次数过多，请于 {until:%H:%M} 后再试。") from None
    app = (
        Application.objects.select_related("body").filter(ticket=ticket).first()
        if ticket is not None
        else None
    )
    if app is None:
        raise HttpError(404, "受理编号或查询密码不正确。")
    return app


@router.get(
    "/track",
    response=TrackOut,
    summary="凭受理编号和查询密码查询（公众）",
    openapi_extra=error_answers({"429": TRACK_LOCKED}),
)
def track(request: HttpRequest, number: str, code: str) -> dict[str, Any]:
    return _track_out(_ticket_application(number, code))


class WithdrawIn(Schema):
    number: str
    code: str
    reason: str = Field("", description="撤回说明（可不填，最多 500 字）")


@router.post(
    "/track/withdraw",
    response=TrackOut,
    summary="凭受理编号和查询密码撤回申请（公众）",
    openapi_extra=error_answers({"429": TRACK_LOCKED}),
)
def track_withdraw(request: HttpRequest, payload: WithdrawIn) -> dict[str, Any]:
    """Proposes 其他处理 3; the body confirms it (services.application_withdraw_online)."""
    app = _ticket_application(payload.number, payload.code)
    try:
        app = svc.application_withdraw_online(application=app, reason=payload.reason)
    except svc.FoiError as exc:
        raise _fail(exc) from None
    return _track_out(app)


def _track_out(app: Application) -> dict[str, Any]:
    doc = reply_document(app, masked=True) if app.outcome else None
    return {
        "number": app.number,
        "body": app.body.name,
        "applicant": mask_name(app.applicant_name),
        "state": app.state,
        "state_label": app.get_state_display(),
        "received_on": app.received_on,
        "due_on": app.due_on,
        "extended": app.extended,
        "outcome": app.outcome,
        "outcome_label": app.get_outcome_display() if app.outcome else "",
        "replied_on": app.replied_on,
        "withdrawal_pending": app.proposed_outcome == "other_3",
        "notices": [
            {"on": e.on, "kind": e.kind, "label": e.get_kind_display(), "text": e.reason}
            for e in app.events.filter(public=True).order_by("on", "id")
        ],
        "fees": [_fee(f) for f in app.fee_notices.all()],
        "reply": asdict(doc) if doc else None,
    }


# ---------------------------------------------------------------------------------------------
# Staff


def _out(app: Application, viewer: Any) -> dict[str, Any]:
    person = applicant_view(app, viewer)
    return {
        "id": app.pk,
        "number": app.number,
        "body": app.body.credit_code,
        "applicant_kind": app.applicant_kind,
        "org_kind": app.org_kind,
        "applicant": person.name,
        "channel": app.channel,
        "received_on": app.received_on,
        "due_on": app.due_on,
        "state": app.state,
        "outcome": app.outcome,
        "outcome_national_label": OUTCOMES[app.outcome].national_label if app.outcome else "",
        "proposed_outcome": app.proposed_outcome,
        "replied_on": app.replied_on,
        "replied_late": app.replied_late,
        "handler": app.handler.username if app.handler else "",
    }


def _detail(app: Application, viewer: Any) -> dict[str, Any]:
    person = applicant_view(app, viewer)
    return _out(app, viewer) | {
        "id_number": person.id_number,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
        "description": app.description,
        "events": [
            {"on": e.on, "kind": e.kind, "label": e.get_kind_display(), "text": e.reason}
            for e in app.events.order_by("on", "id")
        ],
        "fees": [_fee(f) for f in app.fee_notices.all()],
    }


def _get(request: HttpRequest, number: str) -> Application:
    qs = Application.objects.select_related("body__region", "handler")
    return get_visible_or_404(qs, request.user, "foi.view", number=number)  # type: ignore[return-value]


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


class ListQuery(Schema):
    state: str = ""
    body: str = Field("", description="机关统一社会信用代码")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get(
    "/staff/applications",
    response=ApplicationPageOut,
    auth=bearer_auth,
    summary="申请队列（工作人员）",
)
def staff_list(request: HttpRequest, q: Query[ListQuery]) -> dict[str, Any]:
    qs = application_visible_to(_actor(request)).select_related("body__region", "handler")
    if q.state:
        qs = qs.filter(state=q.state)
    if q.body:
        qs = qs.filter(body__credit_code=q.body)
    paginator = Paginator(urgency_order(qs), q.page_size)
    page = paginator.get_page(q.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": [_out(a, _actor(request)) for a in page.object_list],
    }


@router.get(
    "/staff/applications/{number}",
    response=ApplicationDetailOut,
    auth=bearer_auth,
    summary="申请详情（工作人员；个人信息仅对本机关办理人员显示）",
)
def staff_detail(request: HttpRequest, number: str) -> dict[str, Any]:
    return _detail(_get(request, number), _actor(request))


@router.post(
    "/staff/applications",
    response={201: ReceiptOut},
    auth=bearer_auth,
    summary="登记申请（当面、邮寄、平信、网上、传真）",
)
def staff_register(request: HttpRequest, payload: RegisterIn) -> Status[dict[str, Any]]:
    body = Body.objects.filter(credit_code=payload.body.strip().upper()).first()
    if body is None:
        raise HttpError(404, "未找到。")
    try:
        result = svc.application_register(
            actor=_actor(request),
            body=body,
            data=payload.to_input(),
            channel=payload.channel,
            submitted_on=payload.submitted_on,
            confirmed_on=payload.confirmed_on,
        )
    except svc.FoiError as exc:
        raise _fail(exc) from None
    return _created(result.application, result.code)


class AssignIn(Schema):
    handler: str = Field(description="承办人用户名")


class CorrectionIn(Schema):
    items: str
    period_days: int | None = None
    on: dt.date | None = None


class DateIn(Schema):
    on: dt.date | None = None
    note: str = ""


class ExtendIn(Schema):
    days: int
    reason: str
    on: dt.date | None = None


class ConsultStartIn(Schema):
    party: str
    party_kind: str = "third_party"
    on: dt.date | None = None


class ConsultEndIn(Schema):
    answer: str = Field(description="agree | object | no_answer")
    on: dt.date | None = None
    note: str = ""


class FeeIn(Schema):
    method: str = Field(description="per_item 按件 | per_page 按量")
    units: int = Field(ge=1, le=fees.MAX_UNITS, description="件数/页数")
    how_to_pay: str = ""
    on: dt.date | None = None


class ReplyIn(Schema):
    outcome: str = Field(description="办理结果代码，见 foi/outcomes.py")
    reason: str = ""
    withheld: str = ""
    released: str = ""
    on: dt.date | None = None


class ReviewIn(Schema):
    kind: str = Field(description="reconsideration | litigation_direct | litigation_after")
    filed_on: dt.date
    decided_on: dt.date | None = None
    result: str = "pending"
    authority: str = ""
    case_number: str = ""


class ReviewOut(Schema):
    id: int
    kind: str
    filed_on: dt.date
    decided_on: dt.date | None
    result: str


def _act(request: HttpRequest, number: str, fn: Any, **kwargs: Any) -> dict[str, Any]:
    app = _get(request, number)
    try:
        fn(actor=_actor(request), application=app, **kwargs)
    except svc.FoiError as exc:
        raise _fail(exc) from None
    app.refresh_from_db()
    return _detail(app, _actor(request))


A = "/staff/applications/{number}"


@router.post(A + "/assign", response=ApplicationDetailOut, auth=bearer_auth, summary="分配承办人")
def api_assign(request: HttpRequest, number: str, payload: AssignIn) -> dict[str, Any]:
    # Visibility and permission before the username lookup, and an unknown username answered
    # as one outside the body: the endpoint must not tell which usernames exist.
    app = _get(request, number)
    require(_actor(request), "foi.assign", app)
    handler = User.objects.filter(username=payload.handler).first()
    if handler is None:
        raise HttpError(400, svc.NOT_A_HANDLER)
    return _act(request, number, svc.application_assign, handler=handler)


@router.post(
    A + "/correction-request", response=ApplicationDetailOut, auth=bearer_auth, summary="补正通知"
)
def api_correction_request(
    request: HttpRequest, number: str, payload: CorrectionIn
) -> dict[str, Any]:
    return _act(
        request,
        number,
        svc.correction_request,
        items=payload.items,
        period_days=payload.period_days,
        on=payload.on,
    )


@router.post(
    A + "/correction-receive", response=ApplicationDetailOut, auth=bearer_auth, summary="收到补正"
)
def api_correction_receive(request: HttpRequest, number: str, payload: DateIn) -> dict[str, Any]:
    return _act(request, number, svc.correction_receive, on=payload.on, note=payload.note)


@router.post(
    A + "/extend", response=ApplicationDetailOut, auth=bearer_auth, summary="延期（负责人）"
)
def api_extend(request: HttpRequest, number: str, payload: ExtendIn) -> dict[str, Any]:
    return _act(
        request,
        number,
        svc.application_extend,
        days=payload.days,
        reason=payload.reason,
        on=payload.on,
    )


@router.post(
    A + "/consultation-start", response=ApplicationDetailOut, auth=bearer_auth, summary="征求意见"
)
def api_consult_start(request: HttpRequest, number: str, payload: ConsultStartIn) -> dict[str, Any]:
    return _act(
        request,
        number,
        svc.consultation_start,
        party=payload.party,
        party_kind=payload.party_kind,
        on=payload.on,
    )


@router.post(
    A + "/consultation-end", response=ApplicationDetailOut, auth=bearer_auth, summary="征求意见结束"
)
def api_consult_end(request: HttpRequest, number: str, payload: ConsultEndIn) -> dict[str, Any]:
    return _act(
        request,
        number,
        svc.consultation_end,
        answer=payload.answer,
        on=payload.on,
        note=payload.note,
    )


@router.post(A + "/fee-notice", response=ApplicationDetailOut, auth=bearer_auth, summary="收费通知")
def api_fee_notice(request: HttpRequest, number: str, payload: FeeIn) -> dict[str, Any]:
    return _act(
        request,
        number,
        svc.fee_notice,
        method=payload.method,
        units=payload.units,
        how_to_pay=payload.how_to_pay,
        on=payload.on,
    )


@router.post(A + "/fee-paid", response=ApplicationDetailOut, auth=bearer_auth, summary="登记缴费")
def api_fee_paid(request: HttpRequest, number: str, payload: DateIn) -> dict[str, Any]:
    return _act(request, number, svc.fee_paid, on=payload.on)


@router.post(A + "/reply", response=ApplicationDetailOut, auth=bearer_auth, summary="答复")
def api_reply(request: HttpRequest, number: str, payload: ReplyIn) -> dict[str, Any]:
    return _act(
        request,
        number,
        svc.application_reply,
        outcome=payload.outcome,
        reason=payload.reason,
        withheld=payload.withheld,
        released=payload.released,
        on=payload.on,
    )


@router.post(
    A + "/close",
    response=ApplicationDetailOut,
    auth=bearer_auth,
    summary="确认办结（逾期未补正/未缴费）",
)
def api_close(request: HttpRequest, number: str, payload: DateIn) -> dict[str, Any]:
    return _act(request, number, svc.application_close, on=payload.on)


@router.post(A + "/withdraw", response=ApplicationDetailOut, auth=bearer_auth, summary="申请人撤回")
def api_withdraw(request: HttpRequest, number: str, payload: DateIn) -> dict[str, Any]:
    return _act(request, number, svc.application_withdraw, on=payload.on, reason=payload.note)


@router.post(
    A + "/review-cases",
    response={201: ReviewOut},
    auth=bearer_auth,
    summary="登记行政复议/行政诉讼",
)
def api_review(request: HttpRequest, number: str, payload: ReviewIn) -> Status[Any]:
    app = _get(request, number)
    try:
        case = svc.review_case_record(actor=_actor(request), application=app, **payload.dict())
    except svc.FoiError as exc:
        raise _fail(exc) from None
    return Status(201, case)


class DecideIn(Schema):
    result: str = Field(description="upheld 维持 | corrected 纠正 | other 其他")
    decided_on: dt.date


@router.post(
    A + "/review-cases/{case_id}/decide",
    response=ReviewOut,
    auth=bearer_auth,
    summary="登记行政复议/行政诉讼结果",
)
def api_review_decide(request: HttpRequest, number: str, case_id: int, payload: DecideIn) -> Any:
    app = _get(request, number)
    case = app.review_cases.filter(pk=case_id).first()
    if case is None:
        raise HttpError(404, "未找到。")
    try:
        return svc.review_case_decide(
            actor=_actor(request), case=case, result=payload.result, decided_on=payload.decided_on
        )
    except svc.FoiError as exc:
        raise _fail(exc) from None


routers = [("/foi", router)]
