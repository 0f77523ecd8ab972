"""System check: tell operators when the search index needs a rebuild (after an upgrade that
changed what documents are indexed as, or on a machine whose index is empty). Run by
`manage.py migrate` and `manage.py check --database default` (a check that reads the database
runs only when asked to)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

log = logging.getLogger(__name__)


@register(Tags.database)
def search_index_check(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    if not databases:
        return []
    from yangguang.search.indexing import rebuild_advice

    try:
        advice = rebuild_advice()
    except Exception:  # noqa: BLE001 — before the first migrate there is nothing to check
        log.debug("search index check skipped", exc_info=True)
        return []
    if not advice:
        return []
    return [CheckWarning(advice, id="search.W001")]
