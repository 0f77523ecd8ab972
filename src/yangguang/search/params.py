"""Reading search parameters from a query string (page and API alike). Invalid values never
raise: they are dropped with a Chinese notice."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from yangguang.core.params import int_param
from yangguang.search.backends.base import Filters

_YEAR = re.compile(r"^\d{4}$")
_CODE = re.compile(r"^[0-9A-Za-z]{1,30}$")
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


def _first(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name, "")
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "").strip()


def parse_params(params: Mapping[str, Any], *, default_per_page: int = 10) -> SearchParams:
    from yangguang.orgs.models import Body, Region

    sp = SearchParams(q=_first(params, "q")[:10_000])
    f = sp.filters
    raw_page = _first(params, "page")
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
    raw_pp = _first(params, "per_page")
    if raw_pp:
        try:
            sp.per_page = min(50, max(1, int(raw_pp)))
        except ValueError:
            sp.ignored.add("per_page")
            sp.notices.append("每页条数无效，已使用默认值。")
    sort = _first(params, "sort")
    if sort in ("date", "relevance"):
        sp.sort = sort
    elif sort:
        sp.ignored.add("sort")
        sp.notices.append("排序方式无效，已按相关度排序。")

    body = _first(params, "body")
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
            sp.notices.append("未找到指定的机构，已在全部机构中检索。")
    region = _first(params, "region")
    if region and not f.body_ids:
        reg = (
            Region.objects.filter(code=region).values("path", "name").first()
            if _CODE.match(region)
            else None
        )
        if reg:
            f.body_ids = list(
                Body.objects.filter(region__path__startswith=reg["path"]).values_list(
                    "id", flat=True
                )[:5000]
            ) or [0]
            sp.region_name, sp.region_code = reg["name"], region
        else:
            sp.ignored.add("region")
            sp.notices.append("未找到指定的行政区划，已在全部区域中检索。")
    for name, label in (("category", "信息类别"), ("theme", "主题分类")):
        value = _first(params, name)
        if value:
            if len(value) > MAX_FILTER_CHARS:
                sp.ignored.add(name)
                sp.notices.append(f"筛选条件“{label}”无效，已忽略。")
            else:
                setattr(f, name, value)
    year = _first(params, "year")
    if year:
        if _YEAR.match(year) and 1949 <= int(year) <= 2100:
            f.year = int(year)
        else:
            sp.ignored.add("year")
            sp.notices.append("年份无效，已忽略该筛选条件。")
    validity = _first(params, "validity")
    if validity:
        if validity in VALIDITY_VALUES:
            f.validity = validity
        else:
            sp.ignored.add("validity")
            sp.notices.append("有效性筛选条件无效，已忽略。")
    source = _first(params, "source")
    if source:
        from yangguang.search import registry

        if registry.get(source):
            f.source = source
        else:
            sp.ignored.add("source")
            sp.notices.append("信息来源筛选条件无效，已忽略。")
    return sp
