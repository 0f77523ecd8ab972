"""Services for regions, bodies and windows: validation in Chinese, permission (the same 404 as
"missing"), and one audit row per write with its before/after diff (issue 2, points 3 and 7)."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from tests.factories import BodyFactory, RegionFactory, UserFactory, grant, make_credit_code
from yangguang.core.models import AuditEvent
from yangguang.orgs import services
from yangguang.orgs.models import Body, BodyKind, Region, RegionLevel, Role, Window

pytestmark = pytest.mark.usefixtures("fast_hasher")


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- regions ---------------------------------------------------------------------------------


def test_region_create_writes_region_and_audit(world) -> None:
    region = services.region_create(
        actor=world.admin, code="370921101", name="柳林镇", level="township", parent=world.county
    )
    assert region.path == "/370900/370921/370921101/"
    event = AuditEvent.objects.get(action="region.create")
    assert event.actor == world.admin
    assert event.object_id == str(region.pk)
    assert event.region_path == region.path
    assert event.changes["code"] == [None, "370921101"]
    assert event.changes["name"] == [None, "柳林镇"]


@pytest.mark.parametrize(
    ("code", "level", "parent_attr", "field", "fragment"),
    [
        ("37092110", "township", "county", "code", "应为 9 位数字"),
        ("370902101", "township", "county", "code", "应以上级区划代码 370921 开头"),
        ("370921101", "village", "county", "parent", "上级应为乡镇/街道"),
        ("370921100", "township", "county", "code", "已存在"),
        ("370903", "county", None, "parent", "必须指定上级区划"),
        ("370921101", "township", "county", "level", None),  # bad level value, replaced below
    ],
)
def test_region_create_rejects_bad_input(world, code, level, parent_attr, field, fragment) -> None:
    if fragment is None:
        level, fragment = "district", "层级应为"
    parent = getattr(world, parent_attr) if parent_attr else None
    before = Region.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.region_create(
            actor=world.admin, code=code, name="某地", level=level, parent=parent
        )
    assert any(fragment in m for m in _messages(exc)[field])
    assert Region.objects.count() == before
    assert not AuditEvent.objects.filter(action="region.create").exists()


def test_region_create_requires_a_name(world) -> None:
    with pytest.raises(ValidationError) as exc:
        services.region_create(
            actor=world.admin, code="370921101", name="  ", level="township", parent=world.county
        )
    assert _messages(exc)["name"] == ["请填写区划名称。"]


@pytest.mark.parametrize("who", ["handler_a", "head_a", "county_supervisor", "anonymous"])
def test_region_create_forbidden_is_404(world, who) -> None:
    with pytest.raises(Http404):
        services.region_create(
            actor=getattr(world, who),
            code="370921101",
            name="柳林镇",
            level="township",
            parent=world.county,
        )
    assert not Region.objects.filter(code="370921101").exists()


def test_regional_admin_works_in_own_subtree_only(world) -> None:
    county_admin = grant(UserFactory(username="county_admin"), Role.ADMIN, region=world.county)
    services.region_create(
        actor=county_admin, code="370921101", name="柳林镇", level="township", parent=world.county
    )
    with pytest.raises(Http404):
        services.region_create(
            actor=county_admin,
            code="370902001",
            name="东城街道",
            level="township",
            parent=world.county2,
        )
    with pytest.raises(Http404):  # a new city needs an installation-wide administrator
        services.region_create(
            actor=county_admin, code="371000", name="别的市", level="city", parent=None
        )


def test_region_update_records_diff_and_skips_no_change(world) -> None:
    services.region_update(actor=world.admin, region=world.township, name="城关街道")
    event = AuditEvent.objects.get(action="region.change")
    assert event.changes == {"name": ["城关镇", "城关街道"]}
    services.region_update(actor=world.admin, region=world.township, name="城关街道")
    assert AuditEvent.objects.filter(action="region.change").count() == 1
    with pytest.raises(Http404):
        services.region_update(actor=world.county_supervisor, region=world.township, name="X")


# --- bodies ----------------------------------------------------------------------------------


def _body_kwargs(world, **overrides):
    data = {
        "name": "示范县民政局",
        "short_name": "县民政局",
        "kind": BodyKind.DEPARTMENT,
        "credit_code": make_credit_code("370921", 501),
        "region": world.county,
        "address": "示范县府前街 9 号",
        "phone": "0538-9932006",
        "office_hours": "工作日 8:30—17:30",
    }
    data.update(overrides)
    return data


def test_body_create_and_audit(world) -> None:
    body = services.body_create(
        actor=world.admin,
        **_body_kwargs(
            world, credit_code=" " + make_credit_code("370921", 501).lower().upper() + " "
        ),
    )
    assert body.credit_code == make_credit_code("370921", 501)
    event = AuditEvent.objects.get(action="body.create")
    assert event.body == body
    assert event.changes["name"] == [None, "示范县民政局"]
    assert event.region_path == world.county.path


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"credit_code": "91350100M000100Y44"}, "credit_code", "校验位错误"),
        ({"credit_code": "91350100M000100I43"}, "credit_code", "不允许的字符"),
        ({"credit_code": ""}, "credit_code", "请填写"),
        ({"name": ""}, "name", "请填写机构名称"),
        ({"name": "长" * 101}, "name", "不能超过 100 个字符"),
        ({"kind": "club"}, "kind", "机构类型应为"),
        ({"phone": "call me"}, "phone", "电话只能包含"),
        ({"email": "not-an-email"}, "email", "电子邮箱格式不正确"),
    ],
)
def test_body_create_rejects_bad_input(world, overrides, field, fragment) -> None:
    with pytest.raises(ValidationError) as exc:
        services.body_create(actor=world.admin, **_body_kwargs(world, **overrides))
    assert any(fragment in m for m in _messages(exc)[field])
    assert not Body.objects.filter(name="示范县民政局").exists()
    assert not AuditEvent.objects.exists()


def test_body_create_duplicate_code_names_the_holder(world) -> None:
    with pytest.raises(ValidationError) as exc:
        services.body_create(
            actor=world.admin, **_body_kwargs(world, credit_code=world.body_a.credit_code)
        )
    assert "示范县人力资源和社会保障局" in _messages(exc)["credit_code"][0]


def test_body_parent_must_be_in_same_or_higher_region(world) -> None:
    with pytest.raises(ValidationError) as exc:
        services.body_create(actor=world.admin, **_body_kwargs(world, parent=world.body_b))
    assert "上级机构应位于" in _messages(exc)["parent"][0]
    body = services.body_create(actor=world.admin, **_body_kwargs(world, parent=world.body_a))
    assert body.parent == world.body_a


def test_body_parent_cycle_rejected(world) -> None:
    child = services.body_create(actor=world.admin, **_body_kwargs(world, parent=world.body_a))
    with pytest.raises(ValidationError) as exc:
        services.body_update(actor=world.admin, body=world.body_a, parent=child)
    assert "不能是本机构或其下级机构" in _messages(exc)["parent"][0]


@pytest.mark.parametrize(
    "who", ["handler_a", "head_a", "editor_a", "county_supervisor", "anonymous"]
)
def test_body_create_forbidden_is_404(world, who) -> None:
    with pytest.raises(Http404):
        services.body_create(actor=getattr(world, who), **_body_kwargs(world))
    assert not Body.objects.filter(name="示范县民政局").exists()


def test_body_update_diff_and_no_change_no_event(world) -> None:
    services.body_update(
        actor=world.admin, body=world.body_a, phone="0538-1234567", short_name="县人社局"
    )
    event = AuditEvent.objects.get(action="body.change")
    assert event.changes == {"phone": ["", "0538-1234567"], "short_name": ["", "县人社局"]}
    services.body_update(actor=world.admin, body=world.body_a, phone="0538-1234567")
    assert AuditEvent.objects.filter(action="body.change").count() == 1


@pytest.mark.parametrize("who", ["handler_a", "head_a", "handler_b", "county_supervisor"])
def test_body_update_forbidden_is_404(world, who) -> None:
    with pytest.raises(Http404):
        services.body_update(actor=getattr(world, who), body=world.body_a, name="改名")
    world.body_a.refresh_from_db()
    assert world.body_a.name == "示范县人力资源和社会保障局"


def test_body_update_validation_leaves_row_unchanged(world) -> None:
    with pytest.raises(ValidationError):
        services.body_update(actor=world.admin, body=world.body_a, name="新名", credit_code="123")
    world.body_a.refresh_from_db()
    assert world.body_a.name == "示范县人力资源和社会保障局"


def test_body_deactivate(world) -> None:
    services.body_deactivate(actor=world.admin, body=world.body_a, reason="机构改革撤并")
    world.body_a.refresh_from_db()
    assert not world.body_a.is_active
    event = AuditEvent.objects.get(action="body.deactivate")
    assert event.reason == "机构改革撤并"
    assert event.changes == {"is_active": [True, False]}
    with pytest.raises(ValidationError, match="已停用"):
        services.body_deactivate(actor=world.admin, body=world.body_a)


def test_body_deactivate_refused_with_active_children(world) -> None:
    services.body_create(actor=world.admin, **_body_kwargs(world, parent=world.body_a))
    with pytest.raises(ValidationError, match="下级机构"):
        services.body_deactivate(actor=world.admin, body=world.body_a)
    with pytest.raises(Http404):
        services.body_deactivate(actor=world.head_a, body=world.body_a)


# --- windows ---------------------------------------------------------------------------------


def test_head_manages_own_windows(world) -> None:
    window = services.window_create(
        actor=world.head_a, body=world.body_a, code="a01", name="社保窗口", hall="县政务服务大厅"
    )
    assert window.code == "A01"
    assert AuditEvent.objects.get(action="window.create").body == world.body_a
    services.window_update(actor=world.head_a, window=window, location="一楼", is_active=False)
    event = AuditEvent.objects.get(action="window.change")
    assert event.changes == {"is_active": [True, False], "location": ["", "一楼"]}


@pytest.mark.parametrize("who", ["handler_a", "head_a", "county_supervisor", "anonymous"])
def test_window_create_on_other_body_is_404(world, who) -> None:
    body = world.body_b if who == "head_a" else world.body_a
    with pytest.raises(Http404):
        services.window_create(actor=getattr(world, who), body=body, code="A01", name="窗口")
    assert not Window.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"code": ""}, "code", "请填写窗口编号"),
        ({"code": "A 01"}, "code", "只能由字母、数字"),
        ({"code": "A01"}, "code", "已有编号为 A01"),
        ({"name": ""}, "name", "请填写窗口名称"),
        ({"phone": "abc"}, "phone", "电话只能包含"),
    ],
)
def test_window_validation(world, overrides, field, fragment) -> None:
    services.window_create(actor=world.admin, body=world.body_a, code="A01", name="综合窗口")
    data = {"code": "B01", "name": "出件窗口", **overrides}
    with pytest.raises(ValidationError) as exc:
        services.window_create(actor=world.admin, body=world.body_a, **data)
    assert any(fragment in m for m in _messages(exc)[field])
    assert Window.objects.count() == 1


def test_same_window_number_in_another_body_is_fine(world) -> None:
    services.window_create(actor=world.admin, body=world.body_a, code="A01", name="综合窗口")
    services.window_create(actor=world.admin, body=world.body_b, code="A01", name="综合窗口")
    assert Window.objects.count() == 2


def test_factories_still_work(db) -> None:
    region = RegionFactory(code="370900", name="示范市", level=RegionLevel.CITY)
    assert BodyFactory(region=region).region == region
