"""`manage.py load_demo` and `demo_logins` (issue 2, point 10): 示范市 with ≥2 counties, ≥6
townships, ≥12 villages, ≥25 bodies with valid credit codes, windows and one staff member per
role; idempotent; refused in production unless forced."""

import io

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import Client

from yangguang.core.models import AuditEvent
from yangguang.orgs import demo
from yangguang.orgs.models import (
    Body,
    BodyKind,
    Region,
    RegionLevel,
    Role,
    RoleAssignment,
    User,
    Window,
)

pytestmark = pytest.mark.usefixtures("fast_hasher")


@pytest.fixture(autouse=True)
def orgs_demo_only(request, monkeypatch) -> None:
    """Only the organisation part of the demo: other apps' loaders (found by autodiscovery)
    are slow and tested by their apps — except in the one whole-demo test below."""
    if request.node.name.startswith("test_whole_demo"):
        return
    monkeypatch.setattr(demo, "EXTENSIONS", [])
    for command in ("load_demo", "demo_logins"):
        monkeypatch.setattr(
            f"yangguang.orgs.management.commands.{command}.autodiscover_modules", lambda *a: None
        )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        Region.objects.count(),
        Body.objects.count(),
        Window.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.count(),
    )


def test_load_demo_builds_the_region(db) -> None:
    assert "新增" in run("load_demo")
    city = Region.objects.get(level=RegionLevel.CITY)
    assert city.name == "示范市"
    assert Region.objects.filter(level=RegionLevel.COUNTY).count() >= 2
    assert Region.objects.filter(level=RegionLevel.TOWNSHIP).count() >= 6
    assert Region.objects.filter(level=RegionLevel.VILLAGE).count() >= 12
    assert Body.objects.count() >= 25
    for body in Body.objects.all():
        body.full_clean()  # credit code check character, lengths
        assert body.address and body.phone and body.office_hours, body.name
    kinds = set(Body.objects.values_list("kind", flat=True))
    assert kinds == set(BodyKind.values)
    names = set(Body.objects.values_list("name", flat=True))
    for expected in (
        "示范市人民政府",
        "示范市发展和改革委员会",
        "示范县发展和改革局",
        "示范市行政审批服务局",
        "示范市政务服务中心",
        "示范市人民医院",
        "示范市自来水有限公司",
        "城关镇人民政府",
        "东城街道办事处",
        "城关镇东关村村民委员会",
    ):
        assert expected in names
    assert Window.objects.filter(body__name="示范市政务服务中心").count() >= 5
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    window_staff = RoleAssignment.objects.get(role=Role.WINDOW)
    assert window_staff.window is not None and window_staff.window.code == "A01"
    supervisor = RoleAssignment.objects.get(role=Role.SUPERVISOR)
    assert supervisor.region == city


def test_load_demo_is_idempotent(db) -> None:
    run("load_demo")
    first = counts()
    assert "无需重复加载" in run("load_demo")
    assert counts() == first
    assert AuditEvent.objects.filter(action="demo.load").count() == 1


def test_whole_demo_with_every_app_is_idempotent(db) -> None:
    """What `make run` does twice: every app's registered loader adds nothing the second time."""
    run("load_demo")
    first = counts()
    run("load_demo")
    assert counts() == first


def test_production_refuses_unless_forced(db, settings) -> None:
    settings.YANGGUANG = {**settings.YANGGUANG, "ALLOW_DEMO": False}
    with pytest.raises(CommandError, match="生产环境"):
        run("load_demo")
    assert Region.objects.count() == 0 and User.objects.count() == 0
    run("load_demo", "--force")
    assert Region.objects.filter(name="示范市").exists()


def test_demo_logins_print_working_accounts(db, client: Client) -> None:
    assert "load_demo" in run("demo_logins")
    run("load_demo")
    out = run("demo_logins")
    for staff in demo.STAFF:
        assert staff.username in out and staff.password in out and Role(staff.role).label in out
        user = User.objects.get(username=staff.username)
        validate_password(staff.password, user)  # ≥10 chars, letters and digits, not similar
        assert user.check_password(staff.password)
    assert client.login(username="demo_admin", password="Guanli2026ygzw")
    assert client.get("/console/orgs/bodies/").status_code == 200


def test_other_apps_can_extend_the_demo(db) -> None:
    calls: list[int] = []

    def loader() -> int:
        calls.append(1)
        return 0 if len(calls) > 1 else 3

    demo.extend(loader)
    try:
        run("load_demo")
        run("load_demo")
    finally:
        demo.EXTENSIONS[:] = [(n, f) for n, f in demo.EXTENSIONS if f is not loader]
    assert calls == [1, 1]
    event = AuditEvent.objects.get(action="demo.load")
    assert any(v == 3 for k, v in event.changes["created"].items() if k.endswith("loader"))


def test_portal_pages_of_the_demo(db, client: Client) -> None:
    run("load_demo")
    assert "东城区" in client.get("/").content.decode()
    for region in Region.objects.all():
        assert client.get(f"/regions/{region.code}/").status_code == 200
    for body in Body.objects.all():
        assert client.get(f"/bodies/{body.credit_code}/").status_code == 200
