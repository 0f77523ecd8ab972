"""The FOI API: public submit and tracking; staff workflow with Bearer tokens; 404 for other
bodies; supervisors read-only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.foi.conftest import VALID_ID
from yangguang.foi.models import Application
from yangguang.orgs.tokens import token_issue

D = dt.date


def payload(world: Any, **over: Any) -> dict[str, Any]:
    data = {
        "body": world.body_a.credit_code,
        "applicant_kind": "person",
        "applicant_name": "王小明",
        "id_number": VALID_ID,
        "phone": "13800138000",
        "description": "请公开 2025 年度城乡居民养老保险基金收支情况",
        "delivery": "online",
        "form": "electronic",
        "idempotency_key": "k1",
    }
    data.update(over)
    return data


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user).secret}"}


def test_public_submit_and_track(world: Any, client: Client, frozen: Any) -> None:
    frozen(D(2026, 9, 15))
    r = client.post("/api/v1/foi/applications", payload(world), content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["due_on"] == "2026-10-19" and out["code"]
    again = client.post("/api/v1/foi/applications", payload(world), content_type="application/json")
    assert again.json()["number"] == out["number"] and again.json()["code"] is None
    assert Application.objects.count() == 1
    t = client.get("/api/v1/foi/track", {"number": out["number"], "code": out["code"]})
    assert t.status_code == 200
    body = t.json()
    assert body["state"] == "received" and body["applicant"] == "王**" and body["reply"] is None
    assert VALID_ID not in t.content.decode()
    bad = client.get("/api/v1/foi/track", {"number": out["number"], "code": "XXXXXXXX"})
    assert bad.status_code == 404


@pytest.mark.parametrize(
    ("over", "msg"),
    [
        ({"description": "养老金"}, "过于简单"),
        ({"id_number": "123"}, "18 位"),
        ({"phone": ""}, "联系方式"),
        ({"body": "X"}, "受理机关不存在"),
    ],
)
def test_public_submit_bad_input(
    world: Any, client: Client, over: dict[str, Any], msg: str
) -> None:
    r = client.post(
        "/api/v1/foi/applications", payload(world, **over), content_type="application/json"
    )
    assert r.status_code == 400 and msg in r.json()["detail"]


def test_staff_workflow_via_api(world: Any, client: Client, frozen: Any) -> None:
    frozen(D(2026, 2, 5))
    head, handler = bearer(world.head_a), bearer(world.handler_a)
    reg = {k: v for k, v in payload(world).items() if k != "idempotency_key"}
    r = client.post(
        "/api/v1/foi/staff/applications",
        {**reg, "channel": "registered_post", "confirmed_on": "2026-02-05"},
        content_type="application/json",
        **handler,
    )
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    base = f"/api/v1/foi/staff/applications/{number}"

    def post(path: str, data: dict[str, Any], who: dict[str, str]) -> Any:
        return client.post(base + path, data, content_type="application/json", **who)

    assert post("/assign", {"handler": "handler_a"}, head).status_code == 200
    assert post("/extend", {"days": 20, "reason": "调档"}, handler).status_code == 404
    r = post("/extend", {"days": 21, "reason": "调档"}, head)
    assert r.status_code == 400 and "20 个工作日" in r.json()["detail"]
    assert post("/extend", {"days": 20, "reason": "调档"}, head).json()["due_on"] == "2026-04-09"
    frozen(D(2026, 2, 10))
    r = post("/consultation-start", {"party": "示范公司"}, handler)
    assert r.json()["state"] == "consulting" and r.json()["due_on"] is None
    frozen(D(2026, 2, 26))
    r = post("/consultation-end", {"answer": "agree"}, handler)
    assert r.json()["due_on"] == "2026-04-20"
    r = post("/reply", {"outcome": "refuse_2"}, handler)
    assert r.status_code == 400 and "理由" in r.json()["detail"]
    r = post("/reply", {"outcome": "disclose", "on": "2026-02-04"}, handler)
    assert r.status_code == 400 and "不能早于" in r.json()["detail"]
    r = post("/reply", {"outcome": "disclose", "released": "收支表"}, handler)
    assert r.json()["state"] == "replied" and r.json()["outcome_national_label"] == "（一）予以公开"
    r = post("/review-cases", {"kind": "reconsideration", "filed_on": "2026-02-26"}, handler)
    assert r.status_code == 201 and r.json()["result"] == "pending"
    case_id = r.json()["id"]
    r = post(
        f"/review-cases/{case_id}/decide", {"result": "upheld", "decided_on": "2026-02-20"}, handler
    )
    assert r.status_code == 400 and "不能早于" in r.json()["detail"]
    r = post(
        f"/review-cases/{case_id}/decide", {"result": "upheld", "decided_on": "2026-02-26"}, handler
    )
    assert r.json()["result"] == "upheld"
    detail = client.get(base, **handler).json()
    assert detail["applicant"] == "王小明" and detail["id_number"] == VALID_ID


def test_staff_api_scoping(world: Any, client: Client, frozen: Any) -> None:
    frozen(D(2026, 2, 5))
    r = client.post("/api/v1/foi/applications", payload(world), content_type="application/json")
    number = r.json()["number"]
    base = f"/api/v1/foi/staff/applications/{number}"
    assert client.get(base).status_code == 401
    assert client.get(base, **bearer(world.handler_b)).status_code == 404
    r = client.post(
        base + "/reply",
        {"outcome": "disclose"},
        content_type="application/json",
        **bearer(world.handler_b),
    )
    assert r.status_code == 404
    sup = bearer(world.county_supervisor)
    detail = client.get(base, **sup).json()
    assert detail["applicant"] == "王**" and VALID_ID not in str(detail)
    r = client.post(
        base + "/reply", {"outcome": "disclose"}, content_type="application/json", **sup
    )
    assert r.status_code == 404
    listing = client.get("/api/v1/foi/staff/applications", **bearer(world.handler_b)).json()
    assert listing["count"] == 0
    assert client.get("/api/v1/foi/staff/applications", **sup).json()["count"] == 1


def test_openapi_lists_foi(client: Client, db: None) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/foi/applications" in paths and "/api/v1/foi/track" in paths
    assert "/api/v1/foi/staff/applications/{number}/fee-notice" in paths


def test_track_shows_reply_and_locks_after_wrong_codes(
    world: Any, client: Client, frozen: Any, settings: Any
) -> None:
    from yangguang.foi import services as s

    settings.TRACKING_MAX_FAILURES = 3
    frozen(D(2026, 2, 5))
    r = client.post("/api/v1/foi/applications", payload(world), content_type="application/json")
    number, code = r.json()["number"], r.json()["code"]
    app = Application.objects.get(number=number)
    s.application_reply(
        actor=world.head_a, application=app, outcome="unable_1", reason="本机关未制作该信息"
    )
    body = client.get("/api/v1/foi/track", {"number": number, "code": code}).json()
    assert body["outcome"] == "unable_1" and body["reply"]["title"] == "政府信息公开申请答复书"
    assert any("第三十六条" in p for p in body["reply"]["paragraphs"])
    assert [n["kind"] for n in body["notices"]] == ["submitted", "replied"]
    for _ in range(2):
        assert (
            client.get("/api/v1/foi/track", {"number": number, "code": "AAAAAAAA"}).status_code
            == 404
        )
    locked = client.get("/api/v1/foi/track", {"number": number, "code": "AAAAAAAA"})
    assert locked.status_code == 429 and "次数过多" in locked.json()["detail"]


@pytest.mark.parametrize(
    ("units", "text"),
    [
        (9223372036854775807, "不能大于 10000"),
        (10**20, "不能大于 10000"),
        (10_001, "不能大于 10000"),
        (0, "不能小于 1"),
    ],
)
def test_fee_notice_units_out_of_range_is_a_chinese_422(
    world: Any, client: Client, frozen: Any, units: int, text: str
) -> None:
    frozen(D(2026, 2, 5))
    number = _registered(world, client)
    r = client.post(
        f"/api/v1/foi/staff/applications/{number}/fee-notice",
        {"method": "per_page", "units": units},
        content_type="application/json",
        **bearer(world.handler_a),
    )
    assert r.status_code == 422, r.content
    assert r.json()["detail"] == f"参数有误：payload.units：{text}"
    assert not Application.objects.get(number=number).fee_notices.exists()


def _registered(world: Any, client: Client) -> str:
    """An application registered in body A by its 承办人 (so assigned to them)."""
    reg = {k: v for k, v in payload(world).items() if k != "idempotency_key"}
    r = client.post(
        "/api/v1/foi/staff/applications",
        {**reg, "channel": "in_person"},
        content_type="application/json",
        **bearer(world.handler_a),
    )
    assert r.status_code == 201, r.content
    return str(r.json()["number"])


@pytest.mark.parametrize(
    ("dates", "field", "text"),
    [
        ({"submitted_on": "2001-06-01"}, "submitted_on", "提交/寄出日期超出范围"),
        ({"submitted_on": "1999-12-31"}, "submitted_on", "提交/寄出日期超出范围"),
        ({"submitted_on": "0001-01-01"}, "submitted_on", "提交/寄出日期超出范围"),
        ({"confirmed_on": "2003-12-31"}, "confirmed_on", "签收/确认收到日期超出范围"),
        (
            {
                "channel": "registered_post",
                "submitted_on": "2001-06-01",
                "confirmed_on": "2026-02-05",
            },
            "submitted_on",
            "提交/寄出日期超出范围",
        ),
    ],
)
def test_register_dated_before_the_calendar_is_a_chinese_400(
    world: Any, client: Client, frozen: Any, dates: dict[str, str], field: str, text: str
) -> None:
    frozen(D(2026, 2, 5))
    reg = {k: v for k, v in payload(world).items() if k != "idempotency_key"}
    r = client.post(
        "/api/v1/foi/staff/applications",
        {**reg, "channel": "in_person", **dates},
        content_type="application/json",
        **bearer(world.handler_a),
    )
    assert r.status_code == 400, r.content
    assert r.json()["detail"] == f"{text}：只能填写 2004—2100 年的日期。"
    assert Application.objects.count() == 0


def test_review_decided_in_the_future_is_refused(world: Any, client: Client, frozen: Any) -> None:
    frozen(D(2026, 2, 5))
    number = _registered(world, client)
    base = f"/api/v1/foi/staff/applications/{number}/review-cases"
    head = bearer(world.head_a)
    r = client.post(
        base,
        {
            "kind": "reconsideration",
            "filed_on": "2026-02-05",
            "decided_on": "9999-12-31",
            "result": "upheld",
        },
        content_type="application/json",
        **head,
    )
    assert r.status_code == 400 and r.json()["detail"] == "决定日期不能晚于今天。"
    case = client.post(
        base,
        {"kind": "reconsideration", "filed_on": "2026-02-05"},
        content_type="application/json",
        **head,
    ).json()
    r = client.post(
        f"{base}/{case['id']}/decide",
        {"result": "upheld", "decided_on": "9999-12-31"},
        content_type="application/json",
        **head,
    )
    assert r.status_code == 400 and r.json()["detail"] == "决定日期不能晚于今天。"


@pytest.mark.parametrize(
    ("who", "username", "status", "detail"),
    [
        # Those who may not assign learn nothing about usernames: the same 404 either way.
        ("handler_b", "nobody", 404, "未找到。"),
        ("handler_b", "handler_a", 404, "未找到。"),
        ("county_supervisor", "nobody", 404, "未找到。"),
        ("county_supervisor", "handler_a", 404, "未找到。"),
        ("admin", "nobody", 404, "未找到。"),
        # The head may assign: an unknown username is answered as one outside the body.
        ("head_a", "nobody", 400, "只能分配给本机关的承办人或负责人。"),
        ("head_a", "handler_b", 400, "只能分配给本机关的承办人或负责人。"),
    ],
)
def test_assign_does_not_reveal_which_usernames_exist(
    world: Any, client: Client, frozen: Any, who: str, username: str, status: int, detail: str
) -> None:
    frozen(D(2026, 2, 5))
    r = client.post("/api/v1/foi/applications", payload(world), content_type="application/json")
    number = r.json()["number"]
    r = client.post(
        f"/api/v1/foi/staff/applications/{number}/assign",
        {"handler": username},
        content_type="application/json",
        **bearer(getattr(world, who)),
    )
    assert (r.status_code, r.json()["detail"]) == (status, detail)
    assert Application.objects.get(number=number).handler is None


@pytest.mark.parametrize("who", ["county_supervisor", "admin", "handler_b"])
def test_close_is_404_for_read_only_tokens_whatever_the_state(
    world: Any, client: Client, frozen: Any, who: str
) -> None:
    frozen(D(2026, 2, 5))
    r = client.post("/api/v1/foi/applications", payload(world), content_type="application/json")
    number = r.json()["number"]
    r = client.post(
        f"/api/v1/foi/staff/applications/{number}/close",
        {},
        content_type="application/json",
        **bearer(getattr(world, who)),
    )
    assert (r.status_code, r.json()) == (404, {"detail": "未找到。"})
