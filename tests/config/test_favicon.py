"""The site's icon: every page links it, and /favicon.ico — which browsers ask for on every
page whatever the page links — answers with an icon instead of a 404, with no fetch elsewhere."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _body(response: object) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


def test_favicon_ico_is_served_at_the_site_root() -> None:
    r = Client().get("/favicon.ico")
    assert r.status_code == 200
    assert r["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    data = _body(r)
    assert data[:4] == b"\x00\x00\x01\x00"  # an ICO file (one 32×32 PNG image inside)
    assert b"\x89PNG" in data


def test_pages_link_the_svg_icon_and_it_is_served() -> None:
    c = Client()
    html = c.get("/").content.decode()
    links = re.findall(r'<link rel="icon" href="([^"]+)"[^>]*>', html)
    assert "/favicon.ico" in links
    svg = next(href for href in links if href.endswith(".svg"))
    assert svg.startswith("/static/") and "//" not in svg  # our own file, not fetched elsewhere
    r = c.get(svg)
    assert r.status_code == 200 and _body(r).startswith(b"<svg")
