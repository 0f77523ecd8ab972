"""The one search interface every engine implements (tantivy, PostgreSQL; OpenSearch on paper —
docs/search.md). Engines receive pre-segmented text and a small query tree (`query.py`), so
segmentation, synonyms, AND→OR fallback and visibility stay engine-independent."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

from yangguang.search.query import Node
from yangguang.search.segment import normalize_number, normalize_title

FACETS: tuple[str, ...] = ("body", "category", "theme", "year", "validity")
Sort = Literal["relevance", "date"]


class IndexBusy(Exception):
    """The index's writer is taken (a rebuild holds it for minutes) and this caller would not
    wait for it (see not_waiting)."""


_WAIT_FOR_WRITER: ContextVar[bool] = ContextVar("wait_for_writer", default=True)


@contextmanager
def not_waiting() -> Iterator[None]:
    """Writes inside raise IndexBusy instead of waiting for an engine's writer — for indexing
    inside a web request, which must not hang while a rebuild runs (the outbox keeps the
    message; the processor or the rebuild itself delivers it)."""
    token = _WAIT_FOR_WRITER.set(False)
    try:
        yield
    finally:
        _WAIT_FOR_WRITER.reset(token)


def waits_for_writer() -> bool:
    return _WAIT_FOR_WRITER.get()


@dataclass
class SearchDocument:
    """What a source hands to the index for one public object."""

    source: str  # registry name: "publication", later "guide", "reply", "consultation"
    id: int
    title: str
    body_id: int | None = None
    doc_number: str = ""
    index_number: str = ""
    text: str = ""  # summary + body + keywords + attachment text, plain
    category: str = ""
    theme: str = ""
    year: int | None = None
    validity: str = ""  # "valid" / "amended" / "repealed" / "" …
    published_on: dt.date | None = None
    url: str = ""

    @property
    def key(self) -> str:
        return make_key(self.source, self.id)


_DOC_FIELDS = tuple(f.name for f in dataclasses.fields(SearchDocument))
_TEXT = _DOC_FIELDS.index("text")


def pack_document(doc: SearchDocument) -> tuple[Any, ...]:
    """A document as it travels to a rebuild's segmenting process: its fields, the text as
    UTF-8 bytes. Pickling a str makes CPython keep its UTF-8 form inside the str, so a caller
    that holds its documents (the bench holds 1 M) grew by their size and paid the page
    faults: 26 µs of the sending process's CPU per document, against 7 when it encodes a copy
    that is freed at once."""
    values = [getattr(doc, name) for name in _DOC_FIELDS]
    values[_TEXT] = values[_TEXT].encode()
    return tuple(values)


def unpack_document(values: tuple[Any, ...]) -> SearchDocument:
    fields = list(values)
    fields[_TEXT] = fields[_TEXT].decode()
    return SearchDocument(*fields)


def make_key(source: str, obj_id: int) -> str:
    return f"{source}:{obj_id}"


def split_key(key: str) -> tuple[str, int]:
    source, _, raw = key.rpartition(":")
    return source, int(raw)


@dataclass
class Filters:
    body_ids: list[int] = field(default_factory=list)
    category: str = ""
    theme: str = ""
    year: int | None = None
    validity: str = ""
    source: str = ""
    # 只检索标题 (`scope=title`): the words must be in the title, as on most portals' search —
    # a citizen who knows the title's words is not shown every text that mentions them.
    in_title: bool = False
    # 发布时间: published on or after / on or before these days (a document without a date is
    # outside any range).
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    from_region: bool = False  # body_ids are a region's bodies, not a body the user chose

    def active(self) -> bool:
        return bool(
            self.body_ids
            or self.category
            or self.theme
            or self.year
            or self.validity
            or self.source
            or self.in_title
            or self.published_from
            or self.published_to
        )


@dataclass
class EngineQuery:
    """What the service asks an engine: a query tree (None = every document, for browsing with
    filters), an exact document/index number to put first, filters, facets, sort and window."""

    node: Node | None
    number: str = ""  # normalised document/index number to pin first
    title: str = ""  # title_key() of the whole query: a document with exactly that title first
    filters: Filters = field(default_factory=Filters)
    facets: Sequence[str] = FACETS
    sort: Sort = "relevance"
    offset: int = 0
    limit: int = 10
    # Keys the index still holds though their object is no longer public (the index lags):
    # left out of hits, totals and facet counts alike.
    excluded: tuple[str, ...] = ()

    @property
    def pins(self) -> list[str]:
        """The pinned keys (see pin_keys) this query puts first."""
        return [k for k in (self.number, self.title) if k]


def title_key(title: str) -> str:
    """A title as typed in whole (NFKC, case, spaces and bracket forms aside), prefixed so that
    it never equals a document or index number's key."""
    key = normalize_title(title)
    return f"title:{key}" if key else ""


# The 后段码 of an 索引号 (2024-00012 of 11370900MB2834567A/2024-00012): year and serial.
_INDEX_TAIL = re.compile(r"\d{4}(?:-\d+)+")


def number_keys(doc_number: str, index_number: str) -> list[str]:
    """The typed numbers that find a document: its 发文字号, its 索引号 and the 索引号's 后段码 —
    the part that tells a body's documents apart, which people quote alone (the 前段码 is the
    body's credit code)."""
    keys = [normalize_number(doc_number)] if doc_number else []
    if index_number:
        index = normalize_number(index_number)
        keys.append(index)
        _, slash, tail = index.rpartition("/")
        if slash and _INDEX_TAIL.fullmatch(tail):
            keys.append(tail)
    return keys


def pin_keys(doc: SearchDocument) -> list[str]:
    """What an engine stores for the pinned lookup of a document (EngineQuery.pins): its
    numbers (number_keys) and its whole title."""
    keys = number_keys(doc.doc_number, doc.index_number)
    return keys + [title_key(doc.title)] if doc.title else keys


@dataclass
class EngineHit:
    key: str
    score: float
    title: str = ""
    doc_number: str = ""
    text: str = ""  # stored excerpt used for snippets
    url: str = ""
    body_id: int | None = None
    category: str = ""
    theme: str = ""
    year: int | None = None
    validity: str = ""
    published_on: dt.date | None = None
    pinned: bool = False

    @property
    def source(self) -> str:
        return split_key(self.key)[0]

    @property
    def obj_id(self) -> int:
        return split_key(self.key)[1]


@dataclass
class EngineResult:
    hits: list[EngineHit]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    capped: bool = False  # total and facet counts are lower bounds (engine stopped counting)
    total_approximate: bool = False  # total estimated from a sample (very broad query)
    facets_approximate: bool = False  # facet counts estimated from a sample


# Ranking knobs shared by the engines.
TITLE_BOOST = 3.0
NUMBER_BOOST = 1000.0
REPEALED_FACTOR = 0.5
RECENCY_MAX = 0.2  # at most +20 % for a document published today
RECENCY_HALF_LIFE_YEARS = 3.0
STORED_TEXT_CHARS = 3000  # enough of the text for snippets
# Separates a document's text from lines a source adds for matching only (the issuing body and
# its places, the policies a 解读 interprets): indexed like the rest (a control character is a
# space to the segmenter), cut off before snippets are made.
CONTEXT_MARK = "\x1e"


def rank_multiplier(
    published_on: dt.date | None, validity: str, today: dt.date, category: str = ""
) -> float:
    """Mild recency boost (+20 % today, halving every 3 years) times 0.5 for repealed
    (已废止/失效) documents, times 0.7 for an interpretation (政策解读): a topic query is
    answered by the policy itself, and a 解读's short title would otherwise outrank it on BM25
    length normalisation; a query that asks for 解读 still finds them through the title.
    Computed at index time; a rebuild refreshes it."""
    factor = 1.0
    if published_on is not None:
        years = max(0.0, (today - published_on).days / 365.25)
        factor += RECENCY_MAX * 0.5 ** (years / RECENCY_HALF_LIFE_YEARS)
    if validity in REPEALED_VALUES:
        factor *= REPEALED_FACTOR
    if category in INTERPRETATION_CATEGORIES:
        factor *= INTERPRETATION_FACTOR
    return factor


INTERPRETATION_CATEGORIES = frozenset({"政策解读"})
INTERPRETATION_FACTOR = 0.7
REPEALED_VALUES = frozenset({"repealed", "expired", "invalid", "废止", "失效", "已废止", "已失效"})


# What documents are indexed as (keys, tokens, fields) changes with the code now and then; an
# index written before the current format lacks what queries now look for, until a rebuild.
# Each engine records the format it wrote (indexing.rebuild_advice tells operators):
#   2 — before formats were recorded;
#   3 — the 索引号's 后段码 and the 第/leading-zero forms of document numbers as pin keys,
#       administrators' words indexed with their built-in tokens too (session 10).
INDEX_FORMAT = 3
UNRECORDED_FORMAT = 2


class SearchBackend(ABC):
    name: str = ""

    @abstractmethod
    def index(self, docs: Iterable[SearchDocument]) -> int:
        """Add or replace documents (by key); returns how many were written."""

    @abstractmethod
    def delete(self, keys: Iterable[str]) -> None:
        """Remove documents by key; unknown keys are ignored."""

    @abstractmethod
    def search(self, query: EngineQuery) -> EngineResult: ...

    @abstractmethod
    def clear(self) -> None:
        """Remove every document (start of a rebuild)."""

    @abstractmethod
    def count(self) -> int: ...

    def has_documents(self) -> bool:
        return self.count() > 0

    @abstractmethod
    def index_format(self) -> int:
        """The INDEX_FORMAT the index was written in: set when an empty index is created and
        by every rebuild (UNRECORDED_FORMAT for an index older than the record)."""

    def replace_all(self, docs: Iterable[SearchDocument], *, workers: int = 1) -> int:
        """Replace the whole index with `docs` (a rebuild). Engines override this to swap
        atomically; the default clears first. `workers`: processes for segmentation."""
        self.clear()
        return self.index(docs)

    def size_bytes(self) -> int:
        return 0

    def generation(self) -> str | None:
        """A stamp that changes whenever what the engine returns may change (a commit), so
        results can be cached until then; None: do not cache."""
        return None

    def close(self) -> None:  # noqa: B027 — optional hook
        pass
