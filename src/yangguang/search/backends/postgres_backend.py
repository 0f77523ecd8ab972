"""Full-text search inside PostgreSQL for deployments with several app servers.

Table `search_pg_entry` (created by migration 0002, reshaped by 0004, on PostgreSQL only) holds
one row per public object: pre-segmented tokens in a `tsvector` (`simple` configuration; title
weight A, text weight B) and the title's alone (`title_tsv`), each under a GIN index.

What a word query costs at 1 M documents is what shapes the code: reading the posting list of a
word that is in most documents takes tens of milliseconds whichever index holds it, so a query
only does that when it is known to match few rows.

1. A 1/64 sample of the rows (a hash of the key; its own partial GIN index) is read first.
   CAPPED_SAMPLE or more sampled matches: the query certainly has more than COUNT_CAP matches;
   its total is reported as "more than COUNT_CAP" and its facet counts are the sample's.
2. Otherwise one bitmap over the full index reads up to ALL_MATCHES matches (narrow columns):
   total and facets exact up to COUNT_CAP; at most COUNT_CAP matches are ranked by RUM's `<=>`
   computed from each row, the best RERANK_WINDOW re-ranked by the index-time multiplier.
3. More than COUNT_CAP matches are ranked in tiers — title matches first, then the rest, each
   newest first — ordered in Python when all were read, else read along the date index, testing
   each row (see WALK_TITLE_ROWS).

An exact document number is put first in every case.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any

from django.db import DatabaseError, connection, transaction

from yangguang.search.backends.base import (
    INDEX_FORMAT,
    STORED_TEXT_CHARS,
    UNRECORDED_FORMAT,
    EngineHit,
    EngineQuery,
    EngineResult,
    Filters,
    IndexBusy,
    SearchBackend,
    SearchDocument,
    pack_document,
    pin_keys,
    rank_multiplier,
    unpack_document,
    waits_for_writer,
)
from yangguang.search.query import And, Node, Or, Phrase, Term
from yangguang.search.segment import Segmenter, get_segmenter, map_in_workers

TABLE = "search_pg_entry"
# pg_advisory_lock key held by a rebuild from its first statement to its last: two rebuilds
# shared the name of the new table, so the second failed with an IntegrityError on pg_type, or
# dropped the first one's table while it built its indexes. (A constant of this app: crc32 of
# "yangguang.search.rebuild".)
REBUILD_LOCK = 0xA29B_4EF0
COUNT_CAP = 1_000
FACET_SAMPLE = 1_000
RERANK_WINDOW = 200
FACET_SIZE = 30
# A fixed 1/SAMPLE_BUCKETS of the rows (by a hash of the key) has its own small GIN index: one
# bitmap over it estimates how many rows a query matches and gives a facet sample, at a cost that
# does not grow with the posting lists of common words (a word in every document is 15,600
# entries there at 1 M documents, against 1 M in the full index: 3 ms instead of 210 ms).
SAMPLE_BUCKETS = 64
SAMPLE_PREDICATE = f"(hashtext(key) & {SAMPLE_BUCKETS - 1}) = 0"
# Sampled matches from which a query certainly has more than COUNT_CAP matches (60 in 1/64 of the
# rows: ≈ 3,840 expected; with 1,000 matches the sample holds 15.6 on average, and 60 or more
# has a probability below 1e-15). Such a query never reads the full index as a bitmap.
CAPPED_SAMPLE = 60
# Otherwise one bitmap over the full index reads up to ALL_MATCHES matches (key, date, whether
# the title matches, facet values): total, facets and the whole tier order from one statement.
ALL_MATCHES = 5_000
# Beyond that, each tier (title matches, then the other matches) is read newest first. The title
# tier first tests the newest WALK_TITLE_ROWS rows along the date index (a title test reads only
# the row: ~1.5 µs) and falls back to a bitmap over the title index and a sort when they hold too
# few title matches; the other tier always walks the date index (its matches are then at least
# ~0.1 % of the rows), detoasting each row's tsvector (~13 µs) — a bitmap over the full index
# would read the posting list of every query word.
WALK_TITLE_ROWS = 4_000

CREATE_SQL = [
    "CREATE EXTENSION IF NOT EXISTS rum",
    f"""
    CREATE TABLE IF NOT EXISTS {TABLE} (
        key varchar(80) PRIMARY KEY,
        source varchar(30) NOT NULL,
        obj_id bigint NOT NULL,
        body_id bigint,
        title text NOT NULL,
        doc_number varchar(200) NOT NULL DEFAULT '',
        index_number varchar(200) NOT NULL DEFAULT '',
        docnums text[] NOT NULL DEFAULT '{{}}',
        text text COMPRESSION lz4 NOT NULL DEFAULT '',
        url varchar(500) NOT NULL DEFAULT '',
        category varchar(100) NOT NULL DEFAULT '',
        theme varchar(100) NOT NULL DEFAULT '',
        validity varchar(30) NOT NULL DEFAULT '',
        year integer,
        published_on date,
        weight real NOT NULL DEFAULT 1,
        tsv tsvector COMPRESSION lz4 NOT NULL,
        title_tsv tsvector NOT NULL DEFAULT ''
    )""",
    # GIN, not RUM: the engine only asks these indexes which rows match (ranking computes RUM's
    # `<=>` from the rows it has read), and a GIN bitmap is 3× faster to read (no positions in
    # the posting lists) and 8× smaller (342 MB against 2.7 GB at 1 M documents).
    # fastupdate off: no pending list that every search would have to scan.
    f"CREATE INDEX IF NOT EXISTS {TABLE}_gin ON {TABLE} USING gin (tsv) WITH (fastupdate = off)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_title_gin ON {TABLE} USING gin (title_tsv) "
    "WITH (fastupdate = off)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_docnums ON {TABLE} USING gin (docnums)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_date ON {TABLE} (published_on DESC NULLS LAST, key)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_body ON {TABLE} (body_id)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_sample ON {TABLE} USING gin (tsv) "
    f"WITH (fastupdate = off) WHERE {SAMPLE_PREDICATE}",
]
# The INDEX_FORMAT the rows were written in, as the table's comment (it follows the table through
# the rebuild's rename): set by each rebuild and, on an empty table, by migration 0006.
FORMAT_SQL = f"COMMENT ON TABLE {{table}} IS 'yangguang search index format {INDEX_FORMAT}'"
_FORMAT_COMMENT = re.compile(r"yangguang search index format (\d+)")
INDEX_SUFFIXES = ("gin", "title_gin", "docnums", "date", "body", "sample", "pkey")
# Migration 0003: tables created by 0002 before the title column existed.
UPGRADE_SQL = [
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS title_tsv tsvector NOT NULL DEFAULT ''",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_title_rum ON {TABLE} USING rum (title_tsv rum_tsvector_ops)",
]
# Migration 0004: GIN instead of the RUM indexes, the date index in the order the tiers are read
# (NULLS LAST, key), the sample index, lz4 for the TOASTed columns.
UPGRADE_0004_SQL = [
    *(f"DROP INDEX IF EXISTS {TABLE}_{old}" for old in ("rum", "title_rum", "published")),
    CREATE_SQL[2],
    CREATE_SQL[3],
    CREATE_SQL[5],
    CREATE_SQL[7],
    *(f"ALTER TABLE {TABLE} ALTER COLUMN {c} SET COMPRESSION lz4" for c in ("text", "tsv")),
]
DROP_SQL = [f"DROP TABLE IF EXISTS {TABLE}"]

ROW_COLUMNS = (
    "key, source, obj_id, body_id, title, doc_number, index_number, docnums, text, url, "
    "category, theme, validity, year, published_on, weight"
)
# Binary COPY formats of ROW_COLUMNS, tsv and title_tsv (the server reads each field with its
# column's type; the tsvectors arrive in tsvector's binary form, see tsvectors()).
COPY_TYPES = [
    *("text", "text", "int8", "int8", "text", "text", "text", "text[]", "text", "text"),
    *("text", "text", "text", "int4", "date", "float4", "bytea", "bytea"),
]


def _insert_sql(table: str) -> str:
    """INSERT of ROW_COLUMNS and the token strings, from which the server builds the
    tsvectors (title weight A, text weight B)."""
    values = ", ".join(["%s"] * 16)
    return (
        f"INSERT INTO {table} ({ROW_COLUMNS}, tsv, title_tsv) VALUES ({values}, "  # noqa: S608
        "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B'), "
        "to_tsvector('simple', %s))"
    )


UPSERT = """
    ON CONFLICT (key) DO UPDATE SET source = EXCLUDED.source, obj_id = EXCLUDED.obj_id,
        body_id = EXCLUDED.body_id, title = EXCLUDED.title, doc_number = EXCLUDED.doc_number,
        index_number = EXCLUDED.index_number, docnums = EXCLUDED.docnums, text = EXCLUDED.text,
        url = EXCLUDED.url, category = EXCLUDED.category, theme = EXCLUDED.theme,
        validity = EXCLUDED.validity, year = EXCLUDED.year,
        published_on = EXCLUDED.published_on, weight = EXCLUDED.weight, tsv = EXCLUDED.tsv,
        title_tsv = EXCLUDED.title_tsv
"""

# The result cache's stamp (service._ResultCache), shared by every app process: one row whose
# value every write transaction sets to a new sequence number before it commits. A row, not the
# sequence alone: a sequence advances at once and would name content that is not committed yet
# (a reader would cache the old result under the new stamp). A sequence value, not n + 1: a write
# that rolls back after its own process cached a result under its stamp burns that value, so no
# later commit can reuse it. Writers queue on the row lock only between their bump and commit.
GENERATION_TABLE = "search_pg_generation"
GENERATION_SQL = [
    f"CREATE SEQUENCE IF NOT EXISTS {GENERATION_TABLE}_seq",
    f"""
    CREATE TABLE IF NOT EXISTS {GENERATION_TABLE} (
        id smallint PRIMARY KEY CHECK (id = 1),
        n bigint NOT NULL
    )""",
]
GENERATION_DROP_SQL = [
    f"DROP TABLE IF EXISTS {GENERATION_TABLE}",
    f"DROP SEQUENCE IF EXISTS {GENERATION_TABLE}_seq",
]
BUMP_SQL = (
    f"INSERT INTO {GENERATION_TABLE} (id, n) VALUES (1, nextval('{GENERATION_TABLE}_seq')) "  # noqa: S608
    "ON CONFLICT (id) DO UPDATE SET n = EXCLUDED.n"
)

# Word conditions ({q}: the tsquery). A title match implies a match of the whole tsvector (it
# holds the title's tokens), so the title tier does not test `tsv`.
MATCH = "tsv @@ {q}"
MATCH_TITLE = "title_tsv @@ {q}"
MATCH_REST = "NOT title_tsv @@ {q} AND tsv @@ {q}"


def _in_title(match: str) -> str:
    """A word condition on the title's tsvector alone (Filters.in_title): MATCH becomes
    MATCH_TITLE, and MATCH_REST — matches outside the title — nothing."""
    return re.sub(r"(?<!\w)tsv\b", "title_tsv", match)


def _walk_form(match: str) -> str:
    """The same condition as a function call, which no index can answer."""
    return re.sub(r"(\w+) @@ \{q\}", r"ts_match_vq(\1, {q})", match)


def _lexeme(token: str, weight: str = "") -> str:
    return "'" + token.replace("\\", "").replace("'", "''") + "'" + (f":{weight}" if weight else "")


def to_tsquery_text(node: Node, weight: str = "") -> str:
    """The query tree as to_tsquery('simple', …) input (every token quoted; `weight="A"`
    restricts every token to the title)."""
    if isinstance(node, Term):
        return _lexeme(node.token, weight)
    if isinstance(node, Phrase):
        # Sub-words sit between the words of a phrase in the token stream: require every token
        # here and check the phrase on the text (see _phrases).
        return "(" + " & ".join(_lexeme(t, weight) for t in node.tokens) + ")"
    joiner = " & " if isinstance(node, And) else " | "
    return "(" + joiner.join(to_tsquery_text(i, weight) for i in node.items) + ")"


@dataclass(frozen=True)
class _TextCheck:
    """A phrase every match must contain; `or_token`: unless it holds this token."""

    text: str
    or_token: str | None = None


def _phrases(node: Node | None, in_or: bool = False) -> list[_TextCheck]:
    """Phrases every match must contain (those not under an OR)."""
    if node is None or in_or or isinstance(node, Term):
        return []
    if isinstance(node, Phrase):
        return [_TextCheck(node.text)]
    if isinstance(node, Or):
        # One word or quoted phrase cut two ways: as now (a token, or a phrase) and as the
        # built-in dictionary cut it, which documents indexed before an administrator added
        # the word hold (query._word_node, query._phrase_node). The same text either way: an
        # older document matches where the parts are side by side, as tantivy's phrase does,
        # not wherever they are (秸秆还田 … 全面禁烧 for 秸秆禁烧).
        texts = {_cut_text(i) for i in node.items}
        if len(texts) == 1 and any(isinstance(i, Phrase) for i in node.items):
            text = texts.pop()
            if text is not None:
                return [_TextCheck(text, text if Term(text) in node.items else None)]
    return [p for i in node.items for p in _phrases(i, isinstance(node, Or))]


def _cut_text(node: Node) -> str | None:
    """The text of a word's or phrase's cut: a phrase, or a single token (query._tokens_node)."""
    if isinstance(node, Phrase):
        return node.text
    return node.token if isinstance(node, Term) else None


class PostgresBackend(SearchBackend):
    name = "postgres"

    def __init__(self, segmenter: Segmenter | None = None) -> None:
        self._segmenter = segmenter
        self.today = dt.date.today

    @property
    def segmenter(self) -> Segmenter:
        return self._segmenter or get_segmenter()

    def ensure_schema(self) -> None:
        with connection.cursor() as cur:
            for sql in (*CREATE_SQL, *GENERATION_SQL):
                cur.execute(sql)

    # -- writing ------------------------------------------------------------------------------
    def _row(self, doc: SearchDocument) -> tuple[Any, ...]:
        """The values of ROW_COLUMNS."""
        numbers = pin_keys(doc)
        return (
            doc.key,
            doc.source,
            doc.id,
            doc.body_id,
            doc.title,
            doc.doc_number,
            doc.index_number,
            numbers,
            doc.text[:STORED_TEXT_CHARS],
            doc.url,
            doc.category,
            doc.theme,
            doc.validity,
            doc.year,
            doc.published_on,
            rank_multiplier(doc.published_on, doc.validity, self.today(), doc.category),
        )

    @staticmethod
    def _tokens(seg: Segmenter, doc: SearchDocument) -> tuple[str, str]:
        return seg.index_tokens(doc.title + " " + doc.doc_number), seg.index_tokens(doc.text)

    def _insert_row(self, seg: Segmenter, doc: SearchDocument) -> tuple[Any, ...]:
        """The parameters of INSERT (the server builds the tsvectors from the tokens)."""
        title, text = self._tokens(seg, doc)
        return (*self._row(doc), title, text, title)

    def _load_row(self, seg: Segmenter, doc: SearchDocument) -> tuple[tuple[Any, ...], bool]:
        """A rebuild's row, made in a segmenting process: with its tsvectors for the binary COPY
        (False), or as INSERT parameters when only the server can read its tokens (True)."""
        title, text = self._tokens(seg, doc)
        vectors = tsvectors(title, text)
        if vectors is None:
            return (*self._row(doc), title, text, title), True
        return (*self._row(doc), *vectors), False

    def _load(self, cur: Any, table: str, docs: Iterable[SearchDocument], workers: int) -> int:
        copy_sql = (
            f"COPY {table} ({ROW_COLUMNS}, tsv, title_tsv) FROM STDIN (FORMAT BINARY, FREEZE)"
        )
        insert = _insert_sql(table)
        vectors: list[tuple[Any, ...]] = []
        parsed: list[tuple[Any, ...]] = []

        def flush() -> None:
            # Batches: the sources read the same connection between them (no COPY open).
            if vectors:
                with cur.cursor.copy(copy_sql) as copy:
                    copy.set_types(COPY_TYPES)
                    for row in vectors:
                        copy.write_row(row)
            if parsed:
                cur.executemany(insert, parsed)
            vectors.clear()
            parsed.clear()

        n = 0
        # The segmenter is resolved here: in a worker, get_segmenter() could read the
        # dictionary version over the connection the worker inherited from this process.
        seg = self.segmenter

        def load(values: tuple[Any, ...]) -> tuple[tuple[Any, ...], bool]:
            return self._load_row(seg, unpack_document(values))

        packed = map(pack_document, docs)
        for row, server_parses in map_in_workers(load, packed, workers=workers):
            (parsed if server_parses else vectors).append(row)
            n += 1
            if len(vectors) + len(parsed) >= 2000:
                flush()
        flush()
        return n

    def index(self, docs: Iterable[SearchDocument], *, batch: int = 500) -> int:
        n = 0
        rows: list[tuple[Any, ...]] = []
        insert = _insert_sql(TABLE) + UPSERT
        seg = self.segmenter
        with transaction.atomic(), connection.cursor() as cur:
            for doc in docs:
                rows.append(self._insert_row(seg, doc))
                if len(rows) >= batch:
                    cur.executemany(insert, rows)
                    n += len(rows)
                    rows = []
            if rows:
                cur.executemany(insert, rows)
                n += len(rows)
            # Last: the row lock is held from here to the commit only.
            cur.execute(BUMP_SQL)
        return n

    def replace_all(self, docs: Iterable[SearchDocument], *, workers: int = 1) -> int:
        """Rebuild into a fresh table and swap it in with a short rename transaction, so
        readers keep the old table meanwhile. The segmenting processes also build the rows'
        tsvectors (see tsvectors): the load is a binary COPY, which costs the server a fifth
        of what to_tsvector does; the indexes are built afterwards, in bulk."""
        new = f"{TABLE}_new"
        n = 0
        with connection.cursor() as cur, _rebuild_lock(cur):
            cur.execute(f"DROP TABLE IF EXISTS {new}")
            cur.execute(f"DROP TABLE IF EXISTS {TABLE}_stage")  # left by a version before 0005
            # One transaction from CREATE TABLE to the last row, for COPY FREEZE: rows written
            # frozen (heap pages all-visible) are not revisited to set hint bits by the index
            # builds, ANALYZE or the first searches, and vacuum skips the heap.
            with transaction.atomic():
                cur.execute(
                    f"CREATE TABLE {new} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING COMPRESSION)"
                )
                cur.execute(FORMAT_SQL.format(table=new))
                n = self._load(cur, new, docs, workers)
            indexes = [
                sql.replace(f" ON {TABLE} ", f" ON {new} ").replace(
                    f"EXISTS {TABLE}_", f"EXISTS {new}_"
                )
                for sql in CREATE_SQL[2:]
            ]
            # Index builds sort their entries in maintenance_work_mem (64 MB by default: the
            # 1 M-document GIN index then spills to many runs).
            memory = "SET maintenance_work_mem = '512MB'"
            if workers > 1 and not connection.in_atomic_block:
                # The big GIN index takes one backend as long as all the others together: build
                # it on a second connection meanwhile (the table is committed, so it sees it).
                cur.execute(f"ALTER TABLE {new} ADD PRIMARY KEY (key)")
                builds: list[list[Statement]] = [
                    [(memory, None), (indexes[0], None)],
                    [(memory, None), *((i, None) for i in indexes[1:])],
                ]
                _in_parallel(builds)
            else:
                cur.execute(memory)
                try:
                    cur.execute(f"ALTER TABLE {new} ADD PRIMARY KEY (key)")
                    for sql in indexes:
                        cur.execute(sql)
                finally:
                    cur.execute("RESET maintenance_work_mem")
            with transaction.atomic():
                cur.execute(f"DROP TABLE {TABLE}")
                cur.execute(f"ALTER TABLE {new} RENAME TO {TABLE}")
                for suffix in INDEX_SUFFIXES:
                    cur.execute(f"ALTER INDEX IF EXISTS {new}_{suffix} RENAME TO {TABLE}_{suffix}")
                cur.execute(BUMP_SQL)
            cur.execute(f"ANALYZE {TABLE}")
        return n

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if keys:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(f"DELETE FROM {TABLE} WHERE key = ANY(%s)", [keys])  # noqa: S608
                cur.execute(BUMP_SQL)

    def clear(self) -> None:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"TRUNCATE {TABLE}")
            cur.execute(BUMP_SQL)

    def count(self) -> int:
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
            return int(cur.fetchone()[0])

    def has_documents(self) -> bool:
        # Not count(): at 1 M rows that reads every row's visibility.
        with connection.cursor() as cur:
            cur.execute(f"SELECT EXISTS (SELECT 1 FROM {TABLE})")  # noqa: S608
            return bool(cur.fetchone()[0])

    def size_bytes(self) -> int:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_total_relation_size(%s)", [TABLE])
            return int(cur.fetchone()[0] or 0)

    def index_format(self) -> int:
        with connection.cursor() as cur:
            cur.execute("SELECT obj_description(%s::regclass, 'pg_class')", [TABLE])
            row = cur.fetchone()
        found = _FORMAT_COMMENT.fullmatch((row[0] if row else None) or "")
        return int(found.group(1)) if found else UNRECORDED_FORMAT

    def generation(self) -> str | None:
        """The shared write stamp and today's date (the rank multiplier's recency is computed
        against the day). The service reads it before searching: under READ COMMITTED the
        search's statements see at least what the stamp names, so a result cached under a stamp
        is never older than the stamp."""
        with connection.cursor() as cur:
            cur.execute(f"SELECT n FROM {GENERATION_TABLE} WHERE id = 1")  # noqa: S608
            row = cur.fetchone()
        return f"{row[0] if row else 0}:{self.today()}"

    # -- reading ------------------------------------------------------------------------------
    def _where(self, q: EngineQuery, tsq: str | None, match: str = MATCH) -> tuple[str, list[Any]]:
        """SQL conditions for the query: `match` is the word condition with `{q}` standing for
        the tsquery (see the MATCH_* forms), then phrases and filters."""
        clauses: list[str] = []
        params: list[Any] = []
        f: Filters = q.filters
        if tsq is not None:
            match = _in_title(match) if f.in_title else match
            clauses.append(match.replace("{q}", "to_tsquery('simple', %s)"))
            params += [tsq] * match.count("{q}")
            searched = "title" if f.in_title else "title || ' ' || text"
            written = f"strpos(lower({searched}), %s) > 0"
            tokens = "title_tsv" if f.in_title else "tsv"
            for check in _phrases(q.node):
                if check.or_token is None:
                    clauses.append(written)
                else:  # indexed with the token (after the addition), or written out
                    clauses.append(f"({tokens} @@ to_tsquery('simple', %s) OR {written})")
                    params.append(_lexeme(check.or_token))
                params.append(check.text)
        if f.body_ids:
            clauses.append("body_id = ANY(%s)")
            params.append(list(f.body_ids))
        for name in ("category", "theme", "validity", "source"):
            value = getattr(f, name)
            if value:
                clauses.append(f"{name} = %s")
                params.append(value)
        if f.year:
            clauses.append("year = %s")
            params.append(int(f.year))
        if f.published_from:
            clauses.append("published_on >= %s")
            params.append(f.published_from)
        if f.published_to:
            clauses.append("published_on <= %s")
            params.append(f.published_to)
        if q.excluded:
            clauses.append("key <> ALL(%s)")
            params.append(list(q.excluded))
        return (" AND ".join(clauses) or "TRUE"), params

    COLUMNS = (
        "key, title, doc_number, text, url, body_id, category, theme, year, validity, "
        "published_on, docnums"
    )
    FACET_COLUMNS = {
        "body": "body_id",
        "category": "category",
        "theme": "theme",
        "year": "year",
        "validity": "validity",
    }

    def search(self, query: EngineQuery) -> EngineResult:
        tsq = to_tsquery_text(query.node) if query.node is not None else None
        where, params = self._where(query, tsq)
        limit = max(1, query.limit)
        rows: list[tuple[Any, ...]]
        pinned: list[tuple[Any, ...]] = []
        with transaction.atomic(), connection.cursor() as cur:
            # Seq scans evaluate `tsv @@ q` on every row, detoasting each tsvector; JIT compiles
            # for the planner's (huge) estimates of those and costs more than the query; a
            # parallel plan takes the core another request needs; a bitmap over 16 MB stays
            # exact (a lossy one rechecks, i.e. detoasts, every row of its pages).
            cur.execute(
                "SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true),"
                " set_config('max_parallel_workers_per_gather', '0', true),"
                " set_config('work_mem', '16MB', true)"
            )
            if query.pins and tsq is not None and query.sort == "relevance":
                fwhere, fparams = self._where(
                    EngineQuery(node=None, filters=query.filters, excluded=query.excluded), None
                )
                cur.execute(
                    f"SELECT {self.COLUMNS}, 1e9::float8 FROM {TABLE} "  # noqa: S608
                    f"WHERE docnums && %s::text[] AND {fwhere} "
                    # The number's document before the title's, the newest of twins first.
                    "ORDER BY docnums @> ARRAY[%s]::text[] DESC, "
                    "published_on DESC NULLS LAST, key LIMIT 5",
                    [query.pins, *fparams, query.number],
                )
                pinned = list(cur.fetchall())
            pinned_keys = {r[0] for r in pinned}
            if tsq is None:
                total, capped = self._count(cur, where, params)
                cur.execute(
                    f"SELECT {self.COLUMNS}, 0::float8 FROM {TABLE} WHERE {where} "  # noqa: S608
                    "ORDER BY published_on DESC NULLS LAST, key LIMIT %s OFFSET %s",
                    [*params, limit, query.offset],
                )
                rows = list(cur.fetchall())
                facets = self._facets(cur, where, params, query.facets) if query.facets else {}
            else:
                rows, total, capped, facets = self._word_search(
                    cur, query, tsq, where, params, limit, pinned
                )
            if pinned and tsq is not None:
                total += len([k for k in pinned_keys if not self._matches(cur, k, where, params)])
        hits = [self._hit(r, query.number) for r in rows]
        return EngineResult(hits=hits, total=total, facets=facets, capped=capped)

    def _word_search(
        self,
        cur: Any,
        query: EngineQuery,
        tsq: str,
        where: str,
        params: list[Any],
        limit: int,
        pinned: list[tuple[Any, ...]],
    ) -> tuple[list[tuple[Any, ...]], int, bool, dict[str, list[tuple[str, int]]]]:
        """Count, facets and the page for a word query without reading every match of a
        common word (see SAMPLE_BUCKETS, CAPPED_SAMPLE, ALL_MATCHES)."""
        names = [n for n in query.facets if n in self.FACET_COLUMNS]
        cols = "key, published_on, title_tsv @@ to_tsquery('simple', %s), " + ", ".join(
            self.FACET_COLUMNS.values()
        )
        cur.execute(
            f"SELECT {cols} FROM {TABLE} WHERE {SAMPLE_PREDICATE} AND {where} LIMIT %s",  # noqa: S608
            [tsq, *params, FACET_SAMPLE],
        )
        sample = list(cur.fetchall())
        found: list[tuple[Any, ...]] | None = None
        if len(sample) >= CAPPED_SAMPLE:
            total, capped, facet_rows = COUNT_CAP, True, sample
        else:
            cur.execute(
                f"SELECT {cols} FROM {TABLE} WHERE {where} LIMIT %s",  # noqa: S608
                [tsq, *params, max(ALL_MATCHES, COUNT_CAP) + 1],
            )
            found = list(cur.fetchall())
            total, capped = min(len(found), COUNT_CAP), len(found) > COUNT_CAP
            facet_rows = found[:FACET_SAMPLE]
        facets = _facet_counts((r[3:] for r in facet_rows), names) if names else {}
        if found is not None and query.sort == "relevance" and not capped:
            rows = self._ranked(cur, query, tsq, [r[0] for r in found], limit, pinned)
        elif found is not None and len(found) <= ALL_MATCHES:
            # Every match is known: order them here and read the page's rows.
            if query.sort == "date":
                found.sort(key=_newest_first)
            else:
                found.sort(key=lambda r: (not r[2], *_newest_first(r)))
            rows = self._tiered_page(cur, query, [r[0] for r in found], limit, pinned)
        else:
            # At least ~3,800 matches (≥ 0.1 % of the rows up to 3.8 M rows): walk by date.
            if query.sort == "date":
                keys = self._newest(cur, query, tsq, MATCH, True, limit, query.offset)
                rows = self._rows(cur, keys)
            else:
                rows = self._tiers(cur, query, tsq, limit, pinned)
        return rows, total, capped, facets

    def _ranked(
        self,
        cur: Any,
        query: EngineQuery,
        tsq: str,
        keys: list[str],
        limit: int,
        pinned: list[tuple[Any, ...]],
    ) -> list[tuple[Any, ...]]:
        """At most COUNT_CAP matches, all known: RUM's rank (`<=>`) of each, computed from the
        row (a RUM ordered scan would walk the posting list of every query word again), the
        best RERANK_WINDOW re-ranked by the index-time multiplier."""
        if not keys:
            return pinned if query.offset == 0 else []
        cur.execute(
            f"SELECT key, weight, tsv <=> to_tsquery('simple', %s) FROM {TABLE} "  # noqa: S608
            "WHERE key = ANY(%s)",
            [tsq, keys],
        )
        scored = sorted(cur.fetchall(), key=lambda r: (r[2], r[0]))
        window = scored[: max(RERANK_WINDOW, query.offset + limit + 50)]
        scores = {r[0]: r[1] / max(r[2], 1e-6) for r in window}
        order = sorted(scores, key=lambda k: (-scores[k], k))
        return self._tiered_page(cur, query, order, limit, pinned, scores=scores)

    def _tiers(
        self,
        cur: Any,
        query: EngineQuery,
        tsq: str,
        limit: int,
        pinned: list[tuple[Any, ...]],
    ) -> list[tuple[Any, ...]]:
        """More than COUNT_CAP matches (common words): ranking every match is what makes
        database full-text search slow, so rank in tiers instead — documents matching in the
        title first, then the others, each newest first."""
        offset = max(0, query.offset - len(pinned))
        want = limit + len(pinned)
        # The title tier up to the end of the page: how many it has matters only when shorter.
        keys = self._newest_recent(cur, query, tsq, MATCH_TITLE, offset + want, WALK_TITLE_ROWS)
        if keys is None:
            keys = self._newest(cur, query, tsq, MATCH_TITLE, False, offset + want, 0)
        n_title = len(keys)
        keys = keys[offset:]
        if len(keys) < want:
            keys += self._newest(
                cur, query, tsq, MATCH_REST, True, want - len(keys), max(0, offset - n_title)
            )
        return self._tiered_page(cur, query, keys, limit, pinned, offset_applied=True)

    def _tiered_page(
        self,
        cur: Any,
        query: EngineQuery,
        keys: list[str],
        limit: int,
        pinned: list[tuple[Any, ...]],
        *,
        offset_applied: bool = False,
        scores: dict[str, float] | None = None,
    ) -> list[tuple[Any, ...]]:
        """The page's rows from the ordered keys of every match (or of the page itself when
        `offset_applied`), after the pinned document on the first page."""
        pinned_keys = {r[0] for r in pinned}
        if not offset_applied:
            offset = max(0, query.offset - len(pinned))
            keys = keys[offset : offset + limit + len(pinned)]
        rows = [r for r in self._rows(cur, keys, scores) if r[0] not in pinned_keys]
        if query.offset == 0:
            rows = pinned + rows
        return rows[:limit]

    def _rows(
        self, cur: Any, keys: list[str], scores: dict[str, float] | None = None
    ) -> list[tuple[Any, ...]]:
        """The result columns of `keys`, in that order (read by primary key after the order was
        decided on narrow rows, so a sort never carries the stored text)."""
        if not keys:
            return []
        cur.execute(
            f"SELECT {self.COLUMNS}, 0::float8 FROM {TABLE} WHERE key = ANY(%s)",  # noqa: S608
            [keys],
        )
        by_key = {r[0]: r for r in cur.fetchall()}
        scores = scores or {}
        return [(*by_key[k][:-1], scores.get(k, 1.0)) for k in keys if k in by_key]

    def _newest_recent(
        self, cur: Any, query: EngineQuery, tsq: str, match: str, limit: int, rows: int
    ) -> list[str] | None:
        """The newest `limit` matches if they are among the newest `rows` rows, else None."""
        where, params = self._where(query, tsq, _walk_form(match))
        cur.execute(
            f"SELECT key FROM (SELECT * FROM {TABLE} "  # noqa: S608
            f"ORDER BY published_on DESC NULLS LAST, key LIMIT %s) recent WHERE {where} "
            "ORDER BY published_on DESC NULLS LAST, key LIMIT %s",
            [rows, *params, limit],
        )
        keys = [r[0] for r in cur.fetchall()]
        return keys if len(keys) >= limit else None

    def _newest(
        self,
        cur: Any,
        query: EngineQuery,
        tsq: str,
        match: str,
        walk: bool,
        limit: int,
        offset: int,
    ) -> list[str]:
        """Keys of the matches of `match`, newest first. `walk`: along the date index, testing
        each row (the function form of @@ cannot use a text index, so the planner cannot choose
        a bitmap over the posting list of a word in every document); else a bitmap over the text
        index and a sort (a walk would read most of the table)."""
        where, params = self._where(query, tsq, _walk_form(match) if walk else match)
        if not walk:
            cur.execute("SELECT set_config('enable_indexscan', 'off', true)")
        cur.execute(
            f"SELECT key FROM {TABLE} WHERE {where} "  # noqa: S608
            "ORDER BY published_on DESC NULLS LAST, key LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        keys = [r[0] for r in cur.fetchall()]
        if not walk:
            cur.execute("SELECT set_config('enable_indexscan', 'on', true)")
        return keys

    def _matches(self, cur: Any, key: str, where: str, params: Sequence[Any]) -> bool:
        cur.execute(f"SELECT 1 FROM {TABLE} WHERE key = %s AND {where}", [key, *params])  # noqa: S608
        return cur.fetchone() is not None

    def _count(self, cur: Any, where: str, params: Sequence[Any]) -> tuple[int, bool]:
        cur.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {where} LIMIT %s) s",  # noqa: S608
            [*params, COUNT_CAP + 1],
        )
        n = int(cur.fetchone()[0])
        return min(n, COUNT_CAP), n > COUNT_CAP

    def _facets(
        self, cur: Any, where: str, params: Sequence[Any], names: Iterable[str]
    ) -> dict[str, list[tuple[str, int]]]:
        names = [n for n in names if n in self.FACET_COLUMNS]
        if not names:
            return {}
        cur.execute(
            f"SELECT {', '.join(self.FACET_COLUMNS.values())} FROM {TABLE} "  # noqa: S608
            f"WHERE {where} LIMIT %s",
            [*params, FACET_SAMPLE],
        )
        return _facet_counts(cur.fetchall(), names)

    def _hit(self, r: Sequence[Any], number: str) -> EngineHit:
        (key, title, doc_number, text, url, body_id, category, theme, year, validity) = r[:10]
        published_on, docnums, score = r[10], r[11], r[12]
        return EngineHit(
            key=key,
            score=float(score or 0),
            title=title,
            doc_number=doc_number,
            text=text,
            url=url,
            body_id=body_id,
            category=category,
            theme=theme,
            year=year,
            validity=validity,
            published_on=published_on,
            pinned=bool(number) and number in (docnums or []),
        )


Statement = tuple[str, list[Any] | None]


@contextmanager
def _rebuild_lock(cur: Any) -> Iterator[None]:
    """One rebuild at a time (REBUILD_LOCK, a session lock: it survives the rebuild's own
    commits and goes with its connection if the process dies). Under base.not_waiting a held
    lock raises IndexBusy instead of waiting, as tantivy's writer lock does."""
    if waits_for_writer():
        cur.execute("SELECT pg_advisory_lock(%s)", [REBUILD_LOCK])
    else:
        cur.execute("SELECT pg_try_advisory_lock(%s)", [REBUILD_LOCK])
        if not cur.fetchone()[0]:
            raise IndexBusy("another rebuild holds the PostgreSQL search rebuild lock")
    try:
        yield
    finally:
        # After a failure inside a test's transaction the unlock cannot run; closing the
        # connection releases the lock anyway, and the same session may take it again.
        with suppress(DatabaseError):
            cur.execute("SELECT pg_advisory_unlock(%s)", [REBUILD_LOCK])


def _in_parallel(scripts: list[list[Statement]]) -> None:
    """Run each list of statements on its own new autocommit connection, the lists at the same
    time (threads: psycopg releases the GIL while the server works)."""
    import threading

    errors: list[BaseException] = []

    def run(statements: list[Statement]) -> None:
        try:
            conn = connection.get_new_connection(connection.get_connection_params())
            try:
                conn.autocommit = True
                with conn.cursor() as c:
                    for sql, params in statements:
                        c.execute(sql, params)
            finally:
                conn.close()
        except BaseException as exc:  # noqa: BLE001 — re-raised in the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in scripts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def _newest_first(row: Sequence[Any]) -> tuple[bool, int, str]:
    """Sort key of (key, published_on, …) rows: published_on DESC NULLS LAST, key."""
    published = row[1]
    return (published is None, -published.toordinal() if published else 0, row[0])


def _facet_counts(
    rows: Iterable[Sequence[Any]], names: Sequence[str]
) -> dict[str, list[tuple[str, int]]]:
    """Facet counts over rows whose first five columns are PostgresBackend.FACET_COLUMNS."""
    position = {n: i for i, n in enumerate(PostgresBackend.FACET_COLUMNS)}
    counters: dict[str, dict[str, int]] = {n: {} for n in names}
    for row in rows:
        for n in names:
            value = row[position[n]]
            if value in (None, "", 0):
                continue
            c = counters[n]
            c[str(value)] = c.get(str(value), 0) + 1
    return {
        n: sorted(counters[n].items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE] for n in names
    }


# -- tsvectors built in Python (rebuilds) -----------------------------------------------------
# Tokens the PostgreSQL parser reads as one word, itself, in every locale: ASCII lower-case
# letters and digits, CJK ideographs — nearly every token of a Chinese document. At most 600
# characters (a lexeme stays below 2 KB). A document with any other token (互联网+, ℃, é …)
# keeps the server's to_tsvector.
_WORD = "0-9a-z\u3400-\u4dbf\u4e00-\u9fff"
_PLAIN_TOKENS = re.compile(f"[{_WORD}]{{1,600}}(?: [{_WORD}]{{1,600}})*")
# PostgreSQL's limits (tsvector.h): positions up to MAXENTRYPOS - 1, at most 255 positions of a
# word from one to_tsvector (256 after ||). Documents reaching either keep to_tsvector too.
_MAX_POSITION = 16383
_MAX_POSITIONS = 255
# Weight bits of a position (WEP_SETWEIGHT): A = 3, B = 2.
_WEIGHT_A, _WEIGHT_B = 3 << 14, 2 << 14
# Every position with its weight bits as big-endian bytes, and "\0 + position count", so that
# positions are collected as bytes and a tsvector is joined without a Python step per position
# (a third of what lists of ints and struct.pack cost: ~180 µs per 1,500-character document).
_POSITION_BYTES = [p.to_bytes(2, "big") for p in range(1 << 16)]
_COUNT_BYTES = [b"\0" + n.to_bytes(2, "big") for n in range(_MAX_POSITIONS + 1)]


def tsvectors(title: str, text: str) -> tuple[bytes, bytes] | None:
    """The binary (COPY) forms of `setweight(to_tsvector('simple', title), 'A') ||
    setweight(to_tsvector('simple', text), 'B')` and `to_tsvector('simple', title)` for token
    strings as Segmenter.index_tokens writes them, or None when only the server can tell (see
    _PLAIN_TOKENS, _MAX_POSITION). Each token is a lexeme at the next position; the text's
    positions follow the title's. Lexemes need no order: tsvector's receive function sorts."""
    if (title and not _PLAIN_TOKENS.fullmatch(title)) or (
        text and not _PLAIN_TOKENS.fullmatch(text)
    ):
        return None
    title_tokens = title.split(" ") if title else []
    text_tokens = text.split(" ") if text else []
    n = len(title_tokens)
    if n + len(text_tokens) >= _MAX_POSITION:
        return None
    both: dict[str, bytes] = {}
    _add_positions(both, title_tokens, _WEIGHT_A | 1)
    _add_positions(both, text_tokens, _WEIGHT_B | (n + 1))
    if max(map(len, both.values()), default=0) > 2 * _MAX_POSITIONS:
        return None
    title_only: dict[str, bytes] = {}
    _add_positions(title_only, title_tokens, 1)
    return _tsvector_binary(both), _tsvector_binary(title_only)


def _add_positions(into: dict[str, bytes], tokens: list[str], first: int) -> None:
    """Each token's positions from `first` on (with its weight bits), appended as bytes."""
    get = into.get
    for position, token in zip(_POSITION_BYTES[first : first + len(tokens)], tokens, strict=True):
        into[token] = get(token, b"") + position


def _tsvector_binary(positions: dict[str, bytes]) -> bytes:
    """tsvectorsend's format: the lexeme count, then each lexeme NUL-terminated, its position
    count and its positions (big-endian uint16, weight in the top two bits)."""
    counts = map(
        _COUNT_BYTES.__getitem__, map(operator.rshift, map(len, positions.values()), repeat(1))
    )
    parts = zip(map(str.encode, positions), counts, positions.values(), strict=True)
    return len(positions).to_bytes(4, "big") + b"".join(chain.from_iterable(parts))
