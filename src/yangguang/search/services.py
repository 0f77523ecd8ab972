"""Writes of the search app: administrators edit the user dictionary and synonym groups.
Each edit is audited; every process reloads the dictionary within seconds (segment.py). Documents
indexed before a new term keep matching through the tokens the built-in segmentation gave it
(query.py); documents indexed with it hold those tokens too (segment._with_prior_tokens), so
deleting it again loses nothing. A rebuild (`manage.py rebuild_search_index`) makes the new term
a token of its own in the older documents as well (for ranking and exact phrase matches)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from yangguang.core import audit
from yangguang.orgs.access import can
from yangguang.search import segment
from yangguang.search.models import SearchTerm, SynonymGroup, split_terms
from yangguang.search.segment import normalize


class DictionaryError(ValueError):
    pass


def _check(actor: Any) -> None:
    if not can(actor, "search.dictionary"):
        raise DictionaryError("没有修改检索词典的权限。")


def _clean_word(raw: str) -> str:
    if any(c in (raw or "") for c in "<>&\"'"):
        # Markup, not a word: dropping the signs would store e.g. "scriptalert1script".
        raise DictionaryError("词语中不能含有 < > & 引号 等符号。")
    word = normalize(raw or "").replace(" ", "")
    if not word:
        raise DictionaryError("请输入词语（标点和空格会被忽略）。")
    if len(word) > 40:
        raise DictionaryError("词语不能超过 40 个字。")
    if len(word) < 2:
        raise DictionaryError("词语至少 2 个字。")
    return word


def _normal(word: str) -> str:
    return normalize(word).replace(" ", "")


def term_add(*, actor: Any, word: str, note: str = "") -> SearchTerm:
    _check(actor)
    clean = _clean_word(word)
    if clean in segment._builtin_words():  # the words the segmenter is given anyway
        raise DictionaryError(f"“{clean}”已是内置词语，无需添加。")
    with transaction.atomic():
        if SearchTerm.objects.filter(word=clean).exists():
            raise DictionaryError(f"“{clean}”已在词典中。")
        term = SearchTerm.objects.create(word=clean, note=(note or "")[:200], created_by=actor)
        audit.record(actor=actor, action="search.term_add", obj=term, changes={"word": clean})
    segment.bump_version()
    return term


def term_delete(*, actor: Any, term_id: int) -> str:
    """Delete a word; returns it (for the page to say what was deleted)."""
    _check(actor)
    with transaction.atomic():
        term = SearchTerm.objects.filter(pk=term_id).first()
        if term is None:
            raise DictionaryError("该词语不存在或已删除。")
        audit.record(
            actor=actor, action="search.term_delete", obj=term, changes={"word": term.word}
        )
        term.delete()
    segment.bump_version()
    return term.word


# What separates the words of a synonym group as administrators type it (the form's label says
# 以逗号分隔); without any of these, spaces do (低保 最低生活保障).
_GROUP_SEPARATORS = re.compile(r"[,，、;；|/]")


def _group_parts(raw: str) -> list[str]:
    """The words typed for a synonym group. With commas, a word written with a space is one
    word, as in the built-in groups (城乡居民 医疗保险): split at its space it made 城乡居民 and
    医疗保险 synonyms — and, joined with the built-in 医保 group, 医保 found every document
    naming 城乡居民."""
    parts = _GROUP_SEPARATORS.split(raw) if _GROUP_SEPARATORS.search(raw) else raw.split()
    return [p for p in parts if p.strip()]


def synonym_add(*, actor: Any, terms: str, note: str = "") -> SynonymGroup:
    _check(actor)
    words = list(dict.fromkeys(_clean_word(w) for w in _group_parts(terms or "")))
    if len(words) < 2:
        raise DictionaryError("同义词组至少包含两个不同的词语，以逗号分隔。")
    joined = ",".join(words)
    if len(joined) > 300:
        raise DictionaryError("同义词组过长（最多 300 个字）。")
    for builtin in segment.BUILTIN_SYNONYMS:
        if set(words) <= {_normal(w) for w in builtin}:
            raise DictionaryError(f"这些词已是内置同义词（{' ↔ '.join(builtin)}），无需添加。")
    with transaction.atomic():
        # The same words in another order (单独核算,专账核算) are the same group.
        for existing in SynonymGroup.objects.values_list("terms", flat=True):
            if {_normal(w) for w in split_terms(existing)} == set(words):
                raise DictionaryError("该同义词组已存在。")
        group = SynonymGroup.objects.create(terms=joined, note=(note or "")[:200], created_by=actor)
        changes: dict[str, Any] = {"terms": joined}
        joined_groups = joined_builtin_groups(words)
        if joined_groups:
            changes["joined_builtin"] = [",".join(g) for g in joined_groups]
        audit.record(actor=actor, action="search.synonym_add", obj=group, changes=changes)
    segment.bump_version()
    return group


def joined_builtin_groups(words: list[str]) -> list[tuple[str, ...]]:
    """The built-in synonym groups sharing a word with `words`: for searching they are one
    group (segment.merge_groups), which the dictionary page tells the administrator."""
    chosen = {_normal(w) for w in words}
    return [g for g in segment.BUILTIN_SYNONYMS if chosen & {_normal(w) for w in g}]


def synonym_delete(*, actor: Any, group_id: int) -> list[str]:
    """Delete a synonym group; returns its words (for the page to say what was deleted)."""
    _check(actor)
    with transaction.atomic():
        group = SynonymGroup.objects.filter(pk=group_id).first()
        if group is None:
            raise DictionaryError("该同义词组不存在或已删除。")
        audit.record(
            actor=actor, action="search.synonym_delete", obj=group, changes={"terms": group.terms}
        )
        group.delete()
    segment.bump_version()
    return group.words()


def builtin_terms() -> tuple[str, ...]:
    return segment.BUILTIN_TERMS


def builtin_synonyms() -> list[str]:
    return [" ↔ ".join(g) for g in segment.BUILTIN_SYNONYMS]
