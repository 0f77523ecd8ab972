"""Snippets under a result's title (search.highlight)."""

from __future__ import annotations

import pytest

from yangguang.search.highlight import mark, snippet
from yangguang.search.query import parse
from yangguang.search.segment import Segmenter

TITLE = "关于调整城乡低保标准的通知"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A summary that is the title, then the body: the snippet starts with the body.
        (
            f"{TITLE}。\n各乡镇：现将低保标准调整如下。",
            "各乡镇：现将<mark>低保</mark>标准调整如下。",
        ),
        # The title twice (summary and the body's heading).
        (f"{TITLE} {TITLE}\n各乡镇：低保标准。", "各乡镇：<mark>低保</mark>标准。"),
        # The title later in the text is kept: only a leading repetition is dropped.
        (
            f"各乡镇：现将{TITLE}转发。",
            "各乡镇：现将关于调整城乡<mark>低保</mark>标准的通知转发。",
        ),
        # Nothing but the title: shown rather than an empty snippet.
        (f"{TITLE}。", "关于调整城乡<mark>低保</mark>标准的通知。"),
        # A text that merely starts like the title is not cut.
        ("关于调整城乡低保标准的意见", "关于调整城乡<mark>低保</mark>标准的意见"),
    ],
)
def test_snippet_does_not_repeat_the_title(text: str, expected: str) -> None:
    assert str(snippet(text, ["低保"], title=TITLE)) == expected


def test_snippet_without_title_is_unchanged() -> None:
    text = f"{TITLE}。各乡镇：低保。"
    assert str(snippet(text, ["低保"])).startswith("关于调整城乡<mark>低保</mark>")


@pytest.mark.parametrize(
    ("q", "title", "expected"),
    [
        # Words the precise cut keeps whole: 2, 3 and 4 characters.
        ("低保", "关于调整城乡低保标准的通知", "关于调整城乡<mark>低保</mark>标准的通知"),
        ("残疾人", "关于残疾人两项补贴的通知", "关于<mark>残疾人</mark>两项补贴的通知"),
        ("营商环境", "优化营商环境若干措施", "优化<mark>营商环境</mark>若干措施"),
        # Words whose precise cut leaves a single character (充电 + 桩, 公 + 租房, 宅基地 +
        # 证): marked whole, not as their longer part alone.
        (
            "充电桩",
            "关于加快建设电动汽车充电桩的通知",
            "关于加快建设电动汽车<mark>充电桩</mark>的通知",
        ),
        ("公租房", "城区公租房配租公告", "城区<mark>公租房</mark>配租公告"),
        ("宅基地证", "农村宅基地证换发办法", "农村<mark>宅基地证</mark>换发办法"),
        ("社保卡", "社保卡申领指南", "<mark>社保卡</mark>申领指南"),
        # Typed together with the word before it: the whole where it occurs whole…
        (
            "电动汽车充电桩",
            "电动汽车充电桩建设规划",
            "<mark>电动汽车充电桩</mark>建设规划",
        ),
        # …and its parts where they occur apart.
        (
            "电动汽车充电桩",
            "电动汽车与充电桩管理",
            "<mark>电动汽车</mark>与<mark>充电桩</mark>管理",
        ),
        # The single character alone is still not marked (木桩, 证明, 的 of 充电桩的).
        ("充电桩", "充电设施旁的木桩", "<mark>充电</mark>设施旁的木桩"),
        ("宅基地证", "宅基地使用证明", "<mark>宅基地</mark>使用证明"),
        ("充电桩的", "充电桩的维护", "<mark>充电桩</mark>的维护"),
        # Typed apart, a single character stays apart: 市 is not joined to 住建局.
        ("市 住建局", "市住建局关于城市更新的通知", "市<mark>住建局</mark>关于城市更新的通知"),
    ],
)
def test_the_typed_word_is_marked_whole(q: str, title: str, expected: str) -> None:
    """The query parser's highlight strings, as the results page marks a title with them: a
    word whose precise cut left a single character (充电桩 → 充电 + 桩) showed
    <mark>充电</mark>桩, since single characters are not marked beside longer words."""
    assert str(mark(title, parse(q, Segmenter()).highlight)) == expected
