"""Operators are told when the search index needs a rebuild: written in an earlier INDEX_FORMAT
(an upgrade changed what documents are indexed as) or empty beside public documents (a new
machine, a deleted VAR_DIR). Both engines record the format they wrote."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection

from tests.search.conftest import MemorySource
from yangguang.search import indexing
from yangguang.search.backends import postgres_backend
from yangguang.search.backends.base import INDEX_FORMAT, UNRECORDED_FORMAT, SearchBackend
from yangguang.search.backends.tantivy_backend import FORMAT_FILE
from yangguang.search.checks import search_index_check
from yangguang.search.migrations import __name__ as migrations_package

DICT_URL = "/console/search/dictionary/"


def _written_before_the_record(backend: SearchBackend) -> None:
    """Make the index look like one an earlier version wrote (no format recorded)."""
    if backend.name == "postgres":
        with connection.cursor() as cur:
            cur.execute(f"COMMENT ON TABLE {postgres_backend.TABLE} IS NULL")
    else:
        (backend.index_dir / FORMAT_FILE).unlink()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("documents", "public", "earlier", "advice"),
    [
        (0, 0, False, ""),  # a new installation: nothing to find yet
        (0, 2, False, "检索索引是空的，而数据库中有 2 条公开信息"),  # a new machine, old database
        (0, 2, True, "检索索引是空的，而数据库中有 2 条公开信息"),
        (2, 2, False, ""),  # indexed one by one (the outbox) in the current format
        (2, 2, True, "检索索引由较早的版本建立"),  # an upgrade changed the format
    ],
)
def test_rebuild_advice(
    engine: SearchBackend,
    memo: MemorySource,
    documents: int,
    public: int,
    earlier: bool,
    advice: str,
) -> None:
    for i in range(1, public + 1):
        memo.add(i, f"森林防火通知{i}")
    engine.index(list(memo.documents())[:documents])
    if earlier:
        _written_before_the_record(engine)
    got = indexing.rebuild_advice(engine)
    assert (advice in got) if advice else got == ""
    if advice:
        assert "python manage.py rebuild_search_index" in got


def test_a_new_index_is_in_the_current_format_and_a_rebuild_records_it(
    engine: SearchBackend, memo: MemorySource
) -> None:
    assert engine.index_format() == INDEX_FORMAT
    memo.add(1, "森林防火通知")
    engine.index(memo.documents())
    _written_before_the_record(engine)
    assert engine.index_format() == UNRECORDED_FORMAT
    indexing.rebuild(backend=engine)
    # On PostgreSQL the rebuilt table, renamed into place, carries the record.
    assert engine.index_format() == INDEX_FORMAT
    assert indexing.rebuild_advice(engine) == ""


def test_the_system_check_warns_only_when_asked_about_the_database(
    engine: SearchBackend, memo: MemorySource, monkeypatch: pytest.MonkeyPatch
) -> None:
    memo.add(1, "森林防火通知")
    [warning] = search_index_check(databases=["default"])
    assert warning.id == "search.W001" and "检索索引是空的" in warning.msg
    assert search_index_check(databases=None) == []  # `manage.py check` without --database
    indexing.rebuild(backend=engine)
    assert search_index_check(databases=["default"]) == []

    def missing_tables(backend: SearchBackend | None = None) -> str:
        raise RuntimeError("no such table: search_pg_entry")

    # Before the first migrate (the check runs first): nothing to say, no crash.
    monkeypatch.setattr(indexing, "rebuild_advice", missing_tables)
    assert search_index_check(databases=["default"]) == []


@pytest.mark.parametrize(("rows", "marked"), [(0, True), (1, False)])
def test_migration_marks_only_an_empty_postgresql_table(
    engine: SearchBackend, memo: MemorySource, rows: int, marked: bool
) -> None:
    """Migration 0006: an empty table (a new installation) is in the current format; one with
    rows was written by an earlier version and must be rebuilt once."""
    if engine.name != "postgres":
        pytest.skip("PostgreSQL only")
    import importlib

    migration = importlib.import_module(f"{migrations_package}.0006_pg_index_format")
    memo.add(1, "森林防火通知")
    engine.index(list(memo.documents())[:rows])
    _written_before_the_record(engine)
    migration.mark_empty_table(None, SimpleNamespace(connection=connection))
    assert engine.index_format() == (INDEX_FORMAT if marked else UNRECORDED_FORMAT)


def test_the_dictionary_page_tells_administrators(
    engine: SearchBackend, memo: MemorySource, client, world
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.admin)
    assert 'id="rebuild-advice"' not in client.get(DICT_URL).content.decode()
    memo.add(1, "森林防火通知")
    page = client.get(DICT_URL).content.decode()
    assert 'id="rebuild-advice"' in page and "检索索引是空的，而数据库中有 1 条公开信息" in page
