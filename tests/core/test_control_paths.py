"""An address whose path parameter holds a control character (/bodies/%00/,
/api/v1/publications/%00) answers the same 404 as a missing object — on every page and API
operation that takes a string from the path. PostgreSQL refuses a NUL in a text value, so each
of these was a 500 there (run this module with DATABASE_URL=postgres://… to see it)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import World
from tests.disclosure.conftest import make_pub, publish
from yangguang.orgs.tokens import token_issue

pytestmark = pytest.mark.django_db

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
_STRING_CONVERTERS = {"str", "path", "slug"}


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, route)
        else:
            yield route


def _string_param_routes() -> list[str]:
    """Every route (pages, console, API; not Django's admin) with a string path parameter."""
    found = []
    for route in _routes(get_resolver().url_patterns):
        if route.startswith(("admin/", "^")):
            continue
        converters = [c or "str" for c, _ in _PARAM.findall(route)]
        if any(c in _STRING_CONVERTERS for c in converters):
            found.append(route)
    return sorted(set(found))


def _address(route: str, value: str) -> str:
    def fill(m: re.Match[str]) -> str:
        return value if (m.group(1) or "str") in _STRING_CONVERTERS else "1"

    return "/" + _PARAM.sub(fill, route).lstrip("^").rstrip("$")


ROUTES = _string_param_routes()


def test_the_walk_finds_the_routes_with_string_parameters() -> None:
    for route in [
        "api/v1/publications/<path:index_number>",
        "api/v1/bodies/<credit_code>/catalogue",
        "api/v1/foi/staff/applications/<number>",
        "bodies/<str:credit_code>/",
        "disclosure/doc/<path:index_number>",
        "foi/track/<str:number>/",
    ]:
        assert route in ROUTES


@pytest.mark.parametrize("route", ROUTES)
def test_a_nul_in_a_path_parameter_is_not_found(world: World, route: str) -> None:
    c = Client()
    c.force_login(world.admin)
    token = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=world.handler_a).secret}"}
    url = _address(route, "91370921MA3%00X")
    for method in (c.get, c.post):
        r = method(url, **token)
        assert r.status_code == 404, (url, r.status_code)
        if url.startswith("/api/"):
            assert r.json() == {"detail": "未找到。"}
        else:
            assert "页面未找到（404）" in r.content.decode()


@pytest.mark.parametrize("char", ["%01", "%09", "%0A", "%1B", "%7F", "%C2%85"])
def test_other_control_characters_are_not_found_either(world: World, char: str) -> None:
    c = Client()
    assert c.get(f"/api/v1/publications/a{char}b").json() == {"detail": "未找到。"}
    assert c.get(f"/bodies/{world.body_a.credit_code}{char}/").status_code == 404


def test_the_answer_is_the_one_for_a_missing_object_and_real_addresses_still_work(
    world: World,
) -> None:
    pub = publish(world, make_pub(world))
    c = Client()
    missing = c.get("/api/v1/publications/no-such-number")
    control = c.get("/api/v1/publications/no-such%00number")
    assert (control.status_code, control.json()) == (missing.status_code, missing.json())
    assert c.get(f"/api/v1/publications/{pub.index_number}").status_code == 200
    assert c.get(f"/disclosure/doc/{pub.index_number}").status_code == 200
    assert c.get(f"/bodies/{world.body_a.credit_code}/").status_code == 200
