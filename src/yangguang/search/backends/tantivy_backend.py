"""Embedded tantivy index (the single-machine default).

One directory under VAR_DIR/search/tantivy. Writers (the outbox processor, a rebuild) take an
exclusive `fcntl` lock on `writer.lock` next to it, so only one process writes at a time; every
app process keeps a reader that reloads after commits (tantivy's commit watcher) and after its own
writes. Text arrives pre-segmented (segment.py) and is analysed by a whitespace tokenizer.

Ranking: BM25 over `title` (boosted ×3) and `text`, an exact `docnum` (document/index number)
match boosted ×1000, times a per-document multiplier (mild recency, repealed ×0.5) through
tantivy's `weight_by_field` (score × log2(2 + weight), so weight = 2^m − 2 gives ×m).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy

from yangguang.search.backends.base import (
    NUMBER_BOOST,
    STORED_TEXT_CHARS,
    TITLE_BOOST,
    EngineHit,
    EngineQuery,
    EngineResult,
    Filters,
    SearchBackend,
    SearchDocument,
    rank_multiplier,
)
from yangguang.search.query import And, Node, Phrase, Term
from yangguang.search.segment import Segmenter, get_segmenter, normalize_number, segment_pairs

SCHEMA_VERSION = "1"
PHRASE_SLOP = 2  # search-mode sub-words sit between the words of a phrase
FACET_SIZE = 30
_EPOCH = dt.date(1970, 1, 1)


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", stored=True, tokenizer_name="raw")
    sb.add_text_field("source", tokenizer_name="raw", fast=True)
    sb.add_text_field("title", tokenizer_name="ws")
    sb.add_text_field("text", tokenizer_name="ws")
    sb.add_text_field("docnum", tokenizer_name="raw")
    sb.add_text_field("body", tokenizer_name="raw", fast=True)
    sb.add_text_field("category", tokenizer_name="raw", fast=True)
    sb.add_text_field("theme", tokenizer_name="raw", fast=True)
    sb.add_text_field("validity", tokenizer_name="raw", fast=True)
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("published", indexed=True, fast=True)
    sb.add_float_field("weight", fast=True)
    sb.add_bytes_field("payload", stored=True)
    return sb.build()


def _analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
        .filter(tantivy.Filter.remove_long(40))
        .build()
    )


class TantivyBackend(SearchBackend):
    name = "tantivy"

    def __init__(self, path: Path, segmenter: Segmenter | None = None) -> None:
        self.path = Path(path)
        self.index_dir = self.path / f"v{SCHEMA_VERSION}"
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self.schema = _schema()
        self._segmenter = segmenter
        self._index = tantivy.Index(self.schema, path=str(self.index_dir), reuse=True)
        self._index.register_tokenizer("ws", _analyzer())
        self._index.config_reader(reload_policy="commit")
        self._local = threading.local()
        self.today = dt.date.today  # overridable in tests/bench

    # -- writing ------------------------------------------------------------------------------
    @property
    def segmenter(self) -> Segmenter:
        return self._segmenter or get_segmenter()

    @contextmanager
    def _writer(self, heap: int = 64_000_000, threads: int = 1) -> Iterator[Any]:
        lock_path = self.path / "writer.lock"
        with open(lock_path, "a+") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                writer = self._index.writer(heap_size=heap, num_threads=threads)
                try:
                    yield writer
                    writer.commit()
                    writer.wait_merging_threads()
                except BaseException:
                    writer.rollback()
                    raise
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
        self._index.reload()

    def make_document(
        self, doc: SearchDocument, tokens: tuple[str, str] | None = None
    ) -> tantivy.Document:
        """`tokens`: the (title, text) already segmented, e.g. by `segment_pairs`."""
        if tokens is None:
            seg = self.segmenter
            tokens = (
                seg.index_tokens(doc.title + " " + doc.doc_number),
                seg.index_tokens(doc.text),
            )
        numbers = [normalize_number(n) for n in (doc.doc_number, doc.index_number) if n]
        published = (doc.published_on - _EPOCH).days if doc.published_on else 0
        m = rank_multiplier(doc.published_on, doc.validity, self.today())
        payload = {
            "t": doc.title,
            "n": doc.doc_number,
            "i": doc.index_number,
            "x": doc.text[:STORED_TEXT_CHARS],
            "u": doc.url,
            "b": doc.body_id,
            "c": doc.category,
            "h": doc.theme,
            "y": doc.year,
            "v": doc.validity,
            "p": doc.published_on.isoformat() if doc.published_on else None,
        }
        fields: dict[str, Any] = {
            "key": doc.key,
            "source": doc.source,
            "title": tokens[0],
            "text": tokens[1],
            "docnum": numbers,
            "body": str(doc.body_id or ""),
            "category": doc.category,
            "theme": doc.theme,
            "validity": doc.validity,
            "year": doc.year or 0,
            "published": published,
            "weight": 2.0**m - 2.0,
            "payload": json.dumps(payload, ensure_ascii=False).encode(),
        }
        return tantivy.Document(**fields)

    def index(self, docs: Iterable[SearchDocument], *, heap: int = 64_000_000) -> int:
        n = 0
        with self._writer(heap=heap) as writer:
            for doc in docs:
                writer.delete_documents_by_term("key", doc.key)
                writer.add_document(self.make_document(doc))
                n += 1
        return n

    def replace_all(
        self,
        docs: Iterable[SearchDocument],
        *,
        heap: int = 256_000_000,
        threads: int = 1,
        workers: int = 1,
    ) -> int:
        """Rebuild: delete everything and add `docs` in one commit — readers see the old index
        until the new one is complete. `workers` > 1 segments in that many processes."""
        n = 0
        pending: deque[SearchDocument] = deque()

        def pairs() -> Iterator[tuple[str, str]]:
            for doc in docs:
                pending.append(doc)
                yield doc.title + " " + doc.doc_number, doc.text

        with self._writer(heap=heap, threads=threads) as writer:
            writer.delete_all_documents()
            for tokens in segment_pairs(pairs(), workers=workers):
                writer.add_document(self.make_document(pending.popleft(), tokens))
                n += 1
        return n

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if not keys:
            return
        with self._writer() as writer:
            for key in keys:
                writer.delete_documents_by_term("key", key)

    def clear(self) -> None:
        with self._writer() as writer:
            writer.delete_all_documents()

    def count(self) -> int:
        return int(self._index.searcher().num_docs)

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.index_dir.iterdir() if f.is_file())

    def reload(self) -> None:
        self._index.reload()

    # -- reading ------------------------------------------------------------------------------
    def _term(self, field: str, value: Any) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    def _compile(self, node: Node) -> tantivy.Query:
        Q = tantivy.Query
        must, should = tantivy.Occur.Must, tantivy.Occur.Should
        if isinstance(node, Term):
            return Q.boolean_query(
                [
                    (should, Q.boost_query(self._term("title", node.token), TITLE_BOOST)),
                    (should, self._term("text", node.token)),
                ]
            )
        if isinstance(node, Phrase):
            words: list[str | tuple[int, str]] = list(node.tokens)
            return Q.boolean_query(
                [
                    (
                        should,
                        Q.boost_query(
                            Q.phrase_query(self.schema, "title", words, slop=PHRASE_SLOP),
                            TITLE_BOOST,
                        ),
                    ),
                    (should, Q.phrase_query(self.schema, "text", words, slop=PHRASE_SLOP)),
                ]
            )
        occur = must if isinstance(node, And) else should
        return Q.boolean_query([(occur, self._compile(item)) for item in node.items])

    def _filters(self, f: Filters) -> list[tantivy.Query]:
        out: list[tantivy.Query] = []
        if f.body_ids:
            out.append(
                tantivy.Query.term_set_query(self.schema, "body", [str(b) for b in f.body_ids])
            )
        for name in ("category", "theme", "validity", "source"):
            value = getattr(f, name)
            if value:
                out.append(self._term(name, value))
        if f.year:
            out.append(self._term("year", int(f.year)))
        return out

    def search(self, query: EngineQuery) -> EngineResult:
        Q = tantivy.Query
        must, should = tantivy.Occur.Must, tantivy.Occur.Should
        main = self._compile(query.node) if query.node is not None else Q.all_query()
        if query.number and query.node is not None:
            pin = Q.boost_query(self._term("docnum", query.number), NUMBER_BOOST)
            main = Q.boolean_query([(should, main), (should, pin)])
        filters = self._filters(query.filters)
        full = Q.boolean_query([(must, main)] + [(must, f) for f in filters]) if filters else main
        searcher = self._index.searcher()
        limit = max(1, query.limit)
        # tantivy releases the GIL: count the facets on a second core while the top hits are
        # collected (about 1.8× faster on two cores than one after the other).
        facets_future: Future[dict[str, list[tuple[str, int]]]] | None = None
        if query.facets:
            facets_future = _pool().submit(self._facets, searcher, full, tuple(query.facets))
        if query.sort == "date" or query.node is None:
            result = searcher.search(
                full, limit, count=True, order_by_field="published", offset=query.offset
            )
        else:
            result = searcher.search(
                full, limit, count=True, offset=query.offset, weight_by_field="weight"
            )
        hits: list[EngineHit] = []
        for score, address in result.hits:
            stored = searcher.doc(address)
            key = stored.get_first("key")
            data = json.loads(bytes(stored.get_first("payload") or b"{}"))
            hits.append(
                EngineHit(
                    key=str(key),
                    score=float(score),
                    title=data["t"],
                    doc_number=data["n"],
                    text=data["x"],
                    url=data["u"],
                    body_id=data["b"],
                    category=data["c"],
                    theme=data["h"],
                    year=data["y"],
                    validity=data["v"],
                    published_on=dt.date.fromisoformat(data["p"]) if data["p"] else None,
                    pinned=bool(query.number)
                    and query.number
                    in (normalize_number(data["n"] or ""), normalize_number(data.get("i") or "")),
                )
            )
        facets = facets_future.result() if facets_future is not None else {}
        return EngineResult(hits=hits, total=int(getattr(result, "count", 0) or 0), facets=facets)

    def _facets(
        self, searcher: tantivy.Searcher, q: tantivy.Query, names: Iterable[str]
    ) -> dict[str, list[tuple[str, int]]]:
        aggs = {n: {"terms": {"field": n, "size": FACET_SIZE}} for n in names}
        if not aggs:
            return {}
        raw = searcher.aggregate(q, aggs)
        out: dict[str, list[tuple[str, int]]] = {}
        for n in names:
            buckets = raw.get(n, {}).get("buckets", [])
            out[n] = [
                (str(b["key"]), int(b["doc_count"]))
                for b in buckets
                if str(b["key"]) not in ("", "0")
            ]
        return out


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        with _POOL_LOCK:
            if _POOL is None:
                _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="search-facets")
    return _POOL


def default_path() -> Path:
    from django.conf import settings

    return Path(os.environ.get("SEARCH_INDEX_DIR") or Path(settings.VAR_DIR) / "search")
