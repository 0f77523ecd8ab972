"""The same behaviour from every engine (issue 4, points 1, 4, 5): each test runs on tantivy
and, on PostgreSQL, on the RUM-backed PostgreSQL engine."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid

import pytest

from tests.search.conftest import MemorySource, index_all
from yangguang.core.models import OutboxMessage
from yangguang.search.backends.base import FACETS, Filters, SearchBackend
from yangguang.search.backends.tantivy_backend import FORMAT_FILE
from yangguang.search.query import And, Node, Or, Phrase, Term
from yangguang.search.service import RESULT_CACHE, run_search

FILLER = "为进一步做好相关工作，现将有关事项通知如下。请各单位认真贯彻落实。"


def ids(outcome) -> list[int]:  # type: ignore[no-untyped-def]
    return [h.id for h in outcome.hits]


def test_and_by_default(engine: SearchBackend, memo: MemorySource) -> None:
    memo.add(1, "关于城乡居民养老保险缴费标准的通知", FILLER + "缴费档次调整。")
    memo.add(2, "关于城乡居民医疗保险的通知", FILLER)
    memo.add(3, "关于开展安全生产检查的通知", FILLER)
    index_all(engine, memo)
    out = run_search("养老保险 缴费")
    assert ids(out) == [1]
    assert out.mode == "and" and out.total == 1 and not out.notices


def test_falls_back_to_or_with_a_notice(engine: SearchBackend, memo: MemorySource) -> None:
    memo.add(1, "关于城乡居民养老保险的通知", FILLER)
    memo.add(2, "秸秆综合利用实施方案", FILLER)
    memo.add(3, "关于开展安全生产检查的通知", FILLER)
    index_all(engine, memo)
    out = run_search("养老保险 秸秆")
    assert set(ids(out)) == {1, 2}
    assert out.mode == "or"
    assert "任一检索词" in out.notices[0]


def test_quoted_phrase_requires_the_words_together(
    engine: SearchBackend, memo: MemorySource
) -> None:
    memo.add(1, "通知一", "加强医疗保障基金监督管理。" + FILLER)
    memo.add(2, "通知二", "医疗机构要做好保障工作，" + FILLER + "基金另行拨付。")
    index_all(engine, memo)
    assert set(ids(run_search("医疗 保障 基金"))) == {1, 2}
    assert ids(run_search('"医疗保障基金"')) == [1]
    assert ids(run_search("“医疗保障基金”")) == [1]


def test_a_phrase_as_written_ranks_before_its_words_spread_apart(
    engine: SearchBackend, memo: MemorySource
) -> None:
    """ "补贴办法的通知" found the one title holding it exactly last of 68, below titles holding
    补贴…管理办法》的通知 (a phrase allows search-mode sub-words between its words)."""
    memo.add(1, "关于调整农机购置补贴办法的通知", "现将调整事项通知如下。")
    for i in range(2, 30):
        memo.add(i, f"关于印发《第{i}批补贴发放管理办法》的通知", "补贴发放办法的通知，补贴办法。")
    index_all(engine, memo)
    assert ids(run_search('"补贴办法的通知"'))[0] == 1
    assert ids(run_search('"补贴办法的通知" 农机'))[0] == 1


@pytest.mark.parametrize(
    "query",
    [
        "泰政办发〔2014〕36号",
        "泰政办发[2014]36号",
        "泰政办发(2014)36号",
        "泰政办发（2014）36号",
        "泰政办发【2014】36号",
        "泰政办发 [2014] 36号",
        "11370900mb2834567a/2014-00036",
    ],
)
def test_exact_document_or_index_number_comes_first(
    engine: SearchBackend, memo: MemorySource, query: str
) -> None:
    # Other documents mention the same pieces more often and are newer.
    for i in range(2, 8):
        memo.add(
            i,
            f"泰政办发2014年第{i}批文件汇编",
            "泰政办发 2014 36号 文件" * 5,
            doc_number=f"泰政办发〔2014〕{i}号",
            published_on=dt.date(2024, 1, i),
        )
    memo.add(
        1,
        "关于加强农村人居环境整治的意见",
        FILLER,
        doc_number="泰政办发〔2014〕36号",
        index_number="11370900MB2834567A/2014-00036",
        published_on=dt.date(2014, 5, 6),
    )
    index_all(engine, memo)
    out = run_search(query)
    assert out.hits and out.hits[0].id == 1
    assert out.hits[0].pinned


def test_facet_counts_and_filters(engine: SearchBackend, memo: MemorySource, world) -> None:  # type: ignore[no-untyped-def]
    a, b = world.body_a.pk, world.body_b.pk
    memo.add(
        1,
        "就业补贴政策",
        FILLER,
        body_id=a,
        category="政策文件",
        theme="t01",
        published_on=dt.date(2023, 3, 1),
    )
    memo.add(
        2,
        "就业补贴申领指南",
        FILLER,
        body_id=a,
        category="办事指南",
        theme="t01",
        published_on=dt.date(2024, 3, 1),
    )
    memo.add(
        3,
        "就业补贴资金公示",
        FILLER,
        body_id=b,
        category="政策文件",
        theme="t02",
        published_on=dt.date(2024, 5, 1),
        validity="repealed",
    )
    memo.add(4, "安全生产检查", FILLER, body_id=b, category="政策文件")
    index_all(engine, memo)
    out = run_search("就业补贴")
    assert out.total == 3
    f = {name: {v.value: v.count for v in values} for name, values in out.facets.items()}
    assert f["body"] == {str(a): 2, str(b): 1}
    assert f["category"] == {"政策文件": 2, "办事指南": 1}
    assert f["theme"] == {"t01": 2, "t02": 1}
    assert f["year"] == {"2023": 1, "2024": 2}
    assert f["validity"] == {"valid": 2, "repealed": 1}
    labels = {v.value: v.label for v in out.facets["body"]}
    assert labels[str(a)] == world.body_a.name
    assert [v.value for v in out.facets["year"]] == ["2024", "2023"]  # newest first

    assert ids(run_search("就业补贴", filters=Filters(body_ids=[b]))) == [3]
    assert set(ids(run_search("就业补贴", filters=Filters(category="政策文件")))) == {1, 3}
    assert ids(run_search("就业补贴", filters=Filters(year=2023))) == [1]
    assert ids(run_search("就业补贴", filters=Filters(validity="repealed"))) == [3]
    assert ids(run_search("就业补贴", filters=Filters(theme="t02", body_ids=[a]))) == []
    # Unknown facet values: no results, no error.
    assert run_search("就业补贴", filters=Filters(category="不存在的类别")).total == 0
    # Browsing with filters and no words: newest first.
    browse = run_search("", filters=Filters(body_ids=[a]))
    assert browse.mode == "browse" and ids(browse) == [2, 1]


def test_sort_by_date(engine: SearchBackend, memo: MemorySource) -> None:
    memo.add(1, "河长制工作方案 河长制 河长制", FILLER, published_on=dt.date(2019, 1, 1))
    memo.add(2, "河长制", FILLER, published_on=dt.date(2024, 6, 1))
    memo.add(3, "关于河长制的通知", FILLER, published_on=dt.date(2021, 6, 1))
    index_all(engine, memo)
    assert ids(run_search("河长制", sort="date")) == [2, 3, 1]


def test_title_match_outranks_body_match(engine: SearchBackend, memo: MemorySource) -> None:
    memo.add(1, "年度工作总结", FILLER + "乡村振兴" + FILLER)
    memo.add(2, "乡村振兴实施方案", FILLER + FILLER)
    index_all(engine, memo)
    assert ids(run_search("乡村振兴")) == [2, 1]


def test_repealed_ranked_lower_and_labelled(engine: SearchBackend, memo: MemorySource) -> None:
    memo.add(1, "城市供水管理办法", FILLER, validity="repealed")
    memo.add(2, "城市供水管理办法", FILLER, validity="valid")
    index_all(engine, memo)
    out = run_search("供水管理办法")
    assert ids(out) == [2, 1]
    assert out.hits[1].repealed and out.hits[1].validity_label == "废止"
    assert not out.hits[0].repealed


def test_recency_is_a_mild_boost(engine: SearchBackend, memo: MemorySource) -> None:
    memo.add(1, "城市供水管理办法", FILLER, published_on=dt.date(2010, 1, 1))
    memo.add(2, "城市供水管理办法", FILLER, published_on=dt.date.today())
    memo.add(
        3, "供水管理办法 供水 管理办法 城市供水管理办法", FILLER, published_on=dt.date(2010, 1, 1)
    )
    index_all(engine, memo)
    got = ids(run_search("城市供水管理办法"))
    assert got.index(2) < got.index(1)  # same text: the newer one first


@pytest.mark.parametrize(
    ("q", "in_title", "anywhere"),
    [
        ("低保", [1, 3], [1, 2, 3]),  # 3: 最低生活保障 in its title (the synonym)
        ("低保 标准", [1], [1, 2]),
        ('"城乡低保"', [1], [1]),
        ("防汛", [2], [2]),
        ("审批", [], [1, 2]),  # in texts only
    ],
)
def test_title_scope_finds_the_words_in_titles_only(
    engine: SearchBackend, memo: MemorySource, q: str, in_title: list[int], anywhere: list[int]
) -> None:
    """scope=title (Filters.in_title): the words, synonyms and phrases must be in the title;
    the total and the facets count those documents only."""
    memo.add(1, "关于调整城乡低保标准的通知", "各乡镇：审批流程见附件。", category="政策文件")
    memo.add(2, "防汛工作通知", "低保对象优先转移，最低生活保障标准不变，审批从简。")
    memo.add(3, "最低生活保障审核办法", FILLER, category="政策文件")
    index_all(engine, memo)
    out = run_search(q, filters=Filters(in_title=True))
    assert sorted(ids(out)) == in_title and out.total == len(in_title)
    categories = dict((v.value, v.count) for v in out.facets.get("category", []))
    filed = len({1, 3} & set(in_title))  # the documents with a category
    assert categories == ({"政策文件": filed} if filed else {})
    assert sorted(ids(run_search(q))) == anywhere


@pytest.mark.parametrize(
    ("since", "until", "found"),
    [
        (None, None, [1, 2, 3, 4]),  # no range: the undated document too
        (dt.date(2024, 3, 1), None, [2, 3]),  # on the first day, inclusive
        (None, dt.date(2024, 3, 1), [1, 2]),  # on the last day, inclusive
        (dt.date(2024, 3, 1), dt.date(2024, 3, 1), [2]),
        (dt.date(2024, 3, 2), dt.date(2024, 12, 31), [3]),
        (dt.date(2025, 1, 1), None, []),
        (None, dt.date(1990, 1, 1), []),  # an undated document is outside every range
    ],
)
def test_publication_date_range(
    engine: SearchBackend,
    memo: MemorySource,
    since: dt.date | None,
    until: dt.date | None,
    found: list[int],
) -> None:
    """发布时间 (date_from / date_to): inclusive days, with facet counts over the range."""
    for i, day in ((1, dt.date(2023, 12, 31)), (2, dt.date(2024, 3, 1)), (3, dt.date(2024, 7, 1))):
        memo.add(i, f"关于秸秆禁烧的通知{i}", FILLER, published_on=day, category="通知")
    memo.add(4, "秸秆禁烧工作方案", FILLER, published_on=None, year=None, category="通知")
    index_all(engine, memo)
    filters = Filters(published_from=since, published_to=until)
    for q in ["秸秆禁烧", *([""] if filters.active() else [])]:  # and browsing by the range
        out = run_search(q, filters=filters)
        assert sorted(ids(out)) == found and out.total == len(found), q
        counted = {v.value: v.count for v in out.facets.get("category", [])}
        assert counted == ({"通知": len(found)} if found else {}), q


def test_synonyms_find_the_other_wording(engine: SearchBackend, memo: MemorySource) -> None:
    memo.add(1, "关于提高城乡最低生活保障标准的通知", FILLER)
    memo.add(2, "关于调整低保对象认定办法的通知", FILLER)
    memo.add(3, "住房公积金缴存基数调整", FILLER)
    index_all(engine, memo)
    assert set(ids(run_search("低保"))) == {1, 2}
    assert set(ids(run_search("最低生活保障"))) == {1, 2}
    assert ids(run_search("公积金")) == [3]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        # Part of a 发文字号 with the body's short name: all its words (AND), not the OR
        # fallback — jieba cut 县住建局 into 县住 / 建局 before 住建局 was a built-in term.
        ("住建局发 23号", [1]),
        ("县住建局发 2026", [1, 2]),  # 2: 县住房和城乡建设局 (the full name) and 县住建发〔2026〕
        ("住建发 5号", [2]),
        # A short name finds the full name, and back.
        ("住建局 危房改造", [1, 2]),
        ("住房和城乡建设局 危房改造", [1, 2]),
        ("人社局 见习", [3]),
    ],
)
def test_short_body_names_in_numbers_and_queries(
    engine: SearchBackend, memo: MemorySource, q: str, found: list[int]
) -> None:
    memo.add(1, "县住建局关于危房改造的通知", FILLER, doc_number="县住建局发〔2026〕23号")
    memo.add(2, "县住房和城乡建设局危房改造补助公示", FILLER, doc_number="县住建发〔2026〕5号")
    memo.add(3, "县人力资源和社会保障局就业见习公告", FILLER)
    index_all(engine, memo)
    out = run_search(q)
    assert out.mode == "and" and sorted(ids(out)) == found


def test_term_added_after_indexing_still_matches(
    engine: SearchBackend, memo: MemorySource, world
) -> None:  # type: ignore[no-untyped-def]
    from yangguang.search import services

    memo.add(1, "关于做好秸秆禁烧工作的通知", FILLER)
    index_all(engine, memo)
    services.term_add(actor=world.admin, word="秸秆禁烧")
    assert ids(run_search("秸秆禁烧")) == [1]


@pytest.mark.parametrize("q", ["秸秆禁烧", "秸秆禁烧 通知", "关于秸秆禁烧"])
def test_a_term_added_after_indexing_matches_older_documents_only_where_it_is_written(
    engine: SearchBackend, memo: MemorySource, world, q: str
) -> None:  # type: ignore[no-untyped-def]
    """Older documents hold the added word's parts (秸秆 禁烧): they match where the parts are
    side by side, as the word was written — not where they are apart (秸秆还田 … 全面禁烧)."""
    from yangguang.search import services

    memo.add(1, "关于做好秸秆禁烧工作的通知", FILLER)
    memo.add(2, "关于秸秆还田的通知", FILLER + "城区全面禁烧。")
    index_all(engine, memo)
    services.term_add(actor=world.admin, word="秸秆禁烧")
    out = run_search(q)
    assert out.mode == "and" and ids(out) == [1]


def test_quoted_phrase_with_a_term_added_after_indexing_still_matches(
    engine: SearchBackend, memo: MemorySource, world
) -> None:  # type: ignore[no-untyped-def]
    from yangguang.search import services

    memo.add(1, "专项资金管理办法", "专项资金实行专账核算，" + FILLER)
    memo.add(2, "财务管理办法", "设立专账。" + FILLER + "年终统一核算。")
    memo.add(3, "资金使用办法", "资金由专人实行管理，设立专账。" + FILLER + "年终核算。")
    index_all(engine, memo)
    services.term_add(actor=world.admin, word="专账核算")
    # The old documents hold 专账 核算: the phrase also matches as the built-in cut gives it.
    assert ids(run_search('"专账核算"')) == [1]
    assert ids(run_search('"资金实行专账核算"')) == [1]
    assert ids(run_search("“实行专账核算” 专项资金")) == [1]
    index_all(engine, memo)  # rebuilt with the term: the same answers
    assert ids(run_search('"专账核算"')) == [1]
    assert ids(run_search('"资金实行专账核算"')) == [1]


def test_adding_or_deleting_a_term_keeps_documents_findable_by_their_words(
    engine: SearchBackend, memo: MemorySource, world
) -> None:  # type: ignore[no-untyped-def]
    from yangguang.search import services
    from yangguang.search.models import SearchTerm

    memo.add(1, "专项资金管理办法", "专项资金实行专账核算，" + FILLER)
    memo.add(2, "财务管理办法", "设立专账。" + FILLER)
    services.term_add(actor=world.admin, word="专账核算")
    index_all(engine, memo)  # rebuilt with the term
    assert sorted(ids(run_search("专账"))) == [1, 2]  # its parts still find it
    out = run_search("专账 核算")
    assert out.mode == "and" and ids(out) == [1]
    assert ids(run_search("专账核算")) == [1]
    services.term_delete(actor=world.admin, term_id=SearchTerm.objects.get().pk)
    # Cut 专账 / 核算 again, before any rebuild: still the document.
    out = run_search("专账核算")
    assert out.mode == "and" and ids(out) == [1]
    assert ids(run_search('"专账核算"')) == [1]


def test_a_synonym_group_sharing_a_built_in_word_finds_the_built_in_words(
    engine: SearchBackend, memo: MemorySource, world
) -> None:  # type: ignore[no-untyped-def]
    from yangguang.search import services

    memo.add(1, "最低生活保障审核确认办法", FILLER)
    memo.add(2, "关于开展安全生产检查的通知", FILLER)
    index_all(engine, memo)
    services.synonym_add(actor=world.admin, terms="低保,低收入家庭")
    assert ids(run_search("低收入家庭")) == [1]


def test_withdrawn_document_in_index_is_never_shown(
    engine: SearchBackend, memo: MemorySource
) -> None:
    memo.add(1, "关于征收土地补偿标准的公告", FILLER)
    memo.add(2, "关于征收土地补偿标准的说明", FILLER)
    index_all(engine, memo)
    memo.public.discard(1)  # withdrawn in the database; the index lags
    out = run_search("土地补偿")
    assert ids(out) == [2]
    assert out.total == 1 and out.hidden == 1
    # …and the index is asked to catch up.
    assert OutboxMessage.objects.filter(topic="search.reindex", payload__id=1).exists()


def test_highlighted_snippets_escape_html(engine: SearchBackend, memo: MemorySource) -> None:
    memo.add(
        1, "<b>残疾人</b>两项补贴", "申请残疾人两项补贴需要提供<script>alert(1)</script>材料。"
    )
    index_all(engine, memo)
    hit = run_search("残疾人 补贴").hits[0]
    assert "<mark>残疾人</mark>" in hit.snippet_html
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    assert "&lt;b&gt;<mark>残疾人</mark>" in hit.title_html


def test_delete_and_update(engine: SearchBackend, memo: MemorySource) -> None:
    memo.add(1, "老标题 水利", FILLER)
    index_all(engine, memo)
    memo.add(1, "新标题 交通", FILLER)
    engine.index(memo.documents([1]))
    assert ids(run_search("交通")) == [1]
    assert ids(run_search("水利")) == []
    engine.delete(["memo:1"])
    assert engine.count() == 0


def test_pagination(engine: SearchBackend, memo: MemorySource) -> None:
    for i in range(1, 24):
        memo.add(
            i,
            f"防汛工作通知第{i}号",
            FILLER,
            published_on=dt.date(2020, 1, 1) + dt.timedelta(days=i),
        )
    index_all(engine, memo)
    p1 = run_search("防汛", sort="date", page=1)
    p3 = run_search("防汛", sort="date", page=3)
    assert p1.total == 23 and p1.num_pages == 3
    assert ids(p1) == list(range(23, 13, -1))
    assert ids(p3) == [3, 2, 1]
    past = run_search("防汛", sort="date", page=7)
    assert past.page == 3 and ids(past) == [3, 2, 1] and past.notices


BAD_INPUT = [
    "",
    "   ",
    "，。！？、；：“”‘’（）《》",
    '" * : ( ) AND NEAR',
    '" * : ( ) AND NEAR 补贴',
    "补贴 AND 申领 OR NOT",
    "' OR 1=1; DROP TABLE search_pg_entry; --",
    "补贴\\",
    "补贴'",
    "title:补贴",
    "补贴*",
    "NEAR(补贴 申领, 5)",
    "\x00补贴",
    "😀😀 补贴",
    "补" * 10_000,
    "补贴 " * 3000,
    '"""',
    '"补贴',
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("query", BAD_INPUT)
def test_bad_input_never_fails(engine: SearchBackend, memo: MemorySource, query: str) -> None:
    memo.add(1, "就业补贴申领", FILLER)
    index_all(engine, memo)
    out = run_search(query)
    assert out.total >= 0
    if len(query) > 100:
        assert any("过长" in n for n in out.notices)


@pytest.mark.parametrize("page", [-5, 0, 10**9])
def test_bad_page_numbers(engine: SearchBackend, memo: MemorySource, page: int) -> None:
    memo.add(1, "就业补贴申领", FILLER)
    index_all(engine, memo)
    out = run_search("补贴", page=page)
    assert ids(out) == [1] and out.notices


def test_rebuild_with_segmenting_processes(engine: SearchBackend, memo: MemorySource) -> None:
    for i in range(1, 601):
        memo.add(i, f"第{i}号 森林防火通知" if i % 3 == 0 else f"第{i}号 安全生产通知", FILLER)
    assert engine.replace_all(memo.documents(), workers=2) == 600
    assert engine.count() == 600
    assert run_search("森林防火").total == 200
    # A second rebuild replaces (does not duplicate) the documents.
    memo.public -= {3, 6}
    assert engine.replace_all(memo.documents(), workers=1) == 598
    assert run_search("森林防火").total == 198


def test_broad_queries_rank_in_tiers_on_postgres(
    engine: SearchBackend, memo: MemorySource, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Beyond COUNT_CAP matches the PostgreSQL engine does not rank every match: title matches
    first, then the rest, newest first; totals are reported as lower bounds."""
    if engine.name != "postgres":
        pytest.skip("PostgreSQL only")
    from yangguang.search.backends import postgres_backend

    monkeypatch.setattr(postgres_backend, "COUNT_CAP", 4)
    for i in range(1, 9):
        title = f"森林防火通知{i}" if i in (2, 5) else f"工作通知{i}"
        memo.add(i, title, "做好森林防火工作。" + FILLER, published_on=dt.date(2020, 1, i))
    index_all(engine, memo)
    out = run_search("森林防火", per_page=3)
    assert out.capped and out.total == 4
    assert ids(out) == [5, 2, 8]
    assert ids(run_search("森林防火", per_page=3, page=2)) == [7, 6, 4]


def test_relevance_pages_never_repeat_or_skip(engine: SearchBackend, memo: MemorySource) -> None:
    """More matches than the re-ranked window (tantivy: RERANK_WINDOW): paging through every
    page shows each document exactly once, repealed ones behind the valid ones on page 1."""
    for i in range(1, 131):
        mentions = "防汛工作。" * (1 + i % 5)
        memo.add(
            i,
            f"第{i}号通知",
            mentions + FILLER,
            published_on=dt.date(2010, 1, 1) + dt.timedelta(days=20 * i),
            validity="repealed" if i % 7 == 0 else "valid",
        )
    index_all(engine, memo)
    seen: list[int] = []
    first = run_search("防汛")
    for page in range(1, first.num_pages + 1):
        seen += ids(run_search("防汛", page=page))
    if first.capped:  # PostgreSQL counts (and pages) up to its cap
        assert len(seen) == len(set(seen)) == first.total
    else:
        assert first.total == 130 and sorted(seen) == list(range(1, 131))
    assert all(h.validity != "repealed" for h in first.hits)


def test_broad_query_facets_are_estimated_on_tantivy(
    engine: SearchBackend, memo: MemorySource, world, monkeypatch, client
) -> None:  # type: ignore[no-untyped-def]
    """Beyond EXACT_FACETS matches (and EXACT_UPPER possible ones) tantivy estimates facet counts from its 1/16 sample, scaled to
    the exact total, and says so (约 on the page, facet_counts_approximate in the API); beyond
    ESTIMATE_ABOVE the total as well."""
    if engine.name != "tantivy":
        pytest.skip("tantivy only")
    from yangguang.search.backends import tantivy_backend

    monkeypatch.setattr(tantivy_backend, "EXACT_FACETS", 0)
    monkeypatch.setattr(tantivy_backend, "EXACT_UPPER", 0)
    for i in range(1, 401):
        body = world.body_a.pk if i % 4 else world.body_b.pk
        memo.add(i, f"第{i}号 防汛通知", FILLER, body_id=body, published_on=dt.date(2024, 1, 1))
    index_all(engine, memo)
    out = run_search("防汛")
    assert out.total == 400 and out.facets_approximate
    bodies = {v.value: v.count for v in out.facets["body"]}
    # About 300 / 100 (a 1/16 sample of 400 documents: ± a few dozen), summing to the total.
    assert 200 <= bodies[str(world.body_a.pk)] <= 380
    assert abs(sum(bodies.values()) - 400) <= 2
    assert '<span class="muted">(约' in client.get("/search/", {"q": "防汛"}).content.decode()
    api = client.get("/api/v1/search", {"q": "防汛"}).json()
    assert api["total"] == 400 and api["facet_counts_approximate"] is True
    # Broader still: the total is estimated from the sample too (three significant figures) —
    # unless the ranked search counted every match anyway (relevance order, not in tiers).
    monkeypatch.setattr(tantivy_backend, "ESTIMATE_ABOVE", 0)
    RESULT_CACHE.clear()
    tiered = tantivy_backend.BROAD_MATCHES < 0  # the engine fixture's "tantivy-tiered" run
    ranked = run_search("防汛")
    assert ranked.facets_approximate
    assert ranked.total_approximate is tiered
    if not tiered:
        assert ranked.total == 400
    by_date = {"q": "防汛", "sort": "date"}
    broad = run_search("防汛", sort="date")
    assert broad.total_approximate and broad.facets_approximate
    assert 200 <= broad.total <= 700 and len(str(broad.total).rstrip("0")) <= 3
    assert "找到约" in client.get("/search/", by_date).content.decode()
    assert client.get("/api/v1/search", by_date).json()["total_is_approximate"] is True
    monkeypatch.setattr(tantivy_backend, "ESTIMATE_ABOVE", 100_000)
    monkeypatch.setattr(tantivy_backend, "EXACT_FACETS", 20_000)
    RESULT_CACHE.clear()
    exact = run_search("防汛")
    assert not exact.total_approximate
    assert "找到约" not in client.get("/search/", {"q": "防汛"}).content.decode()
    assert not exact.facets_approximate
    assert '<span class="muted">(约' not in client.get("/search/", {"q": "防汛"}).content.decode()
    assert {v.value: v.count for v in exact.facets["body"]} == {
        str(world.body_a.pk): 300,
        str(world.body_b.pk): 100,
    }
    # The word's frequency bounds the matches (400) to EXACT_UPPER: counted exactly at once,
    # the sample skipped, whatever EXACT_FACETS says.
    monkeypatch.setattr(tantivy_backend, "EXACT_FACETS", 0)
    for exact_upper, approximate in ((400, False), (399, True)):
        monkeypatch.setattr(tantivy_backend, "EXACT_UPPER", exact_upper)
        RESULT_CACHE.clear()
        assert run_search("防汛").facets_approximate is approximate


def test_rebuild_drops_indexes_of_earlier_schema_versions(
    tantivy_engine: SearchBackend, memo: MemorySource
) -> None:
    from yangguang.search.backends.tantivy_backend import TantivyBackend

    assert isinstance(tantivy_engine, TantivyBackend)
    old = tantivy_engine.path / "v1"
    old.mkdir()
    (old / "meta.json").write_text("{}")
    memo.add(1, "防汛通知", FILLER)
    tantivy_engine.replace_all(memo.documents())
    assert not old.exists() and tantivy_engine.index_dir.exists()
    assert ids(run_search("防汛")) == [1]


def test_rebuild_in_processes_installs_only_the_new_segments(
    tantivy_engine: SearchBackend, memo: MemorySource
) -> None:
    """A rebuild with workers: each process indexes into its own index, whose segments then
    become this index's only segments. The old segments' files are deleted, later writes and
    deletes work on the installed segments, and no build directory is left."""
    from yangguang.search.backends.tantivy_backend import TantivyBackend

    assert isinstance(tantivy_engine, TantivyBackend)
    for i in range(1, 401):
        memo.add(i, f"第{i}号 防汛通知", FILLER)
    tantivy_engine.replace_all(memo.documents(), workers=2)
    before = {f.name for f in tantivy_engine.index_dir.iterdir()}
    assert tantivy_engine.replace_all(memo.documents(), workers=3) == 400
    meta = json.loads((tantivy_engine.index_dir / "meta.json").read_text())
    living = {s["segment_id"].replace("-", "") for s in meta["segments"]}
    segment_files = {
        f.name.split(".")[0] for f in tantivy_engine.index_dir.iterdir() if "." in f.name[1:]
    } - {"meta", "writer", ""}
    assert segment_files == living
    assert sum(s["max_doc"] for s in meta["segments"]) == 400
    assert not (before & {f.name for f in tantivy_engine.index_dir.iterdir()} - _META_FILES)
    assert not list(tantivy_engine.path.glob("build-*"))
    assert run_search("防汛").total == 400
    memo.add(401, "抗旱通知", FILLER)
    tantivy_engine.index(memo.documents([401]))
    tantivy_engine.delete(["memo:1"])
    assert run_search("防汛").total == 399 and ids(run_search("抗旱")) == [401]
    # A backend opened afresh on the same directory (as another process opens it) sees it too.
    other = TantivyBackend(tantivy_engine.path)
    assert other.count() == 400


# Files that stay (rewritten in place): tantivy's own and our record of the index format.
_META_FILES = {
    *("meta.json", ".managed.json", ".tantivy-meta.lock", ".tantivy-writer.lock"),
    FORMAT_FILE,
}


def test_failed_rebuild_process_keeps_the_old_index(
    tantivy_engine: SearchBackend, memo: MemorySource
) -> None:
    for i in range(1, 301):
        memo.add(i, f"第{i}号 防汛通知", FILLER)
    tantivy_engine.replace_all(memo.documents(), workers=2)
    broken = [*memo.documents()]
    broken[250] = dataclasses.replace(broken[250], published_on="不是日期")  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="indexing process failed"):
        tantivy_engine.replace_all(iter(broken), workers=2)
    assert run_search("防汛").total == 300
    assert not list(tantivy_engine.path.glob("build-*"))  # type: ignore[attr-defined]


def _engine_calls(engine: SearchBackend) -> list[str]:
    """The queries `engine` is asked from now on (its search wrapped to record them)."""
    calls: list[str] = []
    search = engine.search

    def counting(eq):  # type: ignore[no-untyped-def]
        calls.append(repr(eq.node))
        return search(eq)

    engine.search = counting  # type: ignore[method-assign]
    return calls


def test_repeated_query_is_served_from_the_result_cache_until_the_index_changes(
    engine: SearchBackend, memo: MemorySource, world
) -> None:  # type: ignore[no-untyped-def]
    memo.add(1, "防汛工作通知", FILLER)
    memo.add(2, "防汛物资储备", FILLER)
    index_all(engine, memo)
    calls = _engine_calls(engine)
    assert sorted(ids(run_search("防汛"))) == [1, 2]
    assert sorted(ids(run_search("防汛"))) == [1, 2]
    cached = engine.generation() is not None
    assert len(calls) == (1 if cached else 2)
    # A withdrawn document disappears at once (the database re-check), cache or not …
    memo.public.discard(2)
    assert ids(run_search("防汛")) == [1]
    # … and a commit (a new document) makes the engine answer again.
    memo.public.add(2)
    memo.add(3, "防汛抢险预案", FILLER)
    engine.index(memo.documents([3]))
    assert sorted(ids(run_search("防汛"))) == [1, 2, 3]


@pytest.mark.parametrize(
    "node, bound",
    [
        (Term("防汛"), 6),  # its document frequency
        (And((Term("防汛"), Term("抗旱"))), 2),  # the rarest word of an AND
        (Or((Term("防汛"), Term("抗旱"))), 8),  # the sum for an OR
        (Phrase(("防汛", "抗旱"), "防汛 抗旱"), 2),  # the rarest token of a phrase
        (And((Term("防汛"), Or((Term("抗旱"), Term("不存在"))))), 2),
    ],
)
def test_match_upper_bound_from_word_frequencies(
    engine: SearchBackend, memo: MemorySource, node: Node, bound: int
) -> None:
    """tantivy counts facets exactly without sampling when word frequencies prove that few
    documents can match (`_upper`): it must never be below the true number of matches."""
    if engine.name != "tantivy":
        pytest.skip("tantivy only")
    from yangguang.search.backends import tantivy_backend

    for i in range(1, 7):
        memo.add(i, f"防汛通知{i}", "防汛" + (" 抗旱" if i <= 2 else ""))
    index_all(engine, memo)
    assert isinstance(engine, tantivy_backend.TantivyBackend)
    searcher = engine._index.searcher()
    assert tantivy_backend._upper(searcher, node) == bound


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_total_counts_documents_without_a_year_and_beyond_the_shown_years(
    engine: SearchBackend, memo: MemorySource, sort: str
) -> None:
    """The total is every match, whichever way it is counted (tantivy counts it from the year
    facet's buckets plus the documents of years past the 30 it lists): documents without a
    publication date and 35 different years all count; the facet lists the 30 largest."""
    for i in range(1, 71):
        memo.add(
            i, f"政府信息公开工作年度报告{i}", FILLER, published_on=dt.date(1990 + i % 35, 6, 1)
        )
    for i in range(71, 74):
        memo.add(i, f"政府信息公开工作年度报告{i}", FILLER, published_on=None)
    index_all(engine, memo)
    out = run_search("年度报告", sort=sort)
    assert out.total == 73 and not out.total_approximate
    years = {v.value: v.count for v in out.facets["year"]}
    assert len(years) == 30 and set(years.values()) == {2}
    assert out.num_pages == 8


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_later_pages_reuse_the_first_pages_facets(
    engine: SearchBackend, memo: MemorySource, world, monkeypatch, sort: str
) -> None:  # type: ignore[no-untyped-def]
    """Page 2 after page 1 (same process, cache on): the engine is asked for the hits only, and
    the page shows the same total and facet counts as when everything is computed afresh."""
    for i in range(1, 26):
        body = world.body_a if i % 3 else world.body_b
        memo.add(
            i,
            f"就业补贴发放公示第{i}期",
            FILLER,
            body_id=body.pk,
            category="政策文件" if i % 2 else "办事指南",
            published_on=dt.date(2020 + i % 5, 3, 1),
        )
    index_all(engine, memo)
    asked: list[tuple[int, tuple[str, ...]]] = []
    search = engine.search

    def recording(eq):  # type: ignore[no-untyped-def]
        asked.append((eq.offset, tuple(eq.facets)))
        return search(eq)

    monkeypatch.setattr(engine, "search", recording)
    run_search("就业补贴", sort=sort)
    second = run_search("就业补贴", sort=sort, page=2)
    assert asked == [(0, tuple(FACETS)), (10, ())]
    RESULT_CACHE.clear()
    fresh = run_search("就业补贴", sort=sort, page=2)
    assert asked[-1] == (10, tuple(FACETS))
    assert ids(second) == ids(fresh) and len(ids(second)) == 10
    assert (second.total, second.num_pages) == (fresh.total, fresh.num_pages) == (25, 3)
    facets = {n: [(v.value, v.count) for v in vs] for n, vs in second.facets.items()}
    assert facets == {n: [(v.value, v.count) for v in vs] for n, vs in fresh.facets.items()}
    assert dict(facets["category"]) == {"政策文件": 13, "办事指南": 12}


def _redis_url() -> str:
    """A Redis to test the shared cache against: REDIS_URL, or this machine's if it answers."""
    import os
    import socket

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    with socket.socket() as s:
        s.settimeout(0.5)
        if s.connect_ex(("127.0.0.1", 6379)) != 0 and "REDIS_URL" not in os.environ:
            pytest.skip("Redis 不可达")
    return url


def test_shared_cache_keys_name_the_database() -> None:
    """Two installations sharing one Redis (staging and live, two test runs) must not take
    each other's results: the PostgreSQL engine's generation ("12:2026-11-21") can be equal."""
    from yangguang.search.service import _shared_key

    key = ("postgres", "12:2026-11-21", "EngineQuery(...)")
    live = {"ENGINE": "django.db.backends.postgresql", "HOST": "db", "PORT": 5432, "NAME": "yg"}
    assert _shared_key(key, live) == _shared_key(key, dict(live))
    assert _shared_key(key, live) != _shared_key(key, {**live, "NAME": "yg_staging"})
    assert _shared_key(key, live) != _shared_key(key, {**live, "HOST": "db2"})


@pytest.mark.parametrize("shared", ["filebased", "redis"])
def test_result_cache_is_shared_between_processes_when_configured(
    engine: SearchBackend, memo: MemorySource, world, settings, tmp_path, shared: str
) -> None:  # type: ignore[no-untyped-def]
    """With CACHE_URL (a shared cache) another worker — here: this process with its own cache
    emptied — takes the result a first one computed, instead of running the engine again.
    The key holds the index generation: after a commit the engine answers afresh."""
    if engine.generation() is None:
        pytest.skip("this engine has no generation stamp: its results are not cached")
    location = _redis_url() if shared == "redis" else str(tmp_path)
    backend = "redis.RedisCache" if shared == "redis" else "filebased.FileBasedCache"
    # A prefix of this test's own: parallel test processes share the Redis database.
    settings.CACHES = {
        "default": {
            "BACKEND": f"django.core.cache.backends.{backend}",
            "LOCATION": location,
            "KEY_PREFIX": uuid.uuid4().hex,  # not tmp_path.name: the same in every run
            "TIMEOUT": 60,
        }
    }
    memo.add(1, "防汛工作通知", FILLER)
    index_all(engine, memo)
    calls = _engine_calls(engine)
    assert ids(run_search("防汛")) == [1]
    RESULT_CACHE.clear()  # "another worker": nothing in its own cache
    assert ids(run_search("防汛")) == [1]
    assert len(calls) == 1
    memo.add(2, "防汛物资储备", FILLER)
    engine.index(memo.documents([2]))
    RESULT_CACHE.clear()
    assert sorted(ids(run_search("防汛"))) == [1, 2] and len(calls) == 2
