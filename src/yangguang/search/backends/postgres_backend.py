"""Full-text search inside PostgreSQL for deployments with several app servers.

Table `search_pg_entry` (created by migration 0002 on PostgreSQL only) holds one row per public
object: pre-segmented tokens in a `tsvector` (`simple` configuration; title weight A, text
weight B) under a RUM index (`rum_tsvector_ops`). RUM keeps positions in the index, so
`ORDER BY tsv <=> query LIMIT n` walks the index in rank order instead of scoring every match
— the thing that makes GIN + ts_rank slow on common words.

The engine's top candidates (a window of a few hundred) are then re-ranked by the same
multiplier as tantivy (recency, repealed ×0.5) and an exact document number is put first.
Totals and facet counts are exact up to COUNT_CAP matches and reported as "more than" beyond it,
so a one-word query matching half the corpus does not count every row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction

from yangguang.search.backends.base import (
    STORED_TEXT_CHARS,
    EngineHit,
    EngineQuery,
    EngineResult,
    Filters,
    SearchBackend,
    SearchDocument,
    rank_multiplier,
)
from yangguang.search.query import And, Node, Or, Phrase, Term
from yangguang.search.segment import Segmenter, get_segmenter, normalize_number, segment_pairs

TABLE = "search_pg_entry"
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
# Sampled matches from which a query counts as broad (≈ 25,600 estimated matches): no bitmap
# over the full index at all; total "more than COUNT_CAP", facets from the sample, tiers read
# newest first along the date index.
BROAD_SAMPLE = 400
# A tier (title matches, other matches) is read along the date index when it is estimated to
# have at least this many rows (a walk finds the newest `limit` rows after about
# limit × N / rows rows, each costing a tsvector detoast), else by a bitmap and a sort.
WALK_ROWS = 8_000

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
    f"CREATE INDEX IF NOT EXISTS {TABLE}_rum ON {TABLE} USING rum (tsv rum_tsvector_ops)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_title_rum ON {TABLE} USING rum (title_tsv rum_tsvector_ops)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_docnums ON {TABLE} USING gin (docnums)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_date ON {TABLE} (published_on DESC NULLS LAST, key)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_body ON {TABLE} (body_id)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_sample ON {TABLE} USING gin (tsv) "
    f"WHERE {SAMPLE_PREDICATE}",
]
INDEX_SUFFIXES = ("rum", "title_rum", "docnums", "date", "body", "sample", "pkey")
# Migration 0003: tables created by 0002 before the title column existed.
UPGRADE_SQL = [
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS title_tsv tsvector NOT NULL DEFAULT ''",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_title_rum ON {TABLE} USING rum (title_tsv rum_tsvector_ops)",
]
# Migration 0004: the date index in the order the tiers read (NULLS LAST, key), the sample index,
# lz4 for the TOASTed columns (a date walk detoasts one tsvector per row it reads).
UPGRADE_0004_SQL = [
    f"DROP INDEX IF EXISTS {TABLE}_published",
    CREATE_SQL[5],
    CREATE_SQL[7],
    *(f"ALTER TABLE {TABLE} ALTER COLUMN {c} SET COMPRESSION lz4" for c in ("text", "tsv")),
]
DROP_SQL = [f"DROP TABLE IF EXISTS {TABLE}"]

# Word conditions ({q}: the tsquery). A title match implies a match of the whole tsvector (it
# holds the title's tokens), so the title tier does not test `tsv`.
MATCH = "tsv @@ {q}"
MATCH_TITLE = "title_tsv @@ {q}"
MATCH_REST = "NOT title_tsv @@ {q} AND tsv @@ {q}"


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


def _phrases(node: Node | None, in_or: bool = False) -> list[str]:
    """Phrases every match must contain (those not under an OR)."""
    if node is None:
        return []
    if isinstance(node, Phrase):
        return [] if in_or else [node.text]
    if isinstance(node, Term):
        return []
    return [p for i in node.items for p in _phrases(i, in_or or isinstance(node, Or))]


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
            for sql in CREATE_SQL:
                cur.execute(sql)

    # -- writing ------------------------------------------------------------------------------
    def _row(self, doc: SearchDocument, tokens: tuple[str, str] | None = None) -> tuple[Any, ...]:
        if tokens is None:
            seg = self.segmenter
            tokens = (
                seg.index_tokens(doc.title + " " + doc.doc_number),
                seg.index_tokens(doc.text),
            )
        numbers = [normalize_number(n) for n in (doc.doc_number, doc.index_number) if n]
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
            rank_multiplier(doc.published_on, doc.validity, self.today()),
            tokens[0],
            tokens[1],
            tokens[0],
        )

    INSERT = """
        INSERT INTO search_pg_entry (key, source, obj_id, body_id, title, doc_number, index_number,
            docnums, text, url, category, theme, validity, year, published_on, weight, tsv,
            title_tsv)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
            setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B'),
            to_tsvector('simple', %s))
        ON CONFLICT (key) DO UPDATE SET source = EXCLUDED.source, obj_id = EXCLUDED.obj_id,
            body_id = EXCLUDED.body_id, title = EXCLUDED.title, doc_number = EXCLUDED.doc_number,
            index_number = EXCLUDED.index_number, docnums = EXCLUDED.docnums, text = EXCLUDED.text,
            url = EXCLUDED.url, category = EXCLUDED.category, theme = EXCLUDED.theme,
            validity = EXCLUDED.validity, year = EXCLUDED.year,
            published_on = EXCLUDED.published_on, weight = EXCLUDED.weight, tsv = EXCLUDED.tsv,
            title_tsv = EXCLUDED.title_tsv
    """

    def index(self, docs: Iterable[SearchDocument], *, batch: int = 500) -> int:
        n = 0
        rows: list[tuple[Any, ...]] = []
        with transaction.atomic(), connection.cursor() as cur:
            for doc in docs:
                rows.append(self._row(doc))
                if len(rows) >= batch:
                    cur.executemany(self.INSERT, rows)
                    n += len(rows)
                    rows = []
            if rows:
                cur.executemany(self.INSERT, rows)
                n += len(rows)
        return n

    def replace_all(self, docs: Iterable[SearchDocument], *, workers: int = 1) -> int:
        """Rebuild into a fresh table (COPY, then tsvectors and indexes built in bulk) and swap
        it in with a short rename transaction, so readers keep the old table meanwhile."""
        new, stage = f"{TABLE}_new", f"{TABLE}_stage"
        n = 0
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {new}")
            cur.execute(f"DROP TABLE IF EXISTS {stage}")
            cur.execute(
                f"CREATE TABLE {new} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING COMPRESSION)"
            )
            cur.execute(
                f"CREATE UNLOGGED TABLE {stage} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING "
                "COMPRESSION, title_tok text COMPRESSION lz4, text_tok text COMPRESSION lz4)"
            )
            cur.execute(f"ALTER TABLE {stage} ALTER COLUMN tsv DROP NOT NULL")
            columns = (
                "key, source, obj_id, body_id, title, doc_number, index_number, docnums, text, "
                "url, category, theme, validity, year, published_on, weight"
            )
            buffer: deque[SearchDocument] = deque()
            seg_pairs = segment_pairs(
                ((d.title + " " + d.doc_number, d.text) for d in _remember(docs, buffer)),
                workers=workers,
            )
            copy_sql = f"COPY {stage} ({columns}, title_tok, text_tok) FROM STDIN"
            rows: list[tuple[Any, ...]] = []

            def flush() -> None:
                # Batches: the sources read the same connection between them (no COPY open).
                with cur.cursor.copy(copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                rows.clear()

            for tokens in seg_pairs:
                doc = buffer.popleft()
                rows.append((*self._row(doc, tokens=tokens)[:16], *tokens))
                n += 1
                if len(rows) >= 2000:
                    flush()
            if rows:
                flush()
            tsv = (
                "setweight(to_tsvector('simple', coalesce(title_tok, '')), 'A') || "
                "setweight(to_tsvector('simple', coalesce(text_tok, '')), 'B')"
            )
            fill = (
                f"INSERT INTO {new} ({columns}, tsv, title_tsv) SELECT {columns}, {tsv}, "  # noqa: S608
                f"to_tsvector('simple', coalesce(title_tok, '')) FROM {stage}"
            )
            cur.execute(fill)
            cur.execute(f"DROP TABLE {stage}")
            # The RUM build sorts its entries in maintenance_work_mem (64 MB by default: the
            # 1 M-document index then spills to many runs).
            cur.execute("SET maintenance_work_mem = '512MB'")
            try:
                cur.execute(f"ALTER TABLE {new} ADD PRIMARY KEY (key)")
                for sql in CREATE_SQL[2:]:
                    cur.execute(
                        sql.replace(f" ON {TABLE} ", f" ON {new} ").replace(
                            f"EXISTS {TABLE}_", f"EXISTS {new}_"
                        )
                    )
            finally:
                cur.execute("RESET maintenance_work_mem")
            with transaction.atomic():
                cur.execute(f"DROP TABLE {TABLE}")
                cur.execute(f"ALTER TABLE {new} RENAME TO {TABLE}")
                for suffix in INDEX_SUFFIXES:
                    cur.execute(f"ALTER INDEX IF EXISTS {new}_{suffix} RENAME TO {TABLE}_{suffix}")
            cur.execute(f"ANALYZE {TABLE}")
        return n

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if keys:
            with connection.cursor() as cur:
                cur.execute(f"DELETE FROM {TABLE} WHERE key = ANY(%s)", [keys])  # noqa: S608

    def clear(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {TABLE}")

    def count(self) -> int:
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
            return int(cur.fetchone()[0])

    def size_bytes(self) -> int:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_total_relation_size(%s)", [TABLE])
            return int(cur.fetchone()[0] or 0)

    # -- reading ------------------------------------------------------------------------------
    def _where(self, q: EngineQuery, tsq: str | None, match: str = MATCH) -> tuple[str, list[Any]]:
        """SQL conditions for the query: `match` is the word condition with `{q}` standing for
        the tsquery (see the MATCH_* forms), then phrases and filters."""
        clauses: list[str] = []
        params: list[Any] = []
        if tsq is not None:
            clauses.append(match.replace("{q}", "to_tsquery('simple', %s)"))
            params += [tsq] * match.count("{q}")
            for phrase in _phrases(q.node):
                clauses.append("strpos(lower(title || ' ' || text), %s) > 0")
                params.append(phrase)
        f: Filters = q.filters
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
            if query.number and tsq is not None and query.sort == "relevance":
                fwhere, fparams = self._where(EngineQuery(node=None, filters=query.filters), None)
                cur.execute(
                    f"SELECT {self.COLUMNS}, 1e9::float8 FROM {TABLE} "  # noqa: S608
                    f"WHERE docnums @> ARRAY[%s]::text[] AND {fwhere} LIMIT 5",
                    [query.number, *fparams],
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
        """Count, facets and the page for a word query without touching every match of a
        common word: the sample decides whether the query is broad (see SAMPLE_BUCKETS)."""
        names = [n for n in query.facets if n in self.FACET_COLUMNS]
        cols = ", ".join(self.FACET_COLUMNS.values()) + ", title_tsv @@ to_tsquery('simple', %s)"
        cur.execute(
            f"SELECT {cols} FROM {TABLE} WHERE {SAMPLE_PREDICATE} AND {where} LIMIT %s",  # noqa: S608
            [tsq, *params, FACET_SAMPLE],
        )
        sample = list(cur.fetchall())
        if len(sample) >= BROAD_SAMPLE:
            # Certainly more than COUNT_CAP matches (≥ 400 in 1/64 of the rows).
            total, capped, facet_rows = COUNT_CAP, True, sample
            est_total = len(sample) * SAMPLE_BUCKETS
            est_title = sum(1 for r in sample if r[-1]) * SAMPLE_BUCKETS
        else:
            cur.execute(
                f"SELECT {cols} FROM {TABLE} WHERE {where} LIMIT %s",  # noqa: S608
                [tsq, *params, COUNT_CAP + 1],
            )
            found = list(cur.fetchall())
            total, capped = min(len(found), COUNT_CAP), len(found) > COUNT_CAP
            facet_rows = found[:FACET_SAMPLE]
            est_total = max(len(found), len(sample) * SAMPLE_BUCKETS)
            est_title = sum(1 for r in found if r[-1])
            if capped:
                est_title = max(est_title, sum(1 for r in sample if r[-1]) * SAMPLE_BUCKETS)
        facets = _facet_counts(facet_rows, names) if names else {}
        if query.sort == "date":
            rows = self._newest(cur, query, tsq, MATCH, est_total, limit, query.offset)
        elif capped:
            rows = self._tiers(cur, query, tsq, est_total, est_title, limit, pinned)
        else:
            rows = self._ranked(cur, query, tsq, where, params, limit, pinned)
        return rows, total, capped, facets

    def _ranked(
        self,
        cur: Any,
        query: EngineQuery,
        tsq: str,
        where: str,
        params: list[Any],
        limit: int,
        pinned: list[tuple[Any, ...]],
    ) -> list[tuple[Any, ...]]:
        """At most COUNT_CAP matches: RUM's rank order (`<=>`, from the positions in the index),
        the top window re-ranked by the index-time multiplier."""
        pinned_keys = {r[0] for r in pinned}
        window = max(RERANK_WINDOW, query.offset + limit + 50)
        cur.execute(
            f"SELECT {self.COLUMNS}, weight / GREATEST(dist, 1e-6) AS score FROM ("  # noqa: S608
            f" SELECT {self.COLUMNS}, weight, tsv <=> to_tsquery('simple', %s) AS dist"
            f" FROM {TABLE} WHERE {where}"
            " ORDER BY tsv <=> to_tsquery('simple', %s) LIMIT %s) c "
            "ORDER BY score DESC, key LIMIT %s OFFSET %s",
            [
                tsq,
                *params,
                tsq,
                window,
                limit + len(pinned),
                max(0, query.offset - len(pinned)),
            ],
        )
        rows = [r for r in cur.fetchall() if r[0] not in pinned_keys]
        if query.offset == 0:
            rows = pinned + rows
        return rows[:limit]

    def _tiers(
        self,
        cur: Any,
        query: EngineQuery,
        tsq: str,
        est_total: int,
        est_title: int,
        limit: int,
        pinned: list[tuple[Any, ...]],
    ) -> list[tuple[Any, ...]]:
        """More than COUNT_CAP matches (common words): ranking every match is what makes
        database full-text search slow, so rank in tiers instead — documents matching in the
        title first, then the others, each newest first."""
        pinned_keys = {r[0] for r in pinned}
        offset = max(0, query.offset - len(pinned))
        want = limit + len(pinned)
        # The title tier up to the end of the page: how many it has matters only when shorter.
        title = self._newest(cur, query, tsq, MATCH_TITLE, est_title, offset + want, 0)
        rows = title[offset:]
        if len(rows) < want:
            rows += self._newest(
                cur,
                query,
                tsq,
                MATCH_REST,
                est_total - est_title,
                want - len(rows),
                max(0, offset - len(title)),
            )
        rows = [r for r in rows if r[0] not in pinned_keys]
        if query.offset == 0:
            rows = pinned + rows
        return rows[:limit]

    def _newest(
        self,
        cur: Any,
        query: EngineQuery,
        tsq: str,
        match: str,
        estimate: int,
        limit: int,
        offset: int,
    ) -> list[tuple[Any, ...]]:
        """Matches of `match` newest first. Many (estimate ≥ WALK_ROWS): walk the date index and
        test each row (the function form of @@ cannot use a text index, so the planner cannot
        pick a bitmap over a posting list of every document); few: a bitmap over the text
        index and a sort (the walk would read most of the table)."""
        walk = estimate >= WALK_ROWS
        where, params = self._where(query, tsq, _walk_form(match) if walk else match)
        if not walk:
            cur.execute("SELECT set_config('enable_indexscan', 'off', true)")
        cur.execute(
            f"SELECT {self.COLUMNS}, 1::float8 FROM {TABLE} WHERE {where} "  # noqa: S608
            "ORDER BY published_on DESC NULLS LAST, key LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        rows = list(cur.fetchall())
        if not walk:
            cur.execute("SELECT set_config('enable_indexscan', 'on', true)")
        return rows

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


def _remember(
    docs: Iterable[SearchDocument], buffer: deque[SearchDocument]
) -> Iterator[SearchDocument]:
    for doc in docs:
        buffer.append(doc)
        yield doc
