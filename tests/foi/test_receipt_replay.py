"""Online application receipts survive double clicks and retries (依申请公开).

Rules protected:
- DOMAIN.md §3 / 条例 Art. 31: for an online application, the receipt the system shows is the
  confirmation of receipt. The applicant follows the application with number and query code, so
  every response to one submission must lead to a receipt whose code works.
- The project's rule that a citizen never loses what they submitted. A refused submission keeps
  what was typed, and one more click submits it.
- The query code is shown once per session and stored only as a hash (core.tracking). A token
  or idempotency key held by someone else reveals nothing about the application it names.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.models import Session
from django.db import connections
from django.test import Client

from tests.foi.conftest import VALID_ID_2, person
from tests.foi.test_api import payload as api_payload
from tests.foi.test_views import form_data
from yangguang.core.tracking import CODE_ALPHABET, CODE_LENGTH, verify_ticket
from yangguang.foi import services as svc
from yangguang.foi.forms import STALE_FORM
from yangguang.foi.models import Application
from yangguang.foi.online import (
    API_KEY_MIN_REPLAY,
    OnlineSubmission,
    derive_code,
    form_token_bound,
    form_token_issued,
    new_form_token,
    receipt_id,
)
from yangguang.foi.views import REPLAY_REFUSED

D = dt.date
APPLY = "/foi/apply/"
CODE_RE = re.compile(r'id="query-code">([A-Z0-9]+)<')
TOKEN_RE = re.compile(r'name="token" value="([0-9a-f]*)"')


# ---------------------------------------------------------------------------------------------
# helpers


def open_form(client: Client) -> str:
    """GET the form as a browser does; the token it carries."""
    page = client.get(APPLY)
    assert page.status_code == 200
    return token_in(page.content.decode())


def token_in(html: str) -> str:
    m = TOKEN_RE.search(html)
    assert m is not None, "the form carries a token"
    return m.group(1)


def shown_code(html: str) -> str | None:
    m = CODE_RE.search(html)
    return m.group(1) if m else None


def session_data(client: Client) -> dict[str, Any]:
    return dict(client.session.items())


def put_session(client: Client, data: dict[str, Any]) -> None:
    """Overwrite the stored session, as a concurrent request's later save would."""
    store = client.session
    store.clear()
    store.update(data)
    store.save()


def tracks(number: str, code: str) -> bool:
    """Does number + code open the tracking page (a fresh browser, as the applicant later)?"""
    c = Client()
    r = c.post("/foi/track/", {"number": number, "code": code})
    return r.status_code == 302 and c.get(r["Location"]).status_code == 200


def every_session_text(*, but: str | None = None) -> str:
    """Everything the session table holds (except the session `but`)."""
    rows = Session.objects.exclude(session_key=but or "")
    return "\n".join(repr(s.get_decoded()) for s in rows)


# ---------------------------------------------------------------------------------------------
# the double click / retry race on the web form

SEQUENTIAL = "sequential: the second request loaded the session after the first saved"
SECOND_WINS = "stale: both loaded the session first, the replay's save lands last"
FIRST_WINS = "stale: both loaded the session first, the creation's save lands last"


@pytest.mark.parametrize("race", [SEQUENTIAL, SECOND_WINS, FIRST_WINS])
def test_double_submit_every_response_leads_to_a_working_code(
    world: Any, client: Client, frozen: Any, race: str
) -> None:
    """Double click or network retry: the browser follows the second response. Whichever
    session save wins, its receipt shows the one query code, and the code opens tracking."""
    frozen(D(2026, 2, 5))
    token = open_form(client)
    before = session_data(client)
    r1 = client.post(APPLY, form_data(world, token=token))
    after_first = session_data(client)
    if race in (SECOND_WINS, FIRST_WINS):
        put_session(client, before)  # the second request loaded the session before r1 saved
    r2 = client.post(APPLY, form_data(world, token=token))
    if race == FIRST_WINS:
        put_session(client, after_first)
    assert r1.status_code == r2.status_code == 302
    assert r1["Location"] == r2["Location"]
    app = Application.objects.get()  # one application, not two

    html = client.get(r2["Location"]).content.decode()
    code = shown_code(html)
    assert app.number in html
    assert code is not None, "the receipt must show the query code"
    assert tracks(app.number, code)
    # Still shown once per session.
    again = client.get(r2["Location"]).content.decode()
    assert app.number in again and shown_code(again) is None


def test_retry_after_the_receipt_was_shown_does_not_show_it_again(
    world: Any, client: Client, frozen: Any
) -> None:
    """Decision: once per session. A resubmission after the receipt was shown (back button,
    'confirm form resubmission') leads to the receipt without the code. The code shown the
    first time is the same code and still works."""
    frozen(D(2026, 2, 5))
    token = open_form(client)
    r1 = client.post(APPLY, form_data(world, token=token))
    code = shown_code(client.get(r1["Location"]).content.decode())
    assert code is not None

    r2 = client.post(APPLY, form_data(world, token=token))
    assert r2.status_code == 302 and r2["Location"] == r1["Location"]
    html = client.get(r2["Location"]).content.decode()
    app = Application.objects.get()
    assert app.number in html and shown_code(html) is None and code not in html
    assert "只在首次提交时显示一次" in html
    assert tracks(app.number, code)


def test_receipt_is_not_cached_and_its_url_does_not_carry_the_token(
    world: Any, client: Client, frozen: Any
) -> None:
    """The token is the code's secret. It stays out of browser history and access logs, and
    the one-time page stays out of caches."""
    frozen(D(2026, 2, 5))
    token = open_form(client)
    r = client.post(APPLY, form_data(world, token=token))
    assert token not in r["Location"] and receipt_id(token) in r["Location"]
    page = client.get(r["Location"])
    assert "no-store" in page["Cache-Control"]


# ---------------------------------------------------------------------------------------------
# tokens that do not belong to the request

OTHER_BROWSER_SAME_DATA = "another browser, the victim's exact data"
OTHER_BROWSER_OWN_DATA = "another browser, its own data"
NO_SESSION = "no session cookie at all, the victim's exact data"


@pytest.mark.parametrize("who", [OTHER_BROWSER_SAME_DATA, OTHER_BROWSER_OWN_DATA, NO_SESSION])
def test_someone_elses_token_reveals_nothing(
    world: Any, client: Client, frozen: Any, who: str
) -> None:
    """A token seen over a shoulder, in a log or in a shared browser does not return the
    victim's number or code. The answer is the same whether or not the data matched."""
    frozen(D(2026, 2, 5))
    token = open_form(client)
    r = client.post(APPLY, form_data(world, token=token))
    victim = Application.objects.get()
    victim_code = shown_code(client.get(r["Location"]).content.decode())
    assert victim_code is not None

    other = Client()
    if who != NO_SESSION:
        open_form(other)  # a session of its own, with its own token
    data = form_data(world, token=token)
    if who == OTHER_BROWSER_OWN_DATA:
        data |= {"applicant_name": "李四", "id_number": VALID_ID_2}
    refused = other.post(APPLY, data)

    html = refused.content.decode()
    assert refused.status_code == 200
    assert REPLAY_REFUSED in html
    assert victim.number not in html and victim_code not in html
    assert victim.number not in every_session_text(but=client.session.session_key)
    assert other.get(r["Location"]).status_code == 404
    assert Application.objects.count() == 1
    # What they typed is kept, with a fresh token issued to their own session. One more click
    # submits it as a new application of their own.
    assert data["applicant_name"] in html
    fresh = token_in(html)
    assert fresh != token and form_token_bound(fresh, other.session.session_key)
    again = other.post(APPLY, {**data, "token": fresh})
    assert again.status_code == 302
    own = Application.objects.exclude(pk=victim.pk).get()
    own_code = shown_code(other.get(again["Location"]).content.decode())
    assert own_code is not None and own_code != victim_code
    assert tracks(own.number, own_code) and not tracks(victim.number, own_code)


def test_a_form_edited_after_submission_is_not_swapped_for_the_first(
    world: Any, client: Client, frozen: Any
) -> None:
    """Same browser, same token, other text (back button, edit, submit). The edit must not be
    silently dropped in favour of the first application."""
    frozen(D(2026, 2, 5))
    token = open_form(client)
    first = client.post(APPLY, form_data(world, token=token))
    edited = form_data(
        world, token=token, description="请公开 2024 年度城乡居民医疗保险基金收支情况"
    )
    r = client.post(APPLY, edited)
    html = r.content.decode()
    assert r.status_code == 200 and REPLAY_REFUSED in html
    assert "2024 年度城乡居民医疗保险" in html  # kept
    assert Application.objects.count() == 1
    again = client.post(APPLY, {**edited, "token": token_in(html)})
    assert again.status_code == 302 and again["Location"] != first["Location"]
    assert Application.objects.count() == 2
    second = Application.objects.get(description__contains="2024")
    assert shown_code(client.get(again["Location"]).content.decode()) is not None
    assert second.number in client.get(again["Location"]).content.decode()


NOT_ISSUED = {
    "missing": lambda issued: "",
    "the old test placeholder": lambda issued: "t" * 32,
    "old-style uuid4 hex": lambda issued: uuid.uuid4().hex,
    "64 random hex, not issued here": lambda issued: secrets.token_hex(32),
    "issued token, uppercased": lambda issued: issued.upper(),
    # Break the issued MAC (characters 32..47) and keep the rest.
    "issued token, one MAC character changed": lambda issued: (
        issued[:40] + ("0" if issued[40] != "0" else "1") + issued[41:]
    ),
}


@pytest.mark.parametrize("label", NOT_ISSUED)
def test_a_token_the_server_did_not_issue_is_refused_keeping_the_data(
    world: Any, client: Client, frozen: Any, label: str
) -> None:
    """A client cannot choose its own token (and so cannot aim at someone else's key)."""
    frozen(D(2026, 2, 5))
    token = NOT_ISSUED[label](open_form(client))
    r = client.post(APPLY, form_data(world, token=token))
    html = r.content.decode()
    assert r.status_code == 200 and STALE_FORM in html, label
    assert "王小明" in html and Application.objects.count() == 0
    fresh = token_in(html)
    assert form_token_bound(fresh, client.session.session_key)
    ok = client.post(APPLY, form_data(world, token=fresh))
    assert ok.status_code == 302 and Application.objects.count() == 1


def test_first_submission_after_the_session_expired_still_gets_its_code(
    world: Any, client: Client, frozen: Any
) -> None:
    """A long form outlives the 30-minute idle session. The token is still one the server
    issued, so the first submission goes through and the new session gets the receipt."""
    frozen(D(2026, 2, 5))
    token = open_form(client)
    Session.objects.all().delete()  # expired and cleaned up; the browser still sends its cookie
    r = client.post(APPLY, form_data(world, token=token))
    assert r.status_code == 302
    app = Application.objects.get()
    code = shown_code(client.get(r["Location"]).content.decode())
    assert code is not None and tracks(app.number, code)


# ---------------------------------------------------------------------------------------------
# storage


def test_the_code_is_stored_only_as_its_hash(world: Any, client: Client, frozen: Any) -> None:
    """Not in the Application row or the ticket, nor in any session row, before or after the
    receipt. The token (the code's secret) is not in the Application row either."""
    frozen(D(2026, 2, 5))
    token = open_form(client)
    r = client.post(APPLY, form_data(world, token=token))
    app = Application.objects.select_related("ticket").get()
    code = OnlineSubmission("web", token, may_reveal=True).code
    row = repr(Application.objects.filter(pk=app.pk).values().get())
    assert code not in row and token[:16] not in row  # not even the token's random part
    assert app.idempotency_key and app.idempotency_key.startswith("web:")
    assert code not in repr(type(app.ticket).objects.filter(pk=app.ticket.pk).values().get())
    assert app.ticket.code_hash != code and check_password(code, app.ticket.code_hash)
    assert code not in every_session_text()

    assert shown_code(client.get(r["Location"]).content.decode()) == code
    assert code not in every_session_text() and token not in every_session_text()


# ---------------------------------------------------------------------------------------------
# the service: the race itself, and derivation


def test_service_insert_race_returns_the_same_code(
    world: Any, frozen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second request misses the first's row in its pre-check and loses on the unique key
    (IntegrityError). It must still return the first application with the same code."""
    frozen(D(2026, 2, 5))
    sub = OnlineSubmission("web", new_form_token("s" * 32), may_reveal=True)
    first = svc.application_submit_online(body=world.body_a, data=person(), submission=sub)
    real, calls = svc._by_key, []

    def blind_once(key: str) -> Application | None:
        calls.append(key)
        return None if len(calls) == 1 else real(key)

    monkeypatch.setattr(svc, "_by_key", blind_once)
    second = svc.application_submit_online(body=world.body_a, data=person(), submission=sub)
    assert len(calls) == 2  # pre-check (blind), then the lookup after the IntegrityError
    assert second.replay and second.application.pk == first.application.pk
    assert second.code == first.code and first.code is not None
    assert verify_ticket(first.application.number, first.code) is not None
    assert Application.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_of_one_form_make_one_application_with_one_code(
    world: Any,
) -> None:
    """Real threads, released together: one application, the same number and code for all."""
    sub = OnlineSubmission("web", new_form_token("s" * 32), may_reveal=True)
    n = 4
    barrier = threading.Barrier(n, timeout=60)

    def submit(_: int) -> tuple[str, str | None]:
        try:
            barrier.wait()
            res = svc.application_submit_online(
                body=world.body_a, data=person(), submission=sub, today=D(2026, 2, 5)
            )
            return res.application.number, res.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(submit, range(n)))
    assert Application.objects.count() == 1
    assert len(set(results)) == 1
    number, code = results[0]
    assert code is not None and verify_ticket(number, code) is not None


def test_codes_and_keys_are_derived_per_secret_and_channel() -> None:
    session = "k" * 32
    token = new_form_token(session)
    web = OnlineSubmission("web", token, may_reveal=True)
    api = OnlineSubmission("api", token, may_reveal=True)
    other = OnlineSubmission("web", new_form_token(session), may_reveal=True)
    assert web.code == derive_code("web", token) == OnlineSubmission("web", token, False).code
    assert len(web.code) == CODE_LENGTH and set(web.code) <= set(CODE_ALPHABET)
    assert len({web.code, api.code, other.code}) == 3
    assert len({web.idempotency_key, api.idempotency_key, other.idempotency_key}) == 3
    assert len(web.idempotency_key) <= 64 and token not in web.idempotency_key
    assert form_token_issued(token) and form_token_bound(token, session)
    assert not form_token_bound(token, "x" * 32) and not form_token_bound(token, None)


# ---------------------------------------------------------------------------------------------
# the public API has the same race (a retry after a lost response)

LONG_KEY = "8f14e45f-ceea-467f-a0e6-3c5b2f1d9a77"


@pytest.mark.parametrize(
    ("key", "retry_over", "status", "same_code"),
    [
        (LONG_KEY, {}, 201, True),  # the retry gets the same working code
        ("k1", {}, 201, False),  # a guessable key: the retry gets null, as before
        ("x" * (API_KEY_MIN_REPLAY - 1), {}, 201, False),
        ("x" * API_KEY_MIN_REPLAY, {}, 201, True),
        (LONG_KEY, {"applicant_name": "李四", "id_number": VALID_ID_2}, 409, False),
        ("k1", {"description": "请公开 2024 年度城乡居民医疗保险基金收支情况"}, 409, False),
    ],
)
def test_api_retry_with_the_same_key(
    world: Any,
    client: Client,
    frozen: Any,
    key: str,
    retry_over: dict[str, Any],
    status: int,
    same_code: bool,
) -> None:
    frozen(D(2026, 9, 15))
    url = "/api/v1/foi/applications"
    first = client.post(
        url, api_payload(world, idempotency_key=key), content_type="application/json"
    )
    assert first.status_code == 201
    out = first.json()
    retry = client.post(
        url,
        api_payload(world, idempotency_key=key, **retry_over),
        content_type="application/json",
    )
    assert retry.status_code == status
    assert Application.objects.count() == 1
    if status == 409:
        # Someone else's (or an edited) submission: refused, and nothing about the first.
        assert (
            out["number"] not in retry.content.decode()
            and out["code"] not in retry.content.decode()
        )
        assert "幂等键" in retry.json()["detail"]
        return
    again = retry.json()
    assert again["number"] == out["number"]
    assert again["code"] == (out["code"] if same_code else None)
    t = client.get("/api/v1/foi/track", {"number": out["number"], "code": out["code"]})
    assert t.status_code == 200
    assert key not in Application.objects.get().idempotency_key
