"""The console home's disclosure tiles (core.dashboard)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from yangguang.core.dashboard import Tile, provider
from yangguang.disclosure.models import Publication, State
from yangguang.disclosure.selectors import review_queue
from yangguang.orgs.access import can


@provider
def disclosure_tiles(user: Any, today: dt.date) -> list[Tile]:
    """Publications waiting for this reviewer's 保密审查, and this editor's returned drafts."""
    tiles: list[Tile] = []
    if can(user, "publication.review"):
        tiles.append(
            Tile(
                "条公开信息待审查", review_queue(user).count(), reverse("console:disclosure_queue")
            )
        )
    if can(user, "publication.list"):
        returned = Publication.objects.filter(drafter=user, state=State.RETURNED).count()
        url = reverse("console:disclosure_drafts") + f"?state={State.RETURNED}&mine=1"
        tiles.append(Tile("条本人起草的信息被退回修改", returned, url, urgent=True))
    return tiles
