"""End to end through real chromium, on a phone: a citizen tracks an application with its number
and query code and withdraws it (其他处理 3, confirmed by the body afterwards)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PHONE
from tests.foi.conftest import person
from yangguang.foi import services as s
from yangguang.foi.models import Application

pytestmark = pytest.mark.e2e


def test_citizen_withdraws_on_a_phone(
    world: Any, live_server, new_page, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    res = s.application_register(
        actor=world.head_a, body=world.body_a, data=person(), channel="in_person"
    )
    app, code = res.application, res.code
    assert code

    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(live_server.url + "/foi/track/")
    page.get_by_label("受理编号").fill(app.number)
    page.get_by_label("查询密码").fill(code)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name=f"申请 {app.number}").wait_for()

    page.get_by_text("撤回申请", exact=True).click()  # the <summary> opens the form
    page.get_by_role("button", name="提交撤回").click()
    # Not confirmed: the browser keeps the form (the box is required; the server says the same
    # in Chinese when a browser does not check, see tests/foi/test_withdraw_online.py).
    assert page.locator("#id_confirm:invalid").count() == 1
    assert page.locator("#withdraw-pending").count() == 0
    page.get_by_label("撤回说明（可不填）").fill("已从政府网站找到")
    confirm = page.get_by_label("我确认撤回本申请", exact=False)
    # Big enough to tap on a phone: the box and the margin around it make 44 px.
    box = confirm.bounding_box()
    assert box is not None and box["height"] >= 28
    margin = page.evaluate(
        "el => parseFloat(getComputedStyle(el).marginTop)", confirm.element_handle()
    )
    assert box["height"] + 2 * margin >= 44
    confirm.check()
    page.screenshot(path=screenshot_dir / "foi-withdraw-form-phone.png", full_page=True)
    page.get_by_role("button", name="提交撤回").click()
    page.locator("#withdraw-pending").wait_for()
    state = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert state[0] <= state[1], "horizontal scroll on the tracking page"
    page.screenshot(path=screenshot_dir / "foi-withdrawn-phone.png", full_page=True)

    app.refresh_from_db()
    assert app.proposed_outcome == "other_3"
    assert Application.objects.get(pk=app.pk).events.filter(kind="withdrawn").count() == 1
