"""From what a citizen typed to a small query tree every engine can run.

- quoted text ("…", “…”, 「…」, 『…』) is a phrase; one holding a word administrators added
  also matches as the built-in segmentation cuts it (what documents indexed before hold);
- everything else is cut into precise-mode words; each word matches its own token or any of its
  synonyms; a word administrators added to the dictionary also matches, as a phrase, the tokens
  documents indexed before the addition hold for it (so they are still found before a rebuild);
- the words are combined with AND; the service retries with OR when AND finds nothing;
- the whole input, normalised as a document number, is also looked up as an exact document or
  index number so 泰政办发[2014]36号 puts 泰政办发〔2014〕36号 first.

Bad input never raises: overlong input is cut, punctuation and engine syntax (`* : ( ) AND
NEAR`) is dropped, and an empty result tree is reported to the caller.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from yangguang.core.text import strip_control
from yangguang.search.segment import (
    INTENT_WORDS,
    OPERATOR_WORDS,
    QUESTION_WORDS,
    STOPWORDS,
    Segmenter,
    get_segmenter,
    normalize,
    normalize_number,
)

MAX_QUERY_CHARS = 100
MAX_WORDS = 12
MAX_PHRASES = 4


@dataclass(frozen=True)
class Term:
    token: str


@dataclass(frozen=True)
class Phrase:
    tokens: tuple[str, ...]
    text: str  # normalised phrase text, for engines that check substrings


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


Node = Term | Phrase | And | Or


@dataclass
class ParsedQuery:
    raw: str
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    clauses: list[Node] = field(default_factory=list)  # one per word / phrase
    number: str = ""
    highlight: list[str] = field(default_factory=list)  # strings to mark in snippets
    expansions: dict[str, list[str]] = field(default_factory=dict)  # word → synonyms used
    truncated: bool = False
    dropped: list[str] = field(default_factory=list)  # words / phrases beyond the limits

    @property
    def full_number(self) -> bool:
        """The query is a whole document number (泰政办发〔2014〕36号) or index number: a citizen
        looking for one document, whom any one of its characters would not help."""
        return bool(self.number) and _FULL_NUMBER.match(self.number) is not None

    @property
    def empty(self) -> bool:
        return not self.clauses

    def and_node(self) -> Node | None:
        if not self.clauses:
            return None
        return self.clauses[0] if len(self.clauses) == 1 else And(tuple(self.clauses))

    def or_node(self) -> Node | None:
        if not self.clauses:
            return None
        return self.clauses[0] if len(self.clauses) == 1 else Or(tuple(self.clauses))


_QUOTES = re.compile(r"[\"“”„「」『』＂]([^\"“”„「」『』＂]*)[\"“”„「」『』＂]")
_NUMBERISH = re.compile(r"\d")
# normalize_number's forms of a whole 发文字号 and of an 索引号 (credit code/year-serial).
_FULL_NUMBER = re.compile(r"^[^\s〔〕]+〔\d{4}〕\d+号$|^[0-9a-z]{18}/\d{4}-\d+$")


def _word_node(seg: Segmenter, word: str) -> Node:
    prior = seg.prior_tokens(word)
    if not prior:
        return Term(word)
    old: Node = Term(prior[0]) if len(prior) == 1 else Phrase(tuple(prior), word)
    return Or((Term(word), old))


def _tokens_node(tokens: list[str], text: str) -> Node:
    return Term(tokens[0]) if len(tokens) == 1 else Phrase(tuple(tokens), text)


def _phrase_node(seg: Segmenter, phrase: str) -> Node | None:
    """A quoted phrase: its tokens as now segmented, or — when a word administrators added
    cuts it differently — as the built-in segmentation gives them, which is what documents
    indexed before the addition hold (the unquoted word does the same, see _word_node)."""
    tokens = seg.search_tokens(phrase)
    if not tokens:
        return None
    text = phrase.replace(" ", "")
    node = _tokens_node(tokens, text)
    prior = seg.prior_phrase_tokens(phrase)
    if not prior or prior == tokens:
        return node
    return Or((node, _tokens_node(prior, text)))


def _text_node(seg: Segmenter, text: str) -> Node | None:
    """A (possibly multi-word) synonym or phrase part as an AND of its words."""
    words = [w for w in seg.query_words(text) if w not in STOPWORDS] or seg.query_words(text)
    nodes = [_word_node(seg, w) for w in words]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(tuple(nodes))


def _symbols_only(word: str) -> bool:
    """😀, ✅: symbols (those of the BMP are spaces already, see segment._SYMBOL_RANGES) and
    other non-text characters; what a query of them finds is noise."""
    return all(unicodedata.category(c)[0] in "CPSZ" for c in word)


def parse(raw: str, segmenter: Segmenter | None = None) -> ParsedQuery:
    seg = segmenter or get_segmenter()
    raw = strip_control(raw or "")
    truncated = len(raw) > MAX_QUERY_CHARS
    raw = raw[:MAX_QUERY_CHARS]
    pq = ParsedQuery(raw=raw, truncated=truncated)

    number = normalize_number(raw)
    if number and _NUMBERISH.search(number) and len(number) <= 60:
        pq.number = number

    phrases: list[str] = []
    for match in _QUOTES.finditer(raw):
        text = normalize(match.group(1))
        if text and len(phrases) < MAX_PHRASES:
            phrases.append(text)
        elif text:
            pq.dropped.append(f"“{text}”")
    rest = _QUOTES.sub(" ", raw)

    words: list[str] = []
    for w in seg.query_words(rest):
        if w in OPERATOR_WORDS or w in words or _symbols_only(w):
            continue
        words.append(w)
    content = [w for w in words if w not in STOPWORDS]
    if any(w in QUESTION_WORDS for w in words):
        # A question: its subject, without the generic request words (segment.INTENT_WORDS).
        content = [
            w for w in content if w not in INTENT_WORDS and w not in QUESTION_WORDS
        ] or content
    words = content or words
    pq.dropped[:0] = words[MAX_WORDS:]
    words = words[:MAX_WORDS]

    for w in words:
        node = _word_node(seg, w)
        synonyms = [s for s in seg.dictionary.synonyms_of(w)]
        alternatives: list[Node] = [node]
        for s in synonyms:
            alt = _text_node(seg, s)
            if alt is not None:
                alternatives.append(alt)
        if len(alternatives) > 1:
            pq.expansions[w] = synonyms
            node = Or(tuple(alternatives))
        pq.clauses.append(node)
        pq.highlight.append(w)
        pq.highlight.extend(synonyms)

    for p in phrases:
        phrase_node = _phrase_node(seg, p)
        if phrase_node is None:
            continue
        pq.clauses.append(phrase_node)
        pq.phrases.append(p)
        pq.highlight.append(p.replace(" ", ""))

    pq.words = words
    pq.highlight.extend(_typed_with_neighbours(seg, rest, words))
    # Longest first so the highlighter prefers 最低生活保障 over 生活.
    pq.highlight = sorted(dict.fromkeys(h for h in pq.highlight if h), key=len, reverse=True)
    if len(pq.highlight[0] if pq.highlight else "") > 1:
        # A single character (市, 发 of 住建局发) marked wherever it occurs, inside 印发 and
        # 城市, is noise beside the query's real words; alone, it is what was asked for.
        pq.highlight = [h for h in pq.highlight if len(h) > 1]
    return pq


def literal_query(raw: str, word: str, segmenter: Segmenter | None = None) -> str:
    """`raw` with `word` quoted where it was typed, so that it finds the word alone, not its
    synonyms (a quoted phrase is not expanded): 低保 审核 → "低保" 审核. Empty when the word
    was not typed as such (normalised from another form) or quoting does not change what the
    query finds for it."""
    parts = _QUOTES.split(raw)
    # _QUOTES has one group: even parts were typed outside quotes, odd ones inside.
    for i in range(0, len(parts), 2):
        at = parts[i].find(word)
        if at < 0:
            continue
        outside = [f'"{p}"' if n % 2 else p for n, p in enumerate(parts)]
        outside[i] = f'{parts[i][:at]} "{word}" {parts[i][at + len(word) :]}'
        literal = " ".join(" ".join(outside).split())
        if word not in parse(literal, segmenter).expansions:
            return literal
        return ""
    return ""


def _typed_with_neighbours(seg: Segmenter, text: str, words: list[str]) -> list[str]:
    """The query words typed side by side, joined, wherever a single character is among them
    (充电桩 → 充电 + 桩 → 充电桩; 公租房 → 公 + 租房; 电动汽车充电桩 → 充电桩 and the whole), for
    highlighting only.

    Single characters are not marked on their own beside longer words (see `parse`), so
    without this the precise cut of one typed word left part of it unmarked: 充电桩 showed
    <mark>充电</mark>桩. Joined, the word is marked whole where it occurs whole, and the
    character alone (桩, 卡, 的) still marks nothing."""
    kept = set(words)
    if not any(len(w) == 1 for w in kept):
        return []  # the usual query: no second cut
    joined: list[str] = []
    # Cut each whitespace-separated chunk on its own: its words were typed side by side
    # (normalize turns punctuation into spaces, and the cut never spans a space anyway).
    for chunk in normalize(text).split():
        cut = seg.query_words(chunk)
        for start in range(len(cut)):
            for end in range(start + 2, len(cut) + 1):
                span = cut[start:end]
                if not all(w in kept for w in span):
                    break  # a stopword or operator between: not one typed word
                if any(len(w) == 1 for w in span):
                    joined.append("".join(span))
    return joined


def terms_of(node: Node) -> set[str]:
    """Every token a tree mentions (for engines that need the vocabulary)."""
    if isinstance(node, Term):
        return {node.token}
    if isinstance(node, Phrase):
        return set(node.tokens)
    out: set[str] = set()
    for item in node.items:
        out |= terms_of(item)
    return out
