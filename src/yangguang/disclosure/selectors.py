"""Reads of 主动公开. `publications_public()` is the single definition of what the public may see
(published, 主动公开, not withdrawn); search, feeds, the API and the portal reuse it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet

from yangguang.disclosure.models import PUBLIC_Q, Mode, Publication, State
from yangguang.orgs.access import get_visible_or_404, visible_bodies_q
from yangguang.orgs.models import Body, Role


def publications_public() -> QuerySet[Publication]:
    """Published 主动公开 publications (withdrawn ones have state WITHDRAWN and drop out)."""
    return Publication.objects.filter(PUBLIC_Q)


def publications_visible_to(viewer: Any) -> QuerySet[Publication]:
    """What a staff member sees in the console: their bodies (editor, reviewer, head) and the
    subtrees they supervise or administer. Nothing for anonymous users."""
    return Publication.objects.filter(
        visible_bodies_q(viewer, prefix="body", roles=[Role.EDITOR, Role.REVIEWER, Role.HEAD])
    )


def publication_for(viewer: Any, pk: int, action: str = "publication.view") -> Publication:
    """One publication for the console; missing and not-yours give the same 404."""
    qs = Publication.objects.select_related(
        "body__region", "theme", "category", "drafter", "reviewer", "replaced_by"
    )
    return get_visible_or_404(qs, viewer, action, pk=pk)  # type: ignore[return-value]


def interpretable_by_number(
    body: Body, numbers: Sequence[str]
) -> tuple[list[Publication], list[str]]:
    """The documents a publication of `body` may interpret (its own body's, or public ones), by
    index number in the given order, and the numbers not found. Another body's unpublished
    document is "not found" too, so the answer does not reveal that it exists."""
    found = {
        p.index_number: p
        for p in Publication.objects.filter(Q(body=body) | PUBLIC_Q, index_number__in=numbers)
    }
    return [found[n] for n in numbers if n in found], [n for n in numbers if n not in found]


def interprets_not_found(numbers: Sequence[str]) -> str:
    """The one answer for index numbers that are missing or not linkable (console and API)."""
    return f"找不到索引号为 {'、'.join(numbers)} 的文件。"


def review_queue(viewer: Any) -> QuerySet[Publication]:
    """Submitted publications in the bodies where the viewer is a reviewer, oldest first."""
    return (
        Publication.objects.filter(
            visible_bodies_q(viewer, prefix="body", roles=[Role.REVIEWER]),
            state__in=[State.SUBMITTED, State.APPROVED],
        )
        .exclude(drafter=viewer)
        .select_related("body", "drafter")
        .order_by("submitted_at", "id")
    )


def public_detail(index_number: str) -> Publication | None:
    """One public publication by 索引号 (unique index; no ordering needed)."""
    rows = list(
        publications_public()
        .select_related("body", "theme__parent", "category")
        .filter(index_number=index_number)
        .order_by()[:1]
    )
    return rows[0] if rows else None


def withdrawn_publication(index_number: str) -> Publication | None:
    """What the public may know of a withdrawn 主动公开 document that was once public: when it
    was withdrawn and by which body — not its title or the reason (a document is withdrawn for
    what it disclosed). A document withdrawn before its scheduled time was never public: None."""
    return (
        Publication.objects.filter(
            index_number=index_number,
            state=State.WITHDRAWN,
            mode=Mode.PROACTIVE,
            published_at__isnull=False,
        )
        .select_related("body")
        .only("index_number", "withdrawn_at", "body")
        .first()
    )


def guide_excerpt(body: Any, length: int = 160) -> str:
    """The opening of a body's 公开指南 as plain text (public), e.g. for the hint next to the
    依申请公开 body picker: where to apply, how, and what the body holds."""
    from yangguang.disclosure.services import guide_for, html_to_text

    text = " ".join(html_to_text(guide_for(body).html).split())
    return text if len(text) <= length else text[:length].rstrip() + "…"
