"""The page shell without a browser (issue 2 point 8): landmarks, lang, skip link, and the
font-size / contrast modes rendered by the server from their cookies."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _html(client: Client, path: str = "/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("path", ["/", "/tools/deadline/", "/console/login/"])
def test_landmarks_lang_and_skip_link(client: Client, path: str) -> None:
    html = _html(client, path)
    assert re.search(r'<html lang="zh-CN"', html)
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    # The skip link is the first thing in <body> and points at <main id="main">.
    body = html.split("<body", 1)[1]
    first_link = re.search(r"<a [^>]*>", body)
    assert first_link and 'href="#main"' in first_link.group(0)
    assert re.search(r'<main id="main"[^>]*tabindex="-1"', html)
    for tag in ("<header", "<nav", "<footer"):
        assert tag in html
    assert html.count("<main") == 1
    # No CDN: every script and stylesheet is served locally.
    for url in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html):
        assert url.startswith("/static/"), url


@pytest.mark.parametrize(
    ("cookies", "font", "contrast"),
    [
        ({}, "normal", "normal"),
        ({"yg_font": "large"}, "large", "normal"),
        ({"yg_contrast": "high"}, "normal", "high"),
        ({"yg_font": "large", "yg_contrast": "high"}, "large", "high"),
        # Anything else is ignored, never echoed into the page.
        ({"yg_font": '"><script>alert(1)</script>', "yg_contrast": "HIGH"}, "normal", "normal"),
    ],
)
def test_modes_rendered_from_cookies(
    client: Client, cookies: dict[str, str], font: str, contrast: str
) -> None:
    for name, value in cookies.items():
        client.cookies[name] = value
    html = _html(client)
    assert f'data-font="{font}"' in html
    assert f'data-contrast="{contrast}"' in html
    assert "<script>alert" not in html
    pressed = re.search(r'data-a11y="font" aria-pressed="(\w+)"', html)
    assert pressed and pressed.group(1) == ("true" if font == "large" else "false")
    pressed = re.search(r'data-a11y="contrast" aria-pressed="(\w+)"', html)
    assert pressed and pressed.group(1) == ("true" if contrast == "high" else "false")


def test_current_page_marked_in_navigation(client: Client) -> None:
    html = _html(client, "/tools/deadline/")
    assert re.search(r'href="/tools/deadline/" aria-current="page"', html)
    assert not re.search(r'href="/" aria-current="page"', html)
