"""RSS 2.0 and Atom feeds per body and per catalogue category (django.contrib.syndication),
over `publications_public()` only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

from yangguang.disclosure.models import CatalogueNode, Publication
from yangguang.disclosure.selectors import publications_public
from yangguang.orgs.models import Body

ITEMS = 50


class _Base(Feed):  # type: ignore[type-arg]
    feed_type: type[SyndicationFeed] = Rss201rev2Feed
    language = "zh-cn"

    def items(self, obj: Any) -> QuerySet[Publication]:
        return (
            self._qs(obj)
            .select_related("body")
            .defer("body_html", "body_text")
            .order_by("-published_on", "-id")[:ITEMS]
        )

    def _qs(self, obj: Any) -> QuerySet[Publication]:
        raise NotImplementedError

    def item_title(self, item: Publication) -> str:
        return item.title

    def item_description(self, item: Publication) -> str:
        parts = [f"索引号：{item.index_number}"]
        if item.doc_number:
            parts.append(f"发文字号：{item.doc_number}")
        if item.summary:
            parts.append(item.summary)
        return "；".join(parts)

    def item_link(self, item: Publication) -> str:
        return reverse("portal:disclosure_detail", args=[item.index_number])

    def item_guid(self, item: Publication) -> str:
        return f"urn:yangguang:publication:{item.index_number}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Publication) -> dt.datetime | None:
        if item.published_at:
            return item.published_at
        if item.published_on:
            return timezone.make_aware(dt.datetime.combine(item.published_on, dt.time(9)))
        return None

    def item_updateddate(self, item: Publication) -> dt.datetime | None:
        return item.updated_at

    def item_author_name(self, item: Publication) -> str:
        return item.body.name


class BodyRss(_Base):
    def get_object(self, request: HttpRequest, credit_code: str) -> Body:  # type: ignore[override]
        return get_object_or_404(Body, credit_code=credit_code, is_active=True)

    def _qs(self, obj: Body) -> QuerySet[Publication]:
        return publications_public().filter(body=obj)

    def title(self, obj: Body) -> str:
        return f"{obj.name} · 政府信息公开"

    def link(self, obj: Body) -> str:
        return reverse("portal:disclosure_body", args=[obj.credit_code])

    def description(self, obj: Body) -> str:
        return f"{obj.name}主动公开的政府信息"


class BodyAtom(BodyRss):
    feed_type = Atom1Feed
    subtitle = BodyRss.description


class CategoryRss(_Base):
    def get_object(self, request: HttpRequest, pk: int) -> CatalogueNode:  # type: ignore[override]
        return get_object_or_404(CatalogueNode.objects.select_related("body"), pk=pk)

    def _qs(self, obj: CatalogueNode) -> QuerySet[Publication]:
        ids = [obj.pk, *obj.children.values_list("pk", flat=True)]
        return publications_public().filter(category_id__in=ids)

    def title(self, obj: CatalogueNode) -> str:
        return f"{obj.body.name} · {obj.name}"

    def link(self, obj: CatalogueNode) -> str:
        return reverse("portal:disclosure_list") + f"?body={obj.body.credit_code}&category={obj.pk}"

    def description(self, obj: CatalogueNode) -> str:
        return f"{obj.body.name}公开目录“{obj.name}”"


class CategoryAtom(CategoryRss):
    feed_type = Atom1Feed
    subtitle = CategoryRss.description
