"""Chinese segmentation for indexing and queries: one library (rjieba, jieba-rs) for both.

Documents are indexed in jieba *search mode* (a long word also yields its dictionary sub-words:
住房公积金 → 住房 公积 积金 公积金 …), joined by spaces so every engine only needs a whitespace
analyzer. Queries are cut in precise mode; each query word is matched either as a whole token or
through its search-mode sub-words (see `query.py`), so a term added to the user dictionary after a
document was indexed still finds it.

Normalisation (the same for documents and queries, applied by `str.translate`, C speed):
full-width ASCII → half width, A–Z → a–z, ideographic space → space, punctuation and symbols →
space. Document numbers have their own normaliser (`normalize_number`) that unifies
〔〕 [] () 【】 brackets.

The user dictionary (government terms) and the synonym groups are editable by administrators
(`models.SearchTerm`, `models.SynonymGroup`); each process reloads them when the version stamp in
the cache changes (checked at most every few seconds).
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import rjieba

# Terms every installation knows; administrators add more (models.SearchTerm).
BUILTIN_TERMS: tuple[str, ...] = (
    "三公经费",
    "放管服",
    "一网通办",
    "一网统管",
    "一件事一次办",
    "证照联办",
    "并联审批",
    "最多跑一次",
    "跑一次",
    "不见面审批",
    "好差评",
    "政务服务",
    "政府信息公开",
    "依申请公开",
    "主动公开",
    "营商环境",
    "双随机一公开",
    "互联网+政务服务",
    "告知承诺制",
    "容缺受理",
    "帮办代办",
    "12345热线",
    "医保",
    "低保",
    "特困供养",
    "城乡居民",
    "养老保险",
    "医疗保障",
    "最低生活保障",
    "住房公积金",
    "公积金",
    "不动产登记",
    "营业执照",
    "乡村振兴",
    "人居环境",
    "高标准农田",
    "河长制",
    "林长制",
    "安全生产",
    "行政许可",
    "行政处罚",
    "行政复议",
    "规范性文件",
    "政策解读",
    "财政预算",
    "财政决算",
    "专项资金",
    "惠民惠农",
    "一卡通",
)

# Each group lists words that mean the same; a query for one also finds the others.
BUILTIN_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("低保", "最低生活保障"),
    ("医保", "医疗保障", "医疗保险"),
    ("公积金", "住房公积金"),
    ("社保", "社会保险"),
    ("五保", "特困供养"),
    ("营业执照", "工商执照"),
    ("放管服", "简政放权"),
    ("三公经费", "三公"),
    ("新农合", "城乡居民医保"),
    ("残疾证", "残疾人证"),
)

STOPWORDS = frozenset(
    (  # noqa: SIM905
        "的 了 和 与 及 或 在 是 对 等 为 将 把 被 之 其 而 也 就 都 并 有 这 那 个 各 该 于 以 由 从 向 "
        "关于 如何 怎么 怎样 什么 哪里 哪些 请问 我 我们 你 您 他 她 它 吗 呢 吧 啊"
    ).split()
)
# Query-syntax words from other engines; users paste them, they are not content words.
OPERATOR_WORDS = frozenset({"and", "or", "not", "near"})

_BRACKETS_OPEN = "〔[(【［（﹝〖{｛<《〈"
_BRACKETS_CLOSE = "〕])】］）﹞〗}｝>》〉"


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0, 0x3100):
        ch = chr(code)
        cat = unicodedata.category(ch)
        if cat[0] in "PSZ" or cat == "Cc":
            table[code] = " "
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII
        half = chr(code - 0xFEE0)
        table[code] = half.lower() if half.isalnum() else " "
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    table[0x3000] = " "
    for ch in "+#":  # keep "互联网+" and "c#"-like tokens together
        table.pop(ord(ch), None)
    return table


_TABLE = _build_table()
_NUMBER_TABLE: dict[int, str | None] = {
    **{ord(c): "〔" for c in _BRACKETS_OPEN},
    **{ord(c): "〕" for c in _BRACKETS_CLOSE},
    **{c: None for c in (0x20, 0x3000, 0x09, 0x0A, 0x0D, 0xA0)},
}


def normalize(text: str) -> str:
    """Full/half width, case and punctuation normalised; whitespace collapsed."""
    return " ".join(text.translate(_TABLE).split())


_CONTROL = {c: None for c in range(0x20) if c not in (9, 10, 13)} | {0x7F: None}


def strip_control(text: str) -> str:
    return text.translate(_CONTROL)


def normalize_number(text: str) -> str:
    """A document or index number in one canonical form: NFKC, lower case, no spaces, every
    bracket variant (〔〕 [] () 【】 ［］ （）…) as 〔〕. 泰政办发[2014]36号 → 泰政办发〔2014〕36号."""
    text = unicodedata.normalize("NFKC", strip_control(text).strip())
    # NFKC turns （） into (), ［］ into []: map after it.
    return text.translate(_NUMBER_TABLE).lower()


@dataclass
class Dictionary:
    """The user dictionary and synonym groups in force in this process."""

    terms: tuple[str, ...] = BUILTIN_TERMS
    synonyms: tuple[tuple[str, ...], ...] = BUILTIN_SYNONYMS
    version: str = "builtin"
    _synonym_map: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        mapping: dict[str, set[str]] = {}
        for group in self.synonyms:
            words = {normalize(w) for w in group if normalize(w)}
            for w in words:
                mapping.setdefault(w, set()).update(words - {w})
        self._synonym_map = {k: tuple(sorted(v)) for k, v in mapping.items()}

    def synonyms_of(self, word: str) -> tuple[str, ...]:
        return self._synonym_map.get(word, ())


class Segmenter:
    """A jieba-rs instance with the user dictionary loaded."""

    def __init__(self, dictionary: Dictionary | None = None) -> None:
        self.dictionary = dictionary or Dictionary()
        self._jieba = rjieba.Jieba()
        words: set[str] = set()
        for term in self.dictionary.terms:
            words.add(normalize(term).replace(" ", ""))
        for group in self.dictionary.synonyms:
            for term in group:
                words.add(normalize(term).replace(" ", ""))
        for word in sorted(words):
            if word:
                # A high frequency so the term beats the default dictionary's split.
                self._jieba.add_word(word, 200000, None)
        self._added = frozenset(words) - _builtin_words()

    # -- indexing -----------------------------------------------------------------------------
    def index_tokens(self, text: str) -> str:
        """Search-mode tokens of `text`, space separated, punctuation removed."""
        if not text:
            return ""
        return " ".join(" ".join(self._jieba.cut_for_search(text.translate(_TABLE))).split())

    # -- queries ------------------------------------------------------------------------------
    def query_words(self, text: str) -> list[str]:
        """Precise-mode words of a query fragment (normalised, no punctuation)."""
        return " ".join(self._jieba.cut(normalize(text))).split()

    def search_tokens(self, text: str) -> list[str]:
        """Search-mode tokens of a query fragment — the same stream the index holds."""
        return self.index_tokens(text).split()

    def subwords(self, word: str) -> list[str]:
        """The dictionary sub-words search mode emits for `word` (without the word itself)."""
        return [t for t in self._jieba.cut_for_search(word) if t != word and t.strip()]

    def prior_tokens(self, word: str) -> list[str]:
        """For a word administrators added to the dictionary: the tokens a document indexed
        *before* the addition holds for it (the built-in segmentation), so such documents still
        match until the next rebuild. Empty for every other word — built-in and jieba words are
        in the index as whole tokens already, and matching their sub-words as well would only
        widen (and slow) every query."""
        if word not in self._added:
            return []
        tokens = base_segmenter().search_tokens(word)
        return [] if word in tokens else tokens

    def has_word(self, word: str) -> bool:
        return bool(self._jieba.has_word(word))


def _builtin_words() -> frozenset[str]:
    words = {normalize(t).replace(" ", "") for t in BUILTIN_TERMS}
    words |= {normalize(t).replace(" ", "") for g in BUILTIN_SYNONYMS for t in g}
    return frozenset(words)


_base: Segmenter | None = None


def base_segmenter() -> Segmenter:
    """The segmenter with the built-in dictionary only (what every index starts from)."""
    global _base
    if _base is None:
        _base = Segmenter(Dictionary())
    return _base


# -- the process-wide segmenter, reloaded when administrators edit the dictionary -------------
_lock = threading.Lock()
_current: Segmenter | None = None
_checked_at = 0.0
CHECK_INTERVAL = 5.0


def _load_dictionary(version: str) -> Dictionary:
    from yangguang.search.models import SearchTerm, SynonymGroup

    terms = tuple(BUILTIN_TERMS) + tuple(
        SearchTerm.objects.filter(active=True).values_list("word", flat=True)
    )
    groups = tuple(BUILTIN_SYNONYMS) + tuple(
        tuple(g.words()) for g in SynonymGroup.objects.filter(active=True)
    )
    return Dictionary(terms=terms, synonyms=groups, version=version)


def current_version() -> str:
    """A stamp that changes whenever an administrator edits terms or synonyms (read from the
    database, so every app process — not only the one that made the edit — sees it)."""
    from django.db.models import Count, Max

    from yangguang.search.models import SearchTerm, SynonymGroup

    a = SearchTerm.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    b = SynonymGroup.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    return f"{a['n']}:{a['m']}:{b['n']}:{b['m']}"


def bump_version() -> None:
    """Make this process re-check the dictionary on its next use (after an edit)."""
    global _checked_at
    _checked_at = 0.0


def get_segmenter() -> Segmenter:
    """The segmenter with the current user dictionary (database + built-in terms)."""
    global _current, _checked_at
    now = time.monotonic()
    seg = _current
    if seg is not None and now - _checked_at < CHECK_INTERVAL:
        return seg
    from django.db import DatabaseError

    with _lock:
        _checked_at = now
        try:
            version = current_version()
            if _current is None or _current.dictionary.version != version:
                _current = Segmenter(_load_dictionary(version))
        except DatabaseError:  # tables not migrated yet: built-in terms only
            if _current is None:
                _current = Segmenter(Dictionary())
        return _current


def reset() -> None:
    """Forget the process segmenter (tests)."""
    global _current, _checked_at
    with _lock:
        _current = None
        _checked_at = 0.0


def tokens_for(texts: Iterable[str]) -> str:
    seg = get_segmenter()
    return " ".join(seg.index_tokens(t) for t in texts if t)


# Common misspellings and old forms in citizens' queries → the form documents use; offered as
# "did you mean" on the zero-result page.
SPELLING_VARIANTS: dict[str, str] = {
    "登陆": "登录",
    "帐户": "账户",
    "帐号": "账号",
    "身分证": "身份证",
    "部份": "部分",
    "按装": "安装",
    "公积经": "公积金",
    "社会报险": "社会保险",
    "医疗报险": "医疗保险",
    "养老报险": "养老保险",
    "低包": "低保",
    "营业职照": "营业执照",
    "户口本": "户口簿",
    "准生证": "生育服务证",
    "残疾人证明": "残疾人证",
    "拆迁": "征收",
}


# -- segmenting many documents on several cores (rebuilds, bench) ------------------------------
_POOL_SEGMENTER: Segmenter | None = None


def _segment_chunk(chunk: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seg = _POOL_SEGMENTER or Segmenter()
    return [(seg.index_tokens(a), seg.index_tokens(b)) for a, b in chunk]


def segment_pairs(
    pairs: Iterable[tuple[str, str]], *, workers: int = 1, chunk: int = 200
) -> Iterator[tuple[str, str]]:
    """Segment (title, text) pairs in order; with workers > 1 in forked processes (jieba-rs
    holds the GIL, so threads do not help)."""
    global _POOL_SEGMENTER
    seg = get_segmenter()
    if workers <= 1:
        for a, b in pairs:
            yield seg.index_tokens(a), seg.index_tokens(b)
        return
    import multiprocessing

    _POOL_SEGMENTER = seg

    def chunks() -> Iterator[list[tuple[str, str]]]:
        buf: list[tuple[str, str]] = []
        for p in pairs:
            buf.append(p)
            if len(buf) >= chunk:
                yield buf
                buf = []
        if buf:
            yield buf

    ctx = multiprocessing.get_context("fork")
    from collections import deque

    with ctx.Pool(workers) as pool:
        # At most 2 chunks per worker in flight: bounded memory however long the input.
        inflight: deque[Any] = deque()
        for part in chunks():
            inflight.append(pool.apply_async(_segment_chunk, (part,)))
            if len(inflight) >= 2 * workers:
                yield from inflight.popleft().get()
        while inflight:
            yield from inflight.popleft().get()
