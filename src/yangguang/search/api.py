"""GET /api/v1/search?q=… — the same engine, filters and visibility re-check as the page."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from yangguang.search.params import parse_params
from yangguang.search.service import run_search

router = Router(tags=["全文检索"])


class SearchQuery(Schema):
    q: str = ""
    body: str = ""
    region: str = ""
    category: str = ""
    theme: str = ""
    year: str = ""
    validity: str = ""
    source: str = ""
    sort: str = "relevance"
    page: str = "1"
    per_page: str = "10"


class HitOut(Schema):
    source: str
    id: int
    title: str
    title_html: str
    snippet_html: str
    url: str
    doc_number: str
    body_id: int | None
    body_name: str
    published_on: dt.date | None
    validity: str
    validity_label: str
    repealed: bool
    pinned: bool
    score: float


class FacetOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    q: str
    total: int
    total_is_lower_bound: bool
    total_is_approximate: bool
    facet_counts_approximate: bool
    page: int
    per_page: int
    num_pages: int
    sort: str
    mode: str
    notices: list[str]
    suggestions: list[str]
    took_ms: float
    hits: list[HitOut]
    facets: dict[str, list[FacetOut]]


@router.get("", response=SearchOut, summary="全文检索公开信息", auth=None)
def search(request: HttpRequest, params: Query[SearchQuery]) -> dict[str, object]:
    """AND by default (falls back to OR with a notice); quoted phrases; an exact 发文字号/索引号 is
    put first. Filters: body (统一社会信用代码), region (区划代码), category, theme, year, validity.
    Invalid parameters are ignored with a notice rather than rejected."""
    sp = parse_params(params.dict())
    outcome = run_search(sp.q, filters=sp.filters, sort=sp.sort, page=sp.page, per_page=sp.per_page)
    return {
        "q": outcome.q,
        "total": outcome.total,
        "total_is_lower_bound": outcome.capped,
        "total_is_approximate": outcome.total_approximate,
        "facet_counts_approximate": outcome.facets_approximate,
        "page": outcome.page,
        "per_page": outcome.per_page,
        "num_pages": outcome.num_pages,
        "sort": outcome.sort,
        "mode": outcome.mode,
        "notices": sp.notices + outcome.notices,
        "suggestions": outcome.suggestions,
        "took_ms": round(outcome.took_ms, 2),
        "hits": [
            {**h.__dict__, "title_html": str(h.title_html), "snippet_html": str(h.snippet_html)}
            for h in outcome.hits
        ],
        "facets": {k: [v.__dict__ for v in vs] for k, vs in outcome.facets.items()},
    }


routers = [("/search", router)]
