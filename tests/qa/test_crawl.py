"""Crawl the whole site over the demo data: no page answers a 500 (project rule: bad input gets a
clear Chinese error and a 4xx, never a 500), for anonymous visitors and for staff, including
malformed query parameters (page=abc, page=², year=abcd, body=unknown, a 10,000-character q,
search operators, impossible dates). Anonymous pages never show a citizen's ID number or phone.
Staff of one body get the same 404 for another body's objects as for missing ones.

One test loads the demo once and crawls as each viewer (the data is rolled back afterwards).
The crawler itself is tests/qa/crawler.py; the live QA run drives the same rules over HTTP.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.test import Client

from tests.qa.crawler import ID_RE, PHONE_RE, Crawl, Reply
from yangguang.disclosure.privacy import is_resident_id
from yangguang.foi.models import Application
from yangguang.orgs.models import Body, Role, RoleAssignment, User

# Budget for the whole crawl (all viewers), so it stays a fast part of `make test`.
TIME_BUDGET_S = 120

# 500s already reported to their owners in notes/QA_FINDINGS.md (finding id in the comment).
# They are reported as warnings, not failures, so `make test` stays green while the owners fix
# them; DELETE an entry once fixed — every other 500 fails this test.
KNOWN_OPEN = []

# A compact set of malformed values (the live QA run uses the full set in crawler.py).
BAD_VALUES = ["abc", "-1", "99999", "9" * 5000, "²", "2026-13-45", "'\" * : ( ) AND NEAR"]
EXTRA_PARAMS = {
    "page": ["abc", "-1", "99999", "9" * 5000, "²"],
    "year": ["abcd", "²⁰²⁶", "99999", "9999", "12"],
    "body": ["unknown", "²"],
    "q": ["政" * 10_000, "'\" * : ( ) AND NEAR"],
    "date": ["2026-13-45"],
    "from": ["2026-13-45"],
}


class ClientAgent:
    def __init__(self, client: Client) -> None:
        self.client = client

    @staticmethod
    def _reply(response) -> Reply:  # type: ignore[no-untyped-def]
        content_type = response.get("Content-Type", "")
        streaming = getattr(response, "streaming", False)
        textual = any(t in content_type for t in ("html", "json", "text", "xml"))
        body = b"" if streaming or not textual else response.content
        return Reply(response.status_code, content_type, body.decode("utf-8", "replace"))

    def get(self, url: str) -> Reply:
        return self._reply(self.client.get(url, follow=True))

    def post(self, url: str, data: dict[str, str | list[str]], files: dict[str, bytes]) -> Reply:
        payload: dict[str, object] = dict(data)
        for name, content in files.items():
            upload = io.BytesIO(content)
            upload.name = "x.xlsx"
            payload[name] = upload
        return self._reply(self.client.post(url, payload))


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch) -> Iterator[None]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "search"))
    settings.YANGGUANG = {**settings.YANGGUANG, "SEARCH_BACKEND": "tantivy"}
    from yangguang.search.backends import reset_backends

    reset_backends()
    call_command("load_demo", stdout=io.StringIO())
    yield
    reset_backends()


def _personal_data() -> set[str]:
    values: set[str] = set()
    for app in Application.objects.filter(applicant_kind="person"):
        values.update(v for v in (app.id_number, app.phone) if v and len(v) >= 7)
    return values


def _crawl(
    client: Client, start: list[str], prefixes=("/",), on_page=None, malformed=True
) -> Crawl:  # type: ignore[no-untyped-def]
    return Crawl(
        ClientAgent(client),
        start,
        max_pages=400,
        per_shape=1,
        prefixes=prefixes,
        only_parametrised=True,
        malformed=malformed,
        post_forms=False,
        on_page=on_page,
        bad_values=BAD_VALUES,
        extra_params=EXTRA_PARAMS,
    ).run()


def _object_urls(body: Body) -> tuple[list[str], list[str]]:
    """GET and POST URLs of one body's publications, applications and annual reports."""
    from yangguang.disclosure.models import Publication
    from yangguang.reports.models import AnnualReport

    gets: list[str] = []
    posts: list[str] = []
    for p in Publication.objects.filter(body=body).order_by("-pk")[:3]:
        gets += [f"/console/disclosure/{p.pk}/", f"/console/disclosure/{p.pk}/edit/"]
        gets += [f"/api/v1/staff/publications/{p.pk}"]
        posts += [f"/console/disclosure/{p.pk}/{a}/" for a in ("submit", "approve", "publish")]
        if p.state != "published":
            gets += [f"/disclosure/doc/{p.index_number}", f"/api/v1/publications/{p.index_number}"]
    for a in Application.objects.filter(body=body).order_by("-pk")[:3]:
        gets += [f"/console/foi/{a.pk}/", f"/console/foi/{a.pk}/reply.docx"]
        gets += [f"/api/v1/foi/staff/applications/{a.number}"]
        posts += [f"/console/foi/{a.pk}/do/{x}/" for x in ("assign", "extend", "close")]
    for r in AnnualReport.objects.filter(body=body)[:2]:
        gets += [f"/console/reports/{r.pk}/"]
        posts += [f"/console/reports/{r.pk}/{x}/" for x in ("finalise", "publish")]
    return gets, posts


def _same_404_for_another_body() -> int:
    """Staff of one body asking for another body's objects get 404, exactly like a missing id
    (DESIGN.md: "the same 404 for missing and not yours"); their POSTs change nothing."""
    from yangguang.orgs.tokens import token_issue

    home = RoleAssignment.objects.filter(user__username="demo_handler").first().body  # type: ignore[union-attr]
    other_ids = set(
        Application.objects.exclude(body=home).values_list("body_id", flat=True).distinct()
    )
    other = Body.objects.filter(pk__in=other_ids).order_by("pk").first()
    assert home and other
    outsider = User.objects.create_user(username="qa_outsider", password="Qa-outsider-2026")
    for role in (Role.EDITOR, Role.REVIEWER, Role.INTAKE, Role.HANDLER, Role.HEAD):
        RoleAssignment.objects.create(user=outsider, role=role, body=other)
    checked = 0
    for viewer, target in ((outsider, home), (User.objects.get(username="demo_handler"), other)):
        token = token_issue(user=viewer, name="qa").secret
        client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}")
        client.force_login(viewer)
        gets, posts = _object_urls(target)
        gets += ["/console/disclosure/99999999/", "/console/foi/99999999/"]
        before = list(Application.objects.filter(body=target).values_list("pk", "state"))
        for url in gets:
            assert client.get(url).status_code == 404, (viewer.username, url)
        for url in posts:
            assert client.post(url, {"reason": "x"}).status_code == 404, (viewer.username, url)
        assert list(Application.objects.filter(body=target).values_list("pk", "state")) == before
        checked += len(gets) + len(posts)
    return checked


def _console_crawl(username: str, start: str, covered: dict[str, int]) -> Crawl:
    """Crawl the console from `start` logged in as `username`, skipping shapes in `covered`."""
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    return Crawl(
        ClientAgent(client),
        [start],
        max_pages=150,
        per_shape=1,
        prefixes=(start,),
        only_parametrised=True,
        bad_values=BAD_VALUES,
        extra_params=EXTRA_PARAMS,
        shapes={k: 1 for k in covered if k != start},
        post_forms=True,
        junk_values=["²", "9" * 5000, "1" + "0" * 24],
    ).run()


def test_no_page_answers_a_500_and_anonymous_pages_show_no_personal_data(demo) -> None:
    started = time.monotonic()
    personal = _personal_data()
    assert personal, "the demo should contain citizens' applications"
    leaks: list[tuple[str, str]] = []

    def no_personal_data(url: str, reply: Reply) -> None:
        found = [i for i in ID_RE.findall(reply.text) if is_resident_id(i)]
        found += PHONE_RE.findall(reply.text)
        found += [v for v in personal if v in reply.text]
        leaks.extend((url, value) for value in found)

    anonymous = _crawl(
        Client(raise_request_exception=False),
        ["/", "/foi/track/", "/api/v1/publications"],
        on_page=no_personal_data,
    )

    # Every console form once empty and once with junk in every field: a 4xx/redisplay, never a
    # 500. Each later role crawls only the page shapes the earlier ones did not cover.
    staff = _console_crawl("demo_handler", "/console/", {})
    # The administrator sees the console pages a handler does not (regions, bodies, calendar,
    # audit, every body's queues).
    admin = _console_crawl("demo_admin", "/console/", staff.shapes)
    # The editor: the publication forms (new/edit, catalogue) only editors get.
    editor = _console_crawl("demo_editor", "/console/disclosure/", {**staff.shapes, **admin.shapes})
    print(  # shown with -s: how much the crawl covered
        f"anonymous {len(anonymous.seen)} pages/{anonymous.requests} requests, "
        f"handler {len(staff.seen)}/{staff.requests}, admin {len(admin.seen)}/{admin.requests}, "
        f"editor {len(editor.seen)}/{editor.requests}"
    )

    # Same demo, one load: the "same 404" rule across bodies.
    assert _same_404_for_another_body() >= 40

    failures, known = [], []
    for f in anonymous.failures + staff.failures + admin.failures + editor.failures:
        (known if any(k.search(unquote(f.url)) for k in KNOWN_OPEN) else failures).append(f)
    if known:
        urls = ", ".join(sorted({unquote(f.url)[:80] for f in known}))
        warnings.warn(f"{len(known)} known open 500s (notes/QA_FINDINGS.md): {urls}", stacklevel=1)
    assert not failures, "\n".join(f"{f.method} {f.url[:200]} → {f.status}" for f in failures)
    assert not leaks, leaks[:20]
    # The crawl really went through the site (guards against a crawler that finds nothing).
    assert len(anonymous.seen) >= 20 and len(staff.seen) >= 10
    assert time.monotonic() - started < TIME_BUDGET_S, (
        f"{anonymous.requests + staff.requests + admin.requests + editor.requests} requests took too long"
    )
