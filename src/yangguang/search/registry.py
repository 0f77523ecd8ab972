"""Sources of searchable objects. Publications now; service guides, public replies and
consultations register later the same way (one class each, no change to the engines):

    class GuideSource(SearchSource):
        name, label = "guide", "办事指南"
        def public_ids(self, ids): ...         # the database's visibility rule
        def documents(self, ids=None): ...     # SearchDocument for visible objects
    registry.register(GuideSource())

and their services write OutboxMessage(topic="search.reindex",
payload={"source": "guide", "id": pk}) on every change that affects visibility or text.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator

from yangguang.search.backends.base import SearchDocument

TOPIC = "search.reindex"


class SearchSource(ABC):
    name: str = ""
    label: str = ""

    @abstractmethod
    def public_ids(self, ids: Iterable[int]) -> set[int]:
        """Which of `ids` the public may see right now (re-checked for every result shown)."""

    @abstractmethod
    def documents(self, ids: Iterable[int] | None = None) -> Iterator[SearchDocument]:
        """Documents for the publicly visible objects among `ids` (all of them when None)."""

    def count(self) -> int:
        return sum(1 for _ in self.documents())

    def facet_labels(self, facet: str, values: Iterable[str]) -> dict[str, str]:
        """Display names for facet values this source owns (category, theme …)."""
        return {}

    def ids_of_bodies(self, body_ids: Iterable[int]) -> Iterable[int]:
        """The public objects whose indexed text names one of these bodies or its places (to
        re-index after a rename); none unless the source's text carries them."""
        return ()


_SOURCES: dict[str, SearchSource] = {}


def register(source: SearchSource) -> SearchSource:
    _SOURCES[source.name] = source
    return source


def unregister(name: str) -> None:
    _SOURCES.pop(name, None)


def get(name: str) -> SearchSource | None:
    return _SOURCES.get(name)


def all_sources() -> list[SearchSource]:
    return list(_SOURCES.values())


def enqueue_bodies(sender: object, *, body_ids: Iterable[int], **kwargs: object) -> None:
    """orgs.signals.names_changed: re-index every public object of these bodies. Written in
    bulk (a renamed county has thousands), so they are delivered by the outbox command rather
    than inline after the commit."""
    from yangguang.core.models import OutboxMessage

    body_ids = list(body_ids)
    OutboxMessage.objects.bulk_create(
        (
            OutboxMessage(topic=TOPIC, payload={"source": source.name, "id": obj_id})
            for source in all_sources()
            for obj_id in source.ids_of_bodies(body_ids)
        ),
        batch_size=1000,
    )


def enqueue(source: str, obj_id: int) -> None:
    """Ask for (re)indexing of one object after the current transaction commits."""
    from yangguang.core.models import OutboxMessage

    OutboxMessage.objects.create(topic=TOPIC, payload={"source": source, "id": obj_id})
