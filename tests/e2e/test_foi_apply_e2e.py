"""End to end through real chromium, on a phone: a citizen applies online (条例第二十九条), gets
the receipt with the tracking number and the query code, and tracks the application with them.
A retry of the same POST (a network retry: the browser sends the form again) leads to the same
working code (DOMAIN.md §3; tests/foi/test_receipt_replay.py covers the session races)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PHONE
from tests.foi.conftest import VALID_ID
from yangguang.foi.models import Application

pytestmark = pytest.mark.e2e


def _fill(page: Any) -> None:
    page.get_by_label("姓名/名称").fill("王小明")
    page.get_by_label("证件号码（自然人）").fill(VALID_ID)
    page.get_by_label("联系电话").fill("13800138000")
    page.get_by_label("电子邮箱").fill("wxm@example.cn")
    page.get_by_label("通信地址").fill("示范县城关镇东关村 1 号")
    page.get_by_label("所需信息的内容描述").fill("请公开 2025 年度城乡居民养老保险基金收支情况")
    page.get_by_label("获取信息的方式").select_option("email")
    page.get_by_label("信息的载体形式").select_option("electronic")


def test_citizen_applies_and_tracks_on_a_phone(
    world: Any, live_server, new_page, screenshot_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(f"{live_server.url}/foi/apply/?body={world.body_a.credit_code}")
    page.get_by_label("自然人", exact=True).check()
    _fill(page)
    page.screenshot(path=screenshot_dir / "foi-apply-phone.png", full_page=True)

    # The form as the browser will post it, kept to send it once more below.
    form = page.evaluate(
        "() => Object.fromEntries(new FormData(document.getElementById('foi-apply')))"
    )
    action = page.evaluate("() => document.getElementById('foi-apply').action")
    page.get_by_role("button", name="提交申请").click()
    page.locator("#query-code").wait_for()
    number = page.locator("#tracking-number").inner_text()
    code = page.locator("#query-code").inner_text()
    page.screenshot(path=screenshot_dir / "foi-receipt-phone.png", full_page=True)
    state = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert state[0] <= state[1], "horizontal scroll on the receipt"
    assert Application.objects.filter(number=number, body=world.body_a).count() == 1

    # The same POST again, with this browser's cookies (a retry): no second application, and
    # the code stays the one printed on the receipt.
    again = page.request.post(action, form=form, max_redirects=0)
    assert again.status in (302, 303), again.status
    assert Application.objects.filter(body=world.body_a).count() == 1

    page.goto(live_server.url + "/foi/track/")
    page.get_by_label("受理编号").fill(number)
    page.get_by_label("查询密码").fill(code)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name=f"申请 {number}").wait_for()
    assert page.get_by_text("示范县人力资源和社会保障局").count() >= 1
