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

import re
import signal
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, TypeVar

import rjieba

from yangguang.core.text import BRACKETS_CLOSE, BRACKETS_OPEN, CONTROL_TABLE, strip_control

T = TypeVar("T")
R = TypeVar("R")

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
    # jieba cuts it 生态 / 环境保护, so 生态环境 (the name of the ministry and of every local
    # 生态环境局) never became a token; as one word its parts come back as sub-words.
    "生态环境保护",
    # Split by jieba (失业 / 保险 …); named on their own in 社会保险法 and 社会救助暂行办法.
    "失业保险",
    "生育保险",
    "社会救助",
    "临时救助",
    # Names of government programmes (and of the laws behind them) that jieba cuts into
    # everyday words: as two words 政务 + 公开 also match a 政务服务中心 notice about 一公开.
    "政务公开",
    "政府采购",
    "公共资源交易",
    "应急预案",
    "防汛抗旱",
    "老旧小区",
    "征地补偿",
    "创业担保贷款",
    "就业见习",
    # Bodies' short names, in 发文字号 (县住建发) and in what citizens type: jieba cuts 县住建局
    # into 县住 / 建局, so 住建局发 23号 never found 县住建局发〔2026〕23号 (see the synonyms).
    "住建局",
    "人社局",
    "发改委",
    "发改局",
    "卫健委",
    "卫健局",
    "市监局",
    "医保局",
    "应急局",
    "文旅局",
    "工信局",
    "审批局",
    "住建",
    "人社",
    "发改",
    "卫健",
)

# Each group lists words that mean the same; a query for one also finds the others. Every word
# also goes into the dictionary (so 新农合 stays one token) — except a word written with spaces
# ("城乡居民 医疗保险"), which is matched as all of its words (AND), so it also finds the official
# form with a word in between (城乡居民**基本**医疗保险); a query for the spaced compound itself
# is cut into its words and does not bring the rest of the group.
BUILTIN_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("低保", "最低生活保障"),
    ("医保", "医疗保障", "医疗保险"),
    ("公积金", "住房公积金"),
    ("社保", "社会保险"),
    ("五保", "特困供养"),
    ("营业执照", "工商执照"),
    ("放管服", "简政放权"),
    ("三公经费", "三公"),
    # 新农合 and 城镇居民医保 were merged into 城乡居民基本医疗保险 (国发〔2016〕3号); citizens
    # still ask for the old name.
    ("新农合", "新型农村 合作医疗", "城乡居民 医保", "城乡居民 医疗保险"),
    ("残疾证", "残疾人证"),
    ("环保", "环境保护"),
    # 扶贫 work became 脱贫攻坚 and, after 2020, 巩固拓展脱贫攻坚成果: the same programme.
    ("扶贫", "脱贫", "脱贫攻坚"),
    # What citizens say → what the notices say (义务教育阶段招生入学 …).
    ("上学", "入学"),
    ("养老金", "退休金", "养老保险"),
    ("旧改", "老旧小区 改造"),
    ("防汛", "防洪", "抗洪"),
    # 招投标 is the 招标投标法 procedure; it is run on the 公共资源交易 platforms.
    ("招投标", "招标投标", "公共资源交易"),
    # 就业补助资金 is the fund every 就业补贴 is paid from (财社〔2017〕164号).
    ("就业补贴", "就业补助"),
    # A body's short name and its full name.
    ("住建局", "住房和城乡建设局"),
    ("人社局", "人力资源和社会保障局"),
    ("发改委", "发展和改革委员会"),
    ("发改局", "发展和改革局"),
    ("卫健委", "卫生健康委员会"),
    ("卫健局", "卫生健康局"),
    ("市监局", "市场监督管理局"),
    ("医保局", "医疗保障局"),
    ("应急局", "应急管理局"),
    ("文旅局", "文化和旅游局"),
    ("工信局", "工业和信息化局"),
    ("审批局", "行政审批局", "行政审批服务局"),
)

# Broader word → the narrower words a query for it also finds, one way (a query for 养老保险 is
# not about every 社会保险 document). Only where a law defines the broader word by its parts.
BUILTIN_NARROWER: dict[str, tuple[str, ...]] = {
    # 社会保险法 Art. 2: the five insurances (社保 finds them too, through its synonym group).
    "社会保险": ("养老保险", "医疗保险", "失业保险", "工伤保险", "生育保险"),
    # 社会救助暂行办法 (国务院令第649号) Art. 2 and its chapters.
    "社会救助": (
        "最低生活保障",
        "特困供养",
        "受灾人员救助",
        "医疗救助",
        "教育救助",
        "住房救助",
        "就业救助",
        "临时救助",
    ),
}

STOPWORDS = frozenset(
    (  # noqa: SIM905
        "的 了 和 与 及 或 在 是 对 等 为 将 把 被 之 其 而 也 就 都 并 有 这 那 个 各 该 于 以 由 从 向 "
        "关于 如何 怎么 怎样 什么 哪里 哪些 请问 我 我们 你 您 他 她 它 吗 呢 吧 啊"
    ).split()
)
# A query holding one of these is a citizen's question (城关镇的低保怎么申请): its generic
# request words (INTENT_WORDS) are then left out of the AND — the documents that answer it are
# titled by the subject (最低生活保障审核确认办法), and few of them also contain 申请, 条件 or 政策.
QUESTION_WORDS = frozenset(
    "怎么 怎样 怎么样 如何 什么 哪里 哪儿 哪些 哪个 多少 是否 能否 可否 吗 呢 请问 为什么 咋".split()  # noqa: SIM905
)
INTENT_WORDS = frozenset(
    (  # noqa: SIM905
        "申请 办理 怎么办 报名 交 缴 缴纳 发放 领取 享受 流程 程序 条件 材料 手续 规定 标准 政策 "
        "需要 要求 看 查 查询 查看 知道 了解 想 想要 可以 能 能够 要 需 该 是 有 去 找 公示 公布"
    ).split()
)
# Query-syntax words from other engines; users paste them, they are not content words.
OPERATOR_WORDS = frozenset({"and", "or", "not", "near"})


# Beyond 0x3100: the CJK compatibility and small forms (﹁﹂ ﹐), full-width signs (￥) and
# the specials (U+FFFD, what undecodable bytes in a URL become). Not the planes above the
# BMP (emoji): a character class reaching there made this mapping of every document twice
# as slow (62 → 139 µs per 1,500 characters); query.parse drops such words instead.
_SYMBOL_RANGES = (range(0, 0x3100), range(0xFE10, 0x10000))


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in chain.from_iterable(_SYMBOL_RANGES):
        ch = chr(code)
        cat = unicodedata.category(ch)
        if cat[0] in "PSZ" or cat == "Cc":
            table[code] = " "
        elif cat == "Cf":  # zero-width spaces and joiners, soft hyphens: invisible, not a break
            table[code] = None
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


def _char_class(codes: Iterable[int]) -> str:
    """A regex character class body for these code points, as ranges."""
    runs: list[tuple[int, int]] = []
    for code in sorted(codes):
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return "".join(_esc(a) if a == b else f"{_esc(a)}-{_esc(b)}" for a, b in runs)


def _esc(code: int) -> str:
    return f"\\U{code:08x}"


# The same mapping as `_TABLE`, applied by regex: str.translate looks every character up in a
# dict (about 50 ns each, 80 µs for a 1,500-character document — a third of its segmentation),
# while a character-class scan costs a few ns. Each pattern starts with a plain class (not a
# repeat) so the engine's fast prefix scan applies. Runs become one space; what `_TABLE` maps
# to something else (A–Z, full-width letters and digits) is rare and translated per run.
_SPACE_CLASS = _char_class(c for c, v in _TABLE.items() if v == " ")
_SPACES = re.compile(f"[{_SPACE_CLASS}][{_SPACE_CLASS}]*")
_MAPPED_CLASS = _char_class(c for c, v in _TABLE.items() if v != " ")
_MAPPED = re.compile(f"[{_MAPPED_CLASS}][{_MAPPED_CLASS}]*")


def _map_chars(text: str) -> str:
    """`text.translate(_TABLE)` with every run of spaces collapsed to one (tested against it)."""
    if _MAPPED.search(text):  # first: a deleted character (U+00AD) may join two spaces
        text = _MAPPED.sub(lambda m: m.group().translate(_TABLE), text)
    return _SPACES.sub(" ", text)


_LONG_WORD = re.compile(r"[\u3400-\u9fff]{5,}")  # a token of 5+ Chinese characters
_NUMBER_TABLE: dict[int, str | None] = {
    **{ord(c): "〔" for c in BRACKETS_OPEN},
    **{ord(c): "〕" for c in BRACKETS_CLOSE},
    **{c: None for c in (0x20, 0x3000, 0x09, 0x0A, 0x0D, 0xA0)},
}


def normalize(text: str) -> str:
    """Full/half width, case and punctuation normalised; whitespace collapsed."""
    return _map_chars(text).strip()  # every whitespace character is in _TABLE: no runs left


# Ordinals written with digits → Chinese numerals, the same for documents and queries, so
# 第1季度, 第一季度 and 一季度 (and 第2批 / 第二批) find each other. The Chinese form is the one
# jieba's dictionary knows as one word (第一季度 → 第一季度 一季度 季度 …; 第1季度 would be
# 第 / 1 / 季度, three tokens any document with a "1" matches). Only an ordinal is rewritten —
# 第 + 1–99 + one of the counters below, or 1–4 + 季度 — so quantities (3次, 2期), document
# numbers (〔2026〕1号) and words like 一网通办 are left alone. Applied to tokens only
# (index_tokens, query_words): stored text, phrases checked as text and highlighting see what
# was written. Two patterns, each starting with something literal the regex engine scans for quickly (one
# alternation would be tried at every character of every document).
_ORDINAL = re.compile(r"第0*([1-9]\d?)(?=季度|批|次|期|届|轮)")
# Not 12季度 or 2.5季度: _quarter checks the character before (a look-behind at the start of the
# pattern would make the engine try it at every character).
_QUARTER = re.compile(r"[1-4]季度")
_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1–99 as Chinese numerals: 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 21 → 二十一."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def normalize_ordinals(text: str) -> str:
    """第1季度 → 第一季度, 第12批 → 第十二批, 2026年1季度 → 2026年一季度 (see above)."""
    if "第" in text:
        text = _ORDINAL.sub(lambda m: "第" + _chinese_number(int(m.group(1))), text)
    if "季度" in text:
        text = _QUARTER.sub(_quarter, text)
    return text


def _quarter(match: re.Match[str]) -> str:
    start = match.start()
    if start and (match.string[start - 1].isdigit() or match.string[start - 1] == "."):
        return match.group()
    return _DIGITS[int(match.group()[0])] + "季度"


# The year of a 发文字号 typed without brackets (柳林镇政字2026年1号) or with 年 inside them
# (〔2026年〕1号): both are the bracketed year of the number (GB/T 9704 writes 〔2026〕).
_NUMBER_YEAR = re.compile(r"(?<![\d〔])((?:19|20)\d\d)年(?=第?\d+号)|〔((?:19|20)\d\d)年〕")


# The serial after the year, as people type it: with or without 第 (公告〔2024〕第3号 is cited
# as 公告〔2024〕3号 too) and with leading zeros (〔2026〕016号, from a numbering stamp).
_NUMBER_SERIAL = re.compile(r"〔(\d{4})〕第?0*(\d+)号")


def normalize_number(text: str) -> str:
    """A document or index number in one canonical form: NFKC, lower case, no spaces, every
    bracket variant (〔〕 [] () 【】 ［］ （）…) as 〔〕, a year typed as 2026年 bracketed, the
    serial without 第 or leading zeros. 泰政办发[2014]36号 → 泰政办发〔2014〕36号; 柳林镇政字2026年1号
    → 柳林镇政字〔2026〕1号; 示政办发〔2026〕第016号 → 示政办发〔2026〕16号."""
    text = unicodedata.normalize("NFKC", strip_control(text).strip())
    # NFKC turns （） into (), ［］ into []: map after it.
    text = text.translate(_NUMBER_TABLE).lower()
    if "年" in text:
        text = _NUMBER_YEAR.sub(lambda m: f"〔{m.group(1) or m.group(2)}〕", text)
    if "〕" in text:
        text = _NUMBER_SERIAL.sub(r"〔\1〕\2号", text)
    return text


_TITLE_TABLE = {**_NUMBER_TABLE, **CONTROL_TABLE}


def normalize_title(text: str) -> str:
    """A title in one form for the whole-title lookup (backends.base.title_key): NFKC, lower
    case, no spaces or control characters, bracket variants as 〔〕 — normalize_number without its
    year rule, in one translate (it runs for every document indexed: 5 µs instead of 9)."""
    return unicodedata.normalize("NFKC", text).translate(_TITLE_TABLE).lower()


def merge_groups(groups: Iterable[Iterable[str]]) -> list[frozenset[str]]:
    """Synonym groups (normalised) with every two that share a word joined, transitively: an
    administrator's 低保,低收入家庭 beside the built-in 低保 ↔ 最低生活保障 makes 低收入家庭
    also find 最低生活保障 — which is what the documents say — and not only 低保."""
    group_of: dict[str, frozenset[str]] = {}  # word → the merged group holding it
    for group in groups:
        words = frozenset(n for w in group if (n := normalize(w)))
        for other in {group_of[w] for w in words if w in group_of}:
            words |= other
        for w in words:
            group_of[w] = words
    return list(dict.fromkeys(group_of.values()))


@dataclass
class Dictionary:
    """The user dictionary and synonym groups in force in this process."""

    terms: tuple[str, ...] = BUILTIN_TERMS
    synonyms: tuple[tuple[str, ...], ...] = BUILTIN_SYNONYMS
    version: str = "builtin"
    narrower: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(BUILTIN_NARROWER))
    _synonym_map: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        mapping: dict[str, set[str]] = {}
        for words in merge_groups(self.synonyms):
            for w in words:
                mapping.setdefault(w, set()).update(words - {w})
        # A broader word, and each of its synonyms, also finds its narrower words.
        for broad, parts in self.narrower.items():
            key = normalize(broad)
            for w in (key, *mapping.get(key, ())):
                mapping.setdefault(w, set()).update(normalize(p) for p in parts)
        self._synonym_map = {k: tuple(sorted(v - {k})) for k, v in mapping.items()}

    def synonyms_of(self, word: str) -> tuple[str, ...]:
        """The words a query for `word` also finds: its synonyms and, for a broader word, its
        narrower words (BUILTIN_NARROWER)."""
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
                if " " not in normalize(term):  # spaced: matched as its words (see above)
                    words.add(normalize(term))
        for word in sorted(words):
            if word:
                # A high frequency so the term beats the default dictionary's split.
                self._jieba.add_word(word, 200000, None)
        self._added = frozenset(words) - _builtin_words()
        self._expansions = _Expansions(self)

    def __reduce__(self) -> tuple[type[Segmenter], tuple[Dictionary]]:
        """Pickled as its dictionary (jieba-rs is not picklable): another process (a rebuild's
        worker) builds the same segmenter from it."""
        return Segmenter, (self.dictionary,)

    # -- indexing -----------------------------------------------------------------------------
    def index_tokens(self, text: str) -> str:
        """Search-mode tokens of `text`, space separated, punctuation removed: jieba's
        `cut_for_search` (each word preceded by its 2- and 3-character dictionary sub-words)
        plus the long sub-words (`_with_long_subwords`), and for a word administrators added
        the tokens the built-in segmentation gives it (`_with_prior_tokens`). Made from the
        precise cut with each word's expansion memoised (`_Expansions`): the same tokens, for
        2.30 M instead of 2.75 M instructions per bench document (callgrind) — `cut_for_search`
        looks up the sub-words of every word of every document, and a corpus repeats its
        words."""
        if not text:
            return ""
        text = normalize_ordinals(_map_chars(text))
        # The text has single spaces only, each cut as a " " token: joined, it is three spaces.
        words = self._jieba.cut(text)
        return " ".join(map(self._expansions.__getitem__, words)).replace("   ", " ").strip()

    def _with_long_subwords(self, match: re.Match[str]) -> str:
        """A word of 5+ characters preceded by its dictionary sub-words of 4+ characters.
        jieba's search mode only emits the 2- and 3-character ones, so 生态环境保护 would not
        yield 生态环境 or 环境保护, nor 城乡居民医疗保险 医疗保险 — a query for those would miss
        the document (a query word matches its own token)."""
        word = match.group()
        n = len(word)
        extra = " ".join(
            sub
            for size in range(4, n)
            for i in range(n - size + 1)
            if self._jieba.has_word(sub := word[i : i + size])
        )
        return f"{extra} {word}" if extra else word

    # -- queries ------------------------------------------------------------------------------
    def query_words(self, text: str) -> list[str]:
        """Precise-mode words of a query fragment (normalised, no punctuation)."""
        return " ".join(self._jieba.cut(normalize_ordinals(normalize(text)))).split()

    def search_tokens(self, text: str) -> list[str]:
        """Search-mode tokens of a query fragment — the same stream the index holds."""
        return self.index_tokens(text).split()

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

    def prior_phrase_tokens(self, text: str) -> list[str]:
        """For a quoted phrase: the tokens the built-in segmentation gives it (what documents
        indexed before the administrators' additions hold), when this dictionary adds words;
        empty when it adds none (then they are the phrase's own tokens)."""
        if not self._added:
            return []
        return base_segmenter().search_tokens(text)

    def has_word(self, word: str) -> bool:
        return bool(self._jieba.has_word(word))


class _Expansions(dict[str, str]):
    """word → what the index holds for it: the word preceded by its search-mode sub-words, as
    `cut_for_search` emits them (jieba-rs: the 2-character dictionary words inside a word of 3+
    characters, then the 3-character ones inside a word of 4+), then the 4+-character ones of
    a run of 5+ Chinese characters (`_with_long_subwords`); a word administrators added is
    preceded by its built-in tokens as well (`_with_prior_tokens`, computed here, once per
    distinct word, so the hot path pays nothing for it). Filled as words are met; emptied
    when it grows past MAX_WORDS (a rebuild meets a few hundred thousand distinct words)."""

    MAX_WORDS = 500_000

    def __init__(self, segmenter: Segmenter) -> None:
        super().__init__()
        self._segmenter = segmenter

    def __missing__(self, word: str) -> str:
        n = len(word)
        if n <= 2:
            expansion = word
        else:
            has_word = self._segmenter._jieba.has_word
            parts = [sub for i in range(n - 1) if has_word(sub := word[i : i + 2])]
            if n > 3:
                parts += [sub for i in range(n - 2) if has_word(sub := word[i : i + 3])]
            parts.append(word)
            expansion = " ".join(parts)
            if n >= 5:
                expansion = _LONG_WORD.sub(self._segmenter._with_long_subwords, expansion)
        if word in self._segmenter._added:
            expansion = _with_prior_tokens(word, expansion)
        if len(self) >= self.MAX_WORDS:
            self.clear()
        self[word] = expansion
        return expansion


def _with_prior_tokens(word: str, expansion: str) -> str:
    """The index tokens of a word administrators added: what the built-in segmentation gives it
    (专账核算 → 专账 核算), then its own expansion without those again (→ 专账 核算 专账核算).
    As one token alone it would stop matching queries for its parts (专账), which found the
    document before the addition, and queries for the word itself once it is deleted again;
    the prior tokens come first, in order, so a phrase cut the built-in way still matches."""
    prior = base_segmenter().index_tokens(word).split()
    seen = set(prior)
    return " ".join(prior + [t for t in expansion.split() if t not in seen])


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
_POOL_FUNCTION: Callable[[Any], Any] | None = None  # inherited by the forked workers


def _ignore_interrupt() -> None:
    """In a worker: Ctrl-C is the caller's to handle (leaving the pool's `with` terminates the
    workers); each worker's KeyboardInterrupt only printed a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_chunk(chunk: list[Any]) -> list[Any]:
    function = _POOL_FUNCTION
    if function is None:  # only set before the pool forks
        raise RuntimeError("map_in_workers: no function in this worker")
    return [function(item) for item in chunk]


# Chunks queued per worker by map_in_workers. With 2 the workers sat idle during each COPY of a
# PostgreSQL rebuild: 100,000 documents, 2 workers, three runs each: 2,755 docs/s with 2,
# 2,893 with 8, 2,918 with 16 (bench/results/20261122T0530Z-search-session11.md).
INFLIGHT_PER_WORKER = 8


def map_in_workers(
    function: Callable[[T], R], items: Iterable[T], *, workers: int = 1, chunk: int = 200
) -> Iterator[R]:
    """`map(function, items)` in order; with workers > 1 in forked processes (jieba-rs holds
    the GIL, so threads do not help). `function` need not be picklable — the workers inherit
    it — but items and results travel through pipes, so let the workers do all the per-item
    work: the parent is the one process every item passes through."""
    global _POOL_FUNCTION
    if workers <= 1:
        yield from map(function, items)
        return
    import multiprocessing
    from collections import deque

    def chunks() -> Iterator[list[T]]:
        buf: list[T] = []
        for item in items:
            buf.append(item)
            if len(buf) >= chunk:
                yield buf
                buf = []
        if buf:
            yield buf

    _POOL_FUNCTION = function
    with multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupt) as pool:
        # At most INFLIGHT_PER_WORKER chunks per worker in flight: bounded memory however long
        # the input, and enough queued work that the workers keep going while the caller is
        # busy with results (a PostgreSQL rebuild's COPY of 2,000 rows).
        inflight: deque[Any] = deque()
        for part in chunks():
            inflight.append(pool.apply_async(_run_chunk, (part,)))
            if len(inflight) >= INFLIGHT_PER_WORKER * workers:
                yield from inflight.popleft().get()
        while inflight:
            yield from inflight.popleft().get()


def segment_pairs(
    pairs: Iterable[tuple[str, str]], *, workers: int = 1, chunk: int = 200
) -> Iterator[tuple[str, str]]:
    """Segment (title, text) pairs in order, in `workers` processes (see map_in_workers). The
    text travels as UTF-8 bytes (see tantivy_backend._packed: pickling a str keeps its UTF-8
    form in the caller's str)."""
    seg = get_segmenter()

    def both(pair: tuple[str, bytes]) -> tuple[str, str]:
        return seg.index_tokens(pair[0]), seg.index_tokens(pair[1].decode())

    encoded = ((title, text.encode()) for title, text in pairs)
    return map_in_workers(both, encoded, workers=workers, chunk=chunk)
