"""The PostgreSQL engine's plans for many matches (issue 4 at 1 M documents): the paths a common
word takes there — the 1/64 sample deciding that a query has more than COUNT_CAP matches, the
tiers read along the date index, the title tier's fallback to a bitmap — forced here on a few
documents by lowering their thresholds, and checked to give the same order as the plain path."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.search.conftest import MemorySource, index_all, use_engine
from yangguang.search.backends import postgres_backend, reset_backends
from yangguang.search.backends.base import EngineQuery, Filters, SearchBackend
from yangguang.search.query import parse
from yangguang.search.service import RESULT_CACHE, run_search

FILLER = "为进一步做好相关工作，现将有关事项通知如下。请各单位认真贯彻落实。"


@pytest.fixture
def pg(settings, tmp_path, monkeypatch, db) -> Iterator[SearchBackend]:  # type: ignore[no-untyped-def]
    backend = use_engine(settings, "postgres")
    backend.clear()
    yield backend
    reset_backends()


def ids(outcome) -> list[int]:  # type: ignore[no-untyped-def]
    return [h.id for h in outcome.hits]


def _eight(memo: MemorySource) -> None:
    """Two title matches (2, 5) and six text matches, one per day of January 2020."""
    for i in range(1, 9):
        title = f"森林防火通知{i}" if i in (2, 5) else f"工作通知{i}"
        memo.add(i, title, "做好森林防火工作。" + FILLER, published_on=dt.date(2020, 1, i))


@pytest.mark.parametrize("title_rows", [1, 4000])
def test_tiers_read_along_the_date_index(
    pg: SearchBackend, memo: MemorySource, monkeypatch, title_rows: int
) -> None:  # type: ignore[no-untyped-def]
    """More matches than ALL_MATCHES: the title tier from the newest rows (or, when they hold
    too few title matches, from a bitmap), the rest by walking the date index — the same order
    as when every match is read at once."""
    _eight(memo)
    index_all(pg, memo)
    monkeypatch.setattr(postgres_backend, "COUNT_CAP", 4)
    expected = [ids(run_search("森林防火", per_page=3, page=p)) for p in (1, 2, 3)]
    assert expected == [[5, 2, 8], [7, 6, 4], [3, 1]]
    monkeypatch.setattr(postgres_backend, "ALL_MATCHES", 2)
    monkeypatch.setattr(postgres_backend, "WALK_TITLE_ROWS", title_rows)
    RESULT_CACHE.clear()
    for page, want in enumerate(expected, start=1):
        out = run_search("森林防火", per_page=3, page=page)
        assert ids(out) == want
        assert out.capped and out.total == 4
    # Newest first over every match (a walk with an offset).
    assert ids(run_search("森林防火", sort="date", per_page=3)) == [8, 7, 6]
    assert ids(run_search("森林防火", sort="date", per_page=3, page=3)) == [2, 1]


@pytest.mark.parametrize(("all_matches", "title_rows"), [(100, 4000), (0, 1), (0, 4000)])
def test_title_scope_beyond_the_cap_is_the_title_tier_alone(
    pg: SearchBackend, memo: MemorySource, monkeypatch, all_matches: int, title_rows: int
) -> None:  # type: ignore[no-untyped-def]
    """scope=title with more matches than COUNT_CAP: ranked in tiers, whose second tier
    (matches outside the title) is empty — the text-only matches never follow."""
    _eight(memo)
    index_all(pg, memo)
    monkeypatch.setattr(postgres_backend, "COUNT_CAP", 1)
    monkeypatch.setattr(postgres_backend, "ALL_MATCHES", all_matches)
    monkeypatch.setattr(postgres_backend, "WALK_TITLE_ROWS", title_rows)
    title_only = Filters(in_title=True)
    for sort in ("relevance", "date"):
        out = run_search("森林防火", filters=title_only, sort=sort, per_page=3)
        assert ids(out) == [5, 2] and out.capped
        assert ids(run_search("森林防火", filters=title_only, sort=sort, per_page=1, page=2)) == [2]


def test_the_sample_decides_a_query_is_capped(
    pg: SearchBackend, memo: MemorySource, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Enough matches in the 1/64 sample: the total is reported as more than COUNT_CAP without
    reading the full index, the facet counts are the sample's (lower bounds) and the page is
    still in tiers."""
    for i in range(1, 301):
        title = f"秸秆禁烧通知{i}" if i % 50 == 0 else f"工作通知{i}"
        memo.add(
            i,
            title,
            "做好秸秆禁烧工作。" + FILLER,
            published_on=dt.date(2020, 1, 1) + dt.timedelta(days=i),
            category="政策文件" if i % 2 else "工作动态",
        )
    index_all(pg, memo)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT obj_id, category FROM {postgres_backend.TABLE} "  # noqa: S608
            f"WHERE {postgres_backend.SAMPLE_PREDICATE}"
        )
        sampled = cur.fetchall()
    assert 0 < len(sampled) < 30  # ~300/64
    monkeypatch.setattr(postgres_backend, "COUNT_CAP", 50)
    monkeypatch.setattr(postgres_backend, "CAPPED_SAMPLE", 1)
    result = pg.search(EngineQuery(node=parse("秸秆禁烧").and_node(), limit=5))
    assert result.capped and result.total == 50
    counts = dict(result.facets["category"])
    assert sum(counts.values()) == len(sampled)
    assert counts.get("政策文件", 0) == sum(1 for _, c in sampled if c == "政策文件")
    # Title matches first, newest first, then the rest newest first.
    assert [h.obj_id for h in result.hits] == [300, 250, 200, 150, 100]
    page2 = pg.search(EngineQuery(node=parse("秸秆禁烧").and_node(), offset=5, limit=3))
    assert [h.obj_id for h in page2.hits] == [50, 299, 298]


def test_walks_use_the_date_index(pg: SearchBackend, memo: MemorySource) -> None:
    """The walk's ORDER BY is the date index's order, and its word test (the function form of
    @@) cannot use a text index — so the plan stops after the first matching rows instead of
    reading the posting list of a word that is in every document."""
    _eight(memo)
    index_all(pg, memo)
    where, params = pg._where(  # type: ignore[attr-defined]
        EngineQuery(node=parse("森林防火").and_node()),
        "'森林防火'",
        postgres_backend._walk_form(postgres_backend.MATCH_REST),
    )
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute(
            f"EXPLAIN SELECT key FROM {postgres_backend.TABLE} WHERE {where} "  # noqa: S608
            "ORDER BY published_on DESC NULLS LAST, key LIMIT 10",
            params,
        )
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert f"Index Scan using {postgres_backend.TABLE}_date" in plan
    assert "Sort" not in plan and "gin" not in plan.lower()


def test_rebuild_keeps_the_index_names(pg: SearchBackend, memo: MemorySource) -> None:
    """replace_all builds a new table and renames it and its indexes into place: the next
    migration (and the sample predicate) rely on those names."""
    _eight(memo)
    index_all(pg, memo)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s", [postgres_backend.TABLE]
        )
        names = {r[0] for r in cur.fetchall()}
    assert names == {f"{postgres_backend.TABLE}_{s}" for s in postgres_backend.INDEX_SUFFIXES}


def test_rebuild_outside_a_transaction_indexes_on_two_connections(
    settings, memo: MemorySource, monkeypatch, transactional_db
) -> None:  # type: ignore[no-untyped-def]
    """Outside a transaction (the rebuild command) with workers > 1, documents are segmented
    in two processes and the indexes built on two connections: every document arrives once,
    with its indexes, whether its tsvectors were built in Python or by the server."""
    backend = use_engine(settings, "postgres")
    for i in range(1, 301):
        # Every 7th has a token only the server can read (互联网+).
        text = FILLER + ("推进互联网+政务服务。" if i % 7 == 0 else "")
        memo.add(i, f"第{i}号 森林防火通知" if i % 3 == 0 else f"第{i}号 安全生产通知", text)
    calls = []
    real = postgres_backend._in_parallel
    monkeypatch.setattr(
        postgres_backend,
        "_in_parallel",
        lambda scripts: calls.append(len(scripts)) or real(scripts),
    )
    assert not connection.in_atomic_block
    assert backend.replace_all(memo.documents(), workers=2) == 300
    assert calls == [2]
    assert backend.count() == 300
    assert run_search("森林防火").total == 100
    assert run_search("政务服务").total == 42
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s", [postgres_backend.TABLE]
        )
        names = {r[0] for r in cur.fetchall()}
        cur.execute(f"SELECT count(*) FROM {postgres_backend.TABLE} WHERE title_tsv = ''")  # noqa: S608
        assert cur.fetchone()[0] == 0
    assert names == {f"{postgres_backend.TABLE}_{s}" for s in postgres_backend.INDEX_SUFFIXES}
    backend.clear()
    reset_backends()


def _in_other_connection(work) -> None:  # type: ignore[no-untyped-def]
    """Run `work` in a thread: Django gives it its own database connection (another app
    process, as far as PostgreSQL can tell)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 — re-raised below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def test_cached_results_end_with_any_write_from_any_connection(
    settings, memo: MemorySource, transactional_db
) -> None:  # type: ignore[no-untyped-def]
    """The generation stamp lives in the database: a write committed by another process (here:
    another connection) changes it, so no process keeps serving the result it cached before."""
    backend = use_engine(settings, "postgres")
    for i in (1, 2):
        memo.add(i, f"防汛工作通知{i}", FILLER)
    backend.replace_all(memo.documents())
    calls: list[int] = []
    search = backend.search
    backend.search = lambda eq: calls.append(1) or search(eq)  # type: ignore[method-assign]

    def served(want: list[int], engine_calls: int) -> None:
        assert sorted(ids(run_search("防汛"))) == want
        assert sorted(ids(run_search("防汛"))) == want
        assert len(calls) == engine_calls

    try:
        served([1, 2], 1)
        memo.add(3, "防汛抢险预案", FILLER)
        for write, want in [
            (lambda: backend.index(memo.documents([3])), [1, 2, 3]),
            (lambda: backend.delete(["memo:1"]), [2, 3]),
            (lambda: backend.replace_all(memo.documents([1, 3])), [1, 3]),
            (lambda: backend.replace_all(memo.documents([1, 3]), workers=2), [1, 3]),
            (backend.clear, []),
        ]:
            _in_other_connection(write)
            served(want, len(calls) + 1)
        # The same writes on this connection.
        backend.index(memo.documents([2]))
        served([2], len(calls) + 1)
        backend.delete(["memo:2"])
        served([], len(calls) + 1)
    finally:
        backend.clear()
        reset_backends()


def test_a_rolled_back_write_never_lends_its_stamp_to_a_later_commit(
    settings, memo: MemorySource, transactional_db
) -> None:  # type: ignore[no-untyped-def]
    """A process that searched inside a write transaction cached a result under that
    transaction's stamp; after a rollback, no later commit may produce the same stamp."""
    backend = use_engine(settings, "postgres")
    memo.add(1, "防汛工作通知", FILLER)
    memo.add(2, "防汛物资储备", FILLER)
    before = backend.generation()
    try:
        with transaction.atomic():
            backend.index(memo.documents([1]))
            inside = backend.generation()
            assert ids(run_search("防汛")) == [1]
            transaction.set_rollback(True)
        assert backend.generation() == before
        _in_other_connection(lambda: backend.index(memo.documents([2])))
        after = backend.generation()
        assert after not in (before, inside)
        assert ids(run_search("防汛")) == [2]
    finally:
        backend.clear()
        reset_backends()


def _server_vectors(pairs: list[tuple[str, str]]) -> list[tuple[str, str] | None]:
    """For each (title tokens, text tokens): what tsvectors() built, read back by the server
    (None where it declined), next to what the server's to_tsvector builds — as text."""
    built = [postgres_backend.tsvectors(title, text) for title, text in pairs]
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE built (i int, title text, text text, a tsvector, b tsvector)"
        )
        with cur.cursor.copy("COPY built FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int4", "text", "text", "bytea", "bytea"])
            for i, ((title, text), vectors) in enumerate(zip(pairs, built, strict=True)):
                copy.write_row((i, title, text, *(vectors or (None, None))))
        cur.execute(
            "SELECT a::text, b::text, (setweight(to_tsvector('simple', title), 'A') || "
            "setweight(to_tsvector('simple', text), 'B'))::text, "
            "to_tsvector('simple', title)::text FROM built ORDER BY i"
        )
        rows = cur.fetchall()
        cur.execute("DROP TABLE built")
    for (a, b, server_a, server_b), vectors in zip(rows, built, strict=True):
        if vectors is not None:
            assert (a, b) == (server_a, server_b)
    return [None if v is None else (r[0], r[1]) for v, r in zip(built, rows, strict=True)]


REPEATED = " ".join(["通知"] * 255)


@pytest.mark.parametrize(
    ("title", "text", "built"),
    [
        ("森林 防火 通知", "做好 森林 防火 工作 森林", True),
        ("", "做好 工作", True),
        ("防火 通知", "", True),
        ("", "", True),
        ("2024年 第一 季度", "abc123 1e5 0x1f 3d 打印 v2 007", True),
        ("通知", REPEATED, False),  # 256 positions of 通知: the server's limits apply
        ("", REPEATED, True),
        ("", " ".join(f"w{i}" for i in range(16382)), True),
        ("", " ".join(f"w{i}" for i in range(16400)), False),  # positions beyond 16383
        ("", "长" * 600, True),
        ("", "长" * 601, False),  # near the lexeme size limit
        ("互联网+ 政务", "服务", False),  # + is not part of a word for the server
        ("通知", "温度 30℃", False),
        ("通知", "café", False),
        ("通知", "Word", False),  # tokens are lower case; the server would fold it
        ("通知", "两个  空格", False),
        ("通知", " 开头", False),
    ],
)
def test_python_tsvectors_equal_the_servers(
    pg: SearchBackend, title: str, text: str, built: bool
) -> None:
    """tsvectors() builds what to_tsvector would, or declines."""
    [vectors] = _server_vectors([(title, text)])
    assert (vectors is not None) == built


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="防火通知a1年+é ", max_size=12),
            st.text(alphabet="防火工作b2年℃ ", max_size=40),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_python_tsvectors_never_differ_from_the_servers(
    pg: SearchBackend, pairs: list[tuple[str, str]]
) -> None:
    _server_vectors(pairs)


def test_rebuild_stores_the_tsvectors_index_stores(pg: SearchBackend, memo: MemorySource) -> None:
    """The same documents through replace_all (tsvectors built in the segmenting process, or by
    the server for tokens only it can read) and through index() (always the server): the same
    rows."""
    memo.add(1, "森林防火通知", "做好森林防火工作。" + FILLER, doc_number="示政发〔2024〕1号")
    memo.add(2, "互联网+政务服务", "推进“互联网+政务服务”。" + FILLER)
    memo.add(3, "高温天气", "气温达到38℃以上时停止户外作业。")
    memo.add(4, "", "")

    def stored() -> list[tuple[object, ...]]:
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT {postgres_backend.ROW_COLUMNS}, tsv::text, title_tsv::text "  # noqa: S608
                f"FROM {postgres_backend.TABLE} ORDER BY key"
            )
            return cur.fetchall()

    pg.replace_all(memo.documents())
    rebuilt = stored()
    pg.clear()
    pg.index(memo.documents())
    assert stored() == rebuilt
    assert len(rebuilt) == 4
