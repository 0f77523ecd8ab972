"""Public pages of 政府信息公开: the region platform, each body's 信息公开 page (指南, 目录,
latest items, link to 依申请公开), filterable lists, the detail page with the metadata table
(DOMAIN.md §2 / 条例 Art. 12), the print view and attachment downloads. Only
`publications_public()` is ever shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control

from yangguang.disclosure.fiscal import SCHEMAS
from yangguang.disclosure.models import (
    Attachment,
    CatalogueNode,
    FiscalTable,
    Publication,
    Theme,
    Validity,
)
from yangguang.disclosure.selectors import (
    public_detail,
    publications_public,
    withdrawn_publication,
)
from yangguang.disclosure.services import guide_for
from yangguang.orgs.access import can
from yangguang.orgs.models import Body, Region

PAGE_SIZE = 20


def doc_prefix() -> str:
    """URL of a detail page minus the 索引号 (index numbers are URL-safe: [0-9A-Z/-]), so long
    lists need not reverse() every row."""
    return reverse("portal:disclosure_detail", args=["x"])[:-1]


COUNT_CAP = 1000
MAX_PAGE = 500
HEAVY = ("body_html", "body_text")


@dataclass
class ListPage:
    """One page of a public list without counting every match: a million-row COUNT is the slow
    part of a list, so the total is counted only up to COUNT_CAP ("1000+ 条") and the next page
    is known from fetching one extra row."""

    object_list: list[Publication]
    number: int
    has_next: bool
    count: int
    capped: bool

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def list_page(qs: QuerySet[Publication], page: str | None, size: int = PAGE_SIZE) -> ListPage:
    number = int(page) if page and page.isdecimal() and len(page) <= 6 else 1
    number = max(1, min(number, MAX_PAGE))
    start = (number - 1) * size
    rows = list(qs[start : start + size + 1])
    count = qs.order_by().values("pk")[: COUNT_CAP + 1].count()
    return ListPage(
        rows[:size], number, len(rows) > size and number < MAX_PAGE, count, count > COUNT_CAP
    )


def _tree(body: Body) -> list[tuple[CatalogueNode, list[CatalogueNode]]]:
    nodes = list(CatalogueNode.objects.filter(body=body).order_by("sort", "id"))
    children: dict[int | None, list[CatalogueNode]] = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)
    return [(root, children.get(root.pk, [])) for root in children.get(None, [])]


def filter_public(
    qs: QuerySet[Publication], params: Any
) -> tuple[QuerySet[Publication], dict[str, str]]:
    """Apply list filters (body, category, theme, year, validity) from query parameters."""
    chosen: dict[str, str] = {}
    body = params.get("body", "").strip()
    body_id: int | None = None
    if body:
        # Resolve the body first: filtering on its id lets the (body, state, date) index serve
        # the page instead of a join over the whole publication table.
        body_id = Body.objects.filter(credit_code=body).values_list("pk", flat=True).first()
        chosen["body"] = body
        if body_id is None:
            qs = qs.none()
    category = params.get("category", "")
    if category.isdecimal() and len(category) <= 18:
        node = CatalogueNode.objects.filter(pk=int(category)).values("pk", "body_id").first()
        chosen["category"] = category
        if node is None or (body and node["body_id"] != body_id):
            qs = qs.none()
        else:
            # A category belongs to one body, so it implies the body filter (and one index).
            ids = [
                node["pk"],
                *CatalogueNode.objects.filter(parent_id=node["pk"]).values_list("pk", flat=True),
            ]
            qs = qs.filter(category_id__in=ids)
    elif body_id is not None:
        qs = qs.filter(body_id=body_id)
    theme = params.get("theme", "")
    if theme:
        t = Theme.objects.filter(code=theme).first()
        if t is not None:
            # A top-level theme covers its second levels: one range of the theme_root index.
            qs = qs.filter(theme_root=t) if t.parent_id is None else qs.filter(theme=t)
            chosen["theme"] = theme
    year = params.get("year", "")
    if year.isdecimal() and len(year) == 4:
        y = int(year)
        qs = qs.filter(published_on__gte=f"{y}-01-01", published_on__lte=f"{y}-12-31")
        chosen["year"] = year
    validity = params.get("validity", "")
    if validity in Validity.values:
        qs = qs.filter(validity=validity)
        chosen["validity"] = validity
    return qs, chosen


def platform(request: HttpRequest) -> HttpResponse:
    """The region's 政府信息公开 platform page: bodies of the region and the latest items."""
    code = request.GET.get("region", "")
    region = Region.objects.filter(code=code).first() if code else None
    bodies = Body.objects.filter(is_active=True).select_related("region")
    latest = publications_public().select_related("body").defer(*HEAVY)
    if region is not None:
        bodies = bodies.filter(region__path__startswith=region.path)
        latest = latest.filter(body__region__path__startswith=region.path)
    regions = Region.objects.filter(level__in=["city", "county"]).order_by("path")
    return render(
        request,
        "disclosure/portal/platform.html",
        {
            "region": region,
            "regions": regions,
            "bodies": bodies[:200],
            "latest": latest.order_by("-published_on", "-id")[:15],
            "themes": Theme.objects.filter(parent=None, is_active=True),
            "doc_prefix": doc_prefix(),
        },
    )


def _body(credit_code: str) -> Body:
    return get_object_or_404(
        Body.objects.select_related("region"), credit_code=credit_code, is_active=True
    )


def body_page(request: HttpRequest, credit_code: str) -> HttpResponse:
    body = _body(credit_code)
    latest = (
        publications_public().filter(body=body).defer(*HEAVY).order_by("-published_on", "-id")[:15]
    )
    fiscal = FiscalTable.objects.filter(body=body, is_published=True).order_by("-year", "-month")[
        :12
    ]
    return render(
        request,
        "disclosure/portal/body.html",
        {
            "body": body,
            "tree": _tree(body),
            "latest": latest,
            "fiscal": fiscal,
            "foi_url": "/foi/apply/?" + urlencode({"body": body.credit_code}),
            "doc_prefix": doc_prefix(),
        },
    )


def guide(request: HttpRequest, credit_code: str) -> HttpResponse:
    body = _body(credit_code)
    return render(request, "disclosure/portal/guide.html", {"body": body, "guide": guide_for(body)})


def publication_list(request: HttpRequest) -> HttpResponse:
    qs, chosen = filter_public(publications_public(), request.GET)
    qs = qs.select_related("body").defer(*HEAVY).order_by("-published_on", "-id")
    page = list_page(qs, request.GET.get("page"))
    body = Body.objects.filter(credit_code=chosen.get("body", "")).first()
    category = (
        CatalogueNode.objects.filter(pk=int(chosen["category"])).first()
        if "category" in chosen
        else None
    )
    return render(
        request,
        "disclosure/portal/list.html",
        {
            "page_obj": page,
            "cap": COUNT_CAP,
            "chosen": chosen,
            "body": body,
            "category": category,
            "tree": _tree(body) if body else [],
            "themes": Theme.objects.filter(parent=None, is_active=True),
            "validities": Validity.choices,
            "querystring_base": urlencode(chosen) + "&" if chosen else "",
            "doc_prefix": doc_prefix(),
        },
    )


def _detail_context(index_number: str) -> dict[str, Any] | None:
    """The detail page in one query for most documents: links, attachments and joint issuers
    are looked up only when the publication's hints say it has some. None: not public."""
    pub = public_detail(index_number)
    if pub is None:
        return None
    empty: list[Any] = []
    links = publications_public().order_by("-published_on").values("title", "index_number")
    return {
        "pub": pub,
        "issuers": list(pub.issuers.all()) if pub.has_issuers else [pub.body],
        "interprets": links.filter(interpretations=pub)[:20] if pub.has_links else empty,
        "interpretations": links.filter(interprets=pub)[:20] if pub.has_links else empty,
        "replaced_by": (
            publications_public()
            .filter(pk=pub.replaced_by_id)
            .values("title", "index_number")
            .first()
            if pub.replaced_by_id
            else None
        ),
        "attachments": list(pub.attachments.all()) if pub.has_attachments else empty,
    }


def _detail_page(request: HttpRequest, index_number: str, template: str) -> HttpResponse:
    context = _detail_context(index_number)
    if context is not None:
        return render(request, template, context)
    # A withdrawn document's address is still linked from elsewhere (other sites, saved
    # searches, forwarded messages): say that it was withdrawn, 410 Gone, instead of a 404
    # that reads like a wrong address.
    gone = withdrawn_publication(index_number)
    if gone is None:
        raise Http404("未找到")
    return render(request, "disclosure/portal/withdrawn.html", {"gone": gone}, status=410)


@cache_control(public=True, max_age=60)
def detail(request: HttpRequest, index_number: str) -> HttpResponse:
    return _detail_page(request, index_number, "disclosure/portal/detail.html")


def print_view(request: HttpRequest, index_number: str) -> HttpResponse:
    return _detail_page(request, index_number, "disclosure/portal/print.html")


def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Public for attachments of public publications; staff may read their own drafts'."""
    att = Attachment.objects.select_related("publication__body__region").filter(pk=pk).first()
    if att is None:
        raise Http404("未找到")
    if not att.publication.is_public and not can(request.user, "publication.view", att):
        raise Http404("未找到")
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name)


def fiscal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    table = get_object_or_404(FiscalTable.objects.select_related("body"), pk=pk, is_published=True)
    # The total sits under the kind's first amount column (合计 or 金额), not the last column.
    at = SCHEMAS[table.kind].money[0] if table.kind in SCHEMAS else len(table.columns) - 1
    return render(
        request,
        "disclosure/portal/fiscal.html",
        {"table": table, "total_at": at, "after_total": range(len(table.columns) - at - 1)},
    )


def village_finance(request: HttpRequest, credit_code: str) -> HttpResponse:
    """A village's monthly statements in order (村务公开)."""
    body = _body(credit_code)
    tables = FiscalTable.objects.filter(body=body, kind="village", is_published=True).order_by(
        "-year", "-month"
    )
    return render(request, "disclosure/portal/village.html", {"body": body, "tables": tables[:120]})


def fiscal_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    from yangguang.disclosure import fiscal

    table = get_object_or_404(FiscalTable, pk=pk, is_published=True)
    if fmt == "csv":
        return HttpResponse(
            fiscal.to_csv(table.columns, table.rows),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f"attachment; filename=fiscal-{table.pk}.csv"},
        )
    if fmt == "xlsx":
        data = fiscal.to_xlsx(
            table.title, table.columns, table.rows, fiscal.SCHEMAS[table.kind].money
        )
        return HttpResponse(
            data,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f"attachment; filename=fiscal-{table.pk}.xlsx"},
        )
    raise Http404("未找到")
