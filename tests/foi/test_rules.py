"""Bad input (clear Chinese errors) and the permission matrix at the service layer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404

from tests.factories import UserFactory, grant
from tests.foi.conftest import org, person, register
from yangguang.core.models import AuditEvent
from yangguang.foi import services as s
from yangguang.foi.models import EventKind, State
from yangguang.foi.services import FoiError
from yangguang.foi.validators import mask_id, mask_name, mask_phone, resident_id_error
from yangguang.orgs.access import can
from yangguang.orgs.models import Role

D = dt.date


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("370921199001011234", None),
        ("11010519491231002X", None),
        ("11010519491231002x", None),
        ("370921199001011235", "校验位错误"),
        ("37092119900101123", "18 位"),
        ("3709211990010112AB", "前 17 位应为数字"),
        ("370921199002301234", "出生日期无效"),
    ],
)
def test_resident_id_gb11643(number: str, error: str | None) -> None:
    result = resident_id_error(number)
    assert (result is None) if error is None else (error in (result or ""))


def test_masking() -> None:
    assert mask_name("王小明") == "王**"
    assert mask_name("欧阳") == "欧*"
    assert mask_id("370921199001011234") == "3709**********1234"
    assert mask_phone("13800138000") == "138****8000"


@pytest.mark.parametrize(
    ("over", "field", "text"),
    [
        ({"phone": "", "email": "", "address": "", "delivery": "pickup"}, "phone", "联系方式"),
        ({"id_number": "370921199001011230"}, "id_number", "校验位"),
        ({"id_number": ""}, "id_number", "证件号码"),
        ({"description": "养老金"}, "description", "过于简单"),
        ({"applicant_name": ""}, "applicant_name", "姓名"),
        ({"phone": "12345"}, "phone", "格式不正确"),
        ({"phone": "1380000"}, "phone", "格式不正确"),  # a mobile number cut short
        ({"phone": "0530-1234567"}, "phone", "格式不正确"),  # local part starts with 2–9
        ({"postcode": "12"}, "postcode", "6 位数字"),
        ({"postcode": "27440a"}, "postcode", "6 位数字"),
        ({"email": "not-an-email"}, "email", "邮箱"),
        ({"delivery": "post", "address": ""}, "address", "通信地址"),
        ({"org_kind": "business"}, "org_kind", "自然人"),
    ],
)
def test_bad_applicant_input(world: Any, over: dict[str, Any], field: str, text: str) -> None:
    with pytest.raises(FoiError) as exc:
        s.application_submit_online(body=world.body_a, data=person(**over))
    assert text in exc.value.errors[field]


def test_bad_org_input(world: Any) -> None:
    with pytest.raises(FoiError) as exc:
        s.application_submit_online(body=world.body_a, data=org("91370921MA3C0000X1", org_kind=""))
    assert "校验位" in exc.value.errors["credit_code"] or "字符" in exc.value.errors["credit_code"]
    assert "组织的类型" in exc.value.errors["org_kind"]
    good = s.application_submit_online(body=world.body_a, data=org(world.body_b.credit_code))
    assert good.application.applicant_column == "legal"


def test_bad_workflow_input(world: Any, frozen: Any) -> None:
    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5))
    with pytest.raises(FoiError, match="不能早于收到申请"):
        s.application_reply(
            actor=world.handler_a, application=app, outcome="disclose", on=D(2026, 2, 4)
        )
    with pytest.raises(FoiError, match="不能晚于今天"):
        s.application_reply(
            actor=world.handler_a, application=app, outcome="disclose", on=D(2026, 2, 6)
        )
    with pytest.raises(FoiError) as exc:
        s.application_reply(actor=world.handler_a, application=app, outcome="unable_1")
    assert "须写明理由" in exc.value.errors["reason"]
    with pytest.raises(FoiError) as exc:
        s.application_reply(
            actor=world.handler_a, application=app, outcome="partial", reason="涉及隐私内容"
        )
    assert "不予公开的部分" in exc.value.errors["withheld"]
    with pytest.raises(FoiError, match="请选择办理结果"):
        s.application_reply(actor=world.handler_a, application=app, outcome="maybe")
    with pytest.raises(FoiError, match="20 个工作日"):
        s.application_extend(actor=world.head_a, application=app, days=0, reason="理由")
    with pytest.raises(FoiError, match="延期理由"):
        s.application_extend(actor=world.head_a, application=app, days=10, reason="")
    with pytest.raises(FoiError, match="只能分配给本机关"):
        s.application_assign(actor=world.head_a, application=app, handler=world.handler_b)
    with pytest.raises(FoiError, match="状态"):
        s.correction_receive(actor=world.handler_a, application=app)
    with pytest.raises(FoiError, match="0 元"):
        s.fee_notice(actor=world.handler_a, application=app, method="per_page", units=30)
    s.application_reply(actor=world.handler_a, application=app, outcome="disclose")
    with pytest.raises(FoiError, match="不能进行此操作"):
        s.application_reply(actor=world.handler_a, application=app, outcome="disclose")
    with pytest.raises(FoiError) as exc:
        s.review_case_record(
            actor=world.handler_a,
            application=app,
            kind="reconsideration",
            filed_on=D(2026, 2, 5),
            result="upheld",
        )
    assert "决定/判决日期" in exc.value.errors["decided_on"]
    # Not filed before the application was received (条例 Art. 51 allows a case before any
    # reply — a failure to reply can be challenged — but not before the application).
    with pytest.raises(FoiError) as exc:
        s.review_case_record(
            actor=world.handler_a,
            application=app,
            kind="reconsideration",
            filed_on=app.received_on - dt.timedelta(days=2),
        )
    assert "不能早于收到申请日期" in exc.value.errors["filed_on"]


ACTIONS = {
    "register": lambda w, app: s.application_register(
        actor=w.user, body=w.world.body_a, data=person(), channel="in_person"
    ),
    "assign": lambda w, app: s.application_assign(
        actor=w.user, application=app, handler=w.world.handler_a
    ),
    "correction": lambda w, app: s.correction_request(
        actor=w.user, application=app, items="补充材料清单"
    ),
    "extend": lambda w, app: s.application_extend(
        actor=w.user, application=app, days=5, reason="调档"
    ),
    "consult": lambda w, app: s.consultation_start(actor=w.user, application=app, party="某公司"),
    "reply": lambda w, app: s.application_reply(actor=w.user, application=app, outcome="disclose"),
    "review": lambda w, app: s.review_case_record(
        actor=w.user, application=app, kind="reconsideration", filed_on=D(2026, 2, 5)
    ),
}
# who → actions allowed on body A's application (everything else is a 404).
MATRIX = {
    "intake_a": {"register", "assign"},
    "handler_a": {"register", "correction", "consult", "reply", "review"},
    "head_a": set(ACTIONS),
    "handler_b": set(),
    "editor_a": set(),
    "county_supervisor": set(),
    "admin": set(),
}


class _W:
    def __init__(self, world: Any, user: Any) -> None:
        self.world, self.user = world, user


@pytest.mark.parametrize("who", list(MATRIX))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(world: Any, intake_a: Any, frozen: Any, who: str, action: str) -> None:
    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5))
    user = intake_a if who == "intake_a" else getattr(world, who)
    if action in MATRIX[who]:
        ACTIONS[action](_W(world, user), app)
    else:
        with pytest.raises(Http404):
            ACTIONS[action](_W(world, user), app)


@pytest.mark.parametrize("assigned_to", ["nobody", "colleague"])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_handler_acts_only_on_applications_assigned_to_them(
    world: Any, frozen: Any, assigned_to: str, action: str
) -> None:
    """foi.access ASSIGNED_ONLY: a 承办人 handles what 受理员 or 负责人 assigned to them (条例
    Art. 33 names the body; who in it sees applicants' data is need to know, 个人信息保护法
    Art. 6). On an application that is not theirs every action but registering is a 404."""
    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5), assign=False)
    if assigned_to == "colleague":
        colleague = grant(UserFactory(username="handler_a2"), Role.HANDLER, body=world.body_a)
        app = s.application_assign(actor=world.head_a, application=app, handler=colleague)
    if action == "register":
        ACTIONS[action](_W(world, world.handler_a), app)
        return
    with pytest.raises(Http404):
        ACTIONS[action](_W(world, world.handler_a), app)
    for check in ("foi.view", "foi.personal", "foi.handle", "foi.review"):
        assert not can(world.handler_a, check, app)
    assert can(world.head_a, "foi.personal", app)


def test_handler_who_registers_is_assigned(world: Any, intake_a: Any, frozen: Any) -> None:
    """An application a 承办人 registers at their desk is theirs: assigned, with its event, so
    they can go on with it; one registered by 受理员 waits to be assigned."""
    frozen(D(2026, 2, 5))
    own = s.application_register(
        actor=world.handler_a, body=world.body_a, data=person(), channel="in_person"
    ).application
    assert (own.handler, own.state) == (world.handler_a, State.PROCESSING)
    assert own.events.filter(kind=EventKind.ASSIGNED, actor=world.handler_a).exists()
    assert can(world.handler_a, "foi.handle", own)
    audit = AuditEvent.objects.get(action="foi.application.register", object_id=str(own.pk))
    assert audit.actor == world.handler_a
    assert audit.changes["handler"] == world.handler_a.pk and audit.changes["state"] == "processing"
    waiting = s.application_register(
        actor=intake_a, body=world.body_a, data=person(), channel="in_person"
    ).application
    assert (waiting.handler, waiting.state) == (None, State.RECEIVED)


@pytest.mark.parametrize(
    ("kind", "accepted"),
    [
        ("government", True),  # 条例 Art. 2: administrative organs
        ("department", True),
        ("township", True),
        ("institution", True),  # Art. 54: organisations empowered to manage public affairs
        ("village", False),  # 村务公开: another law
        ("enterprise", False),  # 厂务公开 / Art. 55: their own disclosure rules
    ],
)
def test_who_receives_applications_art_2_54(
    world: Any, client: Any, kind: str, accepted: bool
) -> None:
    from tests.factories import BodyFactory

    body = BodyFactory(kind=kind, region=world.county)
    listed = client.get("/foi/apply/").content.decode()
    assert (f'value="{body.pk}"' in listed) is accepted
    assert client.get(f"/foi/apply/?body={body.credit_code}").status_code == (
        200 if accepted else 404
    )
    # The body's disclosure page and guide link to the form only when it receives applications.
    for url in (
        f"/disclosure/body/{body.credit_code}/",
        f"/disclosure/body/{body.credit_code}/guide/",
    ):
        page = client.get(url).content.decode()
        assert (f"/foi/apply/?body={body.credit_code}" in page) is accepted, url
    if accepted:
        assert s.application_submit_online(body=body, data=person()).application.pk
    else:
        with pytest.raises(FoiError) as exc:
            s.application_submit_online(body=body, data=person())
        assert "不是政府信息公开申请的受理机关" in exc.value.errors["body"]


@pytest.mark.parametrize(
    ("description", "quoted"),
    [
        (
            "请公开示范市2026年第三季度政府采购项目合同清单。",
            "示范市2026年第三季度政府采购项目合同清单",
        ),
        ("申请公开2025年度城乡居民养老保险基金收支情况", "2025年度城乡居民养老保险基金收支情况"),
        ("请提供贵局2024年的执法检查记录。", "2024年的执法检查记录"),
        ("我申请获取关于棚户区改造的批复文件", "关于棚户区改造的批复文件"),
        ("公开招标文件及中标结果", "公开招标文件及中标结果"),  # 公开招标 is what is asked for
        ("请公开", "请公开"),  # nothing left: as written
    ],
)
def test_reply_letter_quotes_what_was_asked_for(description: str, quoted: str) -> None:
    """答复书: 申请获取“…” quotes the information, not the applicant's request words."""
    from yangguang.foi.documents import _requested

    assert _requested(description) == quoted
