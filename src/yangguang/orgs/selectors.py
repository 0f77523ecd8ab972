"""Reads for regions, bodies and windows (DESIGN.md: one `<entity>_visible_to(viewer)` per
entity). Console selectors return what a member of staff may see; the public selectors return
the public directory — the region tree and every active body are public information
(DOMAIN.md §7: every body has its own public pages)."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from yangguang.orgs.access import visible_bodies_q, visible_region_paths
from yangguang.orgs.models import LEVEL_ORDER, Body, BodyKind, Region, RegionLevel, Window

# --- console ---------------------------------------------------------------------------------


def regions_visible_to(viewer: Any) -> QuerySet[Region]:
    """Regions in the subtrees a viewer supervises or administers (the `region.view` scope)."""
    roots = visible_region_paths(viewer)
    if not roots:
        return Region.objects.none()
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(path__startswith=root)
    return Region.objects.filter(q).order_by("path")


def bodies_visible_to(viewer: Any) -> QuerySet[Body]:
    """Bodies where the viewer holds a role, plus supervised and administered subtrees."""
    return Body.objects.filter(visible_bodies_q(viewer)).select_related("region", "parent")


def windows_visible_to(viewer: Any) -> QuerySet[Window]:
    return Window.objects.filter(visible_bodies_q(viewer, prefix="body")).select_related(
        "body__region"
    )


def filter_bodies(
    qs: QuerySet[Body], *, region: Region | None = None, kind: str = "", search: str = ""
) -> QuerySet[Body]:
    """The console body list filters: region subtree, kind, and a name/code/short-name search."""
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if kind:
        qs = qs.filter(kind=kind)
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(short_name__icontains=search)
            | Q(credit_code__iexact=search.upper())
        )
        if _CJK.search(search):
            # Bodies where the search is a word of the name first: 民政 lists 示范市民政局
            # before 示范市人民政府, where the two characters straddle 人民 and 政府. A
            # substring match still counts (政府办 is 人民政府办公室's usual abbreviation).
            found = qs.values_list("pk", "name", "short_name")
            whole = [pk for pk, *names in found if any(_at_word(search, n) for n in names if n)]
            order = list(qs.query.order_by or Body._meta.ordering or [])
            qs = qs.annotate(
                _partial=Case(When(pk__in=whole, then=Value(0)), default=Value(1))
            ).order_by("_partial", *order)
    return qs


_CJK = re.compile(r"[\u3400-\u9fff]")


def _at_word(search: str, name: str) -> bool:
    """Whether `search` occurs in `name` starting where one of its words starts (jieba's
    precise cut)."""
    from yangguang.search.segment import get_segmenter

    words = get_segmenter().query_words(name)
    if "".join(words) != name:  # punctuation or spaces: no reliable offsets
        return search in name
    starts, at = set(), 0
    for w in words:
        starts.add(at)
        at += len(w)
    i = name.find(search)
    while i >= 0:
        if i in starts:
            return True
        i = name.find(search, i + 1)
    return False


# --- public portal ---------------------------------------------------------------------------


def public_regions() -> QuerySet[Region]:
    return Region.objects.all()


def public_bodies() -> QuerySet[Body]:
    return Body.objects.filter(is_active=True).select_related("region")


def public_body_or_none(credit_code: str) -> Body | None:
    return (
        public_bodies()
        .select_related("parent", "region")
        .filter(credit_code=credit_code.strip().upper())
        .first()
    )


def public_windows(body: Body) -> QuerySet[Window]:
    return Window.objects.filter(body=body, is_active=True).order_by("hall", "code")


def region_breadcrumb(region: Region) -> list[Region]:
    """Ancestors from the city down to (and including) `region`, in one query."""
    codes = [c for c in region.path.split("/") if c]
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes[:-1])}
    return [by_code[c] for c in codes[:-1] if c in by_code] + [region]


def top_regions() -> QuerySet[Region]:
    """The regions at the top of the installation's tree (normally one city)."""
    return Region.objects.filter(parent__isnull=True).order_by("sort", "code")


def child_regions(region: Region) -> QuerySet[Region]:
    """Children of `region`, each with its own children prefetched and its active-body count."""
    return (
        Region.objects.filter(parent=region)
        .annotate(active_bodies=Count("bodies", filter=Q(bodies__is_active=True)))
        .prefetch_related(Prefetch("children", queryset=Region.objects.order_by("sort", "code")))
        .order_by("sort", "code")
    )


def region_bodies(region: Region) -> QuerySet[Body]:
    """Active bodies located in exactly this region (governments first)."""
    kind_order = [str(k) for k in BodyKind.values]
    rank = Case(
        *[When(kind=k, then=Value(i)) for i, k in enumerate(kind_order)],
        default=Value(99),
        output_field=IntegerField(),
    )
    return (
        public_bodies()
        .filter(region=region)
        .annotate(kind_rank=rank)
        .order_by("kind_rank", "sort", "name")
    )


def next_level(level: str) -> str | None:
    order = [str(v) for v in LEVEL_ORDER]
    i = order.index(level)
    return order[i + 1] if i + 1 < len(order) else None


def level_label(level: str) -> str:
    return str(RegionLevel(level).label)
