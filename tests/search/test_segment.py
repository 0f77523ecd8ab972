"""Segmentation, user dictionary, synonyms and normalisation (issue 4, point 2)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yangguang.core.models import AuditEvent
from yangguang.core.text import tidy_number
from yangguang.search import segment, services
from yangguang.search.models import SearchTerm, SynonymGroup
from yangguang.search.query import And, Or, Phrase, Term, literal_query, parse, terms_of
from yangguang.search.segment import (
    BUILTIN_TERMS,
    Dictionary,
    Segmenter,
    normalize,
    normalize_number,
)


@pytest.mark.parametrize(
    "text, token",
    [
        ("关于公开2023年度三公经费预算的说明", "三公经费"),
        ("深化放管服改革优化营商环境", "放管服"),
        ("推进政务服务一网通办", "一网通办"),
        ("实行证照联办和并联审批", "证照联办"),
        ("实行证照联办和并联审批", "并联审批"),
        ("最多跑一次改革", "最多跑一次"),
        ("住房公积金提取", "公积金"),  # search mode: the sub-word of a longer word
        ("住房公积金提取", "住房公积金"),
        ("关于印发《政务公开工作要点》的通知", "政务公开"),
        ("政府采购管理暂行办法", "政府采购"),
        ("公共资源交易管理办法", "公共资源交易"),
        ("公共资源交易管理办法", "公共资源"),  # its 4-character part stays a token
        ("创业担保贷款实施办法", "创业担保贷款"),
        ("失业保险金申领", "失业保险"),
    ],
)
def test_builtin_government_terms_are_tokens(text: str, token: str) -> None:
    tokens = Segmenter().index_tokens(text).split()
    assert token in tokens


@pytest.mark.parametrize(
    "text, token",
    [
        ("生态环境保护督察整改工作方案", "生态环境"),
        ("生态环境保护督察整改工作方案", "环境保护"),
        ("生态环境保护督察整改工作方案", "生态环境保护"),
        ("中华人民共和国政府信息公开条例", "人民共和国"),
        ("中华人民共和国政府信息公开条例", "中华人民"),
    ],
)
def test_long_words_also_yield_their_four_character_words(text: str, token: str) -> None:
    # Search mode alone emits only the 2- and 3-character sub-words of a long word, and a query
    # word matches its own token only.
    assert token in Segmenter().index_tokens(text).split()


def test_a_long_term_added_later_keeps_its_parts_in_the_index() -> None:
    seg = Segmenter(Dictionary(terms=(*BUILTIN_TERMS, "城乡居民医疗保险")))
    tokens = seg.index_tokens("城乡居民医疗保险实施细则").split()
    assert {"城乡居民医疗保险", "城乡居民", "医疗保险"} <= set(tokens)
    # Sub-words come before the word, as in search mode.
    assert tokens.index("医疗保险") < tokens.index("城乡居民医疗保险")


def test_a_programme_name_is_not_matched_by_its_everyday_words() -> None:
    # 政务 + 公开 as two words matched every 政务服务中心 notice about “双随机、一公开”.
    seg = Segmenter()
    assert seg.query_words("政务公开") == ["政务公开"]
    assert "政务公开" not in seg.index_tokens("县政务服务中心“双随机、一公开”抽查结果").split()


def test_index_tokens_drop_punctuation_and_normalise_width() -> None:
    tokens = Segmenter().index_tokens("关于（ＡＢＣ）项目，“２０２４年”！！").split()
    assert "abc" in tokens and "2024" in tokens
    assert not any(t in {"（", "）", "，", "“", "”", "！", "(", ")"} for t in tokens)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("泰政办发〔2014〕36号", "泰政办发〔2014〕36号"),
        ("泰政办发[2014]36号", "泰政办发〔2014〕36号"),
        ("泰政办发(2014)36号", "泰政办发〔2014〕36号"),
        ("泰政办发（2014）36号", "泰政办发〔2014〕36号"),
        ("泰政办发【2014】36号", "泰政办发〔2014〕36号"),
        ("泰政办发［２０１４］３６号", "泰政办发〔2014〕36号"),
        (" 泰政办发 〔2014〕 36 号 ", "泰政办发〔2014〕36号"),
        ("11370900MB2834567A/2024-00012", "11370900mb2834567a/2024-00012"),
        # The year typed with 年 instead of brackets, or inside them.
        ("柳林镇政字2026年1号", "柳林镇政字〔2026〕1号"),
        ("示政办发2024年3号", "示政办发〔2024〕3号"),
        ("示政办发 2024 年 3 号", "示政办发〔2024〕3号"),
        ("示政办发［2024年］3号", "示政办发〔2024〕3号"),
        ("示政办发（2024年）3号", "示政办发〔2024〕3号"),
        # A 公告 numbered within the year (第3号) is cited without 第 too: one form for both.
        ("国家税务总局公告2024年第3号", "国家税务总局公告〔2024〕3号"),
        ("国家税务总局公告〔2024〕第3号", "国家税务总局公告〔2024〕3号"),
        ("示政办发〔2026〕第16号", "示政办发〔2026〕16号"),
        # Leading zeros of the serial, from a numbering stamp.
        ("示政办发〔2026〕016号", "示政办发〔2026〕16号"),
        ("示政办发[2026]第0016号", "示政办发〔2026〕16号"),
        ("示政办发〔2026〕10号", "示政办发〔2026〕10号"),
        # Not a year of a number: left alone.
        ("2024年度报告", "2024年度报告"),
        ("示政办发〔2024〕3号 2025年工作", "示政办发〔2024〕3号2025年工作"),
    ],
)
def test_document_number_variants_normalise_alike(raw: str, expected: str) -> None:
    assert normalize_number(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("示政办发〔2026〕13号", "示政办发〔2026〕13号"),
        ("示政办发[2026]13号", "示政办发〔2026〕13号"),
        ("示政办发(2026)13号", "示政办发〔2026〕13号"),
        ("示政办发（2026）13号", "示政办发〔2026〕13号"),
        ("示政办发【2026】13号", "示政办发〔2026〕13号"),
        ("示政办发［2026］13号", "示政办发〔2026〕13号"),
        ("示政办发［２０２６］１３号", "示政办发〔2026〕13号"),
        ("示政办发〔２０２６〕13号", "示政办发〔2026〕13号"),
        # Everything else is the office's: case, spaces, other brackets, 年 are kept.
        ("Shi政办发 [2026] 13号", "Shi政办发 〔2026〕 13号"),
        ("示政办发[2026年]13号", "示政办发[2026年]13号"),
        ("示政办发2026年13号", "示政办发2026年13号"),
        ("示政办发(一)13号", "示政办发(一)13号"),
        ("示政办发[20261]13号", "示政办发[20261]13号"),
        ("", ""),
    ],
)
def test_tidy_number_writes_the_year_brackets_as_the_standard_does(raw: str, expected: str) -> None:
    assert tidy_number(raw) == expected
    # Matching is unchanged: the tidied number is found by the same key as the typed one.
    assert normalize_number(tidy_number(raw)) == normalize_number(raw)


@pytest.mark.parametrize(
    "typed, canonical",
    [
        ("柳林镇政字2026年1号", "柳林镇政字〔2026〕1号"),
        ("柳林镇政字(2026)1号", "柳林镇政字〔2026〕1号"),
        ("示政办发2024年3号", "示政办发〔2024〕3号"),
    ],
)
def test_number_typed_with_year_is_pinned_like_the_bracketed_one(
    typed: str, canonical: str
) -> None:
    assert parse(typed, Segmenter()).number == normalize_number(canonical)


@pytest.mark.parametrize(
    "text, same_as",
    [
        ("第1季度", "第一季度"),
        ("2026年第1季度行政许可事项办理结果", "2026年第一季度行政许可事项办理结果"),
        ("2026年1季度", "2026年一季度"),
        ("第4季度", "第四季度"),
        ("第2批就业见习基地", "第二批就业见习基地"),
        ("第01批", "第一批"),
        ("第10批", "第十批"),
        ("第12批", "第十二批"),
        ("第20届", "第二十届"),
        ("第35次会议", "第三十五次会议"),
        ("第3期", "第三期"),
        ("第2轮督察", "第二轮督察"),
    ],
)
def test_ordinals_are_the_same_tokens_in_digits_and_chinese(text: str, same_as: str) -> None:
    seg = Segmenter()
    assert seg.index_tokens(text) == seg.index_tokens(same_as)
    assert seg.query_words(text) == seg.query_words(same_as)


@pytest.mark.parametrize(
    "text",
    [
        "一网通办",  # not an ordinal: no digits come out of Chinese words
        "第一书记",
        "发放3次",  # a quantity, not an ordinal
        "分2期支付",
        "示政办发〔2026〕1号",
        "第3号",  # 号 is a number's serial: kept as typed
        "第100批",  # beyond 99: kept as typed
        "12季度",
        "2.5季度",
    ],
)
def test_ordinal_normalisation_leaves_other_numbers_alone(text: str) -> None:
    assert segment.normalize_ordinals(text) == text


def test_quarter_query_finds_documents_however_written() -> None:
    seg = Segmenter()
    for query in ("第一季度", "第1季度", "一季度", "1季度"):
        for doc in ("2026年第1季度行政许可事项办理结果", "2026年第一季度行政许可事项办理结果"):
            tokens = seg.index_tokens(doc).split()
            assert all(w in tokens for w in seg.query_words(query)), (query, doc)
    # The second quarter is another token.
    assert "第一季度" not in seg.index_tokens("2026年第2季度行政许可事项办理结果").split()


def test_normalize_full_width_case_and_spaces() -> None:
    assert normalize("Ｈｅｌｌｏ　ＷＯＲＬＤ，１２３") == "hello world 123"


# Text mixing what normalisation touches: Chinese, ASCII and full-width letters and digits,
# punctuation of both widths, every kind of whitespace and control character, other scripts.
_MIXED = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            "住房公积金提取办法第1季度一网通办，。、；：“”（）《》〔〕【】 \u3000\t\n\r"
        ),
        st.sampled_from("AZaz09+#&._%-/\\@!?$*()[]{}<>\"'"),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
)


def _reference_tokens(seg: Segmenter, text: str) -> str:
    """index_tokens as first written (str.translate, then split/join): the fast path must
    produce the same tokens, or documents indexed by one would not match queries cut by the
    other."""
    text = segment.normalize_ordinals(text.translate(segment._TABLE))
    tokens = " ".join(" ".join(seg._jieba.cut_for_search(text)).split())
    return segment._LONG_WORD.sub(seg._with_long_subwords, tokens)


@settings(max_examples=300, deadline=None)
@given(_MIXED)
def test_fast_normalisation_is_the_translate_table(text: str) -> None:
    assert normalize(text) == " ".join(text.translate(segment._TABLE).split())
    seg = segment.base_segmenter()
    assert seg.index_tokens(text) == _reference_tokens(seg, text)


def test_memoised_expansions_stay_exact_when_emptied(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-word memo of search-mode expansions is emptied when full: what it returns
    afterwards is still cut_for_search's tokens (plus the long sub-words)."""
    seg = Segmenter()
    monkeypatch.setattr(segment._Expansions, "MAX_WORDS", 3)
    texts = (
        "城乡居民医疗保险参保登记，生态环境保护督察反馈问题整改方案",
        "住房公积金提取办法（2026年第1季度）",
        "一网通办 最多跑一次 中华人民共和国政府信息公开条例",
    )
    for _ in range(2):  # the second round meets words the memo dropped
        for text in texts:
            assert seg.index_tokens(text) == _reference_tokens(seg, text)
    assert len(seg._expansions) <= 3


def test_synonyms_expand_both_ways() -> None:
    seg = Segmenter()
    for query, other in (
        ("低保", "最低生活保障"),
        ("最低生活保障", "低保"),
        ("医保", "医疗保障"),
        ("公积金", "住房公积金"),
    ):
        pq = parse(query, seg)
        assert other in pq.expansions[query], query
        assert other in terms_of(pq.clauses[0]) or any(other in terms_of(c) for c in pq.clauses)


@pytest.mark.parametrize(
    "query, expected",
    [
        # What citizens type → what the documents say.
        ("新农合", {"城乡居民", "医疗保险", "医保"}),
        # Written with a space in its group: cut into its words, 医保 brings 医疗保险.
        ("城乡居民医保", {"城乡居民", "医疗保险"}),
        ("扶贫", {"脱贫攻坚", "脱贫"}),
        ("脱贫攻坚", {"扶贫"}),
        ("上学", {"入学"}),
        ("养老金", {"养老保险", "退休金"}),
        ("旧改", {"老旧小区", "改造"}),
        ("抗洪", {"防汛", "防洪"}),
        ("招投标", {"招标投标", "公共资源交易"}),
        ("就业补贴", {"就业补助"}),
        ("环保", {"环境保护"}),
    ],
)
def test_government_synonyms(query: str, expected: set[str]) -> None:
    pq = parse(query, Segmenter())
    assert expected <= set().union(*(terms_of(c) for c in pq.clauses))


def test_broader_word_finds_its_narrower_words_one_way() -> None:
    seg = Segmenter()
    for query in ("社会保险", "社保"):  # 社保 through its synonym group
        found = terms_of(parse(query, seg).clauses[0])
        assert {"养老保险", "医疗保险", "失业保险", "工伤保险", "生育保险"} <= found, query
    # A narrower word is not widened to the broader one.
    assert "社会保险" not in terms_of(parse("养老保险", seg).clauses[0])
    assert "社会救助" not in terms_of(parse("最低生活保障", seg).clauses[0])
    # Built from the dictionary it is given (administrators' dictionaries keep the built-in one).
    assert parse("社会保险", Segmenter(Dictionary(narrower={}))).expansions == {
        "社会保险": ["社保"]
    }


@pytest.mark.parametrize(
    ("raw", "word", "literal"),
    [
        ("低保", "低保", '"低保"'),
        ("低保 审核", "低保", '"低保" 审核'),
        ("低保审核", "低保", '"低保" 审核'),  # typed as one chunk: the word is quoted inside it
        ("城市低保", "低保", '城市 "低保"'),
        # Other quoted phrases stay phrases (typed with Chinese quotes, written back with ").
        ("医保“报销 流程”", "医保", '"医保" "报销 流程"'),
        ("“医保” 医保", "医保", '"医保" "医保"'),  # the unquoted one is the one expanded
        ("社会救助 通知", "社会救助", '"社会救助" 通知'),  # a broader word: its narrower ones
        ("审核", "低保", ""),  # not typed
        ("ＤＢ 低保", "db", ""),  # normalised from another form: not findable in what was typed
    ],
)
def test_literal_query_finds_the_word_alone(raw: str, word: str, literal: str) -> None:
    """A quoted word is not expanded (query.parse): the page's 只查找“低保” link."""
    seg = Segmenter()
    assert literal_query(raw, word, seg) == literal
    if literal:
        pq = parse(literal, seg)
        assert word not in pq.expansions and word in pq.phrases


def test_spaced_synonym_is_matched_as_its_words_and_keeps_the_index_tokens() -> None:
    seg = Segmenter()
    # 新农合 → 城乡居民 AND 医疗保险: also the official 城乡居民**基本**医疗保险.
    pq = parse("新农合", seg)
    node = pq.clauses[0]
    assert isinstance(node, Or)
    assert And((Term("城乡居民"), Term("医疗保险"))) in node.items
    # Not a dictionary word: the 4-character parts stay in the index (医保 → 医疗保险 finds it).
    assert not seg.has_word("城乡居民医疗保险")
    tokens = seg.index_tokens("城乡居民医疗保险实施细则").split()
    assert "医疗保险" in tokens and "城乡居民" in tokens
    assert "公共资源" in seg.index_tokens("公共资源交易管理办法").split()


def test_added_term_also_matches_its_old_tokens_as_a_phrase() -> None:
    # A term administrators add after indexing: old documents hold 秸秆 禁烧, next to each other.
    seg = Segmenter(Dictionary(terms=(*BUILTIN_TERMS, "秸秆禁烧"), synonyms=()))
    node = parse("秸秆禁烧", seg).clauses[0]
    assert node == Or((Term("秸秆禁烧"), Phrase(("秸秆", "禁烧"), "秸秆禁烧")))


def test_an_added_term_keeps_the_tokens_the_built_in_cut_gives_it() -> None:
    # Alone, 专账核算 would replace 专账 核算: a query for 专账 would miss every document
    # rebuilt with the term, and 专账核算 itself once the term is deleted again.
    seg = Segmenter(Dictionary(terms=(*BUILTIN_TERMS, "专账核算")))
    base = segment.base_segmenter()
    assert base.index_tokens("资金实行专账核算") == "资金 实行 专账 核算"
    assert seg.index_tokens("资金实行专账核算") == "资金 实行 专账 核算 专账核算"
    # The query side: the word itself, or (documents indexed before it) its built-in tokens.
    assert seg.query_words("专账核算") == ["专账核算"]
    assert seg.prior_tokens("专账核算") == ["专账", "核算"]
    # Built-in words are indexed as before.
    assert seg.index_tokens("住房公积金提取") == base.index_tokens("住房公积金提取")


def test_an_added_terms_built_in_tokens_are_computed_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """index_tokens is the hot path of a rebuild: the built-in cut of an added word is
    memoised with its expansion, and never made for any other word."""
    seg = Segmenter(Dictionary(terms=(*BUILTIN_TERMS, "专账核算")))
    calls: list[str] = []
    real = segment._with_prior_tokens

    def counted(word: str, expansion: str) -> str:
        calls.append(word)
        return real(word, expansion)

    monkeypatch.setattr(segment, "_with_prior_tokens", counted)
    for _ in range(3):
        seg.index_tokens("专项资金实行专账核算，住房公积金提取，生态环境保护督察")
    assert calls == ["专账核算"]


def test_quoted_phrase_with_an_added_term_also_matches_its_built_in_tokens() -> None:
    seg = Segmenter(Dictionary(terms=(*BUILTIN_TERMS, "专账核算"), synonyms=()))
    assert parse('"资金实行专账核算"', seg).clauses == [
        Or(
            (
                Phrase(("资金", "实行", "专账", "核算", "专账核算"), "资金实行专账核算"),
                Phrase(("资金", "实行", "专账", "核算"), "资金实行专账核算"),
            )
        )
    ]
    # A phrase without added words is cut one way only.
    assert parse('"医疗保障基金"', seg).clauses == [
        Phrase(("医疗", "保障", "医疗保障", "基金"), "医疗保障基金")
    ]


@pytest.mark.parametrize("word", ["三公经费", "最低生活保障", "合作社", "学前教育", "企业"])
def test_builtin_and_jieba_words_are_one_token(word: str) -> None:
    # Indexed whole from the start: matching their sub-words too (合作社 → 合作) would widen
    # every query to unrelated documents.
    assert parse(word, Segmenter(Dictionary(synonyms=()))).clauses[0] == Term(word)


def test_quoted_phrase_and_syntax_characters() -> None:
    pq = parse('"医疗保障基金" * : ( ) AND NEAR 报销', Segmenter())
    assert pq.phrases == ["医疗保障基金"]
    assert any(isinstance(c, Phrase) for c in pq.clauses)
    assert "and" not in pq.words and "near" not in pq.words and "报销" in pq.words


@pytest.mark.parametrize(
    "query, words",
    [
        # A question: its subject only, without the generic request words.
        ("城关镇的低保怎么申请", ["城关镇", "低保"]),
        ("我想申请创业担保贷款需要什么条件", ["创业担保贷款"]),
        ("医保报销有哪些规定", ["医保", "报销"]),
        ("农村危房改造有什么补助政策", ["农村", "危房改造", "补助"]),
        # Not a question: every word counts (AND), 申请 and 条件 included.
        ("低保 申请 条件", ["低保", "申请", "条件"]),
        # Nothing but request words: they are kept rather than an empty query.
        ("怎么申请", ["申请"]),
    ],
)
def test_question_keeps_its_subject(query: str, words: list[str]) -> None:
    assert parse(query, Segmenter()).words == words


@pytest.mark.django_db
def test_administrator_term_changes_segmentation(world) -> None:  # type: ignore[no-untyped-def]
    before = segment.get_segmenter().index_tokens("推进秸秆禁烧工作").split()
    assert "秸秆禁烧" not in before
    services.term_add(actor=world.admin, word="秸秆禁烧", note="环保")
    assert SearchTerm.objects.filter(word="秸秆禁烧").exists()
    after = segment.get_segmenter().index_tokens("推进秸秆禁烧工作").split()
    assert "秸秆禁烧" in after
    services.term_delete(actor=world.admin, term_id=SearchTerm.objects.get().pk)
    assert "秸秆禁烧" not in segment.get_segmenter().index_tokens("推进秸秆禁烧工作").split()


@pytest.mark.django_db
def test_a_built_in_synonym_group_is_not_added_again(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.DictionaryError, match="已是内置同义词"):
        services.synonym_add(actor=world.admin, terms="低保,最低生活保障")
    assert services.synonym_add(actor=world.admin, terms="低保,低保户")  # a new word: added


@pytest.mark.django_db
@pytest.mark.parametrize("again", ["单独核算,专账核算", "单独核算， 专账核算"])
def test_the_same_synonym_group_in_any_order_is_refused(world, again: str) -> None:  # type: ignore[no-untyped-def]
    services.synonym_add(actor=world.admin, terms="专账核算,单独核算")
    with pytest.raises(services.DictionaryError, match="该同义词组已存在"):
        services.synonym_add(actor=world.admin, terms=again)
    assert SynonymGroup.objects.count() == 1
    assert services.synonym_add(actor=world.admin, terms="专账核算,单独核算,分账核算")


@pytest.mark.django_db
def test_a_group_sharing_a_word_with_a_built_in_group_is_joined_to_it(world) -> None:  # type: ignore[no-untyped-def]
    group = services.synonym_add(actor=world.admin, terms="低保,低收入家庭")
    # 低收入家庭 also finds what the documents say (最低生活保障), not only 低保.
    assert set(parse("低收入家庭").expansions["低收入家庭"]) == {"低保", "最低生活保障"}
    assert set(parse("最低生活保障").expansions["最低生活保障"]) == {"低保", "低收入家庭"}
    assert services.joined_builtin_groups(group.words()) == [("低保", "最低生活保障")]
    event = AuditEvent.objects.get(action="search.synonym_add")
    assert event.changes["joined_builtin"] == ["低保,最低生活保障"]
    # Groups of administrators sharing a word are joined too.
    services.synonym_add(actor=world.admin, terms="低收入家庭,困难家庭")
    assert "最低生活保障" in parse("困难家庭").expansions["困难家庭"]
    assert services.joined_builtin_groups(["秸秆", "麦秸"]) == []


def test_merge_groups_joins_groups_sharing_a_word() -> None:
    merged = segment.merge_groups([("a", "b"), ("c", "d"), ("e", "f"), ("b", "c"), ("Ａ",)])
    assert sorted(map(sorted, merged)) == [["a", "b", "c", "d"], ["e", "f"]]


@pytest.mark.django_db
def test_administrator_synonyms_apply_to_queries(world) -> None:  # type: ignore[no-untyped-def]
    services.synonym_add(actor=world.admin, terms="秸秆，麦秸 , 稻草")
    pq = parse("麦秸")
    assert set(pq.expansions["麦秸"]) == {"秸秆", "稻草"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "words"),
    [
        # With commas, a word written with a space is one word, as in the built-in groups.
        ("农村 低保,农保", ["农村低保", "农保"]),
        ("秸秆，麦秸 , 稻草", ["秸秆", "麦秸", "稻草"]),
        ("秸秆禁烧、禁烧　秸秆", ["秸秆禁烧", "禁烧秸秆"]),  # 、 and an ideographic space
        ("低保,,低收入家庭,", ["低保", "低收入家庭"]),  # empty places dropped
        # Without any comma, spaces separate the words.
        ("低保 低收入家庭", ["低保", "低收入家庭"]),
    ],
)
def test_synonym_group_words_are_split_at_commas(world, typed: str, words: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The form says 以逗号分隔. 农村 低保,农保 was stored as three words: 农村 and 低保 became
    synonyms, and — joined with the built-in group 低保 ↔ 最低生活保障 — a search for 低保 or
    最低生活保障 also found every document naming 农村."""
    group = services.synonym_add(actor=world.admin, terms=typed)
    assert group.words() == words
    assert "农村" not in parse("低保").expansions.get("低保", ())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "word, message",
    [
        ("", "请输入词语"),
        ("，。", "请输入词语"),
        ("长" * 41, "不能超过 40"),
        ("字", "至少 2 个字"),
        ("三公经费", "已是内置词语"),  # the built-in dictionary has it
        ("<script>alert(1)</script>", "不能含有"),  # not stored as "scriptalert1script"
    ],
)
def test_bad_terms_are_refused_in_chinese(world, word: str, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.DictionaryError, match=message):
        services.term_add(actor=world.admin, word=word)


@pytest.mark.django_db
def test_only_administrators_edit_the_dictionary(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.DictionaryError):
        services.term_add(actor=world.handler_a, word="秸秆禁烧")
    with pytest.raises(services.DictionaryError):
        services.synonym_add(actor=world.anonymous, terms="a,b")


@pytest.mark.django_db
@pytest.mark.parametrize("workers", [1, 2])
def test_segment_pairs_in_order_in_workers(workers: int) -> None:
    """The bench's bare index segments through segment_pairs: the same tokens as index_tokens,
    in order, whether the text travels to other processes (as UTF-8 bytes) or not."""
    seg = segment.get_segmenter()
    pairs = [
        (f"标题{i}：住房公积金", f"第{i}季度生态环境保护督察，ＡＢＣ。" * 3) for i in range(450)
    ]
    got = list(segment.segment_pairs(pairs, workers=workers, chunk=100))
    assert got == [(seg.index_tokens(t), seg.index_tokens(x)) for t, x in pairs]


@pytest.mark.parametrize(
    ("q", "single"),
    [
        # Single characters are not marked beside real words (市 inside 城市, 发 inside 印发) …
        ("低保 市", set()),
        ("住建局发 23号", set()),
        # … but a query of single characters marks them: that is what was asked for.
        ("市", {"市"}),
        ("市 县", {"市", "县"}),
    ],
)
def test_single_characters_are_marked_only_alone(q: str, single: set[str]) -> None:
    highlight = parse(q, Segmenter()).highlight
    assert {h for h in highlight if len(h) == 1} == single
    assert highlight  # something is always marked
