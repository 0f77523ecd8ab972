"""Search fixtures: an isolated index per test for each engine, and an in-memory source whose
"database visibility" the tests control (so the engine tests do not depend on disclosure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

import pytest
from django.db import connection

from yangguang.search import registry, segment
from yangguang.search.backends import get_backend, reset_backends
from yangguang.search.backends.base import SearchBackend, SearchDocument
from yangguang.search.registry import SearchSource
from yangguang.search.service import RESULT_CACHE


@dataclass
class MemorySource(SearchSource):
    name: str = "memo"
    label: str = "测试信息"
    docs: dict[int, SearchDocument] = field(default_factory=dict)
    public: set[int] = field(default_factory=set)

    def add(
        self, doc_id: int, title: str, text: str = "", *, public: bool = True, **kw: object
    ) -> SearchDocument:
        kw.setdefault("published_on", dt.date(2024, 1, 1))
        pub = kw["published_on"]
        kw.setdefault("year", pub.year if isinstance(pub, dt.date) else None)
        kw.setdefault("validity", "valid")
        kw.setdefault("url", f"/memo/{doc_id}/")
        doc = SearchDocument(source=self.name, id=doc_id, title=title, text=text, **kw)  # type: ignore[arg-type]
        self.docs[doc_id] = doc
        if public:
            self.public.add(doc_id)
        else:
            self.public.discard(doc_id)
        return doc

    def public_ids(self, ids: Iterable[int]) -> set[int]:
        return {i for i in ids if i in self.public}

    def documents(self, ids: Iterable[int] | None = None) -> Iterator[SearchDocument]:
        chosen = sorted(self.docs) if ids is None else sorted(set(ids))
        for i in chosen:
            if i in self.docs and i in self.public:
                yield replace(self.docs[i])

    def count(self) -> int:
        return len(self.public)


@pytest.fixture(autouse=True)
def _fresh_segmenter() -> Iterator[None]:
    segment.reset()
    yield
    segment.reset()


@pytest.fixture
def memo() -> Iterator[MemorySource]:
    source = MemorySource()
    registry.register(source)
    yield source
    registry.unregister(source.name)


@pytest.fixture(params=["tantivy", "tantivy-tiered", "postgres"])
def engine(
    request: pytest.FixtureRequest, settings, tmp_path, monkeypatch, db
) -> Iterator[SearchBackend]:  # type: ignore[no-untyped-def]
    """The configured engine, empty, for each backend (postgres only on PostgreSQL).
    `tantivy-tiered`: tantivy with every query treated as broad (ranked in tiers, as a common
    word is at a million documents), so both ranking paths pass the same tests."""
    name = request.param
    if name == "tantivy-tiered":
        from yangguang.search.backends import tantivy_backend

        monkeypatch.setattr(tantivy_backend, "BROAD_MATCHES", -1)
        name = "tantivy"
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "search"))
    backend = use_engine(settings, name)
    backend.clear()
    yield backend
    reset_backends()


def use_engine(settings, name: str) -> SearchBackend:  # type: ignore[no-untyped-def]
    """Make `name` the configured engine (postgres only on PostgreSQL), with no cached results."""
    if name == "postgres" and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL 检索引擎只在 PostgreSQL 上测试")
    settings.YANGGUANG = {**settings.YANGGUANG, "SEARCH_BACKEND": name}
    reset_backends()
    RESULT_CACHE.clear()
    return get_backend()


@pytest.fixture
def tantivy_engine(settings, tmp_path, monkeypatch, db) -> Iterator[SearchBackend]:  # type: ignore[no-untyped-def]
    settings.YANGGUANG = {**settings.YANGGUANG, "SEARCH_BACKEND": "tantivy"}
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "search"))
    reset_backends()
    yield get_backend()
    reset_backends()


def index_all(engine: SearchBackend, source: MemorySource) -> None:
    engine.replace_all(source.documents())
