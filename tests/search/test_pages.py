"""The public search page, the API and the dictionary console (issue 4, point 6)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
import time_machine
from django.urls import reverse

from tests.search.conftest import MemorySource, index_all
from yangguang.disclosure.models import Validity
from yangguang.search.backends.base import SearchBackend
from yangguang.search.models import SearchTerm, SynonymGroup
from yangguang.search.params import parse_date
from yangguang.search.query import parse
from yangguang.search.service import VALIDITY_LABELS

URL = "/search/"


@pytest.fixture
def corpus(engine: SearchBackend, memo: MemorySource, world):  # type: ignore[no-untyped-def]
    memo.add(
        1,
        "关于调整城乡低保标准的通知",
        "各乡镇：现将最低生活保障标准调整如下。",
        body_id=world.body_a.pk,
        category="政策文件",
        doc_number="示民发〔2024〕5号",
    )
    memo.add(
        2,
        "东区最低生活保障审批办法",
        "低保审批流程。",
        body_id=world.body_b.pk,
        category="政策文件",
    )
    for i in range(3, 30):
        memo.add(i, f"防汛值班安排第{i}期", "防汛工作。", body_id=world.body_a.pk)
    index_all(engine, memo)
    return memo


def test_page_shows_highlighted_hits_and_facets(client, corpus) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL, {"q": "低保"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "<mark>低保</mark>" in html and "<mark>最低生活保障</mark>" in html
    assert "发布机构" in html and "示范县人力资源和社会保障局" in html
    assert 'name="viewport"' in html


def test_page_says_which_synonyms_were_searched_and_offers_the_word_alone(  # type: ignore[no-untyped-def]
    client, corpus, engine: SearchBackend
) -> None:
    """低保 also finds 最低生活保障 (the built-in synonym group): the page says so, and its link
    searches 低保 alone — quoted, so not expanded — keeping the other words and filters."""
    corpus.add(40, "最低生活保障资金发放公示", "资金已按月发放。", category="政策文件")
    index_all(engine, corpus)
    html = client.get(URL, {"q": "低保", "category": "政策文件"}).content.decode()
    assert "“低保”也查找了：最低生活保障。" in html
    link = re.search(r'<a href="(\?[^"]+)">只查找“低保”</a>', html)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert "category=" in url and "page=" not in url
    found = client.get(URL + url).content.decode()
    assert "也查找了" not in found and "资金已按月发放" not in found
    assert "城乡<mark>低保</mark>标准" in found and "<mark>低保</mark>审批" in found
    # The API says the same.
    data = client.get("/api/v1/search", {"q": "低保 标准"}).json()
    assert data["expansions"] == [
        {"word": "低保", "also": ["最低生活保障"], "literal_q": '"低保" 标准'}
    ]


@pytest.mark.parametrize(
    ("params", "total"),
    [
        ({"q": "值班安排"}, 27),  # no synonyms
        ({"q": "低保", "year": "1999"}, 0),  # synonyms, but nothing found: the help instead
    ],
)
def test_no_synonym_line_without_synonyms_or_results(client, corpus, params, total) -> None:  # type: ignore[no-untyped-def]
    assert "也查找了" not in client.get(URL, params).content.decode()
    data = client.get("/api/v1/search", params).json()
    assert data["expansions"] == [] and data["total"] == total


def test_title_scope_is_a_switch_beside_the_sort_and_is_kept(client, corpus) -> None:  # type: ignore[no-untyped-def]
    """范围：全文 | 仅标题. Chosen, it shows as a chosen condition, stays when the citizen
    searches again (the form carries it) and when sorting or paging; 全文 leaves it."""
    r = client.get(URL, {"q": "低保"})
    assert r.context["outcome"].total == 2
    html = r.content.decode()
    assert "范围：<strong>全文</strong>" in html
    title_url = r.context["scope_title_url"]
    r = client.get(URL + title_url)
    html = r.content.decode()
    assert sorted(h.id for h in r.context["outcome"].hits) == [1, 2]  # 低保, 最低生活保障
    assert "<strong>仅标题</strong>" in html and "检索范围：仅标题 ×" in html
    assert '<input type="hidden" name="scope" value="title">' in html
    assert "scope=title" in r.context["sort_date_url"]
    assert "scope=" not in r.context["scope_all_url"]
    # In titles only, 流程 (in a text) is not found: the page says how many the texts hold.
    r = client.get(URL, {"q": "流程", "scope": "title"})
    html = r.content.decode()
    assert r.context["outcome"].total == 0
    assert "标题中没有找到与“流程”相关的信息" in html
    assert "在全文中检索，查看 1 条结果" in html
    assert client.get("/api/v1/search", {"q": "流程", "scope": "title"}).json()["notices"] == [
        "标题中没有找到；在全文中检索可找到 1 条。"
    ]


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-01-31", dt.date(2026, 1, 31)),  # what a date input sends
        ("2026/1/5", dt.date(2026, 1, 5)),
        ("2026.01.05", dt.date(2026, 1, 5)),
        ("2026年1月5日", dt.date(2026, 1, 5)),
        ("２０２６－０１－０５", dt.date(2026, 1, 5)),  # full-width
        ("2026-02-30", None),
        ("2026-13-01", None),
        ("1800-01-01", None),
        ("20260105", None),
        ("下周", None),
    ],
)
def test_dates_are_read_as_people_type_them(value: str, day: dt.date | None) -> None:
    assert parse_date(value) == day


def test_publication_period_links_and_a_custom_range(client, corpus) -> None:  # type: ignore[no-untyped-def]
    """发布时间: 不限 / 一周内 / 一个月内 / 一年内 (today included, Asia/Shanghai) keep the other
    parameters; the custom range's form carries them too; the chosen period is a condition."""
    with time_machine.travel(dt.datetime(2024, 1, 10, 4, 0, tzinfo=dt.UTC), tick=False):
        r = client.get(URL, {"q": "低保", "scope": "title"})
        periods = r.context["periods"]
        assert [(p["label"], p["current"]) for p in periods] == [
            ("不限", True),
            ("一周内", False),
            ("一个月内", False),
            ("一年内", False),
        ]
        week = parse_qs(urlsplit(periods[1]["url"]).query)
        assert week == {"q": ["低保"], "scope": ["title"], "date_from": ["2024-01-04"]}
        assert ("q", "低保") in r.context["period_hidden"]
        assert all(k != "date_from" for k, _ in r.context["period_hidden"])
        # The corpus was published on 2024-01-01: not within a week, within a month.
        assert client.get(URL + periods[1]["url"]).context["outcome"].total == 0
        r = client.get(URL + periods[2]["url"])
        assert r.context["outcome"].total == 2
        assert "发布时间：一个月内 ×" in r.content.decode()
        assert [p["current"] for p in r.context["periods"]] == [False, False, True, False]
    # A custom range, typed reversed: searched the right way round, said once, and the
    # page's links carry it the right way round.
    r = client.get(URL, {"q": "低保", "date_from": "2024/1/1", "date_to": "2023-12-31"})
    assert r.context["outcome"].total == 2
    assert "起始日期晚于截止日期，已按 2023-12-31 至 2024-01-01 检索。" in r.context["notices"]
    assert "发布时间：2023-12-31 至 2024-01-01 ×" in r.content.decode()
    assert "date_from=2023-12-31&date_to=2024-01-01" in r.context["sort_date_url"]
    html = r.content.decode()
    assert '<input type="date" id="date-from" name="date_from" value="2023-12-31">' in html
    r = client.get(URL, {"q": "低保", "date_to": "2023-12-31"})
    assert r.context["outcome"].total == 0 and r.context["outcome"].unfiltered_total == 2


def test_page_marks_a_typed_word_whole(client, engine: SearchBackend, memo: MemorySource) -> None:  # type: ignore[no-untyped-def]
    """充电桩 is cut 充电 + 桩 and a lone 桩 is not marked: the title showed <mark>充电</mark>桩."""
    memo.add(1, "关于加快建设电动汽车充电桩的通知", "各乡镇：充电桩建设进度每月报送。")
    index_all(engine, memo)
    html = client.get(URL, {"q": "充电桩"}).content.decode()
    assert ">关于加快建设电动汽车<mark>充电桩</mark>的通知</a>" in html
    assert "<mark>充电桩</mark>建设进度" in html  # the snippet too


def test_phone_users_can_jump_from_the_count_to_the_filters(client, corpus) -> None:  # type: ignore[no-untyped-def]
    """The filters follow all the results and the pagination in the source (what a phone, a
    screen reader and the Tab key reach first is the count and the first result): a link
    beside the count leads to them (an anchor: no JavaScript), naming how many kinds there
    are."""
    r = client.get(URL, {"q": "低保"})
    html = r.content.decode()
    kinds = [g["label"] for g in r.context["facet_groups"]]
    assert kinds == ["发布机构", "信息类别", "年份", "有效性"]
    link = '<a class="button secondary" href="#search-filters">筛选（5 类条件）'  # and 发布时间
    assert html.count(link) == 1
    # It comes after the count and before the first result; its target is the filters.
    assert (
        html.index("找到 2 条结果") < html.index(link) < html.index('<article class="search-hit">')
    )
    assert re.search(r'<aside class="search-facets" id="search-filters" tabindex="-1"', html)
    # Results first, then the pagination, then the filters.
    html = client.get(URL, {"q": "防汛"}).content.decode()
    assert (
        html.index('<article class="search-hit">')
        < html.index('aria-label="分页"')
        < html.index('<aside class="search-facets"')
        < html.index("<summary>发布机构</summary>")
    )
    # Nothing found: no filters to jump to, and no empty 筛选 heading under the help.
    r = client.get(URL, {"q": "不存在的词语组合"})
    assert r.context["outcome"].total == 0 and not r.context["facet_groups"]
    html = r.content.decode()
    assert 'href="#search-filters"' not in html
    assert 'id="search-filters"' not in html and ">筛选</h2>" not in html


def test_sort_chosen_filters_and_dates_are_their_own_targets(client, corpus) -> None:  # type: ignore[no-untyped-def]
    """On a phone the sort links sat at the end of the count's line (日期 broke into 日 / 期)
    and a date broke at its hyphen: the sort is its own line of finger-sized links, a chosen
    filter a chip, a date one <time>."""
    r = client.get(URL, {"q": "低保", "category": "政策文件"})
    html = r.content.decode()
    assert '<p class="muted search-count">找到 2 条结果' in html
    assert re.search(
        r'<p class="muted search-sort">排序：<strong>相关度</strong> \| <a href="[^"]*sort=date',
        html,
    )
    assert 'class="tag search-chip" aria-label="取消信息类别筛选"' in html
    day = r.context["outcome"].hits[0].published_on.isoformat()
    assert f'<time datetime="{day}">{day}</time>' in html


def test_page_within_one_body(client, corpus, world) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL, {"q": "低保", "body": world.body_b.credit_code})
    html = r.content.decode()
    assert r.context["outcome"].total == 1
    assert [h.id for h in r.context["outcome"].hits] == [2]
    assert "审批办法" in html and "关于调整城乡" not in html
    assert f"在“{world.body_b.name}”内检索" in html


@pytest.mark.parametrize(
    ("q", "label"),
    [
        ("示民发[2024]5号", "文号匹配"),
        ("示民发〔2024〕5号", "文号匹配"),
        ("11370900mb1234567x/2024-00005", "索引号匹配"),  # as typed: lower case
        ("11370900MB1234567X/2024-00005", "索引号匹配"),
        ("2024-00005", "索引号匹配"),  # the 后段码 alone: what differs between a body's documents
        ("示民发〔2024〕第5号", "文号匹配"),
        ("示民发〔2024〕005号", "文号匹配"),
    ],
)
def test_document_or_index_number_puts_it_first_and_says_which(
    client, corpus, engine: SearchBackend, q: str, label: str
) -> None:  # type: ignore[no-untyped-def]
    """条例 Art. 26 metadata: a 发文字号 or 索引号 typed whole puts its document first, labelled by
    which of the two matched (the hit shows the 文号, not the 索引号)."""
    corpus.docs[1].index_number = "11370900MB1234567X/2024-00005"
    index_all(engine, corpus)
    r = client.get(URL, {"q": q})
    hits = r.context["outcome"].hits
    html = r.content.decode()
    assert hits[0].id == 1 and hits[0].pinned_label == label
    assert f'<span class="tag tag-pinned">{label}</span>' in html
    assert html.count('class="tag tag-pinned"') == 1


def test_pagination_links(client, corpus) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL, {"q": "防汛", "page": "2"})
    html = r.content.decode()
    assert r.context["outcome"].page == 2 and "第 2 / 3 页" in html
    assert "q=%E9%98%B2%E6%B1%9B&amp;page=3" in html or "page=3" in html


def test_zero_result_help(client, corpus) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL, {"q": "低包"})
    html = r.content.decode()
    assert "没有找到" in html and "试试" in html and ">低保</a>" in html
    # The way on when search cannot help: browse, or ask for the information (依申请公开).
    assert f'<a href="{reverse("portal:disclosure_platform")}">政府信息公开平台</a>' in html
    assert f'可以<a href="{reverse("portal:foi_apply")}">依申请公开</a>' in html


@pytest.mark.parametrize(
    ("params", "offered"),
    [
        ({"q": "低包"}, ["低保"]),  # a misspelling whose correction finds something
        ({"q": "低包", "category": "政策文件"}, ["低保"]),
        ({"q": "低包", "category": "工作动态"}, []),  # …checked with the same filters
        ({"q": "身分证"}, []),  # corrected (身份证), but that finds nothing either
        # Already searched by the query itself, so never offered: its words alone (the OR
        # fallback found nothing) and its synonyms (住房公积金, part of the query).
        ({"q": "不存在的词语组合"}, []),
        ({"q": "公积金"}, []),
    ],
)
def test_zero_result_suggestions_lead_to_results(client, corpus, params, offered) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL, params)
    assert r.context["outcome"].total == 0
    links = r.context["suggestion_links"]
    assert [s["q"] for s in links] == offered
    for link in links:  # each link's page has results
        assert client.get(URL + link["url"]).context["outcome"].total > 0


def test_a_misspelling_is_corrected_even_when_something_is_found(client, corpus) -> None:  # type: ignore[no-untyped-def]
    """低包 防汛: the OR fallback finds 防汛 alone; the page also offers 低保 防汛."""
    r = client.get(URL, {"q": "低包 防汛"})
    html = r.content.decode()
    assert r.context["outcome"].total > 0 and r.context["outcome"].mode == "or"
    assert "您是不是要找：" in html and ">低保 防汛</a>" in html
    # Nothing to correct: nothing offered.
    assert "您是不是要找" not in client.get(URL, {"q": "低保"}).content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "，。！"},
        {"q": '" * : ( ) AND NEAR'},
        {"q": "低" * 10_000},
        {"q": "低保", "page": "abc"},
        {"q": "低保", "page": "-1"},
        {"q": "低保", "page": "99999999999999999999"},
        {"q": "低保", "year": "二〇二四"},
        {"q": "低保", "year": "99999"},
        {"q": "低保", "validity": "maybe"},
        {"q": "低保", "body": "不存在"},
        {"q": "低保", "body": "91370000000000000X"},
        {"q": "低保", "body": "²"},  # str.isdigit() is True, int() raises (QA F2)
        {"q": "低保", "body": "9" * 30},
        {"q": "低保", "region": "'; drop table x"},
        {"q": "低保", "category": "x" * 500},
        {"q": "低保", "theme": "不存在"},
        {"q": "低保", "sort": "random"},
        {"q": "低保", "per_page": "1000000"},
        {"q": "低保", "source": "secret"},
        {"q": "低保", "scope": "body"},
        {"q": "低保", "date_from": "2026-02-30", "date_to": "x" * 5000},
        {"date_from": "2026-01-01"},
        {"scope": "title"},
    ],
)
def test_bad_input_gives_a_page_not_a_500(client, corpus, params) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL, params)
    assert r.status_code == 200
    api = client.get("/api/v1/search", params)
    assert api.status_code == 200, api.content


@pytest.mark.parametrize(
    "q",
    [
        "，。！",
        "\u200b",  # a zero-width space, pasted
        "\ufeff\u200d",
        "\ufffd",  # what ?q=%ff becomes
        "😀",
        "✅👍",
        "﹁﹂",
    ],
)
def test_nothing_searchable_is_said_so(client, corpus, q: str) -> None:  # type: ignore[no-untyped-def]
    """Only punctuation, symbols or invisible characters: no search for them (a zero-width
    space showed 没有找到与“​”相关的信息, as if it had been searched for)."""
    r = client.get(URL, {"q": q})
    assert r.context["outcome"].mode == "none"
    assert "检索词中没有可检索的文字" in r.content.decode()
    assert client.get("/api/v1/search", {"q": q}).json()["mode"] == "none"


@pytest.mark.parametrize("q", ["，。！", "AND", "\u200b", "😀"])
def test_nothing_searchable_within_a_filter_is_said_so(client, corpus, world, q: str) -> None:  # type: ignore[no-untyped-def]
    """Punctuation typed into a body's search box (which carries ?body=) listed all of the
    body's documents without a word, as if each matched what was typed; the page and the API
    say the words were ignored, and list the filter's documents."""
    params = {"q": q, "body": world.body_a.credit_code}
    notice = (
        "检索词中没有可检索的文字（标点、符号和 AND、OR 等检索语法会被忽略），"
        "以下是所选范围内的全部信息。"
    )
    r = client.get(URL, params)
    assert r.context["outcome"].mode == "browse" and r.context["outcome"].total == 28
    assert notice in r.context["notices"]
    # Newest first, with nothing to rank: no 相关度 | 日期 or 全文 | 仅标题 to choose.
    assert "排序：" not in r.content.decode() and "范围：" not in r.content.decode()
    api = client.get("/api/v1/search", params).json()
    assert api["mode"] == "browse" and api["total"] == 28 and notice in api["notices"]


@pytest.mark.parametrize(
    ("q", "words"),
    [
        ("低\u200b保", ["低保"]),  # invisible characters do not split a word
        ("\u200b低保\ufeff", ["低保"]),
        ("😀低保", ["低保"]),
    ],
)
def test_invisible_characters_and_emoji_around_words_are_ignored(
    db, q: str, words: list[str]
) -> None:  # type: ignore[no-untyped-def]
    assert parse(q).words == words


@pytest.mark.parametrize(
    ("param", "value", "notice"),
    [
        ("year", "abc", "年份无效"),
        ("validity", "maybe", "有效性筛选条件无效"),
        ("region", "999999", "未找到指定的行政区划"),
        ("body", "91370000000000000X", "未找到指定的机构"),
        ("category", "x" * 500, "筛选条件“信息类别”无效"),
        ("scope", "text", "检索范围无效，已在全文中检索。"),
        ("date_from", "2026-02-30", "起始日期“2026-02-30”无效，已忽略（日期格式如 2026-01-31）。"),
        ("date_to", "明天", "截止日期“明天”无效，已忽略（日期格式如 2026-01-31）。"),
    ],
)
def test_an_ignored_filter_is_not_shown_or_kept(client, corpus, param, value, notice) -> None:  # type: ignore[no-untyped-def]
    """The notice says the filter was ignored: the page does not also list it under 已选条件,
    nor carry it into its links (sorting, facets, pages)."""
    r = client.get(URL, {"q": "防汛", param: value})
    html = r.content.decode()
    assert notice in html and r.context["outcome"].total == 27
    assert r.context["active_filters"] == []
    assert f"{param}=" not in r.context["sort_date_url"]


@pytest.mark.parametrize("chars", [101, 10_000])
def test_a_too_long_query_is_cut_everywhere_it_is_echoed(client, corpus, chars) -> None:  # type: ignore[no-untyped-def]
    """Only the first 100 characters are searched: the box, the page's links and the API echo
    those, so a 10,000-character query does not come back some 50 times (a 2 MB page)."""
    q = "防汛" * (chars // 2) + "防" * (chars % 2)
    r = client.get(URL, {"q": q})
    html = r.content.decode()
    assert "检索词过长，已只使用前 100 个字" in html
    assert q[:100] in html and q[:101] not in html
    assert r.context["outcome"].q == q[:100]
    assert quote(q[:101]) not in r.context["sort_date_url"]
    assert len(r.content) < 100_000
    api = client.get("/api/v1/search", {"q": q}).json()
    assert api["q"] == q[:100] and any("过长" in n for n in api["notices"])


def test_a_repeated_parameter_is_read_the_same_by_page_and_api(client, corpus) -> None:  # type: ignore[no-untyped-def]
    """params.first_value: the last value of a repeated parameter, on the page and in the API."""
    query = "q=%E9%98%B2%E6%B1%9B&q=%E4%BD%8E%E4%BF%9D&category=x&category=" + quote("政策文件")
    page = client.get(f"{URL}?{query}").context["outcome"]
    api = client.get(f"/api/v1/search?{query}").json()
    assert (page.q, page.filters.category, page.total) == ("低保", "政策文件", 2)
    assert (api["q"], api["total"]) == ("低保", 2)
    assert [h.id for h in page.hits] == [h["id"] for h in api["hits"]]


def test_invalid_filters_explained_in_chinese(client, corpus) -> None:  # type: ignore[no-untyped-def]
    html = client.get(
        URL, {"q": "低保", "year": "abc", "body": "nope", "page": "x"}
    ).content.decode()
    assert "年份无效" in html and "未找到指定的机构" in html and "页码无效" in html


@pytest.mark.parametrize(
    "params",
    [
        {"theme": "zz"},  # no such 主题分类, browsing without words
        {"category": "不存在的类别"},
        {"category": "\x00"},  # a NUL is not a category: no filter, the empty search page
    ],
)
def test_browsing_by_a_filter_that_matches_nothing_says_so(client, corpus, params) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL, params)
    if params.get("category") == "\x00":
        assert r.context["outcome"].mode == "none" and r.context["active_filters"] == []
        assert client.get("/api/v1/search", params).status_code == 400  # api/parser.py
        return
    api = client.get("/api/v1/search", params).json()
    assert r.context["outcome"].total == api["total"] == 0
    assert "所选筛选条件下没有公开信息" in r.content.decode()
    assert any("所选筛选条件下没有公开信息" in n for n in api["notices"])


@pytest.mark.parametrize("method", ["post", "put", "delete", "options"])
def test_the_search_page_is_read_only(client, corpus, method: str) -> None:  # type: ignore[no-untyped-def]
    r = getattr(client, method)(URL + "?q=低保")
    assert r.status_code == 405 and "此地址不能直接打开" in r.content.decode()


def test_api_returns_hits_facets_and_notices(client, corpus, world) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/search", {"q": "低保", "body": world.body_a.credit_code})
    assert r.status_code == 200
    data = r.json()
    assert data["total"] == 1 and data["mode"] == "and"
    hit = data["hits"][0]
    assert hit["id"] == 1 and "<mark>" in hit["snippet_html"] and hit["url"] == "/memo/1/"
    assert {"body", "category", "year", "validity"} <= set(data["facets"])
    r = client.get("/api/v1/search", {"q": "低保 防汛"})
    assert r.json()["mode"] == "or" and r.json()["notices"]
    assert "/api/v1/search" in client.get("/api/v1/openapi.json").json()["paths"]


def test_api_facet_values_are_what_the_filters_take(client, corpus, world) -> None:  # type: ignore[no-untyped-def]
    """Each facet value fed back as its filter narrows to its count: the body facet gives the
    统一社会信用代码 (it gave the row id), and each hit names its body's code."""
    data = client.get("/api/v1/search", {"q": "低保"}).json()
    assert {v["value"] for v in data["facets"]["body"]} == {
        world.body_a.credit_code,
        world.body_b.credit_code,
    }
    for name, values in data["facets"].items():
        for v in values:
            narrowed = client.get("/api/v1/search", {"q": "低保", name: v["value"]}).json()
            assert narrowed["total"] == v["count"] and not narrowed["notices"], (name, v)
    codes = {h["id"]: h["body_code"] for h in data["hits"]}
    assert codes == {1: world.body_a.credit_code, 2: world.body_b.credit_code}
    spec = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/search"]["get"]
    described = {p["name"]: p.get("description", "") for p in spec["parameters"]}
    assert "统一社会信用代码" in described["body"] and "date" in described["sort"]


def test_api_no_results_is_page_1_of_0_as_documented(client, corpus) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/api/v1/search", {"q": "火星基地"}).json()
    assert (data["total"], data["page"], data["num_pages"], data["hits"]) == (0, 1, 0, [])
    assert data["notices"] == []
    # Nothing asked at all: said (the page shows its search tips instead).
    data = client.get("/api/v1/search").json()
    assert (data["mode"], data["total"]) == ("none", 0)
    assert data["notices"] and data["notices"][0].startswith("请提供检索词 q")
    spec = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["SearchOut"]
    assert "没有结果时为 0" in spec["properties"]["num_pages"]["description"]


def test_api_does_not_show_withdrawn(client, corpus) -> None:  # type: ignore[no-untyped-def]
    corpus.public.discard(2)
    data = client.get("/api/v1/search", {"q": "低保"}).json()
    assert [h["id"] for h in data["hits"]] == [1]


# -- the dictionary console ---------------------------------------------------------------------
DICT_URL = "/console/search/dictionary/"


def test_dictionary_console_for_administrators(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.admin)
    assert client.get(DICT_URL).status_code == 200
    r = client.post(DICT_URL, {"action": "add_term", "word": "秸秆禁烧", "note": "环保"})
    assert r.status_code == 302 and SearchTerm.objects.filter(word="秸秆禁烧").exists()
    r = client.post(DICT_URL, {"action": "add_synonym", "terms": "秸秆禁烧，禁烧秸秆"})
    assert r.status_code == 302 and SynonymGroup.objects.get().words() == ["秸秆禁烧", "禁烧秸秆"]
    r = client.post(DICT_URL, {"action": "add_term", "word": "秸秆禁烧"})
    assert r.status_code == 200 and "已在词典中" in r.content.decode()
    assert 'value="秸秆禁烧"' in r.content.decode()  # redisplayed with what was typed
    r = client.post(DICT_URL, {"action": "add_synonym", "terms": "只有一个"})
    assert "至少包含两个" in r.content.decode()
    term = SearchTerm.objects.get()
    r = client.post(DICT_URL, {"action": "delete_term", "id": term.pk, "confirm": "yes"})
    assert r.status_code == 302
    assert not SearchTerm.objects.exists()
    assert client.post(DICT_URL, {"action": "delete_term", "id": "x"}).status_code == 200


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"action": "add_term", "word": "三公经费"}, "id_term_note", "已是内置词语"),
        ({"action": "add_term", "word": "！！"}, "id_term_note", "请输入词语"),
        ({"action": "add_synonym", "terms": "只有一个"}, "id_syn_note", "至少包含两个"),
    ],
)
def test_a_refused_addition_keeps_its_note(client, world, data, field, error) -> None:  # type: ignore[no-untyped-def]
    """Errors keep what was typed: the word or group did, its 说明 was lost."""
    client.force_login(world.admin)
    r = client.post(DICT_URL, {**data, "note": "用于“专项”<资金>"})
    page = r.content.decode()
    assert r.status_code == 200 and error in page
    assert f'id="{field}" name="note" maxlength="200" value="用于“专项”&lt;资金&gt;"' in page
    assert not SearchTerm.objects.exists() and not SynonymGroup.objects.exists()


@pytest.mark.parametrize(
    ("action", "question", "done", "audited"),
    [
        ("delete_term", "确定删除词语“专账核算”？", "已删除词语“专账核算”。", "search.term_delete"),
        (
            "delete_synonym",
            "确定删除同义词组“专账核算 ↔ 单独核算”？",
            "已删除同义词组“专账核算 ↔ 单独核算”。",
            "search.synonym_delete",
        ),
    ],
)
def test_deleting_asks_first_and_says_what_was_deleted(  # type: ignore[no-untyped-def]
    client, world, action, question, done, audited
) -> None:
    from yangguang.core.models import AuditEvent
    from yangguang.search import services

    services.term_add(actor=world.admin, word="专账核算")
    services.synonym_add(actor=world.admin, terms="专账核算,单独核算")
    row = SearchTerm.objects.get() if action == "delete_term" else SynonymGroup.objects.get()
    client.force_login(world.admin)
    # The row's button only asks: nothing is deleted yet.
    r = client.post(DICT_URL, {"action": action, "id": row.pk})
    page = r.content.decode()
    assert r.status_code == 200 and question in page
    assert '<input type="hidden" name="confirm" value="yes">' in page
    assert type(row).objects.filter(pk=row.pk).exists()
    assert not AuditEvent.objects.filter(action=audited).exists()
    # Confirmed: deleted, audited, and the message names it.
    r = client.post(DICT_URL, {"action": action, "id": row.pk, "confirm": "yes"}, follow=True)
    assert done in r.content.decode()
    assert not type(row).objects.filter(pk=row.pk).exists()
    assert AuditEvent.objects.filter(action=audited).count() == 1
    # A confirmation sent twice deletes nothing more and says so.
    r = client.post(DICT_URL, {"action": action, "id": row.pk, "confirm": "yes"})
    assert r.status_code == 200 and "不存在或已删除" in r.content.decode()
    assert AuditEvent.objects.filter(action=audited).count() == 1


def test_a_group_joined_with_a_built_in_group_is_named_on_the_page(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.admin)
    r = client.post(DICT_URL, {"action": "add_synonym", "terms": "低保,低收入家庭"}, follow=True)
    page = r.content.decode()
    assert "它与内置同义词组“低保 ↔ 最低生活保障”有相同的词语" in page
    assert "检索时合并为一组：低保、低收入家庭、最低生活保障" in page
    assert "与内置同义词组“低保 ↔ 最低生活保障”合并检索" in page  # in the table, later too
    r = client.post(DICT_URL, {"action": "add_synonym", "terms": "秸秆,麦秸"}, follow=True)
    page = r.content.decode()
    assert "已添加同义词组“秸秆 ↔ 麦秸”。" in page and "有相同的词语" not in page


def test_the_dictionary_page_says_what_needs_a_rebuild(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.admin)
    page = client.get(DICT_URL).content.decode()
    effect = page.split('id="dictionary-effect"')[1].split("</ul>")[0]
    assert "无需重建索引" in effect and "添加或删除同义词组" in effect and "删除词语" in effect
    assert "python manage.py rebuild_search_index" in effect


def test_a_long_note_does_not_wrap_the_delete_button(client, world) -> None:  # type: ignore[no-untyped-def]
    from yangguang.search import services

    note = "用于专项资金管理，" * 20  # 180 characters
    services.term_add(actor=world.admin, word="专账核算", note=note)
    services.synonym_add(actor=world.admin, terms="专账核算,单独核算", note=note)
    client.force_login(world.admin)
    page = client.get(DICT_URL).content.decode()
    cells = re.findall(r"<td[^>]*><form method=\"post\">", page)
    assert len(cells) == 2 and all('class="nowrap"' in c for c in cells)
    # Each button still says which row it deletes (screen readers read a list of 删除).
    assert '删除<span class="visually-hidden">词语“专账核算”</span>' in page


def test_dictionary_console_cannot_be_seen_by_others(client, world) -> None:  # type: ignore[no-untyped-def]
    r = client.get(DICT_URL)
    assert r.status_code == 302 and reverse("console:login") in r["Location"]
    for user in (world.handler_a, world.editor_a, world.county_supervisor):
        client.force_login(user)
        assert client.get(DICT_URL).status_code == 404
        assert client.post(DICT_URL, {"action": "add_term", "word": "秸秆禁烧"}).status_code == 404
    assert not SearchTerm.objects.exists()


@pytest.mark.parametrize(("validity", "label"), Validity.choices)
def test_every_validity_of_a_publication_is_labelled_in_chinese(
    client, engine: SearchBackend, memo: MemorySource, world, validity: str, label: str
) -> None:  # type: ignore[no-untyped-def]
    """The validity facet and the hit's label name every 有效性 a publication can have
    (DOMAIN.md: 有效 / 失效 / 废止 / 已修订) in Chinese, never by its code, and in the words
    of the publication's own page (废止 there is 废止 here, not 已废止)."""
    memo.add(1, "城乡低保标准调整办法", "低保标准。", body_id=world.body_a.pk, validity=validity)
    index_all(engine, memo)
    r = client.get(URL, {"q": "低保"})
    facet = {v.value: v.label for v in r.context["outcome"].facets["validity"]}
    assert facet[validity] == VALIDITY_LABELS[validity] == label
    assert re.fullmatch(r"[\u4e00-\u9fff]+", facet[validity]), facet
    assert r.context["outcome"].hits[0].validity_label == VALIDITY_LABELS[validity]


@pytest.mark.parametrize(
    ("doc", "expected", "absent"),
    [
        # The line under a hit: body · number · date · validity, escaped, no empty pieces.
        (
            {"doc_number": "示<b>发〔2024〕1号", "published_on": None, "year": 2024},
            "示范县人力资源和社会保障局 · 示&lt;b&gt;发〔2024〕1号 · 有效</p>",
            "<b>发",
        ),
        # Repealed: a red tag after the title instead of the label in the line.
        (
            {"validity": "repealed", "published_on": dt.date(2020, 5, 1)},
            '<span class="tag tag-repealed">废止</span></h2>',
            " · 废止",
        ),
        # A title with markup is shown as text, the query word marked.
        (
            {"title": "<script>alert(1)</script>值班通知"},
            "&lt;script&gt;alert(1)&lt;/script&gt;<mark>值班</mark>通知",
            "<script>alert",
        ),
    ],
)
def test_hit_markup_is_escaped_and_complete(  # type: ignore[no-untyped-def]
    client, engine: SearchBackend, memo: MemorySource, world, doc, expected: str, absent: str
) -> None:
    fields = {"title": "值班通知", **doc}  # the parameters are shared by every engine's run
    memo.add(1, text="节假日值班安排。", body_id=world.body_a.pk, **fields)
    index_all(engine, memo)
    html = client.get(URL, {"q": "值班"}).content.decode()
    assert expected in html
    assert absent not in html


@pytest.mark.parametrize(
    ("param", "value", "chip"),
    [
        # Chosen filters are named as the facets name them, not by their codes.
        ("validity", "repealed", "有效性：废止"),
        ("year", "2024", "年份：2024年"),
        ("region", "370921", "区域：示范县"),
        ("category", "政策文件", "信息类别：政策文件"),
        # A year in full-width digits is applied as 2024 (params.py): named and carried so,
        # like the year facet (the chip said 年份：２０２４年 beside the facet's 2024年).
        ("year", "２０２４", "年份：2024年"),
    ],
)
def test_chosen_filters_are_named_not_coded(client, corpus, param, value, chip) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL, {"q": "低保", param: value})
    assert [f"{f['label']}：{f['value']}" for f in r.context["active_filters"]] == [chip]
    assert chip in r.content.decode()
    applied = "2024" if param == "year" else value
    assert urlencode({param: applied}) in r.context["sort_date_url"]


def test_zero_because_of_a_filter_says_so(client, corpus) -> None:  # type: ignore[no-untyped-def]
    """低保 with a category nothing has: not "no information about 低保" alone, but that the
    filters leave nothing, how many the words find without them, and a link there."""
    r = client.get(URL, {"q": "低保", "category": "不存在", "year": "2024"})
    html = r.content.decode()
    assert r.context["outcome"].total == 0
    assert "在所选筛选条件下没有结果；不加筛选条件可找到 2 条" in html
    assert "在所选筛选条件下，没有找到与“低保”相关的信息" in html
    # The chosen filters come before the help (on a phone the facets follow the results).
    assert html.index("已选条件") < html.index("在所选筛选条件下，没有找到")
    assert 'href="?q=%E4%BD%8E%E4%BF%9D"' in html and "的 2 条结果" in html
    api = client.get("/api/v1/search", {"q": "低保", "category": "不存在"}).json()
    assert api["total"] == 0 and any("不加筛选条件可找到 2 条" in n for n in api["notices"])
    # Nothing found by the words themselves: no such notice.
    html = client.get(URL, {"q": "地震", "category": "不存在"}).content.decode()
    assert "不加筛选条件" not in html


def test_browsing_a_filter_with_nothing_has_no_empty_quotes(client, corpus) -> None:  # type: ignore[no-untyped-def]
    html = client.get(URL, {"year": "2019"}).content.decode()
    assert "没有找到符合筛选条件的信息" in html and "“”" not in html


def test_a_page_past_the_end_gets_one_notice(client, corpus) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL, {"q": "防汛", "page": "99999"})
    notices = r.context["notices"]
    assert r.context["outcome"].page == 3
    assert [n for n in notices if "页" in n] == ["共 3 页，已显示最后一页。"]


@pytest.mark.parametrize("per_page", ["3", "6", "7", "10"])
def test_the_last_page_counted_is_reachable(client, corpus, monkeypatch, per_page) -> None:  # type: ignore[no-untyped-def]
    """Only the first MAX_RESULTS results can be paged to, in whole pages (service.py). With a
    per_page that does not divide MAX_RESULTS the page counted 第 142 / 143 页 with a 下一页
    link, and page 143 showed page 142 again, saying 最多可翻到第 142 页."""
    monkeypatch.setattr("yangguang.search.service.MAX_RESULTS", 20)  # 27 documents match
    first = client.get(URL, {"q": "防汛", "per_page": per_page}).context["outcome"]
    last = client.get(URL, {"q": "防汛", "per_page": per_page, "page": first.num_pages})
    outcome = last.context["outcome"]
    assert outcome.page == first.num_pages == 20 // int(per_page)
    assert not outcome.has_next and last.context["notices"] == []
    assert len(outcome.hits) == int(per_page)
    api = client.get("/api/v1/search", {"q": "防汛", "per_page": per_page}).json()
    assert api["num_pages"] == first.num_pages


def test_per_page_is_kept_in_the_links(client, corpus) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL, {"q": "防汛", "per_page": "5"})
    html = r.content.decode()
    assert r.context["outcome"].num_pages == 6
    assert "per_page=5&amp;page=2" in html  # 下一页
    assert "per_page=5" in r.context["sort_date_url"]
    # An invalid value is not carried on (its notice would follow every click).
    r = client.get(URL, {"q": "防汛", "per_page": "abc", "sort": "random"})
    assert "per_page" not in r.context["sort_relevance_url"]
    assert "sort=random" not in r.content.decode()


@pytest.mark.parametrize(
    ("per_page", "applied"), [("0", 1), ("-3", 1), ("51", 50), ("1000000", 50), ("50", 50)]
)
def test_a_per_page_out_of_range_is_said_and_applied(client, corpus, per_page, applied) -> None:  # type: ignore[no-untyped-def]
    """Bad input gets a Chinese notice (params.py): per_page=0 silently showed one result a
    page and 1000 fifty, on the page and in the API (documented as 1–50)."""
    params = {"q": "防汛", "per_page": per_page}
    notice = f"每页条数应为 1–50，已按每页 {applied} 条显示。"
    r = client.get(URL, params)
    shown = min(applied, 27)  # 27 documents match
    assert r.context["outcome"].per_page == applied and len(r.context["outcome"].hits) == shown
    assert (notice in r.context["notices"]) == (per_page != str(applied))
    # The links carry the value applied: the notice does not follow every click.
    assert f"per_page={applied}" in r.context["sort_date_url"]
    api = client.get("/api/v1/search", params).json()
    assert api["per_page"] == applied and len(api["hits"]) == shown
    assert (notice in api["notices"]) == (per_page != str(applied))


def test_a_new_query_keeps_the_region(client, corpus) -> None:  # type: ignore[no-untyped-def]
    html = client.get(URL, {"q": "低保", "region": "370921"}).content.decode()
    assert '<input type="hidden" name="region" value="370921">' in html
    assert "只在示范县各机构发布的信息中检索" in html and "在全部区域中检索" in html


def test_a_region_search_narrows_to_one_of_its_bodies(client, corpus, world) -> None:  # type: ignore[no-untyped-def]
    """A city-wide search lists its bodies as filters, none chosen yet (every one showed as
    chosen, × and all, and none narrowed); one leads to that body, the region kept."""
    r = client.get(URL, {"q": "低保", "region": "370900"})
    bodies = r.context["outcome"].facets["body"]
    assert {v.param for v in bodies} == {world.body_a.credit_code, world.body_b.credit_code}
    assert not any(v.selected for v in bodies)
    group = next(g for g in r.context["facet_groups"] if g["name"] == "body")
    assert "aria-current" not in group["items"] and "×" not in group["items"]
    link = f"body={world.body_b.credit_code}"
    assert link in group["items"] and "region=370900" in group["items"]
    narrowed = client.get(URL, {"q": "低保", "region": "370900", "body": world.body_b.credit_code})
    assert [h.id for h in narrowed.context["outcome"].hits] == [2]
    assert "区域：示范市" in narrowed.content.decode() and not narrowed.context["notices"]
    api = client.get("/api/v1/search", {"q": "低保", "region": "370900"}).json()
    assert [v["selected"] for v in api["facets"]["body"]] == [False, False]


def test_a_credit_code_as_the_query_lists_that_bodys_documents(client, corpus, world) -> None:  # type: ignore[no-untyped-def]
    """The 前段码 of an 索引号 is the body's 统一社会信用代码; typed (or pasted) alone it found
    nothing, as no document holds it in its text."""
    code = world.body_b.credit_code
    r = client.get(URL, {"q": f" {code.lower()} "})
    assert r.status_code == 302 and r["Location"] == f"{URL}?body={code}"
    page = client.get(r["Location"])
    assert [h.id for h in page.context["outcome"].hits] == [2]
    api = client.get("/api/v1/search", {"q": code}).json()
    assert [h["id"] for h in api["hits"]] == [2]
    assert any(f"是{world.body_b.name}的统一社会信用代码" in n for n in api["notices"])
    # Not a body's code: searched as typed.
    assert client.get(URL, {"q": "91370000000000000X"}).status_code == 200


@pytest.mark.parametrize(
    ("extra", "kept"),
    [
        ({"category": "政策文件"}, {"category": ["政策文件"]}),
        (
            {"sort": "date", "per_page": "5", "page": "2"},
            {"sort": ["date"], "per_page": ["5"], "page": ["2"]},
        ),
        ({"region": "370921"}, {"region": ["370921"]}),
        # An unknown body (an old link) and the code typed: the code's body, not "all bodies".
        ({"body": "91370000000000000X"}, {}),
        ({"year": "abc"}, {"year": ["abc"]}),  # for the page to say it is ignored, as the API
    ],
)
def test_a_credit_code_as_the_query_keeps_the_other_parameters(  # type: ignore[no-untyped-def]
    client, corpus, world, extra, kept
) -> None:
    """The page redirects a credit code typed as the query to ?body=<code>, with the other
    parameters as they are: it dropped them (category, sort, page …), so the page listed the
    body's 28 documents where the API, asked the same, listed the 1 of the category; and with
    an unknown body in the link the page's links lost the body and the query altogether (its
    page 2 was the empty search page)."""
    code = world.body_a.credit_code
    params = {"q": code, **extra}
    r = client.get(URL, params)
    assert r.status_code == 302
    url = urlsplit(r["Location"])
    assert url.path == URL and parse_qs(url.query) == {"body": [code], **kept}
    shown = client.get(r["Location"])
    page, page_notices = shown.context["outcome"], shown.context["notices"]
    api = client.get("/api/v1/search", params).json()
    assert (page.total, page.page) == (api["total"], api["page"])
    assert [h.id for h in page.hits] == [h["id"] for h in api["hits"]]
    assert not any("未找到指定的机构" in n for n in api["notices"])
    assert ("年份无效，已忽略该筛选条件。" in page_notices) == ("year" in extra)


def test_a_body_outside_the_region_wins_and_says_so(client, corpus, world) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL, {"q": "低保", "region": "370921", "body": world.body_b.credit_code})
    html = r.content.decode()
    assert [h.id for h in r.context["outcome"].hits] == [2]
    assert "“东区人力资源和社会保障局”不属于“示范县”，已只在该机构内检索。" in html
    assert "区域：" not in html  # the region is not shown as chosen: it was not applied
    api = client.get(
        "/api/v1/search", {"q": "低保", "region": "370921", "body": world.body_b.credit_code}
    ).json()
    assert api["total"] == 1 and any("不属于“示范县”" in n for n in api["notices"])


@pytest.mark.parametrize(
    ("q", "unused"),
    [
        ("低保 防汛 值班 安排 审批 办法 标准 调整 城乡 流程 东区 乡镇 社会 保险", "社会、保险"),
        ('"甲乙" "丙丁" "戊己" "庚辛" "壬癸"', "“壬癸”"),
    ],
)
def test_words_beyond_the_limits_are_named(client, corpus, q, unused) -> None:  # type: ignore[no-untyped-def]
    html = client.get(URL, {"q": q}).content.decode()
    assert "检索词较多，只使用了前 12 个词语和前 4 个引号短语" in html
    assert f"未使用：{unused}。" in html


@pytest.mark.parametrize(
    ("page", "scope"),
    [
        # Where citizens start: a search box on the home page (everything), on a region's page
        # (its bodies) and on a body's pages (its own information).
        ("/", ""),
        ("/regions/370921/", '<input type="hidden" name="region" value="370921">'),
        ("/bodies/{code}/", '<input type="hidden" name="body" value="{code}">'),
        ("/disclosure/body/{code}/", '<input type="hidden" name="body" value="{code}">'),
    ],
)
def test_search_boxes_where_citizens_start(client, corpus, world, page, scope) -> None:  # type: ignore[no-untyped-def]
    code = world.body_a.credit_code
    html = client.get(page.format(code=code)).content.decode()
    box = re.search(r'<form class="search-form"[^>]*role="search">.*?</form>', html, re.S)
    assert box is not None and 'action="/search/"' in box.group(0)
    assert 'name="q"' in box.group(0)
    if scope:
        assert scope.format(code=code) in box.group(0)
    else:
        assert 'type="hidden"' not in box.group(0)
    # What such a box sends is scoped as it says.
    scoped = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]+)"', box.group(0)))
    r = client.get(URL, {"q": "低保", **scoped})
    assert r.context["outcome"].total == (1 if scoped else 2)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("示民发〔2024〕5号", [1]),
        ("示民发[2024]5号", [1]),
        # A whole number that nothing has: said so, no OR fallback over its characters (示, 发,
        # 号 … would list unrelated documents by the hundred).
        ("示民发〔2024〕6号", []),
        ("示民发2023年5号", []),
    ],
)
def test_a_whole_document_number_finds_that_document_or_says_none(client, corpus, q, found) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL, {"q": q})
    outcome = r.context["outcome"]
    assert [h.id for h in outcome.hits] == found
    assert outcome.mode == "and"
    missing = any("没有找到文号或索引号为" in n for n in outcome.notices)
    assert missing == (not found)
    api = client.get("/api/v1/search", {"q": q}).json()
    assert [h["id"] for h in api["hits"]] == found and api["mode"] == "and"


@pytest.mark.parametrize(
    ("typed", "title", "twin"),
    [
        # A whole title typed or pasted puts the document with exactly that title first, ahead
        # of a near-twin that BM25 and the recency boost favour (newer, its text full of the
        # same words) — the demo's 市/县 bodies issuing the same plan, a 修订 and its original.
        *(
            (t, t, twin)
            for t, twin in [
                (
                    "市人民医院关于印发《老旧小区改造实施方案》的通知",
                    "县人民医院关于印发《老旧小区改造实施方案》的通知",
                ),
                (
                    "县政府办公室关于印发《防汛抗旱应急预案》的通知",
                    "县政府办公室关于印发《防汛抗旱应急预案（2026年修订）》的通知",
                ),
                (
                    "县政府办公室关于印发《防汛抗旱应急预案（2026年修订）》的通知",
                    "县政府办公室关于印发《防汛抗旱应急预案》的通知",
                ),
            ]
        ),
        # Bracket, width and space variants of the same title.
        (
            "县政府办公室关于印发《防汛抗旱应急预案(2026年修订)》的通知",
            "县政府办公室关于印发《防汛抗旱应急预案（2026年修订）》的通知",
            "县政府办公室关于印发《防汛抗旱应急预案》的通知",
        ),
        (
            "市人民医院 关于印发《老旧小区改造实施方案》的通知",
            "市人民医院关于印发《老旧小区改造实施方案》的通知",
            "县人民医院关于印发《老旧小区改造实施方案》的通知",
        ),
    ],
)
def test_a_whole_title_puts_that_document_first(  # type: ignore[no-untyped-def]
    client, engine, memo, world, typed, title, twin
) -> None:
    memo.add(
        1, title, "现将方案印发给你们。", body_id=world.body_a.pk, published_on=dt.date(2020, 1, 1)
    )
    memo.add(
        2,
        twin,
        f"{typed} 2026年修订 市 县 " * 8,
        body_id=world.body_a.pk,
        published_on=dt.date(2026, 1, 1),
    )
    index_all(engine, memo)
    r = client.get(URL, {"q": typed})
    outcome = r.context["outcome"]
    assert [h.title for h in outcome.hits] == [title, twin]
    assert outcome.total == 2  # pinned once, counted once
    assert "文号匹配" not in r.content.decode()  # a title is not a document number


def test_control_characters_are_not_echoed(client, corpus) -> None:  # type: ignore[no-untyped-def]
    r = client.get(URL, {"q": "低\x00保"})
    assert "\x00" not in r.content.decode() and r.context["outcome"].q == "低保"
    # The API refuses control characters in every parameter (api/parser.py), in Chinese.
    api = client.get("/api/v1/search", {"q": "低\x00保"})
    assert api.status_code == 400 and "控制字符" in api.json()["detail"]
