"""The public search page in real chromium on a 360-px phone (issue 4 point 6): type a query,
read highlighted results, narrow them with a facet, page through them, and get help when
nothing is found — without horizontal scrolling. Screenshots go to var/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.disclosure.conftest import make_pub, publish
from tests.e2e.conftest import PHONE
from tests.e2e.test_portal_e2e import _glyphs_render, _no_horizontal_overflow
from tests.search.conftest import use_engine
from yangguang.search.backends import reset_backends
from yangguang.search.backends.base import SearchBackend
from yangguang.search.indexing import process_outbox

pytestmark = pytest.mark.e2e


@pytest.fixture
def tantivy(settings, tmp_path, monkeypatch) -> Iterator[SearchBackend]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "search"))
    backend = use_engine(settings, "tantivy")
    backend.clear()
    yield backend
    reset_backends()


def test_search_on_a_phone(  # type: ignore[no-untyped-def]
    world, tantivy, live_server, new_page, screenshot_dir: Path
) -> None:
    for n in range(1, 13):
        publish(
            world,
            make_pub(
                world,
                title=f"关于发放第{n}批高龄津贴的通知",
                doc_number=f"示民发〔2026〕{n}号",
                body_html="<p>对符合条件的八十周岁以上老年人发放高龄津贴，请各乡镇做好核对工作。</p>",
            ),
        )
    process_outbox()
    page: Any = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(live_server.url + "/search/")
    box = page.get_by_role("searchbox", name="检索词")
    box.fill("高龄津贴")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    hits = page.locator("article.search-hit")
    assert hits.count() == 10  # 12 found, 10 a page
    assert "找到 12 条结果" in page.locator("main").inner_text()
    # Both query words (高龄 / 津贴) are marked in the first title.
    marked = page.locator("article.search-hit").first.locator("h2 mark").all_inner_texts()
    assert {"高龄", "津贴"} <= set(marked)
    _glyphs_render(page, "article.search-hit h2")
    _no_horizontal_overflow(page)
    page.screenshot(path=screenshot_dir / "search-phone.png", full_page=True)

    # Next page: the last two.
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**page=2*")
    assert hits.count() == 2

    # A facet narrows the results and can be removed again.
    page.goto(live_server.url + "/search/?q=高龄津贴")
    year = page.locator("summary", has_text="年份")
    if year.locator("xpath=..").get_attribute("open") is None:
        year.click()
    page.locator("details", has=year).get_by_role("link", name="2026年").click()
    page.wait_for_url("**year=2026*")
    assert hits.count() == 10
    assert page.get_by_role("link", name="取消年份筛选").is_visible()
    _no_horizontal_overflow(page)

    # Nothing found: help, not an empty page.
    page.goto(live_server.url + "/search/?q=不存在的词语组合")
    assert hits.count() == 0
    assert page.get_by_role("heading", name="没有找到").first.is_visible()
    _no_horizontal_overflow(page)
    page.screenshot(path=screenshot_dir / "search-none-phone.png", full_page=True)


_CONTRAST = """
els => els.map(el => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  const style = getComputedStyle(el);
  const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
})
"""


@pytest.mark.parametrize(("contrast", "at_least"), [("normal", 4.5), ("high", 7.0)])
def test_marked_words_are_readable_in_both_contrast_modes(  # type: ignore[no-untyped-def]
    world, tantivy, live_server, new_page, screenshot_dir: Path, contrast: str, at_least: float
) -> None:
    """WCAG contrast of the highlighted words, in titles (links) and snippets: in 高对比度
    mode the pale mark kept the light text colour (about 1.1:1)."""
    publish(
        world,
        make_pub(world, title="关于发放高龄津贴的通知", body_html="<p>高龄津贴按月发放。</p>"),
    )
    process_outbox()
    page: Any = new_page(viewport=PHONE)
    page.context.add_cookies([{"name": "yg_contrast", "value": contrast, "url": live_server.url}])
    page.goto(live_server.url + "/search/?q=高龄津贴")
    ratios = page.locator("article.search-hit mark").evaluate_all(_CONTRAST)
    assert len(ratios) >= 3  # in the title and in the snippet
    assert min(ratios) >= at_least, ratios
    page.screenshot(path=screenshot_dir / f"search-marks-{contrast}.png")


PHONE_390 = {"width": 390, "height": 844}


def _in_viewport(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()  # relative to the viewport
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= page.viewport_size["height"]
    )


@pytest.mark.parametrize("font", ["normal", "large"])
def test_phone_shows_results_first_and_reaches_the_filters(  # type: ignore[no-untyped-def]
    world, tantivy, live_server, new_page, screenshot_dir: Path, font: str
) -> None:
    """On a phone the results come first — on screen, for a screen reader and for the Tab key
    (the filters were first in the source: keyboard and screen-reader users passed every
    facet before the first result) — and the filters follow ten results and the pagination;
    a link beside the count jumps to them, by touch and by keyboard with focus moved there —
    also in 大字号. The desktop keeps them on the left, the link shown when Tab reaches it."""
    for n in range(1, 13):
        publish(world, make_pub(world, title=f"关于发放第{n}批高龄津贴的通知", doc_number=""))
    process_outbox()
    page: Any = new_page(viewport=PHONE_390, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.context.add_cookies([{"name": "yg_font", "value": font, "url": live_server.url}])
    page.goto(live_server.url + "/search/?q=高龄津贴")
    assert page.locator("html").get_attribute("data-font") == font
    jump = page.get_by_role("link", name=re.compile(r"^筛选（\d 类条件）"))
    assert _in_viewport(page, jump)  # on the first screen, not after ten results
    first_hit = page.locator("article.search-hit h2 a").first
    assert _in_viewport(page, first_hit)  # the first result too, before any filter
    facets = page.get_by_role("complementary", name="筛选")
    assert not _in_viewport(page, facets.locator("summary").first)
    _no_horizontal_overflow(page)
    page.screenshot(path=screenshot_dir / f"search-filters-link-phone-{font}.png")

    # Keyboard from the search box: the button, the sort, the scope, the jump link, then the
    # first result — no facet on the way.
    page.get_by_role("searchbox", name="检索词").focus()
    reached = []
    for _ in range(5):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert reached[:3] == ["检索", "日期", "仅标题"] and reached[3].startswith("筛选（"), reached
    assert reached[4] == first_hit.inner_text().strip(), reached

    # Enter on the link scrolls to the filters and focuses them; Tab goes on into the
    # first group.
    jump.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**#search-filters")
    assert page.evaluate("document.activeElement.id") == "search-filters"
    assert _in_viewport(page, page.get_by_role("heading", name="筛选"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "发布机构"
    page.screenshot(path=screenshot_dir / f"search-filters-reached-phone-{font}.png")

    # Touch: from the top again, tap the link, then a year.
    page.goto(live_server.url + "/search/?q=高龄津贴")
    jump.tap()
    page.wait_for_url("**#search-filters")
    year = facets.locator("summary", has_text="年份")
    if year.locator("xpath=..").get_attribute("open") is None:
        year.tap()
    choice = facets.get_by_role("link", name="2026年")
    assert _in_viewport(page, choice)
    choice.tap()
    page.wait_for_url("**year=2026*")
    assert page.locator("article.search-hit").count() == 10
    assert page.get_by_role("link", name="取消年份筛选").is_visible()

    # Desktop: the filters on the left of the results as before (though after them in the
    # source); the link takes no room until the keyboard reaches it.
    page.set_viewport_size({"width": 1280, "height": 900})
    box = jump.bounding_box()
    assert box["width"] <= 1 and box["height"] <= 1
    results = page.locator("section[aria-labelledby=results-heading]").bounding_box()
    aside = facets.bounding_box()
    assert aside["x"] + aside["width"] <= results["x"] and aside["y"] == results["y"]
    jump.focus()
    box = jump.bounding_box()
    assert box["width"] > 100 and box["height"] >= 44
    page.screenshot(path=screenshot_dir / "search-filters-link-desktop-focused.png")


_SMALL_TARGETS = """
sels => sels.flatMap(sel => [...document.querySelectorAll(sel)]
  .filter(el => el.offsetParent !== null)
  .map(el => { const r = el.getBoundingClientRect();
               return {sel, text: el.textContent.trim(), h: Math.round(r.height * 10) / 10}; }))
"""


def test_phone_targets_are_finger_sized_and_long_lines_wrap(  # type: ignore[no-untyped-def]
    world, tantivy, live_server, new_page, screenshot_dir: Path
) -> None:
    """At 360 px: every facet value, filter group heading, sort link, chosen-filter chip,
    suggestion and page link is at least 44 px high (facet values were 37, group headings 27,
    page links 27, the sort link and chips 24–25); a long unbroken title and a long 文号 wrap
    instead of scrolling the page sideways; a date stays on one line; the search button stays
    beside the box."""
    long_title = "关于" + "ABCDEFGHIJ" * 8 + "高龄津贴的通知"
    publish(
        world,
        make_pub(
            world, title=long_title, doc_number="示范县人力资源和社会保障局人社发〔2026〕123456号"
        ),
    )
    for n in range(1, 12):
        publish(world, make_pub(world, title=f"关于发放第{n}批高龄津贴的通知", doc_number=""))
    process_outbox()
    page: Any = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(live_server.url + "/search/?q=高龄津贴&year=2026")
    assert page.locator("article.search-hit").count() == 10
    _no_horizontal_overflow(page)
    page.screenshot(path=screenshot_dir / "search-targets-phone.png", full_page=True)

    targets = page.evaluate(
        _SMALL_TARGETS,
        [
            ".search-facets summary",
            ".search-facets li a",
            ".search-sort a",
            "a.search-chip",
            ".search-jump a",
            ".pagination a",
            "form[role=search] button",
        ],
    )
    found = {t["sel"] for t in targets}
    assert {".search-facets li a", ".search-sort a", "a.search-chip", ".pagination a"} <= found
    assert [t for t in targets if t["h"] < 44] == []
    # The breadcrumb (every page) at least the 24 px of WCAG 2.5.8: its 首页 was 21 px high.
    [crumb] = page.evaluate(_SMALL_TARGETS, [".breadcrumb a"])
    assert crumb["h"] >= 24

    # Found by its 文号: the long title wraps inside the page.
    page.goto(live_server.url + "/search/?q=示范县人力资源和社会保障局人社发〔2026〕123456号")
    _no_horizontal_overflow(page)
    page.screenshot(path=screenshot_dir / "search-long-title-phone.png")
    hit = page.locator("article.search-hit").first
    assert "ABCDEFGHIJ" in hit.inner_text()
    box = hit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert hit.locator("h2 a").evaluate("el => el.getClientRects().length") > 1
    dates = page.locator("article.search-hit time").evaluate_all(
        "els => els.map(el => el.getClientRects().length)"
    )
    assert dates and set(dates) == {1}

    # The button beside the box, not on a line of its own.
    field = page.get_by_role("searchbox", name="检索词").bounding_box()
    button = page.locator("form[role=search] button").bounding_box()
    assert abs(field["y"] - button["y"]) < 2

    # Zero results with a suggestion: the suggestion is a target too.
    page.goto(live_server.url + "/search/?q=高龄津帖")
    suggest = page.locator(".search-suggest a")
    if suggest.count():
        assert suggest.first.bounding_box()["height"] >= 44


def test_keyboard_skip_link_label_and_the_typed_query_kept(  # type: ignore[no-untyped-def]
    world, tantivy, live_server, new_page
) -> None:
    """By keyboard alone on a phone: the skip link leads into the page, the next stops are
    the breadcrumb and the labelled search box (with a visible focus ring); Enter searches,
    and the box keeps exactly what was typed — a 文号 with its 〔〕 — and the results are
    the next stops after the box."""
    publish(
        world,
        make_pub(world, title="关于做好高龄津贴发放工作的通知", doc_number="示民发〔2026〕7号"),
    )
    process_outbox()
    page: Any = new_page(viewport=PHONE)
    page.goto(live_server.url + "/search/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "跳到主要内容"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "首页"
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const el = document.activeElement;
                   return {id: el.id, label: el.labels[0].textContent,
                           ring: getComputedStyle(el).boxShadow}; }"""
    )
    assert focused["id"] == "search-q" and focused["label"] == "检索词"
    assert focused["ring"] != "none"
    page.keyboard.type("示民发〔2026〕7号")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.get_by_role("searchbox", name="检索词").input_value() == "示民发〔2026〕7号"
    hits = page.locator("article.search-hit")
    assert hits.count() == 1
    page.get_by_role("searchbox", name="检索词").focus()
    page.keyboard.press("Tab")  # 检索
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "日期"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "仅标题"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("筛选（")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('article.search-hit') !== null")


def test_a_custom_publication_period_keeps_the_search(  # type: ignore[no-untyped-def]
    world, tantivy, live_server, new_page, screenshot_dir: Path
) -> None:
    """发布时间's own range, typed into the date inputs on a phone: the form submits the dates
    with the words and the other choices (scope=title), and the period shows as a condition."""
    from django.utils import timezone

    for n in (1, 2):
        publish(world, make_pub(world, title=f"关于发放第{n}批高龄津贴的通知", doc_number=""))
    process_outbox()
    today = timezone.localdate()
    page: Any = new_page(viewport=PHONE_390, is_mobile=True, has_touch=True)
    page.goto(live_server.url + "/search/?q=高龄津贴&scope=title")
    facets = page.get_by_role("complementary", name="筛选")
    facets.locator("summary", has_text="发布时间").tap()
    form = page.get_by_role("form", name="自定义发布时间")
    form.get_by_label("从").fill(today.isoformat())
    form.get_by_label("到").fill(today.isoformat())
    form.get_by_role("button", name="确定").tap()
    page.wait_for_url("**date_from=*")
    assert "q=%E9%AB%98%E9%BE%84%E6%B4%A5%E8%B4%B4" in page.url and "scope=title" in page.url
    assert page.locator("article.search-hit").count() == 2
    chip = page.get_by_role("link", name="取消发布时间筛选")
    assert chip.inner_text() == f"发布时间：{today} 至 {today} ×"
    _no_horizontal_overflow(page)
    page.screenshot(path=screenshot_dir / "search-period-phone.png", full_page=True)
