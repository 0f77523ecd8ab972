"""The permission matrix (issue 2, point 4; DOMAIN.md §7 四级联动): roles × actions × (own
body, another body, a body in the supervised subtree, outside the subtree), checked through
`can()`, through the selectors' `visible_bodies_q`, and through real console URLs, where "not
yours" is the same 404 as "missing"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.factories import UserFactory, WindowFactory, grant
from yangguang.core.audit import record
from yangguang.orgs.access import (
    ACTIONS,
    READ_VERBS,
    can,
    get_visible_or_404,
    is_global_admin,
    require,
    visible_bodies_q,
    visible_region_paths,
)
from yangguang.orgs.models import Body, Role, RoleAssignment, User, Window

ACTION_NAMES = [
    "console.view",
    "body.view",
    "body.change",
    "window.view",
    "window.change",
    "staff.view",
    "staff.change",
    "region.view",
    "region.change",
    "audit.view",
    "audit.export",
    "orgs.import",
]
# Targets: bodies and regions of the world fixture; None = "anywhere" (menus, list pages).
TARGETS = ["body_a", "township_body", "body_b", "county", "county2", "township", None]
COUNTY_SUBTREE = {"body_a", "township_body", "county", "township", None}
EVERYTHING = set(TARGETS)
READ_ACTIONS = [a for a in ACTION_NAMES if a.rsplit(".", 1)[1] in READ_VERBS]


def _only(actions: dict[str, set[Any]]) -> dict[str, set[Any]]:
    return {a: actions.get(a, set()) for a in ACTION_NAMES}


# The expected matrix: actor → action → targets on which it is allowed.
MATRIX: dict[str, dict[str, set[Any]]] = {
    # Body roles act on their own body only (not its township, not another county's body).
    "handler_a": _only({a: {"body_a", None} for a in ["console.view", "body.view", "window.view"]}),
    "editor_a": _only({a: {"body_a", None} for a in ["console.view", "body.view", "window.view"]}),
    "head_a": _only(
        {
            a: {"body_a", None}
            for a in ["console.view", "body.view", "window.view", "window.change", "staff.view"]
        }
    ),
    "handler_b": _only({a: {"body_b", None} for a in ["console.view", "body.view", "window.view"]}),
    # A county supervisor reads everything in the county's subtree (incl. the township) and
    # changes nothing anywhere.
    "county_supervisor": _only({a: COUNTY_SUBTREE for a in READ_ACTIONS}),
    # A region-scoped administrator: every administration action, inside the region only.
    "county_admin": _only({a: COUNTY_SUBTREE for a in ACTION_NAMES}),
    # The installation-wide administrator and a superuser: everything.
    "admin": _only({a: EVERYTHING for a in ACTION_NAMES}),
    "superuser": _only({a: EVERYTHING for a in ACTION_NAMES}),
    # Nobody else gets anything.
    "inactive_head": _only({}),
    "no_role": _only({}),
    "anonymous": _only({}),
}


@pytest.fixture
def people(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    inactive = grant(
        UserFactory(username="inactive_head", is_active=False), Role.HEAD, body=world.body_a
    )
    return {
        "handler_a": world.handler_a,
        "editor_a": world.editor_a,
        "head_a": world.head_a,
        "handler_b": world.handler_b,
        "county_supervisor": world.county_supervisor,
        "county_admin": grant(
            UserFactory(username="county_admin"), Role.ADMIN, region=world.county
        ),
        "admin": world.admin,
        "superuser": UserFactory(username="root", is_superuser=True),
        "inactive_head": inactive,
        "no_role": UserFactory(username="no_role"),
        "anonymous": world.anonymous,
    }


@pytest.mark.parametrize("actor", list(MATRIX))
def test_matrix(world, people, actor: str) -> None:
    """One test per person; every (action, target) cell is checked and all wrong cells are
    reported together."""
    wrong = []
    for action in ACTION_NAMES:
        for target in TARGETS:
            obj = getattr(world, target) if target else None
            expected = target in MATRIX[actor][action]
            if can(people[actor], action, obj) is not expected:
                wrong.append(f"{action} on {target}: expected {expected}")
    assert not wrong, wrong


def test_supervisor_changes_nothing_for_any_registered_action(world) -> None:
    """Every action any app registers: supervisors may only use the read verbs."""
    for name in ACTIONS:
        verb = name.rsplit(".", 1)[1]
        for obj in [world.body_a, world.township_body, world.county, None]:
            if verb not in READ_VERBS:
                assert not can(world.county_supervisor, name, obj), name


def test_unknown_action_is_a_programming_error(world) -> None:
    with pytest.raises(KeyError):
        can(world.admin, "body.frobnicate", world.body_a)


def test_objects_are_scoped_by_their_body_or_region(world) -> None:
    window = WindowFactory(body=world.body_a)
    assert can(world.head_a, "window.change", window)
    assert not can(world.head_a, "window.change", WindowFactory(body=world.body_b))
    event = record(actor=world.handler_a, action="x.y", body=world.township_body)
    assert can(world.county_supervisor, "audit.view", event)
    login = record(actor=world.admin, action="auth.login")  # outside any region
    assert not can(world.county_supervisor, "audit.view", login)
    assert can(world.admin, "audit.view", login)
    with pytest.raises(TypeError):
        can(world.admin, "body.view", object())


def test_require_raises_the_same_404_as_missing(world) -> None:
    from django.http import Http404

    with pytest.raises(Http404) as forbidden:
        require(world.handler_a, "body.view", world.body_b)
    with pytest.raises(Http404) as missing:
        get_visible_or_404(Body.objects.all(), world.handler_a, "body.view", pk=0)
    assert str(forbidden.value) == str(missing.value)
    assert get_visible_or_404(Body.objects.all(), world.handler_a, "body.view", pk=world.body_a.pk)


VISIBLE_BODIES = {
    "handler_a": {"body_a"},
    "handler_b": {"body_b"},
    "county_supervisor": {"body_a", "township_body"},
    "county_admin": {"body_a", "township_body"},
    "admin": {"body_a", "body_b", "township_body"},
    "superuser": {"body_a", "body_b", "township_body"},
    "inactive_head": set(),
    "no_role": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize(("actor", "expected"), VISIBLE_BODIES.items())
def test_selectors_return_only_visible_bodies(world, people, actor, expected) -> None:
    names = {n: getattr(world, n).pk for n in ["body_a", "body_b", "township_body"]}
    user = people[actor]
    got = set(Body.objects.filter(visible_bodies_q(user)).values_list("pk", flat=True))
    assert got == {names[n] for n in expected}
    # The same scope through a foreign key, and through a relation chain.
    windows = {n: WindowFactory(body=getattr(world, n)) for n in names}
    got_w = set(
        Window.objects.filter(visible_bodies_q(user, prefix="body")).values_list("pk", flat=True)
    )
    assert got_w == {windows[n].pk for n in expected}
    for n, w in windows.items():
        RoleAssignment.objects.create(
            user=UserFactory(), role=Role.WINDOW, body=getattr(world, n), window=w
        )
    got_ra = set(
        RoleAssignment.objects.filter(visible_bodies_q(user, prefix="window__body")).values_list(
            "window__body_id", flat=True
        )
    )
    assert got_ra == {names[n] for n in expected}


def test_visible_bodies_q_with_roles_filter(world) -> None:
    both = grant(UserFactory(username="both"), Role.EDITOR, body=world.body_a)
    grant(both, Role.HANDLER, body=world.body_b)
    q = visible_bodies_q(both, roles=[Role.HANDLER])
    assert list(Body.objects.filter(q)) == [world.body_b]


def test_region_paths_and_global_admin(world, people) -> None:
    assert visible_region_paths(world.county_supervisor) == [world.county.path]
    assert visible_region_paths(world.handler_a) == []
    assert is_global_admin(world.admin) and is_global_admin(people["superuser"])
    assert not is_global_admin(people["county_admin"])
    assert not is_global_admin(world.anonymous)


def test_deactivated_user_loses_everything_at_once(world, client: Client) -> None:
    client.force_login(world.handler_a)
    assert client.get("/console/").status_code == 200
    User.objects.filter(pk=world.handler_a.pk).update(is_active=False)
    response = client.get("/console/")
    assert response.status_code == 302 and "/console/login/" in response.url


# --- through real console URLs ----------------------------------------------------------------


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        pytest.skip(f"console:{name} is not defined")


URL_CASES = [
    # (actor, url name, target body, expected status)
    ("handler_a", "console:orgs_body_view", "body_a", 200),
    ("handler_a", "console:orgs_body_view", "body_b", 404),
    ("handler_a", "console:orgs_body_view", "township_body", 404),
    ("handler_a", "console:orgs_body_view", "missing", 404),
    ("handler_a", "console:orgs_body_edit", "body_a", 404),
    ("handler_b", "console:orgs_body_view", "body_a", 404),
    ("county_supervisor", "console:orgs_body_view", "body_a", 200),
    ("county_supervisor", "console:orgs_body_view", "township_body", 200),
    ("county_supervisor", "console:orgs_body_view", "body_b", 404),
    ("county_supervisor", "console:orgs_body_edit", "body_a", 404),
    ("county_admin", "console:orgs_body_edit", "body_a", 200),
    ("county_admin", "console:orgs_body_edit", "body_b", 404),
    ("admin", "console:orgs_body_edit", "body_b", 200),
    ("county_supervisor", "console:audit_detail", "body_a", 200),
    ("county_supervisor", "console:audit_detail", "township_body", 200),
    ("county_supervisor", "console:audit_detail", "body_b", 404),
    ("county_supervisor", "console:audit_detail", "missing", 404),
    ("handler_a", "console:audit_detail", "body_a", 404),
]


@pytest.mark.parametrize(("actor", "name", "target", "status"), URL_CASES)
def test_console_urls(world, people, client: Client, actor, name, target, status) -> None:
    if name == "console:audit_detail":
        pk = (
            record(actor=world.admin, action="x.y", body=getattr(world, target)).pk
            if target != "missing"
            else 999999
        )
    else:
        pk = getattr(world, target).pk if target != "missing" else 999999
    url = _url(name, pk)
    client.force_login(people[actor])
    response = client.get(url)
    assert response.status_code == status, url
    if status == 404:
        assert "页面未找到" in response.content.decode()


def test_supervisor_post_changes_nothing(world, client: Client) -> None:
    url = _url("console:orgs_body_edit", world.body_a.pk)
    client.force_login(world.county_supervisor)
    response = client.post(url, {"name": "改名", "phone": "1"})
    assert response.status_code == 404
    world.body_a.refresh_from_db()
    assert world.body_a.name == "示范县人力资源和社会保障局"


PUBLIC = ["/", "/tools/deadline/", "/api/v1/bodies", "/api/v1/regions", "/api/v1/health"]
STAFF_ONLY = ["/console/", "/console/audit/", "/console/password/", "/admin/"]


def test_anonymous_sees_public_pages_only(world, client: Client) -> None:
    for url in PUBLIC:
        assert client.get(url).status_code == 200, url
    for url in STAFF_ONLY:
        response = client.get(url, follow=True)
        assert response.redirect_chain, url
        assert response.redirect_chain[-1][0].startswith("/console/login/"), url
    assert client.get("/api/v1/me").status_code == 401


def test_own_body_check_needs_no_query(world, django_assert_num_queries) -> None:
    window = Window.objects.get(pk=WindowFactory(body=world.body_a).pk)
    can(world.head_a, "window.change", window)  # loads the grants once
    with django_assert_num_queries(0):
        assert can(world.head_a, "window.change", window)
        assert can(world.head_a, "body.view", world.body_a)
