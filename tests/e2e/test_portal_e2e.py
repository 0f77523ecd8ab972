"""End to end through real chromium (issue 2 points 8 and 11): the public home page, the
font-size and contrast switches (persisted in cookies and rendered by the server), the deadline
calculator, a console login, and the 360-px phone layout. Screenshots go to var/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PHONE
from tests.factories import BodyFactory, UserFactory, grant
from yangguang.orgs.models import Role

pytestmark = pytest.mark.e2e

STAFF_PASSWORD = "Sunshine-Portal-2026"


def _html_state(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => {
            const root = document.documentElement, body = document.body;
            return {
                font: root.dataset.font,
                contrast: root.dataset.contrast,
                fontSize: parseFloat(getComputedStyle(root).fontSize),
                background: getComputedStyle(body).backgroundColor,
                scrollWidth: root.scrollWidth,
                clientWidth: root.clientWidth,
            };
        }"""
    )


def _no_horizontal_overflow(page: Any) -> None:
    state = _html_state(page)
    assert state["scrollWidth"] <= state["clientWidth"], (
        f"horizontal scroll at {page.viewport_size['width']} px on {page.url}: "
        f"content is {state['scrollWidth']} px wide"
    )


def _glyphs_render(page: Any, selector: str) -> None:
    """Chinese text is drawn with a CJK font (not tofu boxes): the first available family of the
    computed font stack is installed, checked through the document's FontFaceSet."""
    ok = page.evaluate(
        """(sel) => {
            const el = document.querySelector(sel);
            const size = getComputedStyle(el).fontSize;
            return document.fonts.check(size + ' "Noto Sans CJK SC"', el.textContent);
        }""",
        selector,
    )
    assert ok, "Noto Sans CJK SC is not available to the browser (apt-get install fonts-noto-cjk)"


def test_home_page_switches_persist(world, live_server, new_page, screenshot_dir: Path) -> None:
    page = new_page()
    response = page.goto(live_server.url + "/")
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("main#main").count() == 1
    assert page.get_by_role("navigation", name="主导航").is_visible()
    assert page.get_by_role("heading", level=1).first.is_visible()
    assert "示范市" in page.locator("main").inner_text()
    _glyphs_render(page, "h1")
    normal = _html_state(page)
    assert (normal["font"], normal["contrast"]) == ("normal", "normal")
    page.screenshot(path=screenshot_dir / "home-desktop.png", full_page=True)

    font = page.locator("#font-switch")
    contrast = page.locator("#contrast-switch")
    assert font.get_attribute("aria-pressed") == "false"
    font.click()
    contrast.click()
    assert font.get_attribute("aria-pressed") == "true"
    assert contrast.get_attribute("aria-pressed") == "true"
    switched = _html_state(page)
    assert switched["fontSize"] == pytest.approx(normal["fontSize"] * 1.25, abs=0.5)
    assert switched["background"] == "rgb(0, 0, 0)"

    # Persisted: after a reload the server renders the chosen modes (no flash, no JS needed).
    page.reload()
    reloaded = _html_state(page)
    assert (reloaded["font"], reloaded["contrast"]) == ("large", "high")
    assert reloaded["fontSize"] == pytest.approx(switched["fontSize"], abs=0.5)
    assert page.locator("#font-switch").get_attribute("aria-pressed") == "true"
    raw = page.request.get(live_server.url + "/").text()
    assert 'data-font="large"' in raw and 'data-contrast="high"' in raw
    page.screenshot(path=screenshot_dir / "home-desktop-high-contrast.png", full_page=True)

    # And on another page of the site.
    page.goto(live_server.url + "/console/login/")
    assert _html_state(page)["contrast"] == "high"

    # Switching back off persists too.
    page.goto(live_server.url + "/")
    page.locator("#font-switch").click()
    page.locator("#contrast-switch").click()
    page.reload()
    back = _html_state(page)
    assert (back["font"], back["contrast"]) == ("normal", "normal")
    assert back["fontSize"] == pytest.approx(normal["fontSize"], abs=0.5)


def test_skip_link_and_visible_focus(world, live_server, new_page) -> None:
    page = new_page()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const el = document.activeElement, box = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            return {text: el.textContent.trim(), href: el.getAttribute('href'),
                    visible: box.left >= 0 && box.top >= 0 && box.width > 0,
                    ring: style.boxShadow};
        }"""
    )
    assert focused["text"] == "跳到主要内容"
    assert focused["href"] == "#main"
    assert focused["visible"], "the skip link must appear when focused"
    assert focused["ring"] != "none", "focused elements need a visible focus ring"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Next tabs reach the switches, which also show the ring.
    page.locator("#font-switch").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert ring != "none"


def test_deadline_calculator(world, live_server, new_page, screenshot_dir: Path) -> None:
    """DOMAIN.md §1: received 2026-09-30 (day 0) + 5 working days skips the National Day
    holiday (10-01…10-07) and the Sunday 10-11, and counts the make-up Saturday 10-10:
    due 2026-10-13."""
    page = new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="办理期限计算器").first.click()
    page.wait_for_url(re.compile(r"/tools/deadline/"))
    assert "办理期限计算器" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_label("起算日").fill("2026-09-30")
    page.get_by_label("期限").fill("5")
    page.get_by_role("button", name="计算到期日").click()
    due = page.locator("#calc-result time[datetime='2026-10-13']").first
    due.wait_for()
    assert due.inner_text() == "2026年10月13日"
    result = page.locator("#calc-result").inner_text()
    assert "国庆" in result  # every skipped day with its reason
    assert "10月10日" in result  # the make-up working day used
    # htmx put the query in the address bar: the result is a shareable URL.
    page.wait_for_url(re.compile(r"start=2026-09-30"))
    page.screenshot(path=screenshot_dir / "deadline-desktop.png", full_page=True)

    # Bad input: a clear Chinese message, the typed value kept, no server error.
    page.get_by_label("期限").fill("-3")
    page.get_by_role("button", name="计算到期日").click()
    page.get_by_role("alert").first.wait_for()
    assert page.get_by_label("期限").input_value() == "-3"


def test_console_login(live_server, new_page, screenshot_dir: Path) -> None:
    body = BodyFactory(name="示范县人力资源和社会保障局")
    staff = UserFactory(username="e2e_handler", full_name="测试承办人", password=STAFF_PASSWORD)
    grant(staff, Role.HANDLER, body=body)
    assert staff.password.startswith("argon2")

    page = new_page()
    page.goto(live_server.url + "/console/")
    page.wait_for_url(re.compile(r"/console/login/"))
    page.get_by_label("用户名").fill("e2e_handler")
    page.get_by_label("密码", exact=True).fill("wrong-password-1")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").first.is_visible()
    assert re.search(r"/console/login/", page.url)

    page.get_by_label("用户名").fill("e2e_handler")
    page.get_by_label("密码", exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/console/$"))
    assert page.get_by_role("heading", level=1).first.is_visible()
    assert "测试承办人" in page.locator("header").inner_text()
    page.screenshot(path=screenshot_dir / "console-desktop.png", full_page=True)

    # The console works on a phone too.
    page.set_viewport_size(PHONE)
    page.reload()
    _no_horizontal_overflow(page)
    page.screenshot(path=screenshot_dir / "console-phone.png", full_page=True)


@pytest.mark.parametrize("contrast", ["normal", "high"])
def test_phone_layout_has_no_horizontal_scroll(
    world, live_server, new_page, screenshot_dir: Path, contrast: str
) -> None:
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [
            {"name": "yg_contrast", "value": contrast, "domain": host, "path": "/"},
            {
                "name": "yg_font",
                "value": "large" if contrast == "high" else "normal",
                "domain": host,
                "path": "/",
            },
        ]
    )
    suffix = "" if contrast == "normal" else "-high-contrast"
    for path, name in [
        ("/", "home"),
        ("/tools/deadline/", "deadline"),
        ("/console/login/", "login"),
    ]:
        page.goto(live_server.url + path)
        assert _html_state(page)["contrast"] == contrast
        _no_horizontal_overflow(page)
        page.screenshot(path=screenshot_dir / f"{name}-phone{suffix}.png", full_page=True)
    # The switches are reachable and big enough to tap (44 px).
    box = page.locator("#font-switch").bounding_box()
    assert box is not None and box["height"] >= 44
