"""Demo data for 依申请公开: a realistic year of applications across the demo bodies, driven
through the real services (so events, due dates, audit rows and outbox messages are genuine).
Registered with orgs.demo.extend, so `manage.py load_demo` (make run) loads it; also
`manage.py load_demo_foi`. Idempotent: nothing is added when demo applications exist."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from yangguang.core.calendar import current_calendar
from yangguang.core.identity import resident_id_check_char
from yangguang.foi import services as svc
from yangguang.foi.models import Application
from yangguang.orgs import demo
from yangguang.orgs.models import Body, Role, RoleAssignment, User
from yangguang.orgs.validators import credit_check_char

DEMO_KEY = "demo:foi:"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = [
    "建国",
    "秀英",
    "志强",
    "丽娟",
    "海涛",
    "晓燕",
    "文博",
    "桂兰",
    "俊杰",
    "春梅",
    "明",
    "磊",
    "静",
]
TOPICS = [
    "{y}年度本机关部门预算和决算公开表",
    "城关镇东关村{y}年棚户区改造项目征收补偿方案及批复文件",
    "{y}年城乡居民最低生活保障资金发放名册（本村部分）",
    "示范县人民路拓宽工程的规划许可证及环境影响评价批复",
    "本机关{y}年政府采购项目中标结果及合同",
    "关于我家宅基地确权登记的审批材料",
    "{y}年度义务教育阶段学校招生划片范围的制定依据",
    "示范县第二污水处理厂排污许可及监测数据",
    "城区老旧小区改造{y}年实施计划及资金安排",
    "对某企业作出行政处罚决定书（文号见附件）",
    "县域内农村公路养护资金使用情况",
    "东关村集体土地征收的用地批准文件",
]
ORG_NAMES = [
    ("business", "示范市恒达建材有限公司"),
    ("research", "示范市农业科学研究所"),
    ("nonprofit", "示范市环保志愿者协会"),
    ("legal", "山东示范律师事务所"),
    ("other", "示范县东关村股份经济合作社"),
]
# Outcome mix of a typical county report (closed applications).
OUTCOME_MIX = [
    ("disclose", 38),
    ("partial", 8),
    ("refuse_4", 3),
    ("refuse_6", 3),
    ("refuse_1", 1),
    ("unable_1", 20),
    ("unable_2", 3),
    ("unable_3", 1),
    ("reject_1", 5),
    ("reject_2", 3),
    ("reject_3", 1),
    ("reject_5", 1),
    ("other_3", 2),
]
REASONS = {
    "refuse_4": "所申请信息含有第三方商业秘密，经征求第三方意见，第三方不同意公开。",
    "refuse_6": "所申请信息属于内部讨论记录，为过程性信息。",
    "refuse_1": "所申请信息经依法定密，属于国家秘密。",
    "unable_1": "经检索，本机关未制作或获取该信息。",
    "unable_2": "所申请信息需要对现有信息进行加工、分析，本机关不予提供。",
    "unable_3": "经补正后申请内容仍不明确。",
    "reject_1": "申请内容为对有关人员的投诉，请通过信访渠道反映。",
    "reject_2": "申请人重复申请公开相同的政府信息，本机关已于此前作出答复。",
    "reject_3": "所申请信息已在政府公报刊登，可查阅政府公报获取。",
    "reject_5": "申请内容为要求确认已获取信息的真实性。",
    "other_3": "申请人撤回申请。",
    "partial": "部分内容涉及个人隐私。",
}
BODY_NAMES = [
    f"{demo.CITY_NAME}人民政府办公室",
    "示范县人民政府办公室",
    "示范县发展和改革局",
    "示范县教育局",
    "东城区民政局",
]


def _person_id(rng: random.Random) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 20000))
    first17 = f"370921{born:%Y%m%d}{rng.randrange(100, 999)}"
    return first17 + resident_id_check_char(first17)


def _org_code(rng: random.Random) -> str:
    first17 = f"91370921MA{rng.randrange(10**6, 10**7)}"
    return first17 + credit_check_char(first17)


def _staff(body: Body) -> tuple[User, User]:
    """The office's demo intake/head accounts, or a head created for this body."""
    heads = User.objects.filter(roles__body=body, roles__role=Role.HEAD).order_by("pk")
    head = heads.first()
    if head is None:
        head = User.objects.create(
            username=f"demo_foi_{body.pk}",
            full_name=f"{body.display_name}公开办",
            password=make_password(None),
        )
        RoleAssignment.objects.create(user=head, role=Role.HEAD, body=body)
    handler = (
        User.objects.filter(roles__body=body, roles__role=Role.HANDLER).order_by("pk").first()
        or head
    )
    return head, handler


def load(*, count: int = 240, today: dt.date | None = None, seed: int = 2026) -> int:
    if Application.objects.filter(idempotency_key__startswith=DEMO_KEY).exists():
        return 0
    bodies = list(Body.objects.filter(name__in=BODY_NAMES))
    if not bodies:
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = today or timezone.localdate()
    cal = current_calendar()
    start = today - dt.timedelta(days=365)
    days = [start + dt.timedelta(days=i) for i in range(366)]
    workdays = [d for d in days if cal.is_workday(d) and d <= today]
    staff = {b.pk: _staff(b) for b in bodies}
    outcomes = [o for o, w in OUTCOME_MIX for _ in range(w)]
    created = 0
    # Query codes of demo applications need not resist attack; hashing with argon2 would
    # make `make run` slow for nothing.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for i, received in enumerate(sorted(rng.choice(workdays) for _ in range(count))):
            body = bodies[0] if rng.random() < 0.4 else rng.choice(bodies)
            head, handler = staff[body.pk]
            with transaction.atomic():
                _one(i, rng, body, head, handler, received, today, cal, outcomes)
            created += 1
    return created


def _one(
    i: int,
    rng: random.Random,
    body: Body,
    head: User,
    handler: User,
    received: dt.date,
    today: dt.date,
    cal: object,
    outcomes: list[str],
) -> None:
    from yangguang.core.workdays import WorkCalendar

    assert isinstance(cal, WorkCalendar)  # noqa: S101 - narrowing for mypy
    topic = rng.choice(TOPICS).format(y=received.year - 1)
    if rng.random() < 0.8:
        data = svc.ApplicantInput(
            applicant_kind="person",
            applicant_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            id_number=_person_id(rng),
            phone=f"13{rng.randrange(10**8, 10**9)}",
            address="示范县城关镇",
            description=topic,
            delivery=rng.choice(["email", "post", "pickup", "online"]),
            form=rng.choice(["paper", "electronic"]),
            email="demo@example.cn",
        )
    else:
        kind, name = rng.choice(ORG_NAMES)
        data = svc.ApplicantInput(
            applicant_kind="org",
            org_kind=kind,
            applicant_name=name,
            credit_code=_org_code(rng),
            contact_person="联系人",
            phone=f"0538-99{rng.randrange(10**5, 10**6)}",
            address="示范市人民路",
            description=topic,
            delivery="post",
            form="paper",
        )
    channel = rng.choice(
        ["in_person", "registered_post", "ordinary_mail", "online", "online", "fax"]
    )
    app = svc.application_register(
        actor=head,
        body=body,
        data=data,
        channel=channel,
        submitted_on=received if channel == "in_person" else received - dt.timedelta(days=1),
        confirmed_on=None if channel == "in_person" else received,
        today=today,
    ).application
    Application.objects.filter(pk=app.pk).update(idempotency_key=f"{DEMO_KEY}{i}")
    if handler != head or rng.random() < 0.9:
        app = svc.application_assign(actor=head, application=app, handler=handler)
    age = cal.workdays_between(received, today)

    def day(n: int) -> dt.date:
        return min(today, cal.add_workdays(received, n))

    roll = rng.random()
    # Paths, as far as the application's age allows.
    if roll < 0.10 and age > 3:
        svc.correction_request(
            actor=handler,
            application=app,
            items="请明确所需信息的名称、年份或文号。",
            period_days=10,
            on=day(3),
        )
        if rng.random() < 0.6 and age > 8:
            svc.correction_receive(actor=handler, application=app, on=day(8))
            received = day(8)
            age = cal.workdays_between(received, today)
        elif age > 14:
            svc.correction_lapse(actor=None, application=app, today=day(14))
            if age > 16:
                svc.application_close(actor=handler, application=app, on=day(16))
            return
        else:
            return
    elif roll < 0.16 and age > 15:
        svc.application_extend(
            actor=head,
            application=app,
            days=15,
            reason="所需信息涉及多个年度，需调取档案。",
            on=day(15),
        )
    elif roll < 0.22 and age > 5:
        svc.consultation_start(
            actor=handler, application=app, party="相关企业（第三方）", on=day(5)
        )
        if age > 12:
            svc.consultation_end(
                actor=handler,
                application=app,
                answer=rng.choice(["agree", "object", "no_answer"]),
                on=day(12),
            )
        else:
            return
    elif roll < 0.25 and age > 4:
        svc.fee_notice(
            actor=handler,
            application=app,
            method="per_page",
            units=rng.choice([45, 120, 260]),
            on=day(4),
        )
        if rng.random() < 0.5 and age > 10:
            svc.fee_paid(actor=handler, application=app, on=day(10))
        elif age > 25:
            svc.fee_lapse(actor=None, application=app, today=day(25))
            svc.application_close(actor=handler, application=app, on=day(25))
            return
        else:
            return
    app.refresh_from_db()
    if app.due_on is None:
        return
    span = cal.workdays_between(app.received_on, app.due_on)
    # Most are answered in time; a few late; the youngest stay open.
    reply_after = rng.randint(3, max(4, span)) if rng.random() < 0.95 else span + rng.randint(1, 5)
    reply_on = cal.add_workdays(received, reply_after)
    if reply_on >= today:
        return
    outcome = rng.choice(outcomes)
    svc.application_reply(
        actor=handler,
        application=app,
        outcome=outcome,
        reason=REASONS.get(outcome, ""),
        withheld="涉及个人身份证号码和联系电话的内容（条例第十五条）"
        if outcome == "partial"
        else "",
        released="已通过电子邮件提供。" if outcome in ("disclose", "partial") else "",
        on=max(reply_on, app.received_on),
    )


demo.extend(load)
