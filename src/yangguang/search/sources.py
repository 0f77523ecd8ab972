"""Search sources: what the index holds for each kind of public object.

`PublicationSource` reads H5's disclosure app through its public selector
(`publications_public()`), which is also the rule every search result is re-checked against.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from django.urls import NoReverseMatch, reverse

from yangguang.search.backends.base import CONTEXT_MARK, SearchDocument
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
        qs = self._public().select_related("category", "theme", "body__region").order_by("pk")
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        last = 0
        regions: dict[str, str] = {}  # 区划代码 → name, filled once per batch (see _places)
        while True:
            chunk = list(
                qs.filter(pk__gt=last).prefetch_related("attachments", "interprets")[:CHUNK]
            )
            if not chunk:
                return
            _load_region_names(regions, (pub.body.region.path for pub in chunk))
            for pub in chunk:
                yield self.document(pub, regions)
            last = chunk[-1].pk

    def document(self, pub: Any, regions: dict[str, str] | None = None) -> SearchDocument:
        """`regions`: 区划代码 → name for the codes of the body's region path (read by
        `documents` for a whole batch; looked up here when called for a single publication)."""
        attachments = [a.text for a in pub.attachments.all() if getattr(a, "text", "")]
        text_parts = [pub.summary, pub.keywords, pub.body_text, *attachments]
        if regions is None:
            regions = {}
            _load_region_names(regions, [pub.body.region.path])
        # For matching only, after CONTEXT_MARK (snippets stop there):
        # - the issuing body and its places: titles rarely name them (notices carry none:
        #   “2026年度拟录用公务员名单公示”), so without them 城关镇 公务员 or 示范县 义务教育招生
        #   find nothing;
        # - for a 政策解读, the policies it interprets (title and 发文字号), as interpretation
        #   pages cite them: citizens look a 解读 up by its policy's number.
        context = [_issuer_line(pub.body, regions), *(_cited(p) for p in pub.interprets.all())]
        text_parts.append(CONTEXT_MARK + "\n".join(context))
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

    def ids_of_bodies(self, body_ids: Iterable[int]) -> Iterable[int]:
        return self._public().filter(body_id__in=list(body_ids)).values_list("pk", flat=True)

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
        return _theme_names(frozenset(v for v in values if v))


def _region_codes(path: str) -> list[str]:
    """The codes of a region path, top first: "/370900/370921/" → ["370900", "370921"]."""
    return [c for c in path.split("/") if c]


def _load_region_names(regions: dict[str, str], paths: Iterable[str]) -> None:
    """Add the names of every region on `paths` not yet in `regions`: one query for a batch."""
    from yangguang.orgs.models import Region

    missing = {c for path in paths for c in _region_codes(path)} - regions.keys()
    if missing:
        regions.update(Region.objects.filter(code__in=missing).values_list("code", "name"))


def _cited(policy: Any) -> str:
    """ "解读：《title》（发文字号）" for a policy a publication interprets."""
    number = f"（{policy.doc_number}）" if policy.doc_number else ""
    return f"解读：{policy.title}{number}"


def _issuer_line(body: Any, regions: dict[str, str]) -> str:
    """发布机构 and its region chain, e.g. "城关镇人民政府 示范市 示范县 城关镇". Each name on
    its own, separated by spaces, so a place is cut into the same tokens as when a citizen
    types it alone (示范县 / 城关镇)."""
    names = [regions[c] for c in _region_codes(body.region.path) if c in regions]
    return " ".join(dict.fromkeys([body.name, *names]))


_THEMES: dict[str, str] = {}
_THEMES_AT = [0.0]
THEMES_TTL = 60.0  # seconds an edited theme name may show its old label in search facets


def _theme_names(codes: frozenset[str]) -> dict[str, str]:
    """主题分类 code → name for the facet labels: the taxonomy changes rarely, every results page
    shows it, so the names are remembered per process for THEMES_TTL seconds (a new theme shows its
    code until then)."""
    if not codes:
        return {}
    now = time.monotonic()
    if now - _THEMES_AT[0] > THEMES_TTL:
        from yangguang.disclosure.models import Theme

        _THEMES.clear()
        _THEMES.update(Theme.objects.values_list("code", "name"))
        _THEMES_AT[0] = now
    return {c: _THEMES[c] for c in codes if c in _THEMES}


def reset_theme_names() -> None:
    _THEMES.clear()
    _THEMES_AT[0] = 0.0
