"""撤回申请 online: on the tracking page (number + query code proved in the session) and through
the public API. The applicant's request proposes 其他处理 3 (annual report 三（六）3 “其他”,
国办公开办函〔2021〕30号); the body confirms it with 确认办结, as it confirms a lapse
(条例第三十条、第四十二条 → 其他处理 1 / 2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.foi.conftest import person
from yangguang.core.models import AuditEvent
from yangguang.foi import services as s
from yangguang.foi.models import Application, EventKind, State

D = dt.date


@pytest.fixture
def registered(world: Any, frozen: Any) -> tuple[Application, str]:
    frozen(D(2026, 2, 5))
    res = s.application_register(
        actor=world.head_a,
        body=world.body_a,
        data=person(),
        channel="in_person",
        today=D(2026, 2, 5),
    )
    assert res.code
    return res.application, res.code


def _tracked_client(client: Client, app: Application, code: str) -> Client:
    assert client.post("/foi/track/", {"number": app.number, "code": code}).status_code == 302
    return client


def test_withdraw_needs_the_query_code_in_this_session(
    registered: tuple[Application, str], client: Client
) -> None:
    app, _ = registered
    missing = client.post("/foi/track/NOPE/withdraw/", {"confirm": "on"})
    forbidden = client.post(f"/foi/track/{app.number}/withdraw/", {"confirm": "on"})
    assert missing.status_code == forbidden.status_code == 404  # same for missing and forbidden
    assert client.get(f"/foi/track/{app.number}/withdraw/").status_code in (404, 405)
    app.refresh_from_db()
    assert app.proposed_outcome == ""


def test_withdraw_on_the_tracking_page_proposes_other_3(
    registered: tuple[Application, str], client: Client, world: Any
) -> None:
    app, code = registered
    c = _tracked_client(client, app, code)
    page = c.get(f"/foi/track/{app.number}/").content.decode()
    assert 'id="withdraw"' in page and "提交撤回</button>" in page

    # Without the confirmation: a Chinese error on the page, what was typed kept, nothing done.
    r = c.post(f"/foi/track/{app.number}/withdraw/", {"reason": "已从别处取得"})
    html = r.content.decode()
    assert r.status_code == 400 and "请勾选确认后再提交撤回" in html and "已从别处取得" in html
    app.refresh_from_db()
    assert app.proposed_outcome == ""

    r = c.post(f"/foi/track/{app.number}/withdraw/", {"confirm": "on", "reason": "已从别处取得"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert (app.proposed_outcome, app.state) == ("other_3", State.RECEIVED)
    event = app.events.get(kind=EventKind.WITHDRAWN)
    assert event.public and event.actor is None and event.actor_name == s.APPLICANT_ONLINE
    assert "已从别处取得" in event.reason
    audit = AuditEvent.objects.get(action="foi.application.withdraw_request")
    assert audit.actor is None and audit.actor_name == s.APPLICANT_ONLINE
    assert audit.object_id == str(app.pk) and audit.body == world.body_a
    assert audit.changes["proposed_outcome"] == ["", "other_3"]
    after = c.get(f"/foi/track/{app.number}/").content.decode()
    assert "您已申请撤回" in after and 'id="withdraw"' not in after and "申请人撤回" in after

    # Asking again changes nothing.
    assert c.post(f"/foi/track/{app.number}/withdraw/", {"confirm": "on"}).status_code == 302
    assert app.events.filter(kind=EventKind.WITHDRAWN).count() == 1
    assert AuditEvent.objects.filter(action="foi.application.withdraw_request").count() == 1

    # The handler sees it and confirms: the application ends as 其他处理 3.
    c.force_login(world.head_a)
    console = c.get(f"/console/foi/{app.pk}/").content.decode()
    assert "申请人已在网上申请撤回" in console
    s.application_close(actor=world.head_a, application=app)
    app.refresh_from_db()
    assert (app.outcome, app.proposed_outcome) == ("other_3", "")
    assert not app.is_open


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("replied", "已办结，不能撤回"),
        ("lapse_proposed", "已拟办结"),
    ],
)
def test_withdraw_refused_when_closed_or_already_proposed(
    registered: tuple[Application, str], world: Any, frozen: Any, setup: str, message: str
) -> None:
    app, _ = registered
    if setup == "replied":
        s.application_reply(actor=world.head_a, application=app, outcome="disclose")
    else:
        Application.objects.filter(pk=app.pk).update(proposed_outcome="other_1")
    app.refresh_from_db()
    before = (app.state, app.outcome, app.proposed_outcome)
    with pytest.raises(s.FoiError, match=message):
        s.application_withdraw_online(application=app)
    app.refresh_from_db()
    assert (app.state, app.outcome, app.proposed_outcome) == before
    assert not app.events.filter(kind=EventKind.WITHDRAWN).exists()


def test_withdraw_after_the_reply_shows_why_on_the_page(
    registered: tuple[Application, str], client: Client, world: Any
) -> None:
    """Replied between the page load and the click: the refusal is shown, not swallowed."""
    app, code = registered
    c = _tracked_client(client, app, code)
    s.application_reply(actor=world.head_a, application=app, outcome="disclose")
    r = c.post(f"/foi/track/{app.number}/withdraw/", {"confirm": "on"})
    assert r.status_code == 400 and "已办结，不能撤回" in r.content.decode()


def test_withdraw_reason_too_long_is_refused(registered: tuple[Application, str]) -> None:
    app, _ = registered
    with pytest.raises(s.FoiError, match="不能超过 500 字"):
        s.application_withdraw_online(application=app, reason="字" * 501)
    s.application_withdraw_online(application=app, reason="字" * 500)
    app.refresh_from_db()
    assert app.proposed_outcome == "other_3"


def test_withdraw_through_the_public_api(
    registered: tuple[Application, str], client: Client
) -> None:
    app, code = registered
    url = "/api/v1/foi/track/withdraw"
    wrong = client.post(url, {"number": app.number, "code": "WRONG123"}, "application/json")
    assert wrong.status_code == 404 and "不正确" in wrong.json()["detail"]
    ok = client.post(
        url, {"number": app.number, "code": code, "reason": "不需要了"}, "application/json"
    )
    assert ok.status_code == 200
    body = ok.json()
    assert body["withdrawal_pending"] is True and body["state"] == "received"
    assert any(n["kind"] == "withdrawn" for n in body["notices"])
    assert "王小明" not in ok.content.decode()  # the applicant's name stays masked
    track = client.get("/api/v1/foi/track", {"number": app.number, "code": code}).json()
    assert track["withdrawal_pending"] is True
    bad = client.post(
        url, {"number": app.number, "code": code, "reason": "字" * 501}, "application/json"
    )
    assert bad.status_code == 400 and "500" in bad.json()["detail"]
