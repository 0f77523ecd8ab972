"""Feeding the index: the outbox consumer and the full rebuild.

Services write OutboxMessage(topic="search.reindex", payload={"source": …, "id": …}) in the same
transaction as the change. After that transaction commits, `on_outbox_saved` processes the new
message in the same process (best effort: if the writer is busy — a rebuild holds it for
minutes — or anything fails, the message simply stays pending; the request never waits for the
writer) and `manage.py process_search_outbox` (cron/systemd timer, or `--loop`) delivers
whatever is left, so nothing is lost when a process dies. A rebuild delivers again, at its end,
every message written while it ran.

Processing one message re-reads the object through its source: publicly visible → (re)index,
otherwise (withdrawn, unpublished, deleted) → delete from the index.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from yangguang.core.models import OutboxMessage
from yangguang.search import registry
from yangguang.search.backends import get_backend
from yangguang.search.backends.base import (
    INDEX_FORMAT,
    IndexBusy,
    SearchBackend,
    SearchDocument,
    make_key,
    not_waiting,
)

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


def apply(
    items: Iterable[tuple[str, int]], backend: SearchBackend | None = None
) -> tuple[int, int]:
    """Bring the index in line with the database for (source, id) pairs.
    Returns (indexed, deleted)."""
    backend = backend or get_backend()
    by_source: dict[str, set[int]] = {}
    for source, obj_id in items:
        by_source.setdefault(source, set()).add(int(obj_id))
    indexed = deleted = 0
    for name, ids in by_source.items():
        src = registry.get(name)
        if src is None:
            raise LookupError(f"unknown search source {name!r}")
        docs = list(src.documents(ids))
        present = {d.id for d in docs}
        if docs:
            indexed += backend.index(docs)
        gone = [make_key(name, i) for i in sorted(ids - present)]
        if gone:
            backend.delete(gone)
            deleted += len(gone)
    return indexed, deleted


def process_outbox(
    *, limit: int = 500, ids: Iterable[int] | None = None, backend: SearchBackend | None = None
) -> int:
    """Deliver pending search.reindex messages (oldest first). Returns how many were done.

    On PostgreSQL the batch is claimed with SELECT … FOR UPDATE SKIP LOCKED inside one
    transaction, so several app servers can run the processor side by side and (with the
    PostgreSQL engine) the index rows and the "processed" marks commit together."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            return _process(limit=limit, ids=ids, backend=backend, lock=True)
    return _process(limit=limit, ids=ids, backend=backend, lock=False)


def _process(
    *, limit: int, ids: Iterable[int] | None, backend: SearchBackend | None, lock: bool
) -> int:
    qs = OutboxMessage.objects.filter(
        topic=registry.TOPIC, processed_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    ).order_by("id")
    if ids is not None:
        qs = qs.filter(id__in=list(ids))
    if lock:
        qs = qs.select_for_update(skip_locked=True)
    messages = list(qs[:limit])
    if not messages:
        return 0
    items: list[tuple[str, int]] = []
    bad: list[tuple[OutboxMessage, str]] = []
    good: list[OutboxMessage] = []
    for m in messages:
        payload: Any = m.payload or {}
        try:
            source, obj_id = str(payload["source"]), int(payload["id"])
            if registry.get(source) is None:
                raise LookupError(f"未知的检索来源：{source}")
        except (KeyError, TypeError, ValueError, LookupError) as exc:
            bad.append((m, f"无效的消息内容：{exc}"))
            continue
        items.append((source, obj_id))
        good.append(m)
    now = timezone.now()
    try:
        if items:
            # PostgreSQL: a savepoint, so a failed write leaves the claimed batch usable.
            with transaction.atomic() if lock else nullcontext():
                apply(items, backend)
    except IndexBusy:  # not an attempt: whoever holds the writer delivers it, or the processor
        log.info("search index busy; %d message(s) left in the outbox", len(good))
        good = []
    except Exception as exc:  # the message stays pending and is retried
        log.exception("search outbox processing failed")
        for m in good:
            m.attempts += 1
            m.error = str(exc)[:2000]
        OutboxMessage.objects.bulk_update(good, ["attempts", "error"])
        good = []
    for m in good:
        m.processed_at = now
        m.attempts += 1
        m.error = ""
    for m, err in bad:
        m.attempts = MAX_ATTEMPTS
        m.error = err
    OutboxMessage.objects.bulk_update(
        good + [m for m, _ in bad], ["processed_at", "attempts", "error"]
    )
    return len(good)


def on_outbox_saved(sender: Any, instance: OutboxMessage, created: bool, **kwargs: Any) -> None:
    """post_save hook: deliver a new search message right after its transaction commits."""
    if not created or instance.topic != registry.TOPIC:
        return
    pk = instance.pk

    def deliver() -> None:
        try:
            with not_waiting():  # a web request: never hang on a rebuild's writer lock
                process_outbox(ids=[pk])
        except Exception:  # the command retries later
            log.warning("immediate search indexing failed; left in the outbox", exc_info=True)

    transaction.on_commit(deliver)


class RebuildInterrupted(KeyboardInterrupt):
    """Ctrl-C during a rebuild. `replaced` says whether the new index had already replaced the
    old one: before that, readers never saw any of it; after, only re-deliveries of messages
    written meanwhile were cut short, and they stay pending for the processor."""

    def __init__(self, *, replaced: bool) -> None:
        super().__init__()
        self.replaced = replaced


def rebuild(
    *,
    backend: SearchBackend | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
    on_busy: Callable[[], None] | None = None,
) -> int:
    """Re-index every public object of every source from the database, replacing the whole
    index in one commit (readers keep the old index until then). Pending outbox messages older
    than the start are marked done: the rebuild read the current state. `on_busy` is called
    before waiting for another writer of the index (another rebuild holds it for minutes)."""
    backend = backend or get_backend()
    sources = registry.all_sources()
    started = timezone.now()
    seen = _recent_messages(started)
    total = sum(s.count() for s in sources)
    done = 0

    def docs() -> Iterator[SearchDocument]:
        nonlocal done
        done = 0
        for source in sources:
            for doc in source.documents():
                yield doc
                done += 1
                if progress and done % 500 == 0:
                    progress(done, total)

    try:
        n = _replace_all(backend, docs, workers, on_busy)
    except KeyboardInterrupt:
        raise RebuildInterrupted(replaced=False) from None
    try:
        if progress:
            progress(n, total)
        _settle_outbox(backend, started, seen)
    except KeyboardInterrupt:
        raise RebuildInterrupted(replaced=True) from None
    return n


def _replace_all(
    backend: SearchBackend,
    docs: Callable[[], Iterator[SearchDocument]],
    workers: int,
    on_busy: Callable[[], None] | None,
) -> int:
    """backend.replace_all, first without waiting for the writer: an operator whose rebuild
    waited silently behind another one saw nothing for minutes. The engines take the writer
    before reading any document, so a busy writer has consumed nothing."""
    if on_busy is not None:
        try:
            with not_waiting():
                return backend.replace_all(docs(), workers=workers)
        except IndexBusy:
            on_busy()
    return backend.replace_all(docs(), workers=workers)


# Longer than any transaction that writes an outbox message stays open (a web request's
# seconds, an import's minutes): a message's created_at is when it was inserted, not committed.
OPEN_TRANSACTION_WINDOW = dt.timedelta(hours=1)


def _recent_messages(started: dt.datetime) -> set[int]:
    """The index messages of the last OPEN_TRANSACTION_WINDOW committed when a rebuild begins:
    their changes are in what it reads."""
    recent = OutboxMessage.objects.filter(
        topic=registry.TOPIC, created_at__gt=started - OPEN_TRANSACTION_WINDOW
    )
    return set(recent.values_list("pk", flat=True))


def _settle_outbox(backend: SearchBackend, started: dt.datetime, seen: set[int]) -> None:
    """After a rebuild that began at `started` (`seen`: _recent_messages then): messages
    committed before it began are done; the others are delivered again (see below)."""
    messages = OutboxMessage.objects.filter(topic=registry.TOPIC)
    # Changes committed while the rebuild ran may be missing from it (their object was read
    # before the change) — and on PostgreSQL their delivery went into the table the rebuild
    # has just replaced. That includes a change inserted before the rebuild began and
    # committed after (created_at says "older", and marking it done lost the change until
    # the next edit). Deliver them again, into the new index.
    recent = messages.filter(created_at__gt=started - OPEN_TRANSACTION_WINDOW)
    late = [pk for pk in recent.values_list("pk", flat=True) if pk not in seen]
    messages.filter(processed_at__isnull=True, created_at__lte=started).exclude(pk__in=late).update(
        processed_at=timezone.now()
    )
    messages.filter(pk__in=late).update(processed_at=None)
    while late and process_outbox(ids=late, backend=backend):
        pass


REBUILD_COMMAND = "python manage.py rebuild_search_index"


def rebuild_advice(backend: SearchBackend | None = None) -> str:
    """Why the index should be rebuilt now, for operators (the `search.W001` check, the
    dictionary page); "" when it need not be. An index written in an earlier INDEX_FORMAT
    (an upgrade) still serves, but lacks what the current code looks for; an empty index beside
    public documents (a new machine, a deleted VAR_DIR) finds nothing at all."""
    backend = backend or get_backend()
    if not backend.has_documents():
        public = sum(source.count() for source in registry.all_sources())
        if public:
            return f"检索索引是空的，而数据库中有 {public} 条公开信息，检索找不到它们：请运行 {REBUILD_COMMAND}。"
        return ""
    if backend.index_format() < INDEX_FORMAT:
        return (
            "检索索引由较早的版本建立，缺少当前版本检索所用的内容（如索引号后段码、文号的各种写法、"
            f"管理员添加的词语的拆分）：请运行一次 {REBUILD_COMMAND}。"
        )
    return ""
