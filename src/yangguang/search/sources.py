"""Search sources: what the index holds for each kind of public object.

`PublicationSource` reads H5's disclosure app through its public selector
(`publications_public()`), which is also the rule every search result is re-checked against.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.urls import NoReverseMatch, reverse

from yangguang.search.backends.base import SearchDocument
from yangguang.search.registry import SearchSource

CHUNK = 500


class PublicationSource(SearchSource):
    name = "publication"
    label = "政府信息公开"

    def _public(self) -> Any:
        from yangguang.disclosure.selectors import publications_public

        return publications_public()

    def public_ids(self, ids: Iterable[int]) -> set[int]:
        ids = list(ids)
        if not ids:
            return set()
        return set(self._public().filter(pk__in=ids).values_list("pk", flat=True))

    def count(self) -> int:
        return int(self._public().count())

    def documents(self, ids: Iterable[int] | None = None) -> Iterator[SearchDocument]:
        qs = self._public().select_related("category", "theme").order_by("pk")
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        last = 0
        while True:
            chunk = list(qs.filter(pk__gt=last).prefetch_related("attachments")[:CHUNK])
            if not chunk:
                return
            for pub in chunk:
                yield self.document(pub)
            last = chunk[-1].pk

    def document(self, pub: Any) -> SearchDocument:
        attachments = [a.text for a in pub.attachments.all() if getattr(a, "text", "")]
        text_parts = [pub.summary, pub.keywords, pub.body_text, *attachments]
        return SearchDocument(
            source=self.name,
            id=pub.pk,
            title=pub.title,
            body_id=pub.body_id,
            doc_number=pub.doc_number or "",
            index_number=pub.index_number or "",
            text="\n".join(p for p in text_parts if p),
            category=pub.category.name if pub.category_id else "",
            theme=pub.theme.code if pub.theme_id else "",
            year=pub.published_on.year if pub.published_on else None,
            validity=pub.validity or "",
            published_on=pub.published_on,
            url=self.url(pub),
        )

    def url(self, pub: Any) -> str:
        for name, args in (
            ("portal:disclosure_detail", [pub.index_number]),
            ("portal:disclosure_detail", [pub.pk]),
        ):
            try:
                return reverse(name, args=args)
            except NoReverseMatch:
                continue
        return ""

    def facet_labels(self, facet: str, values: Iterable[str]) -> dict[str, str]:
        if facet != "theme":
            return {}
        from yangguang.disclosure.models import Theme

        values = [v for v in values if v]
        if not values:
            return {}
        return dict(Theme.objects.filter(code__in=values).values_list("code", "name"))
