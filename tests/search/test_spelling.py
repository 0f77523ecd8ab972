"""您是不是要找 from the readings of characters (search/spelling.py): what a pinyin input method
puts in the query by mistake — the right reading, the wrong character."""

from __future__ import annotations

from itertools import islice

import pytest

from tests.search.conftest import MemorySource, index_all
from yangguang.search.backends.base import SearchBackend
from yangguang.search.segment import base_segmenter
from yangguang.search.service import run_search
from yangguang.search.spelling import corrections, homophones


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("低宝", "低保"),
        ("医宝", "医保"),
        ("社宝", "社保"),
        ("政物", "政务"),
        ("残急人", "残疾人"),
        ("营业职照", "营业执照"),
        ("住房工积金", "住房公积金"),
        ("低宝 审核", "低保 审核"),  # the rest of the query kept
        ("残急人证办理", "残疾人证办理"),
    ],
)
def test_a_homophone_typed_by_mistake_is_among_the_first_corrections(
    typed: str, meant: str
) -> None:
    assert meant in list(
        islice(corrections(typed, base_segmenter().has_word, base_segmenter().query_words), 6)
    )


@pytest.mark.parametrize(
    "typed",
    # Words typed right, also run together or not words on their own (房屋征收): every character
    # is in a word of the precise cut, so nothing is tried.
    [
        "低保",
        "住房公积金",
        "防汛 抗旱",
        "房屋征收 土地征收 合作社",
        "营商环境社会保险",
        "abc",
        "的",
        "",
    ],
)
def test_words_typed_right_are_not_corrected(typed: str) -> None:
    assert list(corrections(typed, base_segmenter().has_word, base_segmenter().query_words)) == []


def test_homophones_are_common_characters_read_alike() -> None:
    assert "保" in homophones("宝") and "宝" not in homophones("宝")
    assert "疾" in homophones("急") and "务" in homophones("物")
    assert "䴗" not in homophones("居")  # rare characters are not offered (GB 2312 level 1)


@pytest.fixture
def hall(engine: SearchBackend, memo: MemorySource):  # type: ignore[no-untyped-def]
    memo.add(1, "残疾人证办理指南", "残疾人证申领条件和材料。")
    memo.add(2, "2026年政务公开工作要点", "推进政务公开标准化规范化。")
    memo.add(3, "城乡低保标准调整", "最低生活保障标准。")
    memo.add(4, "防汛值班安排", "防汛工作。")
    memo.add(5, "物证保管规定", "证物登记。")
    memo.add(6, "防汛期间低保对象走访安排", "汛期走访。")
    memo.add(7, "住房公积金提取办法", "提取条件。")
    index_all(engine, memo)
    return memo


@pytest.mark.parametrize(
    ("q", "offered"),
    [
        ("残急人证", ["残疾人证"]),
        ("政物公开", ["政务公开"]),
        ("低宝", ["低保"]),
        ("低包", ["低保"]),  # the fixed list first (segment.SPELLING_VARIANTS)
        ("秸秆禁烧", []),  # typed right, nothing published about it: nothing to offer
    ],
)
def test_the_page_offers_the_correction_that_finds_something(
    client, hall, q: str, offered: list[str]
) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/search/", {"q": q})
    assert r.context["outcome"].mode in ("and", "or")  # nothing, or only its words apart
    assert [s["q"] for s in r.context["suggestion_links"]] == offered
    for link in r.context["suggestion_links"]:
        assert client.get("/search/" + link["url"]).context["outcome"].total > 0


def test_a_homophone_is_offered_beside_the_or_fallback_not_beside_real_results(hall) -> None:  # type: ignore[no-untyped-def]
    out = run_search("防汛 低宝")
    assert out.mode == "or" and out.total == 2 and out.suggestions == ["防汛 低保"]
    assert run_search("防汛").suggestions == []


def test_beside_the_or_fallback_the_first_correction_is_tried(hall) -> None:  # type: ignore[no-untyped-def]
    """A typo usually finds some of its words (住房工积金: 住房), so the page shows the OR
    fallback's results; each correction tried there is a search, so only the first is."""
    out = run_search("住房工积金")
    assert out.mode == "or" and out.suggestions == ["住房公积金"]
    assert run_search("防汛 低宝").suggestions == ["防汛 低保"]
