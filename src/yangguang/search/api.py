"""GET /api/v1/search?q=… — the same engine, filters and visibility re-check as the page."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from yangguang.search.params import parse_params
from yangguang.search.service import SearchOutcome, run_search

router = Router(tags=["全文检索"])


class SearchQuery(Schema):
    # Strings, not typed values: an invalid one is ignored with a notice, not refused (422).
    q: str = Field("", description="检索词（前 100 个字）：空格分隔的词语同时出现；引号内为短语")
    body: str = Field("", description="只在一个机构内检索：统一社会信用代码（见 /bodies）")
    region: str = Field("", description="只在一个区划内检索：区划代码，含下级区划")
    category: str = Field("", description="信息类别（公开目录名称，见 facets.category 的 value）")
    theme: str = Field("", description="主题分类代码（见 facets.theme 的 value）")
    year: str = Field("", description="发布年份，如 2026")
    date_from: str = Field("", description="发布日期起（含），如 2026-01-01")
    date_to: str = Field("", description="发布日期止（含），如 2026-06-30")
    validity: str = Field(
        "",
        description="有效性：valid 有效、expired 失效、repealed 废止、revised 已修订、amended 已修改",
    )
    source: str = Field("", description="信息来源，如 publication（主动公开）")
    scope: str = Field("all", description="检索范围：all 全文（默认）或 title 仅标题")
    sort: str = Field("relevance", description="relevance 按相关度（默认）或 date 按日期")
    page: str = Field(
        "1", description="页码，从 1 起；只列出前 1,000 条结果（每页 10 条时最多 100 页）"
    )
    per_page: str = Field("10", description="每页条数，1–50")


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
    body_code: str
    published_on: dt.date | None
    validity: str
    validity_label: str
    repealed: bool
    pinned: bool
    score: float


class FacetOut(Schema):
    value: str = Field(..., description="筛选参数取值（机构为统一社会信用代码）")
    label: str
    count: int
    selected: bool


class ExpansionOut(Schema):
    word: str = Field(..., description="检索词")
    also: list[str] = Field(..., description="同时查找的同义词及下位词")
    literal_q: str = Field(..., description="只查找该词本身的检索式（加引号）；无则为空")


class SearchOut(Schema):
    q: str
    total: int
    total_is_lower_bound: bool
    total_is_approximate: bool
    facet_counts_approximate: bool
    page: int
    per_page: int
    num_pages: int = Field(description="结果页数；没有结果时为 0（page 仍为 1）")
    sort: str
    mode: str
    notices: list[str]
    suggestions: list[str]
    expansions: list[ExpansionOut] = Field(description="有结果时：哪些检索词同时查找了同义词")
    took_ms: float
    hits: list[HitOut]
    facets: dict[str, list[FacetOut]]


@router.get("", response=SearchOut, summary="全文检索公开信息", auth=None)
def search(request: HttpRequest, params: Query[SearchQuery]) -> dict[str, object]:
    """检索词默认须同时出现（都找不到时改为任一出现，并在 notices 中说明）；引号内为短语；完整的
    发文字号、索引号或标题对应的信息排在最前。筛选：body（统一社会信用代码）、region（区划代码）、
    category、theme、year、date_from、date_to、validity，scope=title 只在标题中检索；facets 给出各筛选取值及条数。无效参数不会被拒绝，而是忽略并
    在 notices 中说明。"""
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
        "notices": sp.notices + outcome.notices + _asked_nothing(outcome),
        "suggestions": outcome.suggestions,
        "expansions": [
            {"word": e.word, "also": list(e.also), "literal_q": e.literal_q}
            for e in outcome.expansions
        ],
        "took_ms": round(outcome.took_ms, 2),
        "hits": [
            {**h.__dict__, "title_html": str(h.title_html), "snippet_html": str(h.snippet_html)}
            for h in outcome.hits
        ],
        # A facet's value is what its filter takes (the body's credit code, not its row id).
        "facets": {
            k: [{**v.__dict__, "value": v.param or v.value} for v in vs]
            for k, vs in outcome.facets.items()
        },
    }


def _asked_nothing(outcome: SearchOutcome) -> list[str]:
    """No words and no filters: the page shows search tips, the API says what to send."""
    if outcome.mode == "none" and not outcome.q.strip():
        return [
            "请提供检索词 q，或至少一个筛选条件（body、region、category、theme、year、date_from …）。"
        ]
    return []


routers = [("/search", router)]
