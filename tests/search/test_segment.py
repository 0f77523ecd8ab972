"""Segmentation, user dictionary, synonyms and normalisation (issue 4, point 2)."""

from __future__ import annotations

import pytest

from yangguang.search import segment, services
from yangguang.search.models import SearchTerm
from yangguang.search.query import Or, Phrase, Term, parse, terms_of
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
    ],
)
def test_builtin_government_terms_are_tokens(text: str, token: str) -> None:
    tokens = Segmenter().index_tokens(text).split()
    assert token in tokens


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
    ],
)
def test_document_number_variants_normalise_alike(raw: str, expected: str) -> None:
    assert normalize_number(raw) == expected


def test_normalize_full_width_case_and_spaces() -> None:
    assert normalize("Ｈｅｌｌｏ　ＷＯＲＬＤ，１２３") == "hello world 123"


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


def test_added_term_also_matches_its_old_tokens_as_a_phrase() -> None:
    # A term administrators add after indexing: old documents hold 秸秆 禁烧, next to each other.
    seg = Segmenter(Dictionary(terms=(*BUILTIN_TERMS, "秸秆禁烧"), synonyms=()))
    node = parse("秸秆禁烧", seg).clauses[0]
    assert node == Or((Term("秸秆禁烧"), Phrase(("秸秆", "禁烧"), "秸秆禁烧")))


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
def test_administrator_synonyms_apply_to_queries(world) -> None:  # type: ignore[no-untyped-def]
    services.synonym_add(actor=world.admin, terms="秸秆，麦秸 , 稻草")
    pq = parse("麦秸")
    assert set(pq.expansions["麦秸"]) == {"秸秆", "稻草"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "word, message",
    [("", "请输入词语"), ("，。", "请输入词语"), ("长" * 41, "不能超过 40"), ("字", "至少 2 个字")],
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
