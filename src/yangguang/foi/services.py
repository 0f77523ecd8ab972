"""Every write to an application (DESIGN.md): keyword-only, typed, `transaction.atomic`, checks
the transition and the actor's permission, records the event and the audit row, and recomputes
`due_on` from the events. Notifications to the applicant go through the outbox.

Legal sources: 条例 (国务院令第711号) Art. 29–42; 国办函〔2020〕109号 (fees); DOMAIN.md §3.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from yangguang.core import audit
from yangguang.core.calendar import current_calendar
from yangguang.core.models import OutboxMessage
from yangguang.core.rules import get_rule
from yangguang.core.tracking import issue_ticket
from yangguang.core.workdays import MAX_YEAR, MIN_YEAR, WorkCalendar
from yangguang.foi import fees
from yangguang.foi.clock import (
    CONSULTATION_LIMIT,
    CORRECTION_NOTICE_LIMIT,
    EXTENSION_MAX,
    FEE_PAYMENT_LIMIT,
    compute_clock,
)
from yangguang.foi.models import (
    OPEN_STATES,
    PAUSED_KEY,
    ApplicantKind,
    Application,
    ApplicationEvent,
    Channel,
    Delivery,
    EventKind,
    FeeMethod,
    FeeNotice,
    FeeStatus,
    Form,
    IdType,
    OrgKind,
    ReleasedFile,
    ReviewCase,
    ReviewKind,
    ReviewResult,
    State,
)
from yangguang.foi.online import OnlineSubmission
from yangguang.foi.outcomes import OUTCOMES, TERMINATING
from yangguang.foi.validators import phone_error, postcode_error, resident_id_error
from yangguang.orgs.access import can, require
from yangguang.orgs.models import FOI_ACCEPTING_KINDS, Body, Role, RoleAssignment, User
from yangguang.orgs.validators import credit_code_error

MIN_DESCRIPTION = 6


class FoiError(ValueError):
    """A rule was broken; `errors` maps form fields ("" = whole form) to Chinese messages."""

    def __init__(self, message: str | dict[str, str], field: str = "") -> None:
        self.errors: dict[str, str] = (
            dict(message) if isinstance(message, dict) else {field: message}
        )
        super().__init__("；".join(self.errors.values()))


# ---------------------------------------------------------------------------------------------
# Input of an application (public form, staff registration, API, import)


@dataclass
class ApplicantInput:
    applicant_kind: str
    applicant_name: str
    description: str
    delivery: str
    form: str
    org_kind: str = ""
    id_type: str = IdType.RESIDENT
    id_number: str = ""
    credit_code: str = ""
    contact_person: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    doc_number: str = ""
    purpose: str = ""

    def cleaned(self) -> ApplicantInput:
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(self).items()}
        values["id_number"] = values["id_number"].upper().replace(" ", "")
        values["credit_code"] = values["credit_code"].upper().replace(" ", "")
        values["phone"] = values["phone"].replace(" ", "")
        return ApplicantInput(**values)


def applicant_errors(data: ApplicantInput) -> dict[str, str]:
    """Everything wrong with an application's input, field → Chinese message (条例 Art. 29)."""
    e: dict[str, str] = {}
    if data.applicant_kind not in ApplicantKind.values:
        e["applicant_kind"] = "请选择申请人类型（自然人或法人或其他组织）。"
    is_org = data.applicant_kind == ApplicantKind.ORG
    if len(data.applicant_name) < 2:
        e["applicant_name"] = "请填写申请人姓名或名称（至少 2 个字）。"
    if is_org:
        if data.org_kind not in OrgKind.values:
            e["org_kind"] = (
                "请选择法人或其他组织的类型（商业企业、科研机构、社会公益组织、法律服务机构或其他）。"
            )
        if not data.credit_code:
            e["credit_code"] = "法人或其他组织请填写统一社会信用代码。"
        else:
            err = credit_code_error(data.credit_code)
            if err:
                e["credit_code"] = err
    else:
        if data.org_kind:
            e["org_kind"] = "自然人申请无需选择组织类型。"
        if data.id_type not in IdType.values:
            e["id_type"] = "请选择证件类型。"
        if not data.id_number:
            e["id_number"] = "请填写身份证件号码（条例第二十九条）。"
        elif data.id_type == IdType.RESIDENT:
            err = resident_id_error(data.id_number)
            if err:
                e["id_number"] = err
    if not (data.phone or data.email or data.address):
        e["phone"] = "请至少填写一种联系方式（联系电话、电子邮箱或通信地址）。"
    err = phone_error(data.phone)
    if err:
        e["phone"] = err
    err = postcode_error(data.postcode)
    if err:
        e["postcode"] = err
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            e["email"] = "电子邮箱格式不正确。"
    if len(data.description) < MIN_DESCRIPTION:
        e["description"] = (
            f"所需信息的内容描述过于简单（至少 {MIN_DESCRIPTION} 个字）：请写明信息的名称、"
            "文号或其他便于查询的特征描述（条例第二十九条）。"
        )
    if data.delivery not in Delivery.values:
        e["delivery"] = "请选择获取信息的方式。"
    elif data.delivery == Delivery.EMAIL and not data.email:
        e["email"] = "选择“电子邮件”获取信息时，请填写电子邮箱。"
    elif data.delivery == Delivery.POST and not data.address:
        e["address"] = "选择“邮寄”获取信息时，请填写通信地址。"
    if data.form not in Form.values:
        e["form"] = "请选择信息的载体形式（纸质或电子）。"
    return e


def applicant_key(data: ApplicantInput) -> str:
    if data.applicant_kind == ApplicantKind.ORG:
        return f"org:{data.credit_code}"
    return f"{data.id_type}:{data.id_number}" if data.id_number else f"name:{data.applicant_name}"


# ---------------------------------------------------------------------------------------------
# helpers


def _today() -> dt.date:
    return timezone.localdate()


def _name(actor: User | None) -> str:
    return (actor.get_full_name() or actor.username) if actor is not None else "系统"


def _event(
    app: Application,
    kind: str,
    on: dt.date,
    actor: User | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    public: bool = True,
    actor_name: str = "",
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=app,
        kind=kind,
        on=on,
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor_name or _name(actor))[:150],
        reason=reason,
        data=data or {},
        public=public,
    )


def _notify(app: Application, kind: str, text: str, **extra: Any) -> None:
    """A message to the applicant, delivered after commit by the outbox worker."""
    OutboxMessage.objects.create(
        topic="foi.notify",
        payload={
            "application": app.number,
            "kind": kind,
            "email": app.email,
            "phone": app.phone,
            "text": text,
            **extra,
        },
    )


def fee_stops_clock(app: Application) -> bool:
    return bool(get_rule("foi.fee_stops_clock", app.body.region.path))


def recompute(
    app: Application,
    *,
    calendar: WorkCalendar | None = None,
    fee_stops: bool | None = None,
    events: Sequence[ApplicationEvent] | None = None,
    save: bool = True,
) -> dt.date | None:
    """Recompute `due_on` from the event history (the only writer of `due_on`)."""
    if not app.is_open and app.due_on is not None and not save:
        return app.due_on
    cal = calendar or current_calendar()
    stops = fee_stops_clock(app) if fee_stops is None else fee_stops
    evs = list(app.events.all()) if events is None else list(events)
    clock = compute_clock(app, evs, calendar=cal, fee_stops=stops)
    if app.due_on != clock.due or app.queue_key != app.compute_queue_key():
        app.due_on = clock.due
        app.queue_key = app.compute_queue_key()
        if save:
            Application.objects.filter(pk=app.pk).update(due_on=clock.due, queue_key=app.queue_key)
    return clock.due


def _audit(
    actor: User | None, verb: str, app: Application, before: dict[str, Any], reason: str = ""
) -> None:
    audit.record(
        actor=actor,
        action=f"foi.application.{verb}",
        obj=app,
        body=app.body,
        changes=audit.diff(before, audit.snapshot(app)),
        reason=reason,
    )


def _lock(app: Application) -> Application:
    """Re-read the row under a lock inside the transaction (concurrent actions serialise)."""
    return Application.objects.select_for_update().select_related("body__region").get(pk=app.pk)


# The states in which each workflow step is possible (the services refuse it otherwise; the
# detail page offers only these).
ACTION_STATES: dict[str, tuple[str, ...]] = {
    "correction_request": (State.RECEIVED, State.PROCESSING),  # Art. 30: one notice
    "correction_receive": (State.CORRECTION,),  # …and its lapse
    "extend": (State.RECEIVED, State.PROCESSING, State.CONSULTING, State.FEE),
    "consultation_start": (State.RECEIVED, State.PROCESSING),
    "consultation_end": (State.CONSULTING,),
    "fee_notice": (State.RECEIVED, State.PROCESSING),
    "fee_paid": (State.FEE,),  # …and its lapse
}


def steps_used_up(app: Application) -> set[str]:
    """Steps allowed once that this application has had: the correction notice (Art. 30),
    the extension (Art. 33), the fee notice (per item or per volume, not both). The steps
    themselves refuse a second time; the detail page does not offer it."""
    once = {EventKind.CORRECTION_REQUESTED: "correction_request", EventKind.EXTENDED: "extend"}
    kinds = app.events.filter(kind__in=list(once)).values_list("kind", flat=True)
    used = {once[EventKind(k)] for k in kinds}
    if app.fee_notices.exists():
        used.add("fee_notice")
    return used


def _require_open(app: Application, *states: str) -> None:
    allowed = states or OPEN_STATES
    if app.state not in allowed:
        names = "、".join(State(s).label for s in allowed)
        raise FoiError(f"当前状态为“{app.get_state_display()}”，不能进行此操作（仅限：{names}）。")


def date_range_error(day: dt.date, what: str) -> str:
    """A Chinese message when `day` lies outside the holiday calendar (workdays: MIN_YEAR to
    MAX_YEAR), else "". Due dates and tracking numbers cannot be computed for such a day, and
    no application under the 条例 is that old: it is a typing error (2001 for 2021)."""
    if MIN_YEAR <= day.year <= MAX_YEAR:
        return ""
    return f"{what}超出范围：只能填写 {MIN_YEAR}—{MAX_YEAR} 年的日期。"


def _check_date(on: dt.date, app: Application, what: str, today: dt.date) -> None:
    if on > today:
        raise FoiError(f"{what}不能晚于今天。", "on")
    if on < app.received_on:
        raise FoiError(f"{what}不能早于收到申请的日期（{app.received_on:%Y-%m-%d}）。", "on")


def _create(
    *,
    body: Body,
    data: ApplicantInput,
    channel: str,
    submitted_on: dt.date | None,
    received_on: dt.date,
    actor: User | None,
    idempotency_key: str | None = None,
    code: str | None = None,
) -> tuple[Application, str]:
    issued = issue_ticket("YSQ", received_on.year, code)
    app = Application(
        number=issued.number,
        ticket=issued.ticket,
        body=body,
        applicant_key=applicant_key(data),
        channel=channel,
        submitted_on=submitted_on,
        received_on=received_on,
        registered_by=actor if actor is not None and actor.pk else None,
        idempotency_key=idempotency_key or None,
        **asdict(data),
    )
    app.save()
    return app, issued.code


@dataclass
class Submitted:
    application: Application
    # The plain query code to show. None on a retry that may not see it again (a web token
    # from another session, a short API key).
    code: str | None
    warnings: list[str] = field(default_factory=list)
    replay: bool = False  # an earlier submission with the same idempotency key was returned


class SubmissionConflict(FoiError):
    """The idempotency key already names a different application. The caller must not reveal
    anything about it: the key may have been copied, or a form was edited after submission."""


NOT_ACCEPTING = (
    "该单位不是政府信息公开申请的受理机关（条例第二条、第五十四条）：村（居）务和企业信息按"
    "其公开制度公开，可向其主管部门咨询。"
)


def application_submit_online(
    *,
    body: Body,
    data: ApplicantInput,
    submission: OnlineSubmission | None = None,
    today: dt.date | None = None,
) -> Submitted:
    """A citizen's online application (public). The receipt the system shows at once is the
    confirmation of receipt, so the receipt date is the day of submission (条例 Art. 31(3)).

    With `submission`, the application is idempotent. A retry with the same secret and the same
    data returns the same application and, when `submission.may_reveal`, the same query code: it
    is derived from the secret (foi.online), so a citizen whose browser followed the retry's
    response still gets a working code. A retry with different data raises SubmissionConflict."""
    data = data.cleaned()
    errors = applicant_errors(data)
    if not body.is_active:
        errors[""] = "该机关暂不受理网上申请。"
    elif body.kind not in FOI_ACCEPTING_KINDS:
        errors["body"] = NOT_ACCEPTING
    if errors:
        raise FoiError(errors)
    if submission is not None:
        existing = _by_key(submission.idempotency_key)
        if existing is not None:
            return _replay(existing, body=body, data=data, submission=submission)
    today = today or _today()
    try:
        with transaction.atomic():
            app, code = _create(
                body=body,
                data=data,
                channel=Channel.ONLINE,
                submitted_on=today,
                received_on=today,
                actor=None,
                idempotency_key=submission.idempotency_key if submission is not None else None,
                code=submission.code if submission is not None else None,
            )
            _event(app, EventKind.SUBMITTED, today, None, "网上提交申请")
            recompute(app)
            audit.record(
                actor=None,
                action="foi.application.submit",
                obj=app,
                body=body,
                changes=audit.snapshot(app, ["number", "body", "channel", "received_on"]),
                actor_name="申请人（网上）",
            )
            _notify(app, "received", f"您的政府信息公开申请已收到，受理编号 {app.number}。")
    except IntegrityError:
        # The same submission arrived twice at the same moment: the first one won.
        if submission is None:
            raise
        existing = _by_key(submission.idempotency_key)
        if existing is None:
            raise
        return _replay(existing, body=body, data=data, submission=submission)
    return Submitted(app, code)


def _by_key(key: str) -> Application | None:
    return Application.objects.filter(idempotency_key=key).first()


REPLAY_CONFLICT = "该表单（或幂等键）已用于提交另一份内容不同的申请。"


def _replay(
    existing: Application, *, body: Body, data: ApplicantInput, submission: OnlineSubmission
) -> Submitted:
    """The earlier application, if this is the same submission. The same secret with other
    data is someone else's copied key or a form edited after it was sent. Their submission is
    refused, not silently swapped for the earlier one."""
    if not _same_submission(existing, body, data):
        raise SubmissionConflict(REPLAY_CONFLICT)
    # The derived code opens this ticket: the key that found the row and the code both come
    # from the same secret and SECRET_KEY (the tests check it against the stored hash).
    return Submitted(existing, submission.code if submission.may_reveal else None, replay=True)


def _same_submission(app: Application, body: Body, data: ApplicantInput) -> bool:
    """The stored application holds exactly the (cleaned) input, so compare them field by field."""
    stored = {name: getattr(app, name) for name in ApplicantInput.__dataclass_fields__}
    return app.body_id == body.pk and stored == asdict(data)


RECEIPT_RULE = {
    Channel.IN_PERSON: "当面提交的，以提交之日为收到申请之日",
    Channel.REGISTERED_POST: "以邮寄方式提交的，以行政机关签收之日为收到申请之日",
    Channel.ORDINARY_MAIL: "以平常信函等无需签收的邮寄方式提交的，以行政机关与申请人确认之日为收到申请之日",
    Channel.ONLINE: "通过互联网渠道提交的，以双方确认之日为收到申请之日",
    Channel.FAX: "通过传真提交的，以双方确认之日为收到申请之日",
}


def receipt_date(
    channel: str, *, submitted_on: dt.date | None, confirmed_on: dt.date | None, today: dt.date
) -> dt.date:
    """条例 Art. 31: in person → the day submitted; registered post → the day the agency signs
    for it; ordinary mail, online, fax → the day agency and applicant confirm receipt."""
    if channel not in Channel.values:
        raise FoiError("请选择申请方式。", "channel")
    for day, what, name in (
        (submitted_on, "提交/寄出日期", "submitted_on"),
        (confirmed_on, "签收/确认收到日期", "confirmed_on"),
    ):
        if day is not None and (error := date_range_error(day, what)):
            raise FoiError(error, name)
    if channel == Channel.IN_PERSON:
        # The day submitted is the day received; a different confirmation date is a slip
        # (another channel meant?), refused rather than silently preferred or ignored.
        if submitted_on and confirmed_on and confirmed_on != submitted_on:
            raise FoiError(
                f"{RECEIPT_RULE[Channel.IN_PERSON]}（条例第三十一条）：确认收到日期应与提交日期"
                "相同，或不填写。",
                "confirmed_on",
            )
        day = submitted_on or confirmed_on or today
    elif confirmed_on is None:
        what = "签收日期" if channel == Channel.REGISTERED_POST else "确认收到日期"
        raise FoiError(
            f"{RECEIPT_RULE[Channel(channel)]}（条例第三十一条），请填写{what}。", "confirmed_on"
        )
    else:
        day = confirmed_on
    if day > today:
        raise FoiError("收到申请日期不能晚于今天。", "confirmed_on")
    if submitted_on is not None and day < submitted_on:
        raise FoiError("收到申请日期不能早于申请人提交/寄出的日期。", "confirmed_on")
    return day


def application_register(
    *,
    actor: User,
    body: Body,
    data: ApplicantInput,
    channel: str,
    submitted_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Submitted:
    """Staff register an application that arrived in person, by post, mail, fax or online."""
    require(actor, "foi.register", body)
    today = today or _today()
    data = data.cleaned()
    errors = applicant_errors(data)
    try:
        received = receipt_date(
            channel, submitted_on=submitted_on, confirmed_on=confirmed_on, today=today
        )
    except FoiError as exc:
        errors.update(exc.errors)
        received = today
    if errors:
        raise FoiError(errors)
    with transaction.atomic():
        app, code = _create(
            body=body,
            data=data,
            channel=channel,
            submitted_on=submitted_on,
            received_on=received,
            actor=actor,
        )
        _event(
            app,
            EventKind.REGISTERED,
            received,
            actor,
            RECEIPT_RULE[Channel(channel)] + "（条例第三十一条）",
            {"channel": channel},
        )
        recompute(app)
        if not can(actor, "foi.assign", app):
            # A 承办人 who registers an application (received at their desk) handles it: it is
            # assigned to them, or they could no longer open it (foi.access, ASSIGNED_ONLY).
            app.handler = actor
            app.state = State.PROCESSING
            app.save(update_fields=["handler", "state", "updated_at"])
            _event(app, EventKind.ASSIGNED, today, actor, f"承办人：{_name(actor)}", public=False)
        audit.record(
            actor=actor,
            action="foi.application.register",
            obj=app,
            body=body,
            changes=audit.snapshot(
                app, ["number", "body", "channel", "received_on", "due_on", "state", "handler"]
            ),
        )
        _notify(app, "received", f"您的政府信息公开申请已登记，受理编号 {app.number}。")
    return Submitted(app, code)


NOT_A_HANDLER = "只能分配给本机关的承办人或负责人。"


def application_assign(*, actor: User, application: Application, handler: User) -> Application:
    require(actor, "foi.assign", application)
    with transaction.atomic():
        app = _lock(application)
        _require_open(app)
        ok = RoleAssignment.objects.filter(
            user=handler, body=app.body, role__in=[Role.HANDLER, Role.HEAD]
        ).exists()
        if not ok or not handler.is_active:
            raise FoiError(NOT_A_HANDLER, "handler")
        before = audit.snapshot(app)
        app.handler = handler
        if app.state == State.RECEIVED:
            app.state = State.PROCESSING
        app.save(update_fields=["handler", "state", "updated_at"])
        _event(app, EventKind.ASSIGNED, _today(), actor, f"承办人：{_name(handler)}", public=False)
        _audit(actor, "assign", app, before)
    return app


def correction_request(
    *,
    actor: User,
    application: Application,
    items: str,
    period_days: int | None = None,
    on: dt.date | None = None,
    today: dt.date | None = None,
) -> Application:
    """补正 (条例 Art. 30): one single notice listing everything to correct, with a reasonable
    period, due within 7 working days of receipt (a later notice is allowed but warned)."""
    require(actor, "foi.handle", application)
    today = today or _today()
    on = on or today
    items = items.strip()
    if len(items) < 4:
        raise FoiError("请在补正通知中一次性写明需要补正的全部事项。", "items")
    with transaction.atomic():
        app = _lock(application)
        if app.events.filter(kind=EventKind.CORRECTION_REQUESTED).exists():
            raise FoiError("补正通知只能发出一次，须一次性告知需要补正的全部事项（条例第三十条）。")
        _require_open(app, *ACTION_STATES["correction_request"])
        _check_date(on, app, "补正通知日期", today)
        cal = current_calendar()
        period = period_days or int(get_rule("foi.correction_period_days", app.body.region.path))
        if not 1 <= period <= 60:
            raise FoiError("补正期限应为 1–60 个工作日。", "period_days")
        warnings: list[str] = []
        latest = cal.add_workdays(app.received_on, CORRECTION_NOTICE_LIMIT)
        if on > latest:
            warnings.append(
                f"补正通知应在收到申请之日起 7 个工作日内发出（最晚 {latest:%Y-%m-%d}），本通知已逾期（条例第三十条）。"
            )
        before = audit.snapshot(app)
        app.state = State.CORRECTION
        app.correction_due_on = cal.add_workdays(on, period)
        app.save(update_fields=["state", "correction_due_on", "updated_at"])
        _event(
            app,
            EventKind.CORRECTION_REQUESTED,
            on,
            actor,
            items,
            {"period_days": period, "due": app.correction_due_on.isoformat(), "warnings": warnings},
        )
        recompute(app, calendar=cal)
        _audit(actor, "correction_request", app, before, items)
        _notify(
            app,
            "correction",
            f"请于 {app.correction_due_on:%Y年%m月%d日} 前补正：{items}",
            due=app.correction_due_on.isoformat(),
        )
    app.last_warnings = warnings
    return app


def correction_receive(
    *, actor: User, application: Application, on: dt.date | None = None, note: str = ""
) -> Application:
    """The corrected application arrived: the reply period restarts from this day (Art. 30)."""
    require(actor, "foi.handle", application)
    today = _today()
    on = on or today
    with transaction.atomic():
        app = _lock(application)
        _require_open(app, *ACTION_STATES["correction_receive"])
        requested = app.events.filter(kind=EventKind.CORRECTION_REQUESTED).order_by("-on").first()
        _check_date(on, app, "收到补正材料日期", today)
        if requested is not None and on < requested.on:
            raise FoiError("收到补正材料的日期不能早于补正通知日期。", "on")
        before = audit.snapshot(app)
        app.state = State.PROCESSING
        app.proposed_outcome = ""
        app.save(update_fields=["state", "proposed_outcome", "updated_at"])
        _event(app, EventKind.CORRECTION_RECEIVED, on, actor, note or "收到补正后的申请")
        recompute(app)
        _audit(actor, "correction_receive", app, before, note)
        _notify(
            app, "correction_received", f"已收到您的补正材料，答复期限自 {on:%Y-%m-%d} 重新计算。"
        )
    return app


def correction_lapse(
    *, actor: User | None, application: Application, today: dt.date | None = None
) -> Application:
    """No correction within the stated period: propose 其他处理 1 for the handler to confirm."""
    if actor is not None:
        require(actor, "foi.handle", application)
    today = today or _today()
    with transaction.atomic():
        app = _lock(application)
        _require_open(app, *ACTION_STATES["correction_receive"])
        if app.correction_due_on is None or today <= app.correction_due_on:
            raise FoiError(f"补正期限（{app.correction_due_on}）尚未届满。")
        if app.proposed_outcome == "other_1":
            return app
        before = audit.snapshot(app)
        app.proposed_outcome = "other_1"
        app.save(update_fields=["proposed_outcome", "updated_at"])
        _event(
            app,
            EventKind.CORRECTION_LAPSED,
            today,
            actor,
            "申请人逾期未补正，拟按“申请人无正当理由逾期不补正、行政机关不再处理”办结，待承办人确认。",
            public=False,
        )
        _audit(actor, "correction_lapse", app, before)
    return app


def application_extend(
    *,
    actor: User,
    application: Application,
    days: int,
    reason: str,
    on: dt.date | None = None,
) -> Application:
    """Extension (条例 Art. 33): at most 20 working days, once, with the approval of the head of
    the disclosure office (the actor, who must hold the head role); the applicant is told."""
    require(actor, "foi.extend", application)
    today = _today()
    on = on or today
    if not 1 <= days <= EXTENSION_MAX:
        raise FoiError("延长答复期限最长不得超过 20 个工作日（条例第三十三条）。", "days")
    if len(reason.strip()) < 2:
        raise FoiError("请写明延期理由。", "reason")
    with transaction.atomic():
        app = _lock(application)
        _require_open(app, *ACTION_STATES["extend"])
        if app.extended or app.events.filter(kind=EventKind.EXTENDED).exists():
            raise FoiError("答复期限只能延长一次（条例第三十三条）。", "days")
        _check_date(on, app, "延期日期", today)
        warnings = []
        if app.due_on is not None and on > app.due_on:
            warnings.append("延期决定晚于原答复期限，原期限已逾期。")
        before = audit.snapshot(app)
        app.extended = True
        app.save(update_fields=["extended", "updated_at"])
        _event(
            app,
            EventKind.EXTENDED,
            on,
            actor,
            reason.strip(),
            {"days": days, "approved_by": _name(actor), "approved_by_id": actor.pk},
        )
        due = recompute(app)
        _audit(actor, "extend", app, before, reason)
        _notify(
            app,
            "extended",
            f"经政府信息公开工作机构负责人同意，答复期限延长 {days} 个工作日"
            + (f"，延长后的答复期限为 {due:%Y年%m月%d日}。" if due else "。"),
            days=days,
        )
    app.last_warnings = warnings
    return app


def consultation_start(
    *,
    actor: User,
    application: Application,
    party: str,
    party_kind: str = "third_party",
    on: dt.date | None = None,
    note: str = "",
) -> Application:
    """Consult a third party (Art. 32) or another agency (Art. 34): the time is not counted;
    they have 15 working days to answer."""
    require(actor, "foi.handle", application)
    today = _today()
    on = on or today
    if party_kind not in ("third_party", "agency"):
        raise FoiError("请选择征求意见的对象类型（第三方或其他机关）。", "party_kind")
    if len(party.strip()) < 2:
        raise FoiError("请填写征求意见的对象。", "party")
    with transaction.atomic():
        app = _lock(application)
        _require_open(app, *ACTION_STATES["consultation_start"])
        _check_date(on, app, "征求意见日期", today)
        answer_due = current_calendar().add_workdays(on, CONSULTATION_LIMIT)
        before = audit.snapshot(app)
        app.state = State.CONSULTING
        app.save(update_fields=["state", "updated_at"])
        article = "第三十二条" if party_kind == "third_party" else "第三十四条"
        _event(
            app,
            EventKind.CONSULTATION_STARTED,
            on,
            actor,
            note or f"征求{party}意见（条例{article}），所需时间不计算在答复期限内",
            {
                "party": party.strip(),
                "party_kind": party_kind,
                "answer_due": answer_due.isoformat(),
            },
        )
        recompute(app)
        _audit(actor, "consultation_start", app, before, party)
    return app


CONSULTATION_ANSWERS = {
    "agree": "同意公开",
    "object": "不同意公开",
    "no_answer": "逾期未提出意见",
}


def consultation_end(
    *,
    actor: User,
    application: Application,
    answer: str,
    on: dt.date | None = None,
    note: str = "",
) -> Application:
    require(actor, "foi.handle", application)
    today = _today()
    on = on or today
    if answer not in CONSULTATION_ANSWERS:
        raise FoiError("请选择意见结果。", "answer")
    with transaction.atomic():
        app = _lock(application)
        _require_open(app, *ACTION_STATES["consultation_end"])
        started = app.events.filter(kind=EventKind.CONSULTATION_STARTED).order_by("-on").first()
        _check_date(on, app, "征求意见结束日期", today)
        if started is not None and on < started.on:
            raise FoiError("征求意见结束日期不能早于开始日期。", "on")
        before = audit.snapshot(app)
        app.state = State.PROCESSING
        app.save(update_fields=["state", "updated_at"])
        _event(
            app,
            EventKind.CONSULTATION_ENDED,
            on,
            actor,
            note or CONSULTATION_ANSWERS[answer],
            {"answer": answer},
        )
        recompute(app)
        _audit(actor, "consultation_end", app, before, note)
    return app


def prior_items_this_month(app: Application) -> int:
    """Items the same applicant asked of the same body earlier in the same calendar month."""
    first = app.received_on.replace(day=1)
    qs = Application.objects.filter(
        body_id=app.body_id,
        applicant_key=app.applicant_key,
        received_on__gte=first,
    ).filter(Q(received_on__lt=app.received_on) | Q(received_on=app.received_on, pk__lt=app.pk))
    return int(qs.aggregate(n=Sum("item_count"))["n"] or 0)


def fee_notice(
    *,
    actor: User,
    application: Application,
    method: str,
    units: int,
    how_to_pay: str = "",
    on: dt.date | None = None,
) -> FeeNotice:
    """收费通知 (条例 Art. 42; 国办函〔2020〕109号): 按件 counts the applicant's items in the
    calendar month across all applications to this body; 按量 counts this application's pages;
    never both. Payment within 20 working days from the day after the notice."""
    require(actor, "foi.handle", application)
    today = _today()
    on = on or today
    if method not in FeeMethod.values:
        raise FoiError("请选择计收方式（按件或按量）。", "method")
    if units < 1:
        raise FoiError("件数/页数应为正整数。", "units")
    if units > fees.MAX_UNITS:
        raise FoiError(f"件数/页数过大：一次收费通知最多 {fees.MAX_UNITS} 件（页）。", "units")
    with transaction.atomic():
        app = _lock(application)
        _require_open(app, *ACTION_STATES["fee_notice"])
        if app.fee_notices.exists():
            raise FoiError("同一申请只能发出一次收费通知，不得同时按件和按量计收。")
        _check_date(on, app, "收费通知日期", today)
        before = audit.snapshot(app)
        if method == FeeMethod.PER_ITEM:
            app.item_count = units
            app.save(update_fields=["item_count", "updated_at"])
            prior = prior_items_this_month(app)
            amount = fees.per_item_fee(units, prior)
            lines = fees.per_item_breakdown(units, prior)
            basis = "按件计收：同一申请人一个自然月内累计申请 10 件以下（含）不收费，11–30 件（含）的部分每件收费 100 元，31 件以上的部分每增加 10 件，每件收费标准提高 100 元。"
        else:
            prior = 0
            amount = fees.per_page_fee(units)
            lines = fees.per_page_breakdown(units)
            basis = "按量计收：30 页以下（含）不收费；31–100 页（含）的部分每页 10 元；101–200 页（含）的部分每页 20 元；200 页以上的部分每页 40 元。"
        if amount == 0:
            raise FoiError("按收费标准计算的金额为 0 元，无需发出收费通知。", "units")
        if amount > fees.MAX_AMOUNT:
            # Per item, the price grows with the applicant's earlier items this month: a
            # bounded `units` can still price beyond what the amount column holds.
            raise FoiError("按收费标准计算的金额过大，无法发出收费通知，请核对件数。", "units")
        pay_by = current_calendar().add_workdays(on, FEE_PAYMENT_LIMIT)
        notice = FeeNotice.objects.create(
            application=app,
            method=method,
            units=units,
            prior_units=prior,
            amount=amount,
            breakdown=[
                {"label": ln.label, "units": ln.units, "unit_price": ln.unit_price} for ln in lines
            ],
            basis=basis + "（国办函〔2020〕109号）",
            how_to_pay=how_to_pay
            or "请持本通知到本机关政府信息公开工作机构缴纳，或通过非税收入缴款系统缴纳。",
            notified_on=on,
            pay_by=pay_by,
        )
        app.state = State.FEE
        app.save(update_fields=["state", "updated_at"])
        _event(
            app,
            EventKind.FEE_NOTIFIED,
            on,
            actor,
            f"信息处理费 {amount} 元，请于 {pay_by:%Y-%m-%d} 前缴纳",
            {"notice": notice.pk, "amount": amount, "method": method, "pay_by": pay_by.isoformat()},
        )
        recompute(app)
        _audit(actor, "fee_notice", app, before, f"{amount} 元")
        _notify(
            app,
            "fee",
            f"您的申请需缴纳信息处理费 {amount} 元，请于 {pay_by:%Y年%m月%d日} 前缴纳，逾期视为放弃申请。",
            amount=amount,
            pay_by=pay_by.isoformat(),
        )
    return notice


def fee_paid(*, actor: User, application: Application, on: dt.date | None = None) -> Application:
    require(actor, "foi.handle", application)
    today = _today()
    on = on or today
    with transaction.atomic():
        app = _lock(application)
        _require_open(app, *ACTION_STATES["fee_paid"])
        notice = app.fee_notices.filter(status=FeeStatus.PENDING).first()
        if notice is None:
            raise FoiError("没有待缴费的收费通知。")
        _check_date(on, app, "缴费日期", today)
        if on < notice.notified_on:
            raise FoiError("缴费日期不能早于收费通知日期。", "on")
        before = audit.snapshot(app)
        notice.status = FeeStatus.PAID
        notice.paid_on = on
        notice.save(update_fields=["status", "paid_on"])
        app.state = State.PROCESSING
        app.proposed_outcome = ""
        app.save(update_fields=["state", "proposed_outcome", "updated_at"])
        _event(app, EventKind.FEE_PAID, on, actor, f"已缴纳 {notice.amount} 元")
        recompute(app)
        _audit(actor, "fee_paid", app, before)
    return app


def fee_lapse(
    *, actor: User | None, application: Application, today: dt.date | None = None
) -> Application:
    """Unpaid within 20 working days: propose 其他处理 2 for the handler to confirm."""
    if actor is not None:
        require(actor, "foi.handle", application)
    today = today or _today()
    with transaction.atomic():
        app = _lock(application)
        _require_open(app, *ACTION_STATES["fee_paid"])
        notice = app.fee_notices.filter(status=FeeStatus.PENDING).first()
        if notice is None:
            raise FoiError("没有待缴费的收费通知。")
        if today <= notice.pay_by:
            raise FoiError(f"缴费期限（{notice.pay_by:%Y-%m-%d}）尚未届满。")
        before = audit.snapshot(app)
        notice.status = FeeStatus.LAPSED
        notice.save(update_fields=["status"])
        app.proposed_outcome = "other_2"
        app.save(update_fields=["proposed_outcome", "updated_at"])
        _event(
            app,
            EventKind.FEE_LAPSED,
            today,
            actor,
            "申请人逾期未缴纳信息处理费，拟按“逾期未按收费通知要求缴纳费用、不再处理”办结，待承办人确认。",
            public=False,
        )
        _audit(actor, "fee_lapse", app, before)
    return app


def application_reply(
    *,
    actor: User,
    application: Application,
    outcome: str,
    reason: str = "",
    withheld: str = "",
    released: str = "",
    on: dt.date | None = None,
) -> Application:
    """答复 (条例 Art. 36–39): exactly one national outcome; reasons stated where the outcome
    needs them; partial disclosure records what was withheld and why (Art. 37). A reply after
    the due date is recorded as late."""
    require(actor, "foi.handle", application)
    today = _today()
    on = on or today
    definition = OUTCOMES.get(outcome)
    errors: dict[str, str] = {}
    if definition is None:
        errors["outcome"] = "请选择办理结果。"
    elif definition.reason_required and len(reason.strip()) < 4:
        errors["reason"] = f"“{definition.short}”须写明理由和依据（条例{definition.articles}）。"
    if outcome == "partial" and len(withheld.strip()) < 4:
        errors["withheld"] = "部分公开须写明不予公开的部分及其理由（条例第三十七条）。"
    if errors or definition is None:
        raise FoiError(errors)
    with transaction.atomic():
        app = _lock(application)
        _require_open(app)
        if on < app.received_on:
            raise FoiError(f"答复日期不能早于收到申请的日期（{app.received_on:%Y-%m-%d}）。", "on")
        if on > today:
            raise FoiError("答复日期不能晚于今天。", "on")
        if app.fee_notices.filter(status=FeeStatus.PENDING).exists() and outcome != "other_2":
            raise FoiError("申请人尚未缴费：请先登记缴费或确认逾期未缴。")
        due = recompute(app)
        before = audit.snapshot(app)
        app.outcome = outcome
        app.outcome_reason = reason.strip()
        app.withheld = withheld.strip()
        app.released = released.strip()
        app.replied_on = on
        app.replied_late = due is not None and on > due
        app.proposed_outcome = ""
        app.state = State.TERMINATED if outcome in TERMINATING else State.REPLIED
        app.save()
        _event(
            app,
            EventKind.REPLIED if app.state == State.REPLIED else EventKind.CLOSED,
            on,
            actor,
            reason.strip() or definition.short,
            {"outcome": outcome, "late": app.replied_late, "due": due.isoformat() if due else None},
        )
        _audit(actor, "reply", app, before, reason)
        _notify(
            app,
            "replied",
            f"您的政府信息公开申请（{app.number}）已办结：{definition.short}。",
            outcome=outcome,
        )
    return app


def application_close(
    *, actor: User, application: Application, on: dt.date | None = None
) -> Application:
    """Confirm a proposed lapse (其他处理 1 / 2) or an online withdrawal (其他处理 3) and end
    the application."""
    # Permission before state: a read-only viewer gets the same 404 as for any other action,
    # not a message about the application's state.
    require(actor, "foi.handle", application)
    proposed = (
        Application.objects.filter(pk=application.pk)
        .values_list("proposed_outcome", flat=True)
        .first()
    )
    if not proposed:
        raise FoiError("没有待确认的办结建议。")
    reasons = {
        "other_1": "申请人无正当理由逾期未补正，视为放弃申请，本机关不再处理该政府信息公开申请（条例第三十条）。",
        "other_2": "申请人逾期未按收费通知要求缴纳费用，视为放弃申请，本机关不再处理该政府信息公开申请（条例第四十二条）。",
        "other_3": "申请人撤回申请（网上提出），本机关终止办理该政府信息公开申请。",
    }
    return application_reply(
        actor=actor,
        application=application,
        outcome=proposed,
        reason=reasons.get(proposed, "不再处理"),
        on=on,
    )


WITHDRAW_REASON_CHARS = 500
APPLICANT_ONLINE = "申请人（网上）"  # who did it, in the event and the audit log


def application_withdraw_online(
    *, application: Application, reason: str = "", today: dt.date | None = None
) -> Application:
    """The applicant asks, on the tracking page (number + query code), to withdraw: propose
    其他处理 3 for the handler to confirm with `application_close`, as a lapse is proposed.
    The body ends the processing and sends the closing notice, so the applicant cannot close
    the application alone. Asking twice changes nothing. An application that is already
    proposed for closing, or closed, cannot be withdrawn."""
    today = today or _today()
    reason = " ".join(reason.split())
    if len(reason) > WITHDRAW_REASON_CHARS:
        raise FoiError(f"撤回说明不能超过 {WITHDRAW_REASON_CHARS} 字。", "reason")
    with transaction.atomic():
        app = _lock(application)
        if app.proposed_outcome == "other_3":
            return app
        if not app.is_open:
            raise FoiError("该申请已办结，不能撤回。")
        if app.proposed_outcome:
            raise FoiError("该申请已拟办结，正在等待受理机关确认，无需撤回。")
        before = audit.snapshot(app)
        app.proposed_outcome = "other_3"
        app.save(update_fields=["proposed_outcome", "updated_at"])
        text = "申请人在网上申请撤回，待受理机关确认办结。" + (f"说明：{reason}" if reason else "")
        _event(app, EventKind.WITHDRAWN, today, None, text, actor_name=APPLICANT_ONLINE)
        audit.record(
            actor=None,
            actor_name=APPLICANT_ONLINE,
            action="foi.application.withdraw_request",
            obj=app,
            body=app.body,
            changes=audit.diff(before, audit.snapshot(app)),
            reason=reason,
        )
        _notify(app, "withdraw_requested", "已收到您的撤回申请，受理机关确认后将终止办理。")
    return app


def application_withdraw(
    *, actor: User, application: Application, reason: str = "", on: dt.date | None = None
) -> Application:
    """The applicant withdrew the application (counted as 其他处理 3)."""
    return application_reply(
        actor=actor,
        application=application,
        outcome="other_3",
        reason=("申请人撤回申请。" + reason).strip(),
        on=on,
    )


ALLOWED_FILE_TYPES = (
    ".pdf",
    ".ofd",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".jpg",
    ".jpeg",
    ".png",
    ".zip",
    ".txt",
)
MAX_FILE_BYTES = 20 * 1024 * 1024


def released_file_attach(
    *, actor: User, application: Application, upload: UploadedFile
) -> ReleasedFile:
    """Attach a released file to the application (shown with the reply on the tracking page)."""
    require(actor, "foi.handle", application)
    name = (upload.name or "").rsplit("/", 1)[-1][:200]
    if not name.lower().endswith(ALLOWED_FILE_TYPES):
        raise FoiError("只能上传 PDF、OFD、Word、Excel、图片、ZIP 或文本文件。", "file")
    if (upload.size or 0) > MAX_FILE_BYTES:
        raise FoiError("单个文件不能超过 20 MB。", "file")
    if application.state == State.TERMINATED:
        raise FoiError("已终止的申请不能再附加文件。", "file")
    with transaction.atomic():
        rf = ReleasedFile(
            application=application, name=name, size=upload.size or 0, uploaded_by=actor
        )
        rf.file.save(name, upload, save=False)
        rf.save()
        audit.record(
            actor=actor,
            action="foi.application.attach",
            obj=application,
            body=application.body,
            changes={"file": name, "size": rf.size},
        )
    return rf


# ---------------------------------------------------------------------------------------------
# Review cases (行政复议 / 行政诉讼)


def review_case_record(
    *,
    actor: User,
    application: Application,
    kind: str,
    filed_on: dt.date,
    decided_on: dt.date | None = None,
    result: str = ReviewResult.PENDING,
    authority: str = "",
    case_number: str = "",
    note: str = "",
) -> ReviewCase:
    require(actor, "foi.review", application)
    errors: dict[str, str] = {}
    if kind not in ReviewKind.values:
        errors["kind"] = "请选择类型（行政复议、直接起诉或复议后起诉）。"
    if result not in ReviewResult.values:
        errors["result"] = "请选择结果。"
    if filed_on > _today():
        errors["filed_on"] = "立案日期不能晚于今天。"
    elif application.received_on and filed_on < application.received_on:
        # Before a reply is possible too (条例 Art. 51: a failure to reply can be challenged),
        # but not before the application existed.
        errors["filed_on"] = f"立案日期不能早于收到申请日期（{application.received_on:%Y-%m-%d}）。"
    if decided_on is not None and decided_on < filed_on:
        errors["decided_on"] = "决定日期不能早于立案日期。"
    elif decided_on is not None and decided_on > _today():
        errors["decided_on"] = "决定日期不能晚于今天。"
    if result != ReviewResult.PENDING and decided_on is None:
        errors["decided_on"] = "已审结的案件请填写决定/判决日期。"
    if result == ReviewResult.PENDING and decided_on is not None:
        errors["result"] = "已填写决定日期时请选择结果。"
    if errors:
        raise FoiError(errors)
    with transaction.atomic():
        case = ReviewCase.objects.create(
            application=application,
            kind=kind,
            filed_on=filed_on,
            decided_on=decided_on,
            result=result,
            authority=authority.strip(),
            case_number=case_number.strip(),
            note=note.strip(),
        )
        audit.record(
            actor=actor,
            action="foi.review_case.record",
            obj=case,
            body=application.body,
            changes=audit.snapshot(case),
        )
    return case


def review_case_decide(
    *, actor: User, case: ReviewCase, result: str, decided_on: dt.date
) -> ReviewCase:
    require(actor, "foi.review", case.application)
    if result not in ReviewResult.values or result == ReviewResult.PENDING:
        raise FoiError("请选择审结结果。", "result")
    if decided_on < case.filed_on:
        raise FoiError("决定日期不能早于立案日期。", "decided_on")
    if decided_on > _today():
        raise FoiError("决定日期不能晚于今天。", "decided_on")
    with transaction.atomic():
        before = audit.snapshot(case)
        case.result = result
        case.decided_on = decided_on
        case.save(update_fields=["result", "decided_on", "updated_at"])
        audit.record(
            actor=actor,
            action="foi.review_case.decide",
            obj=case,
            body=case.application.body,
            changes=audit.diff(before, audit.snapshot(case)),
        )
    return case


# ---------------------------------------------------------------------------------------------
# Bulk recomputation after a calendar change, and the daily proposals


@dataclass(frozen=True)
class _Ev:
    """A light event row for bulk recomputation (no model instances)."""

    pk: int
    kind: str
    on: dt.date
    data: dict[str, Any]


def recompute_open(*, batch: int = 5000) -> int:
    """Recompute due dates of every open application (after the holiday calendar changed).
    Returns the number of changed rows. Reads plain rows per batch (no N+1, no model
    instances) and writes one UPDATE per distinct new due date."""
    from yangguang.core.workdays import due_date
    from yangguang.foi.clock import REPLY_LIMIT, clock_events

    cal = current_calendar()
    fee_stop_by_path: dict[str, bool] = {}
    changed = 0
    last_pk = 0
    while True:
        rows = list(
            Application.objects.filter(state__in=OPEN_STATES, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "received_on", "due_on", "body__region__path")[:batch]
        )
        if not rows:
            break
        last_pk = rows[-1][0]
        events: dict[int, list[_Ev]] = {r[0]: [] for r in rows}
        for pk, app_id, kind, on, data in (
            ApplicationEvent.objects.filter(application_id__in=events.keys())
            .order_by("on", "id")
            .values_list("pk", "application_id", "kind", "on", "data")
        ):
            events[app_id].append(_Ev(pk, kind, on, data or {}))
        by_due: dict[dt.date | None, list[int]] = {}
        for pk, received_on, old_due, path in rows:
            if path not in fee_stop_by_path:
                fee_stop_by_path[path] = bool(get_rule("foi.fee_stops_clock", path))
            clock = due_date(
                cal,
                received_on,
                REPLY_LIMIT,
                clock_events(events[pk], fee_stops=fee_stop_by_path[path]),  # type: ignore[arg-type]
            )
            if clock.due != old_due:
                by_due.setdefault(clock.due, []).append(pk)
        with transaction.atomic():
            for due, ids in by_due.items():
                key = due.toordinal() if due is not None else PAUSED_KEY
                for i in range(0, len(ids), 900):
                    Application.objects.filter(pk__in=ids[i : i + 900]).update(
                        due_on=due, queue_key=key
                    )
                changed += len(ids)
    return changed


def propose_lapses(*, today: dt.date | None = None) -> list[str]:
    """Daily: propose 其他处理 1 / 2 for expired correction and payment periods."""
    today = today or _today()
    done: list[str] = []
    for app in Application.objects.filter(
        state=State.CORRECTION, correction_due_on__lt=today
    ).exclude(proposed_outcome="other_1"):
        correction_lapse(actor=None, application=app, today=today)
        done.append(app.number)
    ids = FeeNotice.objects.filter(
        status=FeeStatus.PENDING, pay_by__lt=today, application__state=State.FEE
    ).values_list("application_id", flat=True)
    for app in Application.objects.filter(pk__in=list(ids)):
        fee_lapse(actor=None, application=app, today=today)
        done.append(app.number)
    return done


def can_see_personal(user: Any, app: Application) -> bool:
    return can(user, "foi.personal", app)


def events_for(apps: Iterable[Application]) -> dict[int, list[ApplicationEvent]]:
    ids = [a.pk for a in apps]
    out: dict[int, list[ApplicationEvent]] = {i: [] for i in ids}
    for ev in ApplicationEvent.objects.filter(application_id__in=ids).order_by("on", "id"):
        out[ev.application_id].append(ev)
    return out
