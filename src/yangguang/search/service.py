"""Running a search for a page or the API: parse, ask the engine (AND, then OR with a notice),
re-check every hit against the database's visibility, label facets, build snippets and the
zero-result help. Never raises on user input: problems become Chinese notices."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import connection
from django.utils.safestring import SafeString

from yangguang.core.params import int_param
from yangguang.core.text import strip_control
from yangguang.search import registry
from yangguang.search.backends import get_backend
from yangguang.search.backends.base import (
    FACETS,
    REPEALED_VALUES,
    EngineHit,
    EngineQuery,
    EngineResult,
    Filters,
    SearchBackend,
    Sort,
    make_key,
    title_key,
)
from yangguang.search.highlight import mark, snippet
from yangguang.search.query import MAX_PHRASES, MAX_WORDS, ParsedQuery, literal_query, parse
from yangguang.search.segment import (
    SPELLING_VARIANTS,
    get_segmenter,
    normalize_number,
)
from yangguang.search.spelling import corrections

log = logging.getLogger(__name__)

PER_PAGE = 10
MAX_PER_PAGE = 50
MAX_RESULTS = 1000  # deepest result reachable by paging
MAX_SUGGESTIONS = 8
# Homophone corrections (spelling.py) asked of the engine when nothing was found (beside the
# OR fallback's results: one), and offered. Each is a query, its result cached like any other.
HOMOPHONES_CHECKED = 3
HOMOPHONES_OFFERED = 2
OVERFETCH = 5
FACET_NAMES = {
    "body": "发布机构",
    "category": "信息类别",
    "theme": "主题分类",
    "year": "年份",
    "validity": "有效性",
}
# The disclosure pages' words for disclosure.Validity (a document labelled 废止 on its page is
# 废止 in the results and the facet too), then other sources' values.
VALIDITY_LABELS = {
    "valid": "有效",
    "amended": "已修改",
    "revised": "已修订",
    "repealed": "废止",
    "expired": "失效",
    "invalid": "失效",
    "na": "不适用",
}


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    param: str = ""  # what the URL carries (the body's credit code for bodies)


@dataclass
class ResultHit:
    source: str
    id: int
    title: str
    title_html: SafeString
    snippet_html: SafeString
    url: str
    doc_number: str
    body_id: int | None
    body_name: str
    body_code: str  # 统一社会信用代码: what the `body` filter takes
    published_on: Any
    validity: str
    validity_label: str
    repealed: bool
    category: str
    theme: str
    score: float
    pinned: bool
    source_label: str
    pinned_label: str = ""  # 文号匹配 / 索引号匹配: which number typed put it first


@dataclass(frozen=True)
class Expansion:
    """A query word that also found other words — its synonyms, or narrower words (社会救助:
    最低生活保障 …) — and `literal_q`, the query that finds the word alone ("" if none)."""

    word: str
    also: tuple[str, ...]
    literal_q: str


@dataclass
class SearchOutcome:
    q: str
    filters: Filters
    sort: Sort
    page: int = 1
    per_page: int = PER_PAGE
    hits: list[ResultHit] = field(default_factory=list)
    total: int = 0
    capped: bool = False
    total_approximate: bool = False  # total estimated (very broad query)
    facets_approximate: bool = False  # facet counts estimated (very broad query)
    num_pages: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    mode: str = "and"  # "and", "or" (fallback), "browse", "none"
    notices: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    took_ms: float = 0.0
    parsed: ParsedQuery | None = None
    hidden: int = 0  # hits dropped by the visibility re-check
    # Nothing found with the filters: how many the same words find without them (else None).
    unfiltered_total: int | None = None
    # Nothing found in the titles (Filters.in_title): how many the words find in the texts.
    fulltext_total: int | None = None
    # Words that also found their synonyms, said on the page so that a citizen who typed 低保
    # knows why the results say 最低生活保障, and can search the word alone.
    expansions: list[Expansion] = field(default_factory=list)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


class _ResultCache:
    """Engine results of recent queries until the index changes (the engine's generation
    stamp). Citizens' searches repeat (低保, 公积金 …); a repeated query then costs the page,
    not the engine. Hits are still re-checked against the database on every request
    (`_visible`), so a cached result never shows a withdrawn document.

    Each process keeps the last `size` results. With a shared cache configured (CACHE_URL:
    Redis), results are also kept there for SHARED_SECONDS, so every worker of every app
    server reuses a result any of them computed: with one process's own cache, a query asked
    again on another worker or server ran the engine again."""

    SHARED_SECONDS = 600

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._data: OrderedDict[tuple[str, str, str], EngineResult] = OrderedDict()
        self._lock = threading.Lock()

    def _key(self, backend: SearchBackend, eq: EngineQuery) -> tuple[str, str, str] | None:
        """The cache key of `eq` on the index as it is now; None when caching is off."""
        generation = backend.generation() if self.size else None
        return None if generation is None else (backend.name, generation, repr(eq))

    def get(self, backend: SearchBackend, eq: EngineQuery) -> EngineResult:
        key = self._key(backend, eq)
        if key is None:
            return backend.search(eq)
        hit = self._local(key)
        if hit is not None:
            return hit
        shared = _shared_cache()
        if shared is not None:
            hit = shared.get(_shared_key(key))
            if isinstance(hit, EngineResult):
                self._keep(key, hit)
                return hit
        result = backend.search(eq)
        self._keep(key, result)
        if shared is not None:
            shared.set(_shared_key(key), result, self.SHARED_SECONDS)
        return result

    def peek(self, backend: SearchBackend, eq: EngineQuery) -> EngineResult | None:
        """The cached result of `eq`, if any, without asking the engine."""
        key = self._key(backend, eq)
        if key is None:
            return None
        hit = self._local(key)
        shared = _shared_cache()
        if hit is None and shared is not None:
            found = shared.get(_shared_key(key))
            hit = found if isinstance(found, EngineResult) else None
        return hit

    def _local(self, key: tuple[str, str, str]) -> EngineResult | None:
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
            return hit

    def _keep(self, key: tuple[str, str, str], result: EngineResult) -> None:
        with self._lock:
            self._data[key] = result
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


def _shared_cache() -> BaseCache | None:
    """Django's default cache when it is shared between processes (not the in-process one
    a deployment without CACHE_URL has)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith(("LocMemCache", "DummyCache")):
        return None
    return caches["default"]


def _shared_key(key: tuple[str, str, str], db: dict[str, Any] | None = None) -> str:
    """The key in the shared cache: the local key plus the database it was computed from — the
    PostgreSQL engine's generation is a counter and a date, the same in another installation
    (staging, a test run) that shares the Redis."""
    db = db if db is not None else settings.DATABASES["default"]
    source = (db.get("ENGINE"), db.get("HOST"), db.get("PORT"), str(db.get("NAME")), key)
    return "search:" + hashlib.sha256(repr(source).encode()).hexdigest()


RESULT_CACHE = _ResultCache(size=int(os.environ.get("SEARCH_RESULT_CACHE", "512")))


# Queries this long may be a whole title typed or pasted (EngineQuery.title). Shorter ones are
# keywords: their lookup would cost PostgreSQL a statement (0.3–1.5 ms) for nothing.
WHOLE_TITLE_MIN = 8


def _engine(backend: SearchBackend, eq: EngineQuery) -> EngineResult:
    """The engine's result for `eq`, through the result cache. A later page of a query whose
    first page this process has cached takes that page's facet counts and asks the engine for
    the hits only: the facets do not depend on the page. tantivy then skips its counting pass:
    9.0–9.5 → 5.4–5.9 ms of CPU per page-2 query (300 bench queries, 1 M documents)."""
    if eq.offset and eq.facets:
        first = RESULT_CACHE.peek(backend, replace(eq, offset=0))
        if first is not None:
            hits = RESULT_CACHE.get(backend, replace(eq, facets=()))
            return replace(hits, facets=first.facets, facets_approximate=first.facets_approximate)
    return RESULT_CACHE.get(backend, eq)


def run_search(
    q: str,
    *,
    filters: Filters | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
    backend: SearchBackend | None = None,
    facets: bool = True,
) -> SearchOutcome:
    started = time.perf_counter()
    backend = backend or get_backend()
    filters = filters or Filters()
    sort_value: Sort = "date" if sort == "date" else "relevance"
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    # Control characters (a NUL typed into the URL) are not echoed into the page or the API.
    out = SearchOutcome(
        q=strip_control(q or ""), filters=filters, sort=sort_value, per_page=per_page
    )
    max_page = MAX_RESULTS // per_page
    beyond_max = ""
    if page < 1:
        out.notices.append("页码无效，已显示第 1 页。")
        page = 1
    elif page > max_page:
        beyond_max = f"最多可翻到第 {max_page} 页，请增加检索词或筛选条件缩小范围。"
        out.notices.append(beyond_max)
        page = max_page
    out.page = page

    pq = parse(q or "")
    out.parsed = pq
    if pq.truncated:
        out.notices.append("检索词过长，已只使用前 100 个字。")
        # What was searched, echoed in the box, the page's links and the API: a 10,000-character
        # query repeated in some 50 links made a 2 MB page.
        out.q = pq.raw
    if pq.dropped:
        out.notices.append(
            f"检索词较多，只使用了前 {MAX_WORDS} 个词语和前 {MAX_PHRASES} 个引号短语，"
            f"未使用：{'、'.join(pq.dropped[:10])}{'等' if len(pq.dropped) > 10 else ''}。"
        )
    if pq.empty and (q or "").strip():
        # Within a filter (a body's search box carries ?body=) the filter's documents follow:
        # without a word they looked like matches for what was typed.
        then = "以下是所选范围内的全部信息" if filters.active() else "请输入关键词"
        # AND, OR, NOT, NEAR are dropped like punctuation (segment.OPERATOR_WORDS): say so.
        ignored = "标点、符号和 AND、OR 等检索语法"
        out.notices.append(f"检索词中没有可检索的文字（{ignored}会被忽略），{then}。")
    if pq.empty and not filters.active():
        out.mode = "none"
        out.took_ms = (time.perf_counter() - started) * 1000
        return out

    facet_names = FACETS if facets else ()
    eq = EngineQuery(
        excluded=_lagging_keys(),
        node=pq.and_node(),
        number=pq.number,
        title=title_key(pq.raw) if len(pq.raw) >= WHOLE_TITLE_MIN else "",
        filters=filters,
        facets=facet_names,
        sort=sort_value,
        offset=(page - 1) * per_page,
        limit=per_page + OVERFETCH,
    )
    result = _engine(backend, eq)
    out.mode = "and" if not pq.empty else "browse"
    if result.total == 0 and pq.full_number:
        # Any one character of 泰政办发〔2014〕36号 would find a thousand unrelated documents.
        out.notices.append(
            f"没有找到文号或索引号为“{pq.raw.strip()}”的信息。请核对后重试，"
            "或只输入其中一部分，如“政办发 2014”。"
        )
    elif result.total == 0 and len(pq.clauses) > 1:
        eq.node = pq.or_node()
        result = _engine(backend, eq)
        if result.total:
            out.mode = "or"
            out.notices.append("没有同时包含全部检索词的结果，以下是包含任一检索词的结果。")
    if result.total and not result.hits and page > 1:
        # Past the last page: show the last one.
        last = _last_page(result.total, per_page)
        if beyond_max:  # one notice: the last page is nearer than the limit
            out.notices.remove(beyond_max)
        out.notices.append(f"共 {last} 页，已显示最后一页。")
        out.page = page = last
        eq.offset = (page - 1) * per_page
        result = _engine(backend, eq)

    hits, hidden = _visible(result.hits)
    out.hidden = hidden
    out.total = max(0, result.total - hidden)
    out.capped = result.capped
    out.total_approximate = result.total_approximate
    out.facets_approximate = result.facets_approximate
    out.num_pages = _last_page(out.total, per_page) if out.total else 0
    bodies = _body_names({h.body_id for h in hits if h.body_id} | _facet_body_ids(result))
    out.hits = [_result_hit(h, pq, bodies) for h in hits[:per_page]]
    out.facets = _label_facets(result.facets, filters, bodies)

    def total_with(other: Filters) -> int:
        """How many documents the words (all of them) find with `other` filters."""
        count = replace(eq, node=pq.and_node(), filters=other, facets=(), offset=0)
        return _engine(backend, count).total

    if not out.total and pq.empty:
        # Browsing by filters alone (an unknown 主题分类 from an old link): say why it is empty.
        out.notices.append("所选筛选条件下没有公开信息，请减少或更换筛选条件。")
    elif not out.total and filters.in_title:
        # Not in any title: how many the words find in the texts, with the same filters.
        out.fulltext_total = total_with(replace(filters, in_title=False))
        if out.fulltext_total:
            out.notices.append(f"标题中没有找到；在全文中检索可找到 {out.fulltext_total} 条。")
    elif not out.total and filters.active():
        # Zero because of the filters (or a filter value that matches nothing): say so and how
        # many the words find alone, rather than "nothing about 低保" when 84 documents are.
        out.unfiltered_total = total_with(Filters())
        if out.unfiltered_total:
            out.notices.append(
                f"在所选筛选条件下没有结果；不加筛选条件可找到 {out.unfiltered_total} 条。"
            )

    if out.total:
        out.expansions = [
            Expansion(word, tuple(also), literal_query(pq.raw, word))
            for word, also in pq.expansions.items()
        ]

    # Also with results: 低包 审核 found 审核 alone (the OR fallback) and offered nothing.
    def found(q: str, together: bool) -> int:
        return _found(q, filters, backend, together=together)

    # Homophones only when the words together found nothing: a rare word typed right has
    # homophones too. Each correction tried is a search (at 1 M documents, 5–15 ms): beside
    # the OR fallback's results only the first is tried — a typo (住房工积金) usually finds
    # some of its words, and so do words typed right that are cut into lone characters
    # (杏花 / 乡).
    tries = HOMOPHONES_CHECKED if not out.total else 1 if out.mode == "or" else 0
    out.suggestions = _suggestions(pq, found, homophones=tries)
    out.took_ms = (time.perf_counter() - started) * 1000
    return out


def _last_page(total: int, per_page: int) -> int:
    """The last page `total` results can be paged to: the pages of the first MAX_RESULTS that
    are whole, as run_search clamps `page` to them (with 7 per page: 142; counting 143 pages
    offered a 下一页 to a page 143 that showed page 142 again)."""
    return max(1, min(-(-total // per_page), MAX_RESULTS // per_page))


LAGGING_MAX = 500  # pending messages read per search (normally none are pending)


def _lagging_keys() -> tuple[str, ...]:
    """Keys the index still holds though the database no longer shows their object: pending
    outbox messages (a withdrawal saved while a rebuild held the writer, a failed delivery)
    whose object is not public now. The engine leaves them out, so totals and facet counts
    do not count them either — _visible re-checks only the hits of the page, and counts that
    included a withdrawn document named its body, category and year. One read of the pending
    messages, by the processed_at index, in SQL (the ORM's query cost 20× more: 390 against
    17 µs); none pending (the normal case): no further query."""
    from yangguang.core.models import OutboxMessage

    with connection.cursor() as cur:
        cur.execute(
            f"SELECT payload FROM {OutboxMessage._meta.db_table} "  # noqa: S608
            "WHERE processed_at IS NULL AND topic = %s LIMIT %s",
            [registry.TOPIC, LAGGING_MAX],
        )
        pending = cur.fetchall()
    by_source: dict[str, set[int]] = {}
    for (raw,) in pending:
        try:
            # jsonb arrives decoded (PostgreSQL); SQLite's JSON column as its text.
            payload = json.loads(raw) if isinstance(raw, str) else raw
            by_source.setdefault(str(payload["source"]), set()).add(int(payload["id"]))
        except (KeyError, TypeError, ValueError):
            continue  # a bad message: parked by the processor
    keys: list[str] = []
    for name, ids in by_source.items():
        source = registry.get(name)
        if source is not None:
            keys += [make_key(name, i) for i in sorted(ids - source.public_ids(ids))]
    return tuple(sorted(keys))


def _visible(hits: list[EngineHit]) -> tuple[list[EngineHit], int]:
    """Keep only hits the database says are public now; ask to re-index the others."""
    by_source: dict[str, list[int]] = {}
    for h in hits:
        by_source.setdefault(h.source, []).append(h.obj_id)
    allowed: set[tuple[str, int]] = set()
    for name, ids in by_source.items():
        source = registry.get(name)
        if source is None:
            continue
        allowed |= {(name, i) for i in source.public_ids(ids)}
    kept = [h for h in hits if (h.source, h.obj_id) in allowed]
    stale = [h for h in hits if (h.source, h.obj_id) not in allowed]
    for h in stale:
        log.info("search hit %s is no longer public; re-indexing", h.key)
        try:
            from yangguang.core.models import OutboxMessage

            if not OutboxMessage.objects.filter(
                topic=registry.TOPIC,
                processed_at__isnull=True,
                payload__source=h.source,
                payload__id=h.obj_id,
            ).exists():
                # bulk_create: no post_save, so the page does not index inline; the outbox
                # command delivers it.
                OutboxMessage.objects.bulk_create(
                    [
                        OutboxMessage(
                            topic=registry.TOPIC, payload={"source": h.source, "id": h.obj_id}
                        )
                    ]
                )
        except Exception:  # noqa: BLE001 — a read-only replica must still serve the page
            log.warning("could not enqueue re-index of %s", h.key, exc_info=True)
    return kept, len(stale)


def _facet_body_ids(result: EngineResult) -> set[int]:
    out: set[int] = set()
    for value, _ in result.facets.get("body", []):
        pk = int_param(value)
        if pk is not None:
            out.add(pk)
    return out


_BODY_NAMES: dict[int, tuple[str, str] | None] = {}  # None: no such body (remembered too)
_BODY_NAMES_AT = [0.0]
NAMES_TTL = 60.0  # seconds a renamed body may still show its old name on result pages


def _body_names(ids: set[int]) -> dict[int, tuple[str, str]]:
    """Body id → (name, credit code): remembered per process for NAMES_TTL seconds (every
    results page names up to 40 bodies; they are renamed rarely), the missing ones in one
    query."""
    if not ids:
        return {}
    now = time.monotonic()
    if now - _BODY_NAMES_AT[0] > NAMES_TTL:
        _BODY_NAMES.clear()
        _BODY_NAMES_AT[0] = now
    missing = ids - _BODY_NAMES.keys()
    if missing:
        from yangguang.orgs.models import Body

        rows = Body.objects.filter(id__in=missing).values_list("id", "name", "credit_code")
        _BODY_NAMES.update(dict.fromkeys(missing))
        _BODY_NAMES.update({pk: (name, code) for pk, name, code in rows})
    return {pk: names for pk in ids if (names := _BODY_NAMES.get(pk)) is not None}


def reset_memos() -> None:
    """Forget the per-process result cache and body names (tests: a new database each)."""
    from yangguang.search.sources import reset_theme_names

    RESULT_CACHE.clear()
    _BODY_NAMES.clear()
    reset_theme_names()


def _pinned_label(h: EngineHit, number: str) -> str:
    """A pinned hit matched the typed number as its 发文字号 or else as its 索引号, which the
    hit does not show: the label says which, so the shown 文号 is not taken for the match."""
    if not h.pinned:
        return ""
    return "文号匹配" if normalize_number(h.doc_number) == number else "索引号匹配"


def _result_hit(h: EngineHit, pq: ParsedQuery, bodies: dict[int, tuple[str, str]]) -> ResultHit:
    source = registry.get(h.source)
    terms = pq.highlight
    body_name, body_code = bodies.get(h.body_id or 0, ("", ""))
    return ResultHit(
        source=h.source,
        id=h.obj_id,
        title=h.title,
        title_html=mark(h.title, terms),
        snippet_html=snippet(h.text, terms, title=h.title),
        url=h.url,
        doc_number=h.doc_number,
        body_id=h.body_id,
        body_name=body_name,
        body_code=body_code,
        published_on=h.published_on,
        validity=h.validity,
        validity_label=VALIDITY_LABELS.get(h.validity, h.validity),
        repealed=h.validity in REPEALED_VALUES,
        category=h.category,
        theme=h.theme,
        score=h.score,
        pinned=h.pinned,
        source_label=source.label if source else h.source,
        pinned_label=_pinned_label(h, pq.number),
    )


def _label_facets(
    raw: dict[str, list[tuple[str, int]]], f: Filters, bodies: dict[int, tuple[str, str]]
) -> dict[str, list[FacetValue]]:
    out: dict[str, list[FacetValue]] = {}
    labels: dict[str, dict[str, str]] = {}
    for name in ("category", "theme"):
        values = [v for v, _ in raw.get(name, [])]
        merged: dict[str, str] = {}
        for source in registry.all_sources():
            merged.update(source.facet_labels(name, values))
        labels[name] = merged
    for name, buckets in raw.items():
        items: list[FacetValue] = []
        for value, count in buckets:
            param = value
            if name == "body":
                pk = int_param(value)
                label, param = bodies.get(pk, (value, value)) if pk is not None else (value, value)
                selected = pk is not None and pk in f.body_ids and not f.from_region
            elif name == "year":
                value = str(int(float(value)))
                label, selected = f"{value}年", str(f.year or "") == value
            elif name == "validity":
                label, selected = VALIDITY_LABELS.get(value, value), f.validity == value
            else:
                label = labels.get(name, {}).get(value, value)
                selected = getattr(f, name) == value
            items.append(
                FacetValue(
                    value=value, label=label, count=count, selected=selected, param=param or value
                )
            )
        if name == "year":
            items.sort(key=lambda i: i.value, reverse=True)
        out[name] = items
    return out


def _suggestions(
    pq: ParsedQuery, found: Callable[[str, bool], int], *, homophones: int
) -> list[str]:
    """您是不是要找 / the zero-result help's 试试: the query with a common misspelling corrected
    (SPELLING_VARIANTS) and, trying up to `homophones` corrections, with a character replaced
    by one read the same (spelling.py: 低宝 → 低保) — each only when it finds something; a
    homophone correction only when its words are found together (残基人证 finds 人证 alone),
    the one finding most first. Not the query's synonyms or its words alone: the query already
    searched for its synonyms and, when all its words together found nothing, for each of them
    (the OR fallback), so those links led to another empty page."""
    raw = pq.raw.strip()
    out: list[str] = []
    for wrong, right in SPELLING_VARIANTS.items():
        if wrong in raw:
            fixed = raw.replace(wrong, right)
            if fixed not in out and len(out) < MAX_SUGGESTIONS and found(fixed, False):
                out.append(fixed)
    if homophones and not out:
        seg = get_segmenter()
        checked = islice(corrections(raw, seg.has_word, seg.query_words), homophones)
        counted = sorted(((found(q, True), q) for q in checked), key=lambda c: -c[0])
        out += [q for n, q in counted[:HOMOPHONES_OFFERED] if n]
    return out


def _found(q: str, filters: Filters, backend: SearchBackend, *, together: bool) -> int:
    """How many the results page of `q` (with the same filters) would show: its words together
    or, unless `together`, any of them as the page falls back to. Hits only, no facets."""
    pq = parse(q)
    if pq.empty:
        return 0
    eq = EngineQuery(node=pq.and_node(), number=pq.number, filters=filters, facets=(), limit=1)
    total = _engine(backend, eq).total
    if total or together or len(pq.clauses) < 2:
        return total
    return _engine(backend, replace(eq, node=pq.or_node())).total
