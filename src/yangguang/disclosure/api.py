"""JSON API of 主动公开 (/api/v1/): public reading of published documents, and the staff API
(Bearer token) so that a central government website platform can push documents in through
the same services and permissions as the console."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from yangguang.api import error_answers
from yangguang.disclosure import services
from yangguang.disclosure.models import CatalogueNode, Publication, Theme
from yangguang.disclosure.selectors import (
    interpretable_by_number,
    interprets_not_found,
    public_detail,
    publication_for,
    publications_public,
    withdrawn_publication,
)
from yangguang.disclosure.services import DisclosureError
from yangguang.disclosure.views_portal import filter_public
from yangguang.orgs.access import require
from yangguang.orgs.models import Body
from yangguang.orgs.tokens import bearer_auth

router = Router(tags=["主动公开"])
MAX_PAGE_SIZE = 100


class PublicationOut(Schema):
    index_number: str
    title: str
    doc_number: str
    body: str = Field(..., alias="body.name")
    body_credit_code: str = Field(..., alias="body.credit_code")
    written_on: dt.date
    published_on: dt.date | None
    theme: str | None = None
    category: str | None = None
    keywords: str
    summary: str
    validity: str
    url: str = ""

    @staticmethod
    def resolve_theme(obj: Publication) -> str | None:
        return obj.theme.name if obj.theme_id and obj.theme else None

    @staticmethod
    def resolve_category(obj: Publication) -> str | None:
        return obj.category.name if obj.category_id and obj.category else None

    @staticmethod
    def resolve_validity(obj: Publication) -> str:
        return obj.get_validity_display()

    @staticmethod
    def resolve_url(obj: Publication) -> str:
        from django.urls import reverse

        return reverse("portal:disclosure_detail", args=[obj.index_number])


class AttachmentOut(Schema):
    name: str = Field(..., alias="original_name")
    kind: str
    size: int
    url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        from django.urls import reverse

        return reverse("portal:disclosure_file", args=[obj.pk])


class LinkOut(Schema):
    index_number: str
    title: str


class PublicationDetailOut(PublicationOut):
    issuers: list[str]
    body_html: str
    validity_changed_on: dt.date | None
    replaced_by: LinkOut | None = None
    attachments: list[AttachmentOut]
    interprets: list[LinkOut]
    interpretations: list[LinkOut]

    @staticmethod
    def resolve_issuers(obj: Publication) -> list[str]:
        return [b.name for b in obj.issuers.all()] or [obj.body.name]

    @staticmethod
    def resolve_replaced_by(obj: Publication) -> Publication | None:
        return obj.replaced_by if obj.replaced_by and obj.replaced_by.is_public else None

    @staticmethod
    def resolve_attachments(obj: Publication) -> list[Any]:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_interprets(obj: Publication) -> list[Publication]:
        return list(publications_public().filter(interpretations=obj))

    @staticmethod
    def resolve_interpretations(obj: Publication) -> list[Publication]:
        return list(publications_public().filter(interprets=obj))


class PageOut(Schema):
    page: int
    page_size: int
    has_next: bool
    items: list[PublicationOut]


class Filters(Schema):
    body: str = Field("", description="发布机构统一社会信用代码")
    category: str = Field("", description="公开目录节点 ID")
    theme: str = Field("", description="主题分类代码，如 02")
    year: str = Field("", description="发布年度")
    validity: str = Field("", description="valid / expired / repealed / revised")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


@router.get("/publications", response=PageOut, summary="公开信息列表（分页）")
def list_publications(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    qs, _ = filter_public(publications_public(), filters.dict())
    start = (filters.page - 1) * filters.page_size
    rows = list(
        qs.select_related("body", "theme", "category")
        .defer("body_html", "body_text")
        .order_by("-published_on", "-id")[start : start + filters.page_size + 1]
    )
    return {
        "page": filters.page,
        "page_size": filters.page_size,
        "has_next": len(rows) > filters.page_size,
        "items": rows[: filters.page_size],
    }


@router.get(
    "/publications/{path:index_number}",
    response=PublicationDetailOut,
    summary="按索引号查看公开信息",
    openapi_extra=error_answers({"410": "该信息已撤回，不再公开"}),
)
def get_publication(request: HttpRequest, index_number: str) -> Publication:
    pub = public_detail(index_number)
    if pub is not None:
        return pub
    gone = withdrawn_publication(index_number)
    if gone is None:
        raise Http404("未找到")
    # As the page says (views_portal._detail_page): withdrawn, when, by whom — not what.
    when = f"于 {timezone.localdate(gone.withdrawn_at):%Y-%m-%d} " if gone.withdrawn_at else ""
    raise HttpError(410, f"本信息已由{gone.body.name}{when}撤回，不再公开。")


class CatalogueNodeOut(Schema):
    id: int
    name: str
    parent_id: int | None
    path: str = Field(..., description="上级 / 本级，如“政策文件 / 规章”")


@router.get(
    "/bodies/{credit_code}/catalogue",
    response=list[CatalogueNodeOut],
    summary="机构的公开目录（节点 ID 用于筛选和工作人员接口的 category）",
)
def body_catalogue(request: HttpRequest, credit_code: str) -> list[dict[str, Any]]:
    body = Body.objects.filter(credit_code=credit_code.strip().upper(), is_active=True).first()
    if body is None:
        raise Http404("未找到")
    nodes = CatalogueNode.objects.filter(body=body).select_related("parent")
    return [
        {
            "id": n.pk,
            "name": n.name,
            "parent_id": n.parent_id,
            "path": f"{n.parent.name} / {n.name}" if n.parent_id and n.parent else n.name,
        }
        for n in nodes
    ]


# -- staff API ---------------------------------------------------------------------------------


class StaffIn(Schema):
    title: str | None = None
    doc_number: str | None = None
    written_on: dt.date | None = None
    theme: str | None = Field(None, description="主题分类代码")
    category: int | None = Field(
        None, description="公开目录节点 ID（GET /api/v1/bodies/{统一社会信用代码}/catalogue）"
    )
    keywords: str | None = None
    summary: str | None = None
    mode: str | None = None
    body_html: str | None = None
    issuers: list[str] | None = Field(None, description="联合发文机关统一社会信用代码")
    interprets: list[str] | None = Field(None, description="所解读文件的索引号")


class StaffCreateIn(StaffIn):
    body: str = Field(..., description="发布机构统一社会信用代码")
    title: str
    written_on: dt.date


class StaffOut(PublicationOut):
    id: int
    state: str
    reviewer: str | None = None
    return_reason: str
    warnings: list[str] = []

    @staticmethod
    def resolve_reviewer(obj: Publication) -> str | None:
        return obj.reviewer.get_full_name() if obj.reviewer_id and obj.reviewer else None


class ReasonIn(Schema):
    reason: str


class PublishIn(Schema):
    at: dt.datetime | None = Field(None, description="定时发布时间；留空立即发布")


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _data(payload: StaffIn, body: Body, base: Publication | None) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True, exclude={"body", "issuers", "interprets"})
    if "theme" in data:
        code = data["theme"]
        theme = Theme.objects.filter(code=code, is_active=True).first() if code else None
        if code and theme is None:
            raise HttpError(400, f"未知的主题分类代码“{code}”。")
        data["theme"] = theme
    if "category" in data:
        cid = data["category"]
        node = CatalogueNode.objects.filter(pk=cid, body=body).first() if cid else None
        if cid and node is None:
            raise HttpError(400, "未知的公开目录：请使用本机构公开目录的节点 ID。")
        data["category"] = node
    return data


def _links(payload: StaffIn, body: Body) -> tuple[list[Body] | None, list[Publication] | None]:
    issuers = None
    if payload.issuers is not None:
        issuers = list(Body.objects.filter(credit_code__in=payload.issuers))
        if len(issuers) != len(set(payload.issuers)):
            raise HttpError(400, "联合发文机关的统一社会信用代码有误。")
    interprets = None
    if payload.interprets is not None:
        # Only documents the publication may link: another body's draft is "not found", as
        # a missing number is (the same lookup and message as the console form).
        interprets, missing = interpretable_by_number(body, list(dict.fromkeys(payload.interprets)))
        if missing:
            raise HttpError(400, interprets_not_found(missing))
    return issuers, interprets


def _fail(exc: DisclosureError) -> HttpError:
    return HttpError(400, str(exc))


def _out(pub: Publication, warnings: list[str] | None = None) -> Publication:
    pub = Publication.objects.select_related("body", "theme", "category", "reviewer").get(pk=pub.pk)
    pub.warnings = warnings or []  # type: ignore[attr-defined]
    return pub


@router.post(
    "/staff/publications",
    response={201: StaffOut},
    auth=bearer_auth,
    summary="新建公开信息草稿（工作人员）",
)
def staff_create(request: HttpRequest, payload: StaffCreateIn) -> Status:
    body = Body.objects.select_related("region").filter(credit_code=payload.body).first()
    if body is None:
        raise Http404("未找到")
    # Before any lookup scoped to the body: its answers would tell an outsider what it holds.
    require(_user(request), "publication.create", body)
    issuers, interprets = _links(payload, body)
    try:
        result = services.publication_create(
            actor=_user(request),
            body=body,
            data=_data(payload, body, None),
            issuers=issuers,
            interprets=interprets,
        )
    except DisclosureError as exc:
        raise _fail(exc) from exc
    return Status(201, _out(result.publication, result.warnings))


@router.get(
    "/staff/publications/{int:pk}", response=StaffOut, auth=bearer_auth, summary="查看（工作人员）"
)
def staff_get(request: HttpRequest, pk: int) -> Publication:
    return _out(publication_for(_user(request), pk))


@router.patch(
    "/staff/publications/{int:pk}", response=StaffOut, auth=bearer_auth, summary="修改（工作人员）"
)
def staff_update(request: HttpRequest, pk: int, payload: StaffIn) -> Publication:
    pub = publication_for(_user(request), pk)
    issuers, interprets = _links(payload, pub.body)
    try:
        result = services.publication_update(
            actor=_user(request),
            publication=pub,
            data=_data(payload, pub.body, pub),
            issuers=issuers,
            interprets=interprets,
        )
    except DisclosureError as exc:
        raise _fail(exc) from exc
    return _out(result.publication, result.warnings)


def _step(request: HttpRequest, pk: int, fn: Any) -> Publication:
    pub = publication_for(_user(request), pk)
    try:
        return _out(fn(pub))
    except DisclosureError as exc:
        raise _fail(exc) from exc


@router.post(
    "/staff/publications/{int:pk}/submit", response=StaffOut, auth=bearer_auth, summary="提交审核"
)
def staff_submit(request: HttpRequest, pk: int) -> Publication:
    return _step(
        request, pk, lambda p: services.publication_submit(actor=_user(request), publication=p)
    )


@router.post(
    "/staff/publications/{int:pk}/approve",
    response=StaffOut,
    auth=bearer_auth,
    summary="审核通过（审核员，须非起草人，检查结果须已处理）",
)
def staff_approve(request: HttpRequest, pk: int) -> Publication:
    return _step(
        request, pk, lambda p: services.publication_approve(actor=_user(request), publication=p)
    )


@router.post(
    "/staff/publications/{int:pk}/return", response=StaffOut, auth=bearer_auth, summary="退回"
)
def staff_return(request: HttpRequest, pk: int, payload: ReasonIn) -> Publication:
    return _step(
        request,
        pk,
        lambda p: services.publication_return(
            actor=_user(request), publication=p, reason=payload.reason
        ),
    )


@router.post(
    "/staff/publications/{int:pk}/publish",
    response=StaffOut,
    auth=bearer_auth,
    summary="发布或定时发布",
)
def staff_publish(request: HttpRequest, pk: int, payload: PublishIn) -> Publication:
    at = payload.at
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)
    return _step(
        request,
        pk,
        lambda p: services.publication_publish(actor=_user(request), publication=p, at=at),
    )


@router.post(
    "/staff/publications/{int:pk}/withdraw",
    response=StaffOut,
    auth=bearer_auth,
    summary="撤回（索引号保留）",
)
def staff_withdraw(request: HttpRequest, pk: int, payload: ReasonIn) -> Publication:
    return _step(
        request,
        pk,
        lambda p: services.publication_withdraw(
            actor=_user(request), publication=p, reason=payload.reason
        ),
    )


routers = [("", router)]
