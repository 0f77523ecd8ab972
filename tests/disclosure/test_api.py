"""JSON API: public list/detail over publications_public() only; staff API with Bearer tokens
through the same services and permissions (editor of body A cannot touch body B: 404)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from tests.conftest import World
from tests.disclosure.conftest import make_pub, publish
from yangguang.disclosure import services
from yangguang.disclosure.models import Publication, State
from yangguang.orgs.tokens import token_issue

pytestmark = pytest.mark.django_db


def bearer(user: object) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user).secret}"}  # type: ignore[arg-type]


def test_public_list_and_detail(world: World) -> None:
    shown = publish(world, make_pub(world, title="公开的通知"))
    make_pub(world, title="草稿")
    c = Client()
    r = c.get("/api/v1/publications", {"body": world.body_a.credit_code})
    assert r.status_code == 200
    body = r.json()
    assert [i["title"] for i in body["items"]] == ["公开的通知"]
    assert body["items"][0]["index_number"] == shown.index_number
    r = c.get(f"/api/v1/publications/{shown.index_number}")
    assert r.status_code == 200 and r.json()["title"] == "公开的通知"
    assert r.json()["validity"] == "有效"
    draft = Publication.objects.get(title="草稿")
    assert c.get(f"/api/v1/publications/{draft.index_number}").json() == {"detail": "未找到。"}
    assert c.get("/api/v1/publications", {"page_size": 1000}).status_code == 422
    assert c.get("/api/v1/publications", {"year": "2019"}).json()["items"] == []


def test_staff_workflow_over_api(world: World) -> None:
    ed, rv = bearer(world.editor_a), bearer(world.reviewer_a)
    c = Client()
    r = c.post(
        "/api/v1/staff/publications",
        {
            "body": world.body_a.credit_code,
            "title": "关于公布2026年就业见习基地的通知",
            "written_on": "2026-03-02",
            "doc_number": "示人社发〔2026〕12号",
            "theme": "15",
            "body_html": "<p>正文<script>x</script></p>",
        },
        content_type="application/json",
        **ed,
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["state"] == "draft" and r.json()["theme"] == "劳动、人事、监察"
    r = c.patch(
        f"/api/v1/staff/publications/{pk}",
        {"summary": "概述"},
        content_type="application/json",
        **ed,
    )
    assert r.status_code == 200 and r.json()["summary"] == "概述"
    assert c.post(f"/api/v1/staff/publications/{pk}/submit", **ed).json()["state"] == "submitted"
    # the editor may not approve
    assert c.post(f"/api/v1/staff/publications/{pk}/approve", **ed).status_code == 404
    r = c.post(
        f"/api/v1/staff/publications/{pk}/return",
        {"reason": ""},
        content_type="application/json",
        **rv,
    )
    assert r.status_code == 400 and "理由" in r.json()["detail"]
    assert c.post(f"/api/v1/staff/publications/{pk}/approve", **rv).json()["state"] == "approved"
    r = c.post(
        f"/api/v1/staff/publications/{pk}/publish", {}, content_type="application/json", **rv
    )
    assert r.json()["state"] == "published"
    r = c.post(
        f"/api/v1/staff/publications/{pk}/withdraw",
        {"reason": "重复发布"},
        content_type="application/json",
        **rv,
    )
    assert r.json()["state"] == "withdrawn"
    # illegal: publishing a withdrawn document
    r = c.post(
        f"/api/v1/staff/publications/{pk}/publish", {}, content_type="application/json", **rv
    )
    assert r.status_code == 400
    assert Publication.objects.get(pk=pk).state == State.WITHDRAWN
    # The public API says it was withdrawn (410), not what it was or why.
    index_number = Publication.objects.get(pk=pk).index_number
    r = c.get(f"/api/v1/publications/{index_number}")
    assert r.status_code == 410
    assert "撤回" in r.json()["detail"] and world.body_a.name in r.json()["detail"]
    assert "重复发布" not in r.content.decode()
    assert c.get(f"/api/v1/publications/{index_number}X").status_code == 404


def test_staff_api_cannot_touch_other_body(world: World, editor_b: object) -> None:
    pub = make_pub(world)
    c = Client()
    eb = bearer(editor_b)
    assert c.get(f"/api/v1/staff/publications/{pub.pk}", **eb).status_code == 404
    r = c.patch(
        f"/api/v1/staff/publications/{pub.pk}",
        {"title": "改"},
        content_type="application/json",
        **eb,
    )
    assert r.status_code == 404
    r = c.post(
        "/api/v1/staff/publications",
        {"body": world.body_a.credit_code, "title": "x", "written_on": "2026-03-02"},
        content_type="application/json",
        **eb,
    )
    assert r.status_code == 404
    assert c.get(f"/api/v1/staff/publications/{pub.pk}").status_code == 401
    assert (
        c.get(f"/api/v1/staff/publications/{pub.pk}", HTTP_AUTHORIZATION="Bearer nope").status_code
        == 401
    )


def test_staff_api_bad_input(world: World) -> None:
    c = Client()
    r = c.post(
        "/api/v1/staff/publications",
        {"body": world.body_a.credit_code, "title": "x", "written_on": str(dt.date(2999, 1, 1))},
        content_type="application/json",
        **bearer(world.editor_a),
    )
    assert r.status_code == 400 and "成文日期" in r.json()["detail"]
    r = c.post(
        "/api/v1/staff/publications",
        {
            "body": world.body_a.credit_code,
            "title": "x",
            "written_on": "2026-01-05",
            "category": 999999,
        },
        content_type="application/json",
        **bearer(world.editor_a),
    )
    assert r.status_code == 400 and "公开目录" in r.json()["detail"]
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    ("at", "state"),
    [
        ("9999-12-31T23:59:59-12:00", None),  # was an OverflowError storing it (500)
        ("9999-12-31T23:59:59", None),  # was accepted
        ("2027-03-12T09:00:00+08:00", None),  # just over a year ahead
        ("2027-03-10T09:00:00+08:00", State.SCHEDULED),  # within a year
        ("2020-01-01T10:00:00", State.PUBLISHED),  # past: published now, as in the console
    ],
)
def test_staff_publish_schedule_range(world: World, at: str, state: State | None) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 10, 1, 0, tzinfo=dt.UTC), tick=False):
        pub = make_pub(world)
        services.publication_submit(actor=world.editor_a, publication=pub)
        services.publication_approve(actor=world.reviewer_a, publication=pub)
        r = Client().post(
            f"/api/v1/staff/publications/{pub.pk}/publish",
            {"at": at},
            content_type="application/json",
            **bearer(world.reviewer_a),
        )
    pub.refresh_from_db()
    if state is None:
        assert r.status_code == 400, r.content
        assert r.json()["detail"] == "定时发布时间不能晚于一年以后（2027-03-11 09:00）。"
        assert pub.state == State.APPROVED and pub.scheduled_at is None
    else:
        assert r.status_code == 200, r.content
        assert pub.state == state


@pytest.mark.parametrize(
    ("linked", "status"),
    [
        ("missing", 400),
        ("other_draft", 400),  # same answer as a missing number: its existence is not told
        ("other_published", 201),
        ("own_draft", 201),
    ],
)
def test_staff_create_interprets_does_not_reveal_other_bodies_drafts(
    world: World, editor_b: object, linked: str, status: int
) -> None:
    drafts = {
        "other_draft": make_pub(world, title="甲机构草稿"),
        "other_published": publish(world, make_pub(world, title="甲机构已公开文件")),
        "own_draft": make_pub(world, body=world.body_b, actor=editor_b, title="乙机构草稿"),
    }
    number = drafts[linked].index_number if linked in drafts else "000000000-0000-00-0000"
    r = Client().post(
        "/api/v1/staff/publications",
        {
            "body": world.body_b.credit_code,
            "title": "关于《办法》的政策解读",
            "written_on": "2026-03-02",
            "interprets": [number],
        },
        content_type="application/json",
        **bearer(editor_b),
    )
    assert r.status_code == status, r.content
    if status == 400:
        assert r.json() == {"detail": f"找不到索引号为 {number} 的文件。"}
        assert not Publication.objects.filter(body=world.body_b, title__contains="解读").exists()


@pytest.mark.parametrize("linked", ["missing", "draft"])
def test_staff_create_in_another_body_is_404_before_links_are_looked_up(
    world: World, editor_b: object, linked: str
) -> None:
    draft = make_pub(world)
    number = draft.index_number if linked == "draft" else "000000000-0000-00-0000"
    r = Client().post(
        "/api/v1/staff/publications",
        {
            "body": world.body_a.credit_code,
            "title": "x",
            "written_on": "2026-03-02",
            "interprets": [number],
        },
        content_type="application/json",
        **bearer(editor_b),
    )
    assert (r.status_code, r.json()) == (404, {"detail": "未找到。"})


def test_openapi_lists_disclosure_paths(db: None) -> None:
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/publications" in paths
    assert any(p.startswith("/api/v1/publications/{") for p in paths)
    assert "/api/v1/staff/publications/{pk}/approve" in paths


def test_a_bodys_catalogue_gives_the_ids_the_staff_api_takes(world: World) -> None:
    """POST /api/v1/staff/publications takes `category` as a node ID; the catalogue lists them
    (public: the portal shows the same tree)."""
    from yangguang.disclosure import services

    services.catalogue_ensure(world.body_a)
    c = Client()
    nodes = c.get(f"/api/v1/bodies/{world.body_a.credit_code.lower()}/catalogue").json()
    by_path = {n["path"]: n for n in nodes}
    rules = by_path["政策文件 / 规章"]
    assert rules["parent_id"] == by_path["政策文件"]["id"]
    created = c.post(
        "/api/v1/staff/publications",
        {
            "body": world.body_a.credit_code,
            "title": "关于规章的通知",
            "written_on": "2026-01-05",
            "category": rules["id"],
        },
        content_type="application/json",
        **bearer(world.editor_a),
    )
    assert created.status_code == 201, created.content
    assert created.json()["category"] == "规章"
    assert c.get("/api/v1/bodies/91370000000000000X/catalogue").status_code == 404
