"""我的接口令牌 (/console/tokens/): staff issue and revoke their own API tokens in the console —
the secret shown once and never cached, each step audited, another user's token the same 404 as
none (issue 2: API tokens; before, only `manage.py issue_api_token` could issue one)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from yangguang.core.models import AuditEvent
from yangguang.orgs.models import ApiToken
from yangguang.orgs.tokens import token_issue, token_user
from yangguang.orgs.views_tokens import ACTIVE_MAX

URL = reverse("console:api_tokens")


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_anonymous_is_sent_to_login(world) -> None:  # type: ignore[no-untyped-def]
    r = Client().get(URL)
    assert r.status_code == 302 and "/console/login/" in r["Location"]
    assert Client().post(URL, {"action": "issue", "name": "对接"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_issue_shows_the_secret_once_uncached_and_it_works(world) -> None:  # type: ignore[no-untyped-def]
    c = _client(world.handler_a)
    posted = c.post(URL, {"action": "issue", "name": "  12345 热线\n数据对接 "})
    assert posted.status_code == 302 and posted["Location"] == URL  # post/redirect/get
    r = c.get(URL)
    html = r.content.decode()
    token = ApiToken.objects.get()
    secret = r.context["issued"]["secret"]
    assert r.status_code == 200 and secret in html and "只显示这一次" in html
    assert "用途：12345 热线 数据对接" in html
    assert r["Cache-Control"] == "no-store"
    assert token.user == world.handler_a and token.name == "12345 热线 数据对接"
    assert token_user(secret) == world.handler_a
    me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 200 and me.json()["username"] == "handler_a"
    event = AuditEvent.objects.get(action="apitoken.create")
    assert event.actor == world.handler_a
    # Never again (reloading the page neither shows it nor issues another): the prefix only.
    again = c.get(URL).content.decode()
    assert secret not in again and f"yg_{token.prefix}_…" in again
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "请填写令牌用途"),
        ("   ", "请填写令牌用途"),
        ("对" * 101, "用途最多 100 个字（现为 101 个字）"),
    ],
)
def test_bad_name_is_refused_in_chinese_and_kept(world, name: str, message: str) -> None:  # type: ignore[no-untyped-def]
    r = _client(world.handler_a).post(URL, {"action": "issue", "name": name})
    html = r.content.decode()
    assert r.status_code == 400 and message in html
    assert " ".join(name.split()) in html  # what was typed stays in the box
    assert not ApiToken.objects.exists()


def test_at_most_ten_active_tokens(world) -> None:  # type: ignore[no-untyped-def]
    for i in range(ACTIVE_MAX):
        token_issue(user=world.handler_a, name=f"系统{i}")
    c = _client(world.handler_a)
    r = c.post(URL, {"action": "issue", "name": "再一个"})
    assert r.status_code == 400 and "请先吊销不再使用的令牌" in r.content.decode()
    assert ApiToken.objects.count() == ACTIVE_MAX
    first = ApiToken.objects.order_by("pk").first()
    assert first is not None
    c.post(URL, {"action": "revoke", "id": first.pk, "confirm": "yes"})
    assert c.post(URL, {"action": "issue", "name": "再一个"}).status_code == 302
    assert ApiToken.objects.filter(revoked_at=None).count() == ACTIVE_MAX


def test_list_shows_only_my_tokens(world) -> None:  # type: ignore[no-untyped-def]
    token_issue(user=world.handler_a, name="我的对接")
    token_issue(user=world.editor_a, name="别人的对接")
    html = _client(world.handler_a).get(URL).content.decode()
    assert "我的对接" in html and "别人的对接" not in html


def test_revoke_my_token_refuses_it_at_once_and_is_audited(world) -> None:  # type: ignore[no-untyped-def]
    issued = token_issue(user=world.handler_a, name="对接")
    c = _client(world.handler_a)
    # First the question: nothing is revoked until it is confirmed.
    ask = c.post(URL, {"action": "revoke", "id": issued.token.pk})
    html = ask.content.decode()
    assert ask.status_code == 200 and "确定吊销令牌" in html and "用途：对接" in html
    assert token_user(issued.secret) == world.handler_a
    assert not AuditEvent.objects.filter(action="apitoken.revoke").exists()
    r = c.post(URL, {"action": "revoke", "id": issued.token.pk, "confirm": "yes"})
    assert r.status_code == 302
    assert "已吊销" in c.get(URL).content.decode()
    assert token_user(issued.secret) is None
    assert (
        Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {issued.secret}").status_code == 401
    )
    assert AuditEvent.objects.get(action="apitoken.revoke").actor == world.handler_a
    # The confirmation sent twice: said, not revoked (nor audited) again.
    twice = c.post(URL, {"action": "revoke", "id": issued.token.pk, "confirm": "yes"}, follow=True)
    assert "已于此前吊销" in twice.content.decode()
    assert AuditEvent.objects.filter(action="apitoken.revoke").count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"action": "revoke", "id": "OTHER"},  # another user's token
        {"action": "revoke", "id": "OTHER", "confirm": "yes"},
        {"action": "revoke", "id": "999999"},  # none
        {"action": "revoke", "id": "abc"},
        {"action": "revoke"},
        {"action": "delete", "id": "OTHER"},
        {},
    ],
)
def test_other_tokens_and_bad_requests_are_the_same_404(world, data: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    other = token_issue(user=world.editor_a, name="别人的对接")
    data = {k: str(other.token.pk) if v == "OTHER" else v for k, v in data.items()}
    r = _client(world.handler_a).post(URL, data)
    assert r.status_code == 404
    assert token_user(other.secret) == world.editor_a
    assert not AuditEvent.objects.filter(action="apitoken.revoke").exists()
