"""The JSON API foundation (issue 2, point 9): staff tokens (issued by command, stored as
SHA-256, revocable), public regions/bodies/health, /me with a bearer token, OpenAPI, and 4xx
JSON with a Chinese `detail` for every kind of bad input — never a 500."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tests.factories import BodyFactory, UserFactory, make_credit_code
from yangguang.core.models import AuditEvent
from yangguang.orgs.models import ApiToken, BodyKind, User
from yangguang.orgs.tokens import token_issue, token_revoke, token_user


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# --- tokens -----------------------------------------------------------------------------------


def test_token_is_shown_once_and_stored_as_sha256(world) -> None:
    issued = token_issue(user=world.handler_a, name="数据对接")
    token = ApiToken.objects.get()
    assert issued.secret.startswith(f"yg_{token.prefix}_")
    assert token.key_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in str(ApiToken.objects.values().get())
    assert token_user(issued.secret) == world.handler_a
    assert AuditEvent.objects.filter(action="apitoken.create").count() == 1


def test_issue_api_token_command_prints_the_token(world) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", "handler_a", "--name", "对接", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert token_user(secret) == world.handler_a
    assert ApiToken.objects.get().name == "对接"
    assert "只显示这一次" in err.getvalue()


def test_issue_api_token_unknown_user_is_a_clear_error(world) -> None:
    with pytest.raises(CommandError, match="用户“ghost”不存在"):
        call_command("issue_api_token", "ghost")
    assert not ApiToken.objects.exists()


def test_issue_api_token_unknown_user_exit_code(world, tmp_path) -> None:
    """Through the real command line: non-zero exit and the message on stderr."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings

    if "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("the subprocess uses a throwaway SQLite database")
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/cmd.sqlite3",
        "YANGGUANG_VAR_DIR": str(tmp_path),
    }
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "issue_api_token", "ghost"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "用户“ghost”不存在" in result.stderr
    assert result.stdout == ""


def test_inactive_user_gets_no_token(world) -> None:
    User.objects.filter(pk=world.handler_a.pk).update(is_active=False)
    with pytest.raises(CommandError, match="已停用"):
        call_command("issue_api_token", "handler_a")


def test_me_with_token(world, client: Client) -> None:
    secret = token_issue(user=world.head_a).secret
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    data = response.json()
    assert data["username"] == "head_a" and data["full_name"] == "王负责"
    assert data["roles"] == [
        {
            "role": "head",
            "role_label": "负责人",
            "body_id": world.body_a.pk,
            "body_name": world.body_a.name,
            "region_code": None,
            "region_name": None,
        }
    ]
    supervisor = token_issue(user=world.county_supervisor).secret
    roles = client.get("/api/v1/me", **bearer(supervisor)).json()["roles"]
    assert roles[0]["region_code"] == "370921" and roles[0]["body_id"] is None


def test_last_used_at_is_updated(world, client: Client) -> None:
    issued = token_issue(user=world.head_a)
    t0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    with time_machine.travel(t0, tick=False):
        client.get("/api/v1/me", **bearer(issued.secret))
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == t0
    with time_machine.travel(t0 + dt.timedelta(minutes=5), tick=False):
        client.get("/api/v1/me", **bearer(issued.secret))
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == t0 + dt.timedelta(minutes=5)


BAD_AUTH = [
    {},
    {"HTTP_AUTHORIZATION": "Bearer"},
    {"HTTP_AUTHORIZATION": "Bearer nonsense"},
    {"HTTP_AUTHORIZATION": "Bearer yg_deadbeef_wrong"},
    {"HTTP_AUTHORIZATION": "Basic aGFuZGxlcl9hOllhbmdndWFuZzIwMjY="},
    {"HTTP_AUTHORIZATION": "Bearer " + "x" * 5000},
]


@pytest.mark.parametrize("headers", BAD_AUTH)
def test_me_rejects_missing_or_bad_tokens(world, client: Client, headers) -> None:
    token_issue(user=world.head_a)
    response = client.get("/api/v1/me", **headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌无效。"}


def test_revoked_token_and_inactive_user_are_rejected(world, client: Client) -> None:
    issued = token_issue(user=world.head_a)
    assert client.get("/api/v1/me", **bearer(issued.secret)).status_code == 200
    token_revoke(actor=world.admin, token=issued.token)
    assert client.get("/api/v1/me", **bearer(issued.secret)).status_code == 401
    assert AuditEvent.objects.filter(action="apitoken.revoke").count() == 1
    other = token_issue(user=world.handler_a)
    User.objects.filter(pk=world.handler_a.pk).update(is_active=False)
    assert client.get("/api/v1/me", **bearer(other.secret)).status_code == 401


def test_a_session_is_not_a_token(world, client: Client) -> None:
    client.force_login(world.admin)
    assert client.get("/api/v1/me").status_code == 401


# --- public endpoints ---------------------------------------------------------------------------


def test_health(db, client: Client) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok" and data["database"] == "ok" and data["version"]


def test_health_reports_a_broken_database(db, client: Client, monkeypatch) -> None:
    from yangguang.orgs import api as orgs_api

    class Broken:
        def cursor(self):  # type: ignore[no-untyped-def]
            raise RuntimeError("down")

    monkeypatch.setattr(orgs_api, "connection", Broken())
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_regions_flat(world, client: Client) -> None:
    data = client.get("/api/v1/regions").json()
    assert data["count"] == 5
    codes = [(r["code"], r["parent_code"], r["level"]) for r in data["items"]]
    assert codes[0] == ("370900", None, "city")
    assert ("370921100", "370921", "township") in codes
    assert all("children" not in r or r["children"] is None for r in data["items"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "county"}, ["370902", "370921"]),
        ({"within": "370921"}, ["370921", "370921100", "370921100201"]),
        ({"within": "370921", "level": "village"}, ["370921100201"]),
        ({"limit": 2, "offset": 1}, ["370902", "370921"]),
    ],
)
def test_regions_filters(world, client: Client, params, expected) -> None:
    data = client.get("/api/v1/regions", params).json()
    assert [r["code"] for r in data["items"]] == expected


def test_regions_tree(world, client: Client) -> None:
    data = client.get("/api/v1/regions", {"format": "tree"}).json()
    assert data["count"] == 1
    city = data["items"][0]
    assert city["code"] == "370900"
    counties = {c["code"]: c for c in city["children"]}
    assert set(counties) == {"370902", "370921"}
    township = counties["370921"]["children"][0]
    assert township["name"] == "城关镇" and township["parent_code"] == "370921"
    assert township["children"][0]["code"] == "370921100201"
    # Tree up to a level; tree of a subtree.
    shallow = client.get("/api/v1/regions", {"format": "tree", "level": "county"}).json()
    assert all(c["children"] == [] for c in shallow["items"][0]["children"])
    sub = client.get("/api/v1/regions", {"format": "tree", "within": "370921"}).json()
    assert [r["code"] for r in sub["items"]] == ["370921"]


def test_bodies_paginated_and_filtered(world, client: Client) -> None:
    for i in range(5):
        BodyFactory(
            region=world.village,
            kind=BodyKind.VILLAGE,
            name=f"东关村民委员会{i}",
            credit_code=make_credit_code("370921", 500 + i),
        )
    BodyFactory(
        region=world.county2,
        name="停用机构",
        is_active=False,
        credit_code=make_credit_code("370902", 900),
    )
    data = client.get("/api/v1/bodies", {"limit": 3}).json()
    assert data["count"] == 8 and len(data["items"]) == 3
    first = data["items"][0]
    assert set(first) >= {"name", "credit_code", "region_code", "kind_label", "phone", "address"}
    # Region filter includes the whole subtree (county → township → village).
    county = client.get("/api/v1/bodies", {"region": "370921", "limit": 100}).json()
    assert county["count"] == 7
    assert world.body_b.name not in {b["name"] for b in county["items"]}
    villages = client.get("/api/v1/bodies", {"kind": "village"}).json()
    assert villages["count"] == 5 and villages["items"][0]["kind_label"] == "村(居)民委员会"
    assert client.get("/api/v1/bodies", {"q": "东区"}).json()["count"] == 1
    page2 = client.get("/api/v1/bodies", {"limit": 3, "offset": 3}).json()
    assert {b["id"] for b in page2["items"]}.isdisjoint({b["id"] for b in data["items"]})


def test_bodies_query_count_is_constant(
    world, client: Client, django_assert_max_num_queries
) -> None:
    for i in range(30):
        BodyFactory(region=world.village, credit_code=make_credit_code("370921", 700 + i))
    with django_assert_max_num_queries(2):
        client.get("/api/v1/bodies", {"limit": 50})


BAD_INPUT = [
    ("/api/v1/bodies?region=999999", 404, "区划代码“999999”不存在"),
    ("/api/v1/regions?within=123", 404, "区划代码“123”不存在"),
    ("/api/v1/bodies?limit=0", 422, "limit：不能小于 1"),
    ("/api/v1/bodies?limit=abc", 422, "limit：应为整数"),
    ("/api/v1/bodies?limit=5000", 422, "limit：不能大于 200"),
    ("/api/v1/bodies?offset=-1", 422, "offset：不能小于 0"),
    ("/api/v1/bodies?kind=bank", 422, "kind：取值无效"),
    ("/api/v1/regions?level=planet", 422, "level：取值无效"),
    ("/api/v1/regions?format=xml", 422, "format：取值无效"),
    ("/api/v1/bodies?q=" + "长" * 60, 422, "q：长度不能超过 50 个字符"),
    ("/api/v1/bodies?region=" + "9" * 40, 422, "region：长度不能超过 12 个字符"),
    ("/api/v1/no-such-endpoint", 404, ""),
]


@pytest.mark.parametrize(("url", "status", "detail"), BAD_INPUT)
def test_bad_input_is_a_4xx_with_chinese_detail(world, client: Client, url, status, detail) -> None:
    response = client.get(url)
    assert response.status_code == status
    if detail:
        body = response.json()
        assert detail in body["detail"], body
        assert body["detail"].isascii() is False


def test_openapi_lists_the_endpoints(db, client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ["/api/v1/health", "/api/v1/regions", "/api/v1/bodies", "/api/v1/me"]:
        assert path in schema["paths"], path
    me = schema["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"BearerTokenAuth": []}]
    params = {p["name"] for p in schema["paths"]["/api/v1/bodies"]["get"]["parameters"]}
    assert {"limit", "offset", "region", "kind"} <= params


def test_token_user_gets_no_session(world, client: Client) -> None:
    """A bearer token authenticates one API call; it never opens the console."""
    secret = token_issue(user=world.admin).secret
    assert client.get("/console/", **bearer(secret)).status_code == 302
    UserFactory()  # unrelated users do not matter


@pytest.mark.parametrize(
    ("exc", "status", "detail"),
    [
        (RuntimeError("bug"), 500, "服务器内部错误，请稍后再试。"),
        (PermissionError("x"), 500, "服务器内部错误，请稍后再试。"),
        ("denied", 403, "无权访问。"),
        ("throttled", 429, "请求过于频繁，请 30 秒后再试。"),
    ],
)
def test_unexpected_errors_are_json_too(
    db, client: Client, monkeypatch, exc, status, detail
) -> None:
    from django.core.exceptions import PermissionDenied
    from ninja.errors import Throttled

    from yangguang.orgs import api as orgs_api

    error = {"denied": PermissionDenied(), "throttled": Throttled(30)}.get(exc, exc)

    def boom():  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr(orgs_api, "public_bodies", boom)
    response = client.get("/api/v1/bodies")
    assert response.status_code == status
    assert response.json() == {"detail": detail}
