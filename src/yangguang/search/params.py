"""Reading search parameters from a query string (page and API alike). Invalid values never
raise: they are dropped with a Chinese notice."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from yangguang.core.params import int_param
from yangguang.core.text import strip_control
from yangguang.search.backends.base import Filters
from yangguang.search.service import MAX_PER_PAGE

_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_CODE = re.compile(r"^[0-9A-Za-z]{1,30}$")
_CREDIT_CODE = re.compile(r"[0-9A-Za-z]{18}")
VALIDITY_VALUES = {"valid", "expired", "repealed", "revised", "amended"}
MAX_FILTER_CHARS = 60


@dataclass
class SearchParams:
    q: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    body_name: str = ""
    body_code: str = ""
    region_name: str = ""
    region_code: str = ""
    notices: list[str] = field(default_factory=list)
    ignored: set[str] = field(default_factory=set)  # parameters dropped as invalid
    q_is_body_code: bool = False  # the query was a body's credit code, now the body filter


def first_value(params: Mapping[str, Any], name: str) -> str:
    """The parameter's value, without control characters (a NUL typed into the URL is not a
    category). A repeated parameter gives its last value, as QueryDict.get does on the page
    and django-ninja's query parser does for the API: both search the same."""
    value = params.get(name, "")
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return strip_control(str(value or "")).strip()


def _region_filter(sp: SearchParams, region: str) -> None:
    """Only the bodies of `region` and its subregions — or, with a body chosen too, that body:
    within the region the region stays named (示范县 › 县民政局); outside it the body wins and
    the page says so (a region filter silently ignored showed a county's documents under
    another district's name)."""
    from yangguang.orgs.models import Body, Region

    f = sp.filters
    reg = (
        Region.objects.filter(code=region).values("path", "name").first()
        if _CODE.match(region)
        else None
    )
    if reg is None:
        sp.ignored.add("region")
        sp.notices.append("未找到指定的行政区划，已在全部区域中检索。")
        return
    within = Body.objects.filter(region__path__startswith=reg["path"])
    if f.body_ids:
        if not within.filter(pk=f.body_ids[0]).exists():
            sp.ignored.add("region")
            sp.notices.append(f"“{sp.body_name}”不属于“{reg['name']}”，已只在该机构内检索。")
            return
    else:
        f.body_ids = list(within.values_list("id", flat=True)[:5000]) or [0]
        f.from_region = True
    sp.region_name, sp.region_code = reg["name"], region


def _body_of_code(sp: SearchParams) -> None:
    """A query that is a body's 统一社会信用代码 (the 前段码 of its 索引号, copied from a
    document's page) lists that body's documents, newest first — no document holds the code
    in its text, so searching for it found nothing."""
    from yangguang.orgs.models import Body

    code = sp.q.strip().upper()
    found = Body.objects.filter(credit_code=code).values("id", "name").first()
    if found:
        sp.filters.body_ids = [found["id"]]
        sp.body_name, sp.body_code, sp.q = found["name"], code, ""
        sp.q_is_body_code = True
        sp.notices.append(f"“{code}”是{found['name']}的统一社会信用代码，以下是该机构公开的信息。")


def parse_date(value: str) -> dt.date | None:
    """2026-11-22 (what a date input sends), also 2026/11/22, 2026.11.22, 2026年11月22日 and
    full-width digits; None if it is not a date."""
    found = _DATE.match(unicodedata.normalize("NFKC", value).strip())
    if found is None:
        return None
    try:
        day = dt.date(*(int(g) for g in found.groups()))
    except ValueError:  # 2026-02-30
        return None
    return day if 1949 <= day.year <= 2100 else None


def _date_range(sp: SearchParams, params: Mapping[str, Any]) -> None:
    """发布时间: `date_from` / `date_to`, each optional, inclusive; reversed ones are swapped."""
    f = sp.filters
    for name, label in (("date_from", "起始日期"), ("date_to", "截止日期")):
        value = first_value(params, name)
        if not value:
            continue
        day = parse_date(value)
        if day is None:
            sp.ignored.add(name)
            sp.notices.append(f"{label}“{value[:20]}”无效，已忽略（日期格式如 2026-01-31）。")
        elif name == "date_from":
            f.published_from = day
        else:
            f.published_to = day
    if f.published_from and f.published_to and f.published_from > f.published_to:
        f.published_from, f.published_to = f.published_to, f.published_from
        sp.notices.append(
            f"起始日期晚于截止日期，已按 {f.published_from} 至 {f.published_to} 检索。"
        )


def parse_params(params: Mapping[str, Any], *, default_per_page: int = 10) -> SearchParams:
    from yangguang.orgs.models import Body

    sp = SearchParams(q=first_value(params, "q")[:10_000])
    f = sp.filters
    raw_page = first_value(params, "page")
    if raw_page:
        try:
            sp.page = int(raw_page)
        except ValueError:
            sp.notices.append("页码无效，已显示第 1 页。")
            sp.page = 1
        if sp.page < 1:
            sp.notices.append("页码无效，已显示第 1 页。")
            sp.page = 1
    sp.per_page = default_per_page
    raw_pp = first_value(params, "per_page")
    if raw_pp:
        try:
            asked = int(raw_pp)
        except ValueError:
            sp.ignored.add("per_page")
            sp.notices.append("每页条数无效，已使用默认值。")
        else:
            # Said, not silently changed: per_page=0 showed one result a page, 1000 fifty.
            sp.per_page = min(MAX_PER_PAGE, max(1, asked))
            if sp.per_page != asked:
                sp.notices.append(f"每页条数应为 1–{MAX_PER_PAGE}，已按每页 {sp.per_page} 条显示。")
    sort = first_value(params, "sort")
    if sort in ("date", "relevance"):
        sp.sort = sort
    elif sort:
        sp.ignored.add("sort")
        sp.notices.append("排序方式无效，已按相关度排序。")

    scope = first_value(params, "scope")
    if scope == "title":
        f.in_title = True
    elif scope and scope != "all":
        sp.ignored.add("scope")
        sp.notices.append("检索范围无效，已在全文中检索。")

    body = first_value(params, "body")
    if body:
        found = (
            Body.objects.filter(credit_code=body.upper())
            .values("id", "name", "credit_code")
            .first()
            if _CODE.match(body)
            else None
        )
        body_pk = int_param(body, maximum=2**63 - 1)
        if found is None and body_pk is not None:
            found = Body.objects.filter(pk=body_pk).values("id", "name", "credit_code").first()
        if found:
            f.body_ids = [found["id"]]
            sp.body_name, sp.body_code = found["name"], found["credit_code"]
        else:
            sp.ignored.add("body")
    if not f.body_ids and _CREDIT_CODE.fullmatch(sp.q.strip()):
        _body_of_code(sp)
    if "body" in sp.ignored and not f.body_ids:  # a typed credit code names the body instead
        sp.notices.append("未找到指定的机构，已在全部机构中检索。")
    region = first_value(params, "region")
    if region:
        _region_filter(sp, region)
    for name, label in (("category", "信息类别"), ("theme", "主题分类")):
        value = first_value(params, name)
        if value:
            if len(value) > MAX_FILTER_CHARS:
                sp.ignored.add(name)
                sp.notices.append(f"筛选条件“{label}”无效，已忽略。")
            else:
                setattr(f, name, value)
    year = first_value(params, "year")
    if year:
        if _YEAR.match(year) and 1949 <= int(year) <= 2100:
            f.year = int(year)
        else:
            sp.ignored.add("year")
            sp.notices.append("年份无效，已忽略该筛选条件。")
    _date_range(sp, params)
    validity = first_value(params, "validity")
    if validity:
        if validity in VALIDITY_VALUES:
            f.validity = validity
        else:
            sp.ignored.add("validity")
            sp.notices.append("有效性筛选条件无效，已忽略。")
    source = first_value(params, "source")
    if source:
        from yangguang.search import registry

        if registry.get(source):
            f.source = source
        else:
            sp.ignored.add("source")
            sp.notices.append("信息来源筛选条件无效，已忽略。")
    return sp
