"""Staff login (issue 2, point 8): argon2, password policy, lockout after repeated failures,
idle session timeout, audit of login/logout/lockout, the console gate, Django admin for
administrators only, and the Chinese error pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import UserFactory
from yangguang.core.models import AuditEvent
from yangguang.orgs.models import User

LOGIN = "/console/login/"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # 17:00 in Asia/Shanghai


def login(client: Client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password})


def actions(user: User | None = None) -> list[str]:
    qs = AuditEvent.objects.order_by("id")
    if user is not None:
        qs = qs.filter(object_id=str(user.pk), object_type="orgs.user")
    return list(qs.values_list("action", flat=True))


def test_passwords_are_hashed_with_argon2(world) -> None:
    world.handler_a.refresh_from_db()
    assert world.handler_a.password.startswith("argon2$argon2id$")


def test_login_success_redirects_to_console_and_is_audited(world, client: Client) -> None:
    response = login(client, "handler_a")
    assert response.status_code == 302 and response.url == reverse("console:home")
    assert client.get("/console/").status_code == 200
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == world.handler_a and event.object_repr == "handler_a"
    assert event.ip == "127.0.0.1"


def test_wrong_password_shows_chinese_error(world, client: Client) -> None:
    response = login(client, "handler_a", "wrong-Password1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户名或密码错误" in html and "连续输错 5 次" in html
    assert "wrong-Password1" not in html  # the password is never echoed
    world.handler_a.refresh_from_db()
    assert world.handler_a.failed_login_count == 1
    assert actions(world.handler_a) == ["auth.login_failed"]


def test_unknown_user_gets_the_same_error(world, client: Client) -> None:
    response = login(client, "nobody", "whatever1A")
    assert "用户名或密码错误" in response.content.decode()


def test_empty_form_shows_chinese_field_errors(world, client: Client) -> None:
    html = client.post(LOGIN, {"username": "", "password": ""}).content.decode()
    assert "请输入用户名" in html and "请输入密码" in html


@time_machine.travel(T0, tick=False)
def test_lockout_after_max_failures_then_unlock_after_minutes(world, client: Client) -> None:
    for _ in range(4):
        assert "用户名或密码错误" in login(client, "handler_a", "bad1").content.decode()
    fifth = login(client, "handler_a", "bad1").content.decode()
    # 17:00 local + 15 minutes.
    assert "账户已锁定，请于 17:15 后再试" in fifth
    user = User.objects.get(username="handler_a")
    assert user.locked_until == T0 + dt.timedelta(minutes=15)
    # Even the right password is refused while locked.
    html = login(client, "handler_a").content.decode()
    assert "账户已锁定，请于 17:15 后再试" in html
    assert "_auth_user_id" not in client.session
    assert actions(user) == ["auth.login_failed"] * 4 + ["auth.lockout"]
    lock = AuditEvent.objects.get(action="auth.lockout")
    assert "连续 5 次密码错误" in lock.reason
    with time_machine.travel(T0 + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert login(client, "handler_a").status_code == 302
    user.refresh_from_db()
    assert user.failed_login_count == 0 and user.locked_until is None


def test_success_resets_the_failure_counter(world, client: Client) -> None:
    for _ in range(4):
        login(client, "handler_a", "bad1")
    assert login(client, "handler_a").status_code == 302
    client.logout()
    for _ in range(4):  # four more: not locked, the counter started again
        login(client, "handler_a", "bad1")
    user = User.objects.get(username="handler_a")
    assert user.locked_until is None and user.failed_login_count == 4


def test_lockout_limits_are_configurable(world, client: Client, settings) -> None:
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_LOCKOUT_MINUTES = 60
    login(client, "handler_a", "bad1")
    assert "账户已锁定" in login(client, "handler_a", "bad1").content.decode()
    user = User.objects.get(username="handler_a")
    assert user.locked_until is not None


def test_inactive_user_cannot_log_in(world, client: Client) -> None:
    User.objects.filter(pk=world.handler_a.pk).update(is_active=False)
    response = login(client, "handler_a")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_is_audited_and_ends_the_session(world, client: Client) -> None:
    client.force_login(world.handler_a)
    response = client.post(reverse("console:logout"))
    assert response.status_code == 302
    assert actions(world.handler_a) == ["auth.logout"]
    assert client.get("/console/").status_code == 302


def test_idle_session_times_out_after_30_minutes(world, client: Client) -> None:
    with time_machine.travel(T0, tick=False):
        assert login(client, "handler_a").status_code == 302
    # Activity within the window keeps the session alive (the expiry slides).
    with time_machine.travel(T0 + dt.timedelta(minutes=29), tick=False):
        assert client.get("/console/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(minutes=58), tick=False):
        assert client.get("/console/").status_code == 200
    # Idle for more than 30 minutes: logged out, back to the login page.
    with time_machine.travel(T0 + dt.timedelta(minutes=58 + 31), tick=False):
        response = client.get("/console/")
        assert response.status_code == 302 and response.url.startswith(LOGIN)


# --- password policy ------------------------------------------------------------------------

POLICY = [
    ("short1a", "密码太短：至少需要 10 个字符"),
    ("abcdefghijk", "密码必须同时包含字母和数字"),
    ("12345678901", "密码必须同时包含字母和数字"),
    ("password123", "太常见"),
    ("handler_a2026x", "相似"),
]


@pytest.mark.parametrize(("password", "message"), POLICY)
def test_password_policy(world, password: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_password(password, world.handler_a)
    assert any(message in m for m in info.value.messages), info.value.messages


def test_good_password_passes_policy(world) -> None:
    validate_password("Qiushui2026Lan", world.handler_a)


def test_password_change_page(world, client: Client) -> None:
    client.force_login(world.handler_a)
    url = reverse("console:password_change")
    page = client.get(url).content.decode()
    assert "修改密码" in page and "须同时包含字母和数字" in page
    bad = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "abcdefghijkl",
            "new_password2": "abcdefghijkl",
        },
    ).content.decode()
    assert "密码必须同时包含字母和数字" in bad
    wrong_old = client.post(
        url,
        {
            "old_password": "nope",
            "new_password1": "Qiushui2026Lan",
            "new_password2": "Qiushui2026Lan",
        },
    ).content.decode()
    assert "旧密码不正确" in wrong_old
    ok = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Qiushui2026Lan",
            "new_password2": "Qiushui2026Lan",
        },
    )
    assert ok.status_code == 302 and ok.url == reverse("console:password_change_done")
    user = User.objects.get(pk=world.handler_a.pk)
    assert user.check_password("Qiushui2026Lan") and user.password_changed_at is not None
    assert user.password.startswith("argon2")
    assert actions(user) == ["auth.password_change"]
    # Still logged in after the change (session hash updated).
    assert client.get(reverse("console:password_change_done")).status_code == 200


def test_user_without_role_may_change_password(client: Client, db) -> None:
    user = UserFactory(username="norole")
    client.force_login(user)
    assert client.get(reverse("console:password_change")).status_code == 200


# --- console gate ---------------------------------------------------------------------------


def test_console_requires_login(world, client: Client) -> None:
    for url in ["/console/", reverse("console:audit"), reverse("console:password_change")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(LOGIN + "?next=")


def test_logged_in_user_without_role_gets_chinese_403(client: Client, db) -> None:
    user = UserFactory(username="norole")
    client.force_login(user)
    for url in ["/console/", reverse("console:audit")]:
        response = client.get(url)
        assert response.status_code == 403
        html = response.content.decode()
        assert "无权访问" in html and "尚未分配工作角色" in html and 'lang="zh-CN"' in html


@pytest.mark.parametrize("who", ["handler_a", "county_supervisor", "admin", "editor_a"])
def test_staff_roles_enter_the_console(world, client: Client, who: str) -> None:
    client.force_login(getattr(world, who))
    assert client.get("/console/").status_code == 200


def test_login_page_redirects_logged_in_staff(world, client: Client) -> None:
    client.force_login(world.handler_a)
    assert client.get(LOGIN).status_code == 302


# --- Django admin ---------------------------------------------------------------------------


def test_admin_is_for_installation_wide_administrators_only(world, client: Client) -> None:
    response = client.get("/admin/", follow=True)  # one login page for everyone
    assert response.redirect_chain[-1][0].startswith(LOGIN + "?next=")
    assert "工作人员登录" in response.content.decode()
    for who in ["handler_a", "county_supervisor", "head_a"]:
        client.force_login(getattr(world, who))
        assert client.get("/admin/").status_code in (302, 404), who
        assert client.get("/admin/orgs/body/").status_code in (302, 404), who
        follow = client.get("/admin/", follow=True)
        assert follow.status_code == 404, who
    client.force_login(world.admin)
    index = client.get("/admin/")
    assert index.status_code == 200
    html = index.content.decode()
    for label in [
        "工作人员",
        "角色分配",
        "行政区划",
        "机构",
        "窗口",
        "API 令牌",
        "节假日调整",
        "审计日志",
    ]:
        assert label in html, label


def test_region_scoped_admin_does_not_get_django_admin(world, client: Client) -> None:
    from tests.factories import grant
    from yangguang.orgs.models import Role

    regional = grant(UserFactory(username="county_admin"), Role.ADMIN, region=world.county)
    client.force_login(regional)
    assert client.get("/admin/", follow=True).status_code == 404


def test_admin_pages_render(world, client: Client) -> None:
    client.force_login(world.admin)
    for url in [
        "/admin/orgs/user/",
        f"/admin/orgs/user/{world.handler_a.pk}/change/",
        "/admin/orgs/user/add/",
        "/admin/orgs/roleassignment/",
        "/admin/orgs/roleassignment/add/",
        "/admin/orgs/region/",
        f"/admin/orgs/region/{world.county.pk}/change/",
        "/admin/orgs/body/",
        f"/admin/orgs/body/{world.body_a.pk}/change/",
        "/admin/orgs/window/",
        "/admin/orgs/apitoken/",
        "/admin/core/calendaroverride/",
        "/admin/core/auditevent/",
    ]:
        assert client.get(url).status_code == 200, url


def test_admin_write_is_audited_with_diff(world, client: Client) -> None:
    client.force_login(world.admin)
    url = f"/admin/orgs/body/{world.body_a.pk}/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(
        {
            "name": world.body_a.name,
            "phone": "0538-1234567",
            "region": world.body_a.region_id,
            "windows-TOTAL_FORMS": "0",
            "windows-INITIAL_FORMS": "0",
        }
    )
    data.pop("parent", None)
    data.pop("id", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="body.change")
    assert event.actor == world.admin and event.body == world.body_a
    assert event.changes["phone"][1] == "0538-1234567"
    assert event.reason == "系统管理后台"


def test_admin_role_assignment_form_explains_scope_errors(world, client: Client) -> None:
    client.force_login(world.admin)
    response = client.post(
        "/admin/orgs/roleassignment/add/",
        {"user": world.handler_a.pk, "role": "handler", "region": world.county.pk},
    )
    assert response.status_code == 200
    assert "该角色属于某个机构：请选择机构。" in response.content.decode()


# --- error pages ----------------------------------------------------------------------------


def test_404_page_is_chinese(db, client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面未找到" in html and 'lang="zh-CN"' in html


def test_500_page_is_chinese_and_standalone() -> None:
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert "系统繁忙" in html and 'lang="zh-CN"' in html


def test_csrf_failure_page_is_chinese(world) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "handler_a", "password": PASSWORD})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_api_docs_use_local_static_files_only(db, client: Client) -> None:
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_login_page_states_the_rules(db, client: Client, settings) -> None:
    settings.SESSION_COOKIE_AGE = 20 * 60
    html = client.get(LOGIN).content.decode()
    assert "20 分钟无操作将自动退出" in html and 'autocomplete="current-password"' in html
    # The portal's name, not the host Django's LoginView would call the site.
    assert settings.YANGGUANG["SITE_NAME"] in html and "testserver" not in html
    # …and the portal's navigation, with working links.
    assert "政府信息公开</a>" in html and 'href="/tools/deadline/"' in html


def test_password_rules_are_shown_in_chinese(world, client: Client) -> None:
    client.force_login(world.handler_a)
    html = client.get(reverse("console:password_change")).content.decode()
    assert "密码至少需要 10 个字符" in html and "密码必须同时包含字母和数字" in html


def test_admin_setting_a_password_is_audited(world, client: Client) -> None:
    client.force_login(world.admin)
    url = f"/admin/orgs/user/{world.handler_a.pk}/password/"
    weak = client.post(url, {"password1": "abcdefghijkl", "password2": "abcdefghijkl"})
    assert weak.status_code == 200 and "密码必须同时包含字母和数字" in weak.content.decode()
    response = client.post(url, {"password1": "Qiushui2026Lan", "password2": "Qiushui2026Lan"})
    assert response.status_code == 302
    user = User.objects.get(pk=world.handler_a.pk)
    assert user.check_password("Qiushui2026Lan") and user.password_changed_at is not None
    event = AuditEvent.objects.get(action="user.password_reset")
    assert event.actor == world.admin and event.object_id == str(user.pk)


def test_admin_unlock_action(world, client: Client) -> None:
    from django.utils import timezone

    User.objects.filter(pk=world.handler_a.pk).update(
        locked_until=timezone.now() + dt.timedelta(minutes=10)
    )
    client.force_login(world.admin)
    response = client.post(
        "/admin/orgs/user/", {"action": "unlock", "_selected_action": [world.handler_a.pk]}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=world.handler_a.pk).locked_until is None
    assert AuditEvent.objects.filter(action="user.unlock").count() == 1
    assert login(Client(), "handler_a").status_code == 302
