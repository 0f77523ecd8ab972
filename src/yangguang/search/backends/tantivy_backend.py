"""Embedded tantivy index (the single-machine default).

One directory under VAR_DIR/search/tantivy. Writers (the outbox processor, a rebuild) take an
exclusive `fcntl` lock on `writer.lock` next to it, so only one process writes at a time; every
app process keeps a reader that reloads after commits (tantivy's commit watcher) and after its own
writes. Text arrives pre-segmented (segment.py) and is analysed by a whitespace tokenizer.

How a query runs (measured at 1,000,000 documents, bench/bench_search.py):
- `text` holds the title's tokens and the text's, so every word is one posting list; matching
  never needs a title-or-text union (that union doubled the cost of every common word).
- Ranking: BM25 over `text`, plus `title` matches boosted ×3 as an optional clause, an exact
  `docnum` (document/index number) ×1000; the top RERANK_WINDOW are then re-ranked by the
  per-document multiplier fixed at index time (mild recency, repealed ×0.5), read from a fast
  field. Scoring every match with the multiplier (tantivy's weight_by_field) cost 3× more.
- Total and facets are counted on the second core, unscored, at the same time. Exact when at
  most EXACT_FACETS documents match; beyond that the facet counts are estimated from the 1/16
  sample of the index (`sample` field) scaled to the exact total, and reported as approximate
  (the page shows 约) — counting five facets over every one of 900,000 matches of a common word
  is what kept the p95 above 10 ms.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import signal
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy

from yangguang.search.backends.base import (
    INDEX_FORMAT,
    NUMBER_BOOST,
    STORED_TEXT_CHARS,
    TITLE_BOOST,
    UNRECORDED_FORMAT,
    EngineHit,
    EngineQuery,
    EngineResult,
    Filters,
    IndexBusy,
    SearchBackend,
    SearchDocument,
    number_keys,
    pack_document,
    pin_keys,
    rank_multiplier,
    unpack_document,
    waits_for_writer,
)
from yangguang.search.query import And, Node, Phrase, Term, terms_of
from yangguang.search.segment import Segmenter, get_segmenter

SCHEMA_VERSION = "2"  # 2: title tokens in `text`, `rank`, `sample`
FORMAT_FILE = "index-format"  # the INDEX_FORMAT the index was written in (base.py)
PHRASE_SLOP = 2  # search-mode sub-words sit between the words of a phrase
PHRASE_BOOST = 3.0  # a phrase whose tokens are side by side: what was quoted, as written
FACET_SIZE = 30
RERANK_WINDOW = 50  # top BM25 hits re-ranked by the per-document multiplier
EXACT_FACETS = 20_000  # facet counts over more matches than this are estimated…
EXACT_UPPER = 100_000  # …unless the words' frequencies bound the matches to this many
# More matches (estimated from word frequencies): ranked in tiers. Tiers skip scoring the
# matches that have no query word in the title — what the title boost ranks first anyway:
# the same top 10 on pages 1, 2 and 5 of all 300 bench queries at 1 M documents as with
# 100,000, for 10 % less engine CPU (5.0–5.3 → 4.5–4.6 ms) and a lower p95 (6.7–7.1 → 6.1 ms).
BROAD_MATCHES = 10_000
ESTIMATE_ABOVE = 100_000  # more matches (estimated from the sample): total estimated too
SAMPLE_BUCKETS = 16  # 1/16 of the documents form the sample
BUILD_CHUNK = 200  # documents per message to a rebuild process
# A rebuild process's indexing memory. tantivy writes a segment each time it fills, and the
# merge policy merges eight segments of a size into one — on one core, after the build: with
# 256 MB a 1 M-document rebuild made twelve segments whose merge took 37 of its 337 s (this
# machine, 2 cores); with 1 GB it makes four and nothing is merged: 294 s. The memory is
# taken as documents come (pages of the arena), so a small rebuild does not use it all.
REBUILD_HEAP = 1_000_000_000
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
    sb.add_float_field("rank", fast=True)  # base.rank_multiplier at index time
    sb.add_integer_field("sample", indexed=True)  # crc32(key) % SAMPLE_BUCKETS
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
        created = not (self.index_dir / "meta.json").exists()
        self.schema = _schema()
        self._segmenter = segmenter
        self._index = self._open()
        if created:  # whatever is indexed into it from now on is in the current format
            self._write_format()
        self._local = threading.local()
        self._generation = ""
        self.today = dt.date.today  # overridable in tests/bench

    def _open(self) -> tantivy.Index:
        index = tantivy.Index(self.schema, path=str(self.index_dir), reuse=True)
        index.register_tokenizer("ws", _analyzer())
        index.config_reader(reload_policy="commit")
        return index

    # -- writing ------------------------------------------------------------------------------
    @property
    def segmenter(self) -> Segmenter:
        return self._segmenter or get_segmenter()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The exclusive write lock (one writing process at a time; flock is not re-entrant).
        Under base.not_waiting a taken lock raises IndexBusy instead of waiting for it."""
        with open(self.path / "writer.lock", "a+") as lock:
            try:
                fcntl.flock(
                    lock.fileno(), fcntl.LOCK_EX | (0 if waits_for_writer() else fcntl.LOCK_NB)
                )
            except BlockingIOError as exc:
                raise IndexBusy(str(self.path)) from exc
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    @contextmanager
    def _writer(self, heap: int = 64_000_000, threads: int = 1) -> Iterator[Any]:
        with self._locked():
            writer = self._index.writer(heap_size=heap, num_threads=threads)
            try:
                yield writer
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
        self._index.reload()

    def make_document(self, doc: SearchDocument) -> tantivy.Document:
        seg = self.segmenter
        tokens = seg.index_tokens(doc.title + " " + doc.doc_number), seg.index_tokens(doc.text)
        numbers = pin_keys(doc)
        published = (doc.published_on - _EPOCH).days if doc.published_on else 0
        key = doc.key
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
        return tantivy.Document(
            key=key,
            source=doc.source,
            title=tokens[0],
            text=[tokens[0], tokens[1]],
            docnum=numbers,
            body=str(doc.body_id or ""),
            category=doc.category,
            theme=doc.theme,
            validity=doc.validity,
            year=doc.year or 0,
            published=published,
            rank=rank_multiplier(doc.published_on, doc.validity, self.today(), doc.category),
            sample=zlib.crc32(key.encode()) % SAMPLE_BUCKETS,
            payload=json.dumps(payload, ensure_ascii=False).encode(),
        )

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
        heap: int = REBUILD_HEAP,
        workers: int = 1,
    ) -> int:
        """Rebuild: readers see the old index until the new one is complete. With `workers` > 1
        that many processes each segment and index a share of `docs` into an index of their
        own, and their segments then replace this index's in one meta.json write
        (_install_parts). Nothing comes back through the pipes (the tokens did, when only the
        segmentation ran in workers and this process indexed: 453 against 412 µs of CPU per
        bench document at 200,000)."""
        if workers <= 1:
            n = 0
            with self._writer(heap=heap) as writer:
                writer.delete_all_documents()
                for doc in docs:
                    writer.add_document(self.make_document(doc))
                    n += 1
        else:
            with self._locked():
                build = Path(tempfile.mkdtemp(prefix="build-", dir=self.path))
                try:
                    parts, n = build_parts(docs, build, workers, self.segmenter, self.today(), heap)
                    self._install_parts(parts)
                finally:
                    shutil.rmtree(build, ignore_errors=True)
        self._write_format()
        self._drop_old_versions()
        return n

    def _write_format(self) -> None:
        # Beside tantivy's files: its garbage collector deletes only the files it manages.
        _replace_file(self.index_dir / FORMAT_FILE, str(INDEX_FORMAT))

    def index_format(self) -> int:
        try:
            return int((self.index_dir / FORMAT_FILE).read_text().strip())
        except (OSError, ValueError):
            return UNRECORDED_FORMAT

    def _install_parts(self, parts: list[Path]) -> None:
        """Make the segments of the part indexes (same schema) this index's only segments:
        their files move in, .managed.json lists them (tantivy's garbage collector deletes
        only what it lists), then meta.json — what readers and writers load — names them, in
        one atomic replace. A writer on a newly opened index (an open index keeps the list of
        managed files it read) then deletes the old segments' files, and this process reads
        through that index from now on. Called under the write lock with no writer open: a
        writer keeps its own list of segments and would write it back on commit."""
        meta = json.loads((self.index_dir / "meta.json").read_text())
        segments: list[dict[str, Any]] = []
        files: list[str] = []
        opstamp = int(meta["opstamp"])
        for part in parts:
            part_meta = json.loads((part / "meta.json").read_text())
            if part_meta["schema"] != meta["schema"]:
                raise RuntimeError(f"part index {part} has another schema")
            for segment in part_meta["segments"]:
                for f in part.glob(segment["segment_id"].replace("-", "") + ".*"):
                    os.replace(f, self.index_dir / f.name)
                    files.append(f.name)
                segments.append(segment)
            opstamp = max(opstamp, int(part_meta["opstamp"]))
        managed_path = self.index_dir / ".managed.json"
        managed = json.loads(managed_path.read_text()) if managed_path.exists() else []
        _replace_file(managed_path, json.dumps(sorted({*managed, *files})))
        meta.update(segments=segments, opstamp=opstamp + 1)
        _replace_file(self.index_dir / "meta.json", json.dumps(meta, indent=2))
        index = self._open()
        writer = index.writer(heap_size=15_000_000, num_threads=1)
        writer.garbage_collect_files()
        # An empty commit applies the merge policy to the installed segments now (with
        # REBUILD_HEAP a 1 M-document rebuild has four, which it leaves alone; eight or more of
        # a size are merged), instead of in the next outbox commit, which would wait for it.
        writer.commit()
        writer.wait_merging_threads()
        self._index = index

    def _drop_old_versions(self) -> None:
        """After a rebuild: indexes of earlier schema versions (v1, …) are no longer read."""
        for old in self.path.glob("v*"):
            if old.is_dir() and old != self.index_dir:
                shutil.rmtree(old, ignore_errors=True)

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

    def generation(self) -> str | None:
        """meta.json, rewritten by every commit (its opstamp grows), is what the reader watches.
        When it changed, reload now, so a result cached under this stamp was computed on the
        index the stamp names (the reader's own reload is asynchronous)."""
        try:
            meta = (self.index_dir / "meta.json").read_bytes()
        except OSError:
            return None
        stamp = f"{self.index_dir}:{zlib.crc32(meta)}:{len(meta)}:{self.today()}"
        if stamp != self._generation:
            self._index.reload()
            self._generation = stamp
        return stamp

    # -- reading ------------------------------------------------------------------------------
    def _term(self, field: str, value: Any) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    def _compile(self, node: Node, field: str = "text") -> tantivy.Query:
        Q = tantivy.Query
        if isinstance(node, Term):
            return self._term(field, node.token)
        if isinstance(node, Phrase):
            words: list[str | tuple[int, str]] = list(node.tokens)
            return Q.phrase_query(self.schema, field, words, slop=PHRASE_SLOP)
        occur = tantivy.Occur.Must if isinstance(node, And) else tantivy.Occur.Should
        return Q.boolean_query([(occur, self._compile(item, field)) for item in node.items])

    def _title_any(self, node: Node) -> tantivy.Query:
        """Any query word in the title."""
        should = tantivy.Occur.Should
        terms = sorted(terms_of(node))
        return tantivy.Query.boolean_query([(should, self._term("title", t)) for t in terms])

    def _exact_phrases(self, node: Node, field: str = "text") -> list[tantivy.Query]:
        """Optional clauses: each quoted phrase with its tokens side by side (slop 0), boosted —
        a phrase matches with PHRASE_SLOP, so 补贴…管理办法》的通知 matched "补贴办法的通知" and
        the one title that holds it exactly ranked last of 68."""
        if isinstance(node, Phrase):
            exact = tantivy.Query.phrase_query(self.schema, field, list(node.tokens), slop=0)
            return [tantivy.Query.boost_query(exact, PHRASE_BOOST)]
        if isinstance(node, Term):
            return []
        return [q for item in node.items for q in self._exact_phrases(item, field)]

    def _title_bonus(self, node: Node) -> tantivy.Query:
        """Optional clause: any query word in the title (scored only on documents that match)."""
        return tantivy.Query.boost_query(self._title_any(node), TITLE_BOOST)

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
        if f.published_from or f.published_to:
            days = [(d - _EPOCH).days if d else None for d in (f.published_from, f.published_to)]
            out.append(
                tantivy.Query.range_query(
                    self.schema,
                    "published",
                    tantivy.FieldType.Integer,
                    max(1, days[0] or 1),  # 0: no date (make_document)
                    days[1],
                )
            )
        return out

    def search(self, query: EngineQuery) -> EngineResult:
        Q = tantivy.Query
        must, should, must_not = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
        filters = self._filters(query.filters)
        lagging = (
            [Q.term_set_query(self.schema, "key", list(query.excluded))] if query.excluded else []
        )

        def restrict(q: tantivy.Query, *excluded: tantivy.Query) -> tantivy.Query:
            clauses = [(must, q)] + [(must, f) for f in filters]
            clauses += [(must_not, x) for x in (*excluded, *lagging)]
            return Q.boolean_query(clauses) if len(clauses) > 1 else q

        node = query.node
        pins = [self._term("docnum", k) for k in query.pins] if node is not None else []
        pin = (
            (pins[0] if len(pins) == 1 else Q.boolean_query([(should, p) for p in pins]))
            if pins
            else None
        )
        # Only the title (Filters.in_title): its short posting lists are what the broad
        # query's first tier ranks anyway, so there are no tiers.
        field = "title" if query.filters.in_title else "text"
        match = Q.all_query() if node is None else self._compile(node, field)
        if pin is not None:
            match = Q.boolean_query([(should, match), (should, pin)])
        searcher = self._index.searcher()
        # Broad only if the index is big enough (doc_freq costs a fraction of a millisecond).
        no_tiers = searcher.num_docs <= BROAD_MATCHES or query.filters.in_title
        broad = not no_tiers and node is not None and self._estimate(searcher, node) > BROAD_MATCHES
        # Ranked by relevance and not in tiers, the top-hits search counts every match anyway
        # (count=True): the counting thread then needs no total of its own.
        ranked_counts = node is not None and query.sort != "date" and not broad
        # A pinned number's document may not hold the query's words; a whole title's does.
        upper = (
            searcher.num_docs
            if node is None
            else _upper(searcher, node, field) + bool(query.number)
        )
        # tantivy releases the GIL: count on the second core while the top hits are collected —
        # unless there is nothing to count (no facets asked, the ranked search counts).
        counting = (
            None
            if ranked_counts and not query.facets
            else _pool().submit(
                self._count,
                searcher,
                match,
                tuple(query.facets),
                restrict,
                upper,
                not ranked_counts,
            )
        )
        known_total: int | None = None
        offset, limit = query.offset, max(1, query.limit)
        if query.sort == "date" or node is None:
            result = searcher.search(
                restrict(match), limit, count=False, order_by_field="published", offset=offset
            )
            ranked_hits = [(float(score), addr) for score, addr in result.hits]
        else:
            text = self._compile(node, field)
            exact = [(should, q) for q in self._exact_phrases(node, field)]
            bonus = [] if query.filters.in_title else [(should, self._title_bonus(node))]
            ranked = Q.boolean_query([(must, text), *bonus, *exact])
            if not broad:
                if pin is not None:
                    ranked = Q.boolean_query(
                        [(should, ranked), (should, Q.boost_query(pin, NUMBER_BOOST))]
                    )
                ranked_hits, known_total = self._ranked(searcher, restrict(ranked), offset, limit)
            else:
                # Broad (a common word): scoring every one of 900,000 matches is what costs.
                # Tier 1, documents with a query word in the title (or the pinned number), is
                # short title posting lists, scored the same way; the rest come after it.
                in_title = self._title_any(node)
                tier1 = Q.boolean_query(
                    [(must, Q.boost_query(in_title, TITLE_BOOST)), (must, text)] + exact
                )
                if pin is not None:
                    tier1 = Q.boolean_query(
                        [(should, tier1), (should, Q.boost_query(pin, NUMBER_BOOST))]
                    )
                ranked_hits, n1 = self._ranked(searcher, restrict(tier1), offset, limit)
                if len(ranked_hits) < limit:
                    excluded = [in_title] + ([pin] if pin is not None else [])
                    ranked_hits += self._ranked(
                        searcher,
                        restrict(ranked, *excluded),
                        max(0, offset - n1),
                        limit - len(ranked_hits),
                    )[0]
        hits = [self._hit(searcher, score, addr, query.number) for score, addr in ranked_hits]
        counted = (
            _Counted(exact=True, raw={}, matches=known_total or 0)
            if counting is None
            else counting.result()
        )
        total, approximate = counted.total(known_total)
        scale = 1.0 if counted.exact or not counted.matches else total / counted.matches
        return EngineResult(
            hits=hits,
            total=total,
            total_approximate=approximate,
            facets=_buckets(counted.raw, query.facets, scale),
            facets_approximate=not counted.exact,
        )

    def _estimate(self, searcher: tantivy.Searcher, node: Node) -> float:
        """Matches of a query tree estimated from document frequencies (words independent) —
        microseconds, enough to tell a common word at a million documents from the rest."""
        n = max(1, int(searcher.num_docs))
        if isinstance(node, Term):
            return float(searcher.doc_freq("text", node.token))
        if isinstance(node, Phrase):
            return float(min(searcher.doc_freq("text", t) for t in node.tokens))
        parts = [self._estimate(searcher, item) for item in node.items]
        if isinstance(node, And):
            product = float(n)
            for p in parts:
                product *= p / n
            return product
        return min(float(n), sum(parts))

    def _ranked(
        self, searcher: tantivy.Searcher, q: tantivy.Query, offset: int, limit: int
    ) -> tuple[list[tuple[float, Any]], int]:
        """(hits offset … offset+limit by BM25, the first RERANK_WINDOW re-ranked by the
        per-document multiplier; how many documents match q). Pages beyond the window follow
        BM25 order, so paging never repeats or skips a hit (the window is the same set of
        documents whatever the page)."""
        want = max(RERANK_WINDOW, offset + limit)
        result = searcher.search(q, want, count=True)
        hits = [(float(score), addr) for score, addr in result.hits]
        head = hits[:RERANK_WINDOW]
        ranks = searcher.fast_field_values("rank", [addr for _, addr in head])
        head = sorted(
            (
                (score * float(r if r is not None else 1.0), addr)
                for (score, addr), r in zip(head, ranks, strict=True)
            ),
            key=lambda h: -h[0],
        )
        return (head + hits[RERANK_WINDOW:])[offset : offset + limit], int(
            getattr(result, "count", 0) or 0
        )

    def _hit(
        self, searcher: tantivy.Searcher, score: float, address: Any, number: str
    ) -> EngineHit:
        stored = searcher.doc(address)
        data = json.loads(bytes(stored.get_first("payload") or b"{}"))
        return EngineHit(
            key=str(stored.get_first("key")),
            score=score,
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
            pinned=bool(number) and number in number_keys(data["n"] or "", data.get("i") or ""),
        )

    def _count(
        self,
        searcher: tantivy.Searcher,
        match: tantivy.Query,
        names: tuple[str, ...],
        restrict: Callable[[tantivy.Query], tantivy.Query],
        upper: int,
        need_total: bool,
    ) -> _Counted:
        """Facet counts (and the total when `need_total`), unscored. At most `upper` documents
        can match (from word frequencies): up to EXACT_UPPER everything is counted exactly
        at once. Otherwise the 1/16 sample first: if it points to at most EXACT_FACETS
        matches, count exactly; else the facets are estimated from the sample, and so is the
        total beyond ESTIMATE_ABOVE — an exact count of 900,000 matches costs more than ranking
        them — unless the ranked search counted it.

        Why the sample is skipped up to EXACT_UPPER: the cost of counting is walking the rarest
        word's postings, which the sample walks too. At 1 M documents an AND of two common
        words (rarest word ~60,000 documents) often matches a few thousand: sample then exact
        count cost 2.2–3.5 ms, the exact count alone 1.2–2.2 ms (bench queries: 1.91 ms of
        counting per query on average against 2.21, and 146 of 300 exact instead of 114)."""
        aggs = _counting_aggs(names)
        if upper <= EXACT_UPPER:
            exact = searcher.aggregate(restrict(match), aggs)
            return _Counted(exact=True, raw=exact, matches=_value(exact))
        must = tantivy.Occur.Must
        sample = tantivy.Query.boolean_query([(must, match), (must, self._term("sample", 0))])
        sampled = searcher.aggregate(restrict(sample), aggs)
        in_sample = _value(sampled)
        if in_sample * SAMPLE_BUCKETS <= EXACT_FACETS:
            exact = searcher.aggregate(restrict(match), aggs)
            return _Counted(exact=True, raw=exact, matches=_value(exact))
        counted = _Counted(exact=False, raw=sampled, matches=in_sample)
        if need_total and in_sample * SAMPLE_BUCKETS <= ESTIMATE_ABOVE:
            counted.total_matches = _value(searcher.aggregate(restrict(match), _TOTAL))
        return counted


@dataclass
class _Counted:
    """What the counting thread found: `raw` aggregations over every match (`exact`) or over
    the 1/16 sample, `matches` of them; `total_matches` if it also counted every match."""

    exact: bool
    raw: dict[str, Any]
    matches: int
    total_matches: int | None = None

    def total(self, known: int | None) -> tuple[int, bool]:
        """(total, whether it is an estimate): counted here or by the ranked search, else the
        sample's count scaled up, to three significant figures."""
        if self.exact:
            return self.matches, False
        for exact in (known, self.total_matches):
            if exact is not None:
                return exact, False
        estimate = self.matches * SAMPLE_BUCKETS
        return round(estimate, 2 - len(str(estimate))), True


def _replace_file(path: Path, content: str) -> None:
    """Write `content` to a temporary file, flush it to disk and rename it over `path`."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def build_parts(
    docs: Iterable[SearchDocument],
    build: Path,
    workers: int,
    segmenter: Segmenter,
    today: dt.date,
    heap: int,
) -> tuple[list[Path], int]:
    """Index `docs` in `workers` processes, each into its own index under `build`, fed chunks
    of documents (as tuples: a third of a dataclass's pickling) through one queue — a free
    worker takes the next chunk. Returns the parts' index directories and how many documents
    they hold. jieba-rs and tantivy's Python calls hold the GIL: threads would not help.

    The processes start from the forkserver, not by forking this process: a fork shares this
    process's memory copy-on-write, and every object this process then touches (reference
    counts are writes) copies its page — with a large heap that cost this process more
    system time than the pipes (35 µs per document in the bench, whose corpus is in memory;
    0.1 s instead of 3.5 s per 100,000 documents with the forkserver). As with any
    forkserver or spawn start, each worker imports the caller's main script: a script must
    guard its work with `if __name__ == "__main__":` (manage.py and the bench do) — else the
    worker fails and so does the rebuild, leaving the index as it was."""
    import multiprocessing
    import queue as queue_module

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # workers start with this module imported
    inbox: Any = context.Queue(maxsize=2 * workers)
    counts: Any = context.Queue()
    processes = [
        context.Process(
            target=_build_part,
            args=(build / f"part{k}", segmenter, today, heap, inbox, counts),
            daemon=True,
        )
        for k in range(workers)
    ]
    for process in processes:
        process.start()

    def put(item: Any) -> None:
        while True:
            try:
                inbox.put(item, timeout=1)
                return
            except queue_module.Full:
                _check_alive(processes)

    try:
        chunk: list[tuple[Any, ...]] = []
        for doc in docs:
            chunk.append(pack_document(doc))
            if len(chunk) >= BUILD_CHUNK:
                put(chunk)
                chunk = []
        if chunk:
            put(chunk)
        for _ in processes:
            put(None)
        n = 0
        for _ in processes:
            while True:
                try:
                    n += counts.get(timeout=1)
                    break
                except queue_module.Empty:
                    _check_alive(processes)
        for process in processes:
            process.join()
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join()
        # After a failure chunks may be left in the pipe with no reader: without this, exiting
        # would wait for the queue's feeder thread to deliver them.
        inbox.cancel_join_thread()
        inbox.close()
        counts.close()
    return [build / f"part{k}" / f"v{SCHEMA_VERSION}" for k in range(workers)], n


def _check_alive(processes: list[Any]) -> None:
    for process in processes:
        if process.exitcode not in (None, 0):
            raise RuntimeError(f"an indexing process failed (exit code {process.exitcode})")


def _build_part(
    path: Path, segmenter: Segmenter, today: dt.date, heap: int, inbox: Any, counts: Any
) -> None:
    """One rebuild process: index every chunk it takes into its own index, commit, report."""
    # Ctrl-C reaches every process of the terminal's group: the command says what it left
    # behind and build_parts kills this process; its own KeyboardInterrupt only printed a
    # traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    part = TantivyBackend(path, segmenter=segmenter)
    part.today = lambda: today
    writer = part._index.writer(heap_size=heap, num_threads=1)
    n = 0
    while (chunk := inbox.get()) is not None:
        for values in chunk:
            writer.add_document(part.make_document(unpack_document(values)))
        n += len(chunk)
    writer.commit()
    writer.wait_merging_threads()
    counts.put(n)


def _upper(searcher: tantivy.Searcher, node: Node, field: str = "text") -> int:
    """At most how many documents match `node` in `field`: the rarest word of an AND, the sum
    for an OR (a phrase: its rarest token)."""
    if isinstance(node, Term):
        return int(searcher.doc_freq(field, node.token))
    if isinstance(node, Phrase):
        return min(int(searcher.doc_freq(field, t)) for t in node.tokens)
    parts = [_upper(searcher, item, field) for item in node.items]
    return min(parts) if isinstance(node, And) else sum(parts)


_TOTAL = {"_total": {"value_count": {"field": "published"}}}


def _facet_aggs(names: Iterable[str]) -> dict[str, Any]:
    # One more than shown: documents without the value (year 0, "") form a bucket of their
    # own, which `_buckets` leaves out.
    return {n: {"terms": {"field": n, "size": FACET_SIZE + 1}} for n in names}


def _counting_aggs(names: Iterable[str]) -> dict[str, Any]:
    """The facets' aggregations, and what counts the matches: the year facet when it is asked
    for — every document has a year (0 when unknown), so its buckets and their
    sum_other_doc_count add up to the matches — else a value_count, which on its own cost a
    fifth of the counting (0.51 of 2.42 ms for a word in 104,810 documents, 1 M index)."""
    aggs = _facet_aggs(names)
    return aggs if "year" in aggs else {**_TOTAL, **aggs}


def _value(raw: dict[str, Any]) -> int:
    """Matches counted by `_TOTAL` or, without it, by the year facet (`_counting_aggs`)."""
    if "_total" in raw:
        return int(raw["_total"].get("value") or 0)
    year = raw.get("year", {})
    buckets = sum(int(b["doc_count"]) for b in year.get("buckets", []))
    return buckets + int(year.get("sum_other_doc_count") or 0)


def _buckets(
    raw: dict[str, Any], names: Iterable[str], scale: float
) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for n in names:
        buckets = raw.get(n, {}).get("buckets", [])
        out[n] = [
            (str(b["key"]), max(1, round(int(b["doc_count"]) * scale)))
            for b in buckets
            if str(b["key"]) not in ("", "0")
        ][:FACET_SIZE]
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
