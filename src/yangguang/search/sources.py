"""Search sources: what the index holds for each kind of public object.

`PublicationSource` reads H5's disclosure app through its public selector
(`publications_public()`), which is also the rule every search result is re-checked against.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import quote

from django.urls import NoReverseMatch, reverse
from django.utils.http import RFC3986_SUBDELIMS, escape_leading_slashes

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
        """Every public publication (or those of `ids`), read in batches of CHUNK as rows, not
        model instances: a rebuild's one reading process fed its segmenting processes 254 µs
        of CPU per publication through the ORM's instances and prefetches (102,194 generated
        publications, SQLite), which capped the rebuild below 3,000 publications/s."""
        qs = self._public().order_by("pk")
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        yield from _documents(self.name, qs)

    def document(self, pub: Any) -> SearchDocument:
        """One publication, public or not, read again from the database."""
        from yangguang.disclosure.models import Publication

        return next(_documents(self.name, Publication.objects.filter(pk=pub.pk)))

    def ids_of_bodies(self, body_ids: Iterable[int]) -> Iterable[int]:
        return self._public().filter(body_id__in=list(body_ids)).values_list("pk", flat=True)

    def facet_labels(self, facet: str, values: Iterable[str]) -> dict[str, str]:
        if facet != "theme":
            return {}
        return _theme_names(frozenset(v for v in values if v))


_ROW = (
    "pk",
    "title",
    "summary",
    "keywords",
    "body_text",
    "doc_number",
    "index_number",
    "body_id",
    "body__name",
    "body__region__path",
    "category__name",
    "theme__code",
    "published_on",
    "validity",
)


def _documents(source: str, qs: Any) -> Iterator[SearchDocument]:
    """SearchDocuments for the publications of `qs` (ordered by pk), CHUNK at a time: one query
    for the rows, one for the attachments' text, one for the interpreted policies and, for
    regions not met before, one for their names."""
    regions: dict[str, str] = {}  # 区划代码 → name (see _issuer_line)
    url = _detail_url()
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).values_list(*_ROW)[:CHUNK])
        if not rows:
            return
        pks = [r[0] for r in rows]
        attachments = _attachment_texts(pks)
        cited = _cited_policies(pks)
        _load_region_names(regions, (r[9] for r in rows))
        for row in rows:
            pk, title, summary, keywords, body_text, number, index, body_id = row[:8]
            body_name, path, category, theme, published_on, validity = row[8:]
            # For matching only, after CONTEXT_MARK (snippets stop there):
            # - the issuing body and its places: titles rarely name them (notices carry none:
            #   “2026年度拟录用公务员名单公示”), so without them 城关镇 公务员 or 示范县
            #   义务教育招生 find nothing;
            # - for a 政策解读, the policies it interprets (title and 发文字号), as
            #   interpretation pages cite them: citizens look a 解读 up by its policy's number.
            context = "\n".join([_issuer_line(body_name, path, regions), *cited.get(pk, ())])
            parts = [summary, keywords, body_text, *attachments.get(pk, ()), CONTEXT_MARK + context]
            yield SearchDocument(
                source=source,
                id=pk,
                title=title,
                body_id=body_id,
                doc_number=number or "",
                index_number=index or "",
                text="\n".join(p for p in parts if p),
                category=category or "",
                theme=theme or "",
                year=published_on.year if published_on else None,
                validity=validity or "",
                published_on=published_on,
                url=url(index or str(pk)),
            )
        last = pks[-1]


def _attachment_texts(pks: list[int]) -> dict[int, list[str]]:
    """Publication id → the extracted text of its attachments, in their order."""
    from yangguang.disclosure.models import Attachment

    out: dict[int, list[str]] = {}
    rows = (
        Attachment.objects.filter(publication_id__in=pks)
        .exclude(text="")
        .order_by("publication", "sort", "id")
        .values_list("publication_id", "text")
    )
    for pk, text in rows:
        out.setdefault(pk, []).append(text)
    return out


def _cited_policies(pks: list[int]) -> dict[int, list[str]]:
    """Publication id → "解读：title（发文字号）" for each policy it interprets, newest first
    (the publications' own order)."""
    from yangguang.disclosure.models import Publication

    out: dict[int, list[str]] = {}
    rows = (
        Publication.interprets.through.objects.filter(from_publication_id__in=pks)
        .order_by("-to_publication__published_on", "-to_publication_id")
        .values_list("from_publication_id", "to_publication__title", "to_publication__doc_number")
    )
    for pk, title, number in rows:
        out.setdefault(pk, []).append(_cited(title, number))
    return out


def _detail_url() -> Callable[[str], str]:
    """index number (or id) → the public detail page's URL: the pattern's prefix and the value
    quoted as `reverse()` quotes it (a path converter, RFC 3986 sub-delimiters kept), checked
    against `reverse()` once; reversing every document cost a tenth of reading it."""
    probe = "probe/索引 %号"
    try:
        expected = reverse("portal:disclosure_detail", args=[probe])
    except NoReverseMatch:
        return lambda value: ""
    prefix = expected[: -len(_quote(probe))]

    def url(value: str) -> str:
        return escape_leading_slashes(prefix + _quote(value))

    if url(probe) != expected:
        return lambda value: reverse("portal:disclosure_detail", args=[value])
    return url


def _quote(value: str) -> str:
    return quote(value, safe=RFC3986_SUBDELIMS + "/~:@")


def _region_codes(path: str) -> list[str]:
    """The codes of a region path, top first: "/370900/370921/" → ["370900", "370921"]."""
    return [c for c in path.split("/") if c]


def _load_region_names(regions: dict[str, str], paths: Iterable[str]) -> None:
    """Add the names of every region on `paths` not yet in `regions`: one query for a batch."""
    from yangguang.orgs.models import Region

    missing = {c for path in paths for c in _region_codes(path)} - regions.keys()
    if missing:
        regions.update(Region.objects.filter(code__in=missing).values_list("code", "name"))


def _cited(title: str, number: str) -> str:
    """ "解读：title（发文字号）" for a policy a publication interprets."""
    return f"解读：{title}（{number}）" if number else f"解读：{title}"


def _issuer_line(body_name: str, region_path: str, regions: dict[str, str]) -> str:
    """发布机构 and its region chain, e.g. "城关镇人民政府 示范市 示范县 城关镇". Each name on
    its own, separated by spaces, so a place is cut into the same tokens as when a citizen
    types it alone (示范县 / 城关镇)."""
    names = [regions[c] for c in _region_codes(region_path) if c in regions]
    return " ".join(dict.fromkeys([body_name, *names]))


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
