"""发文字号 saved before the service tidied them (示政办发[2026]13号, full-width digits) are
rewritten as GB/T 9704 writes them (示政办发〔2026〕13号) — the same function the service applies
to every save, so old and new numbers look alike on public pages, feeds and exports.

Each change gets an audit row and a `search.reindex` outbox message (for the publication and the
政策解读 citing it): the search index keeps its own copy of the number, and a migration does not
go through the service that would have queued these. `process_search_outbox` (or the next
`rebuild_search_index`, which `make run` does anyway) then shows the tidied number in results.
"""

from typing import Any

from django.db import migrations
from django.utils import timezone

from yangguang.core.text import tidy_number

BATCH = 500


def tidy_doc_numbers(apps: Any, schema_editor: Any) -> None:
    Publication = apps.get_model("disclosure", "Publication")
    AuditEvent = apps.get_model("core", "AuditEvent")
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    changes: dict[int, tuple[str, str]] = {}
    rows = Publication.objects.exclude(doc_number="").values_list("pk", "doc_number")
    for pk, number in rows.iterator(chunk_size=2000):
        tidied = tidy_number(number)
        if tidied != number:
            changes[pk] = (number, tidied)
    ids = sorted(changes)
    now = timezone.now()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        pubs = list(Publication.objects.filter(pk__in=chunk).select_related("body__region"))
        for pub in pubs:
            pub.doc_number = changes[pub.pk][1]
        Publication.objects.bulk_update(pubs, ["doc_number"])
        AuditEvent.objects.bulk_create(
            AuditEvent(
                at=now,
                actor=None,
                actor_name="系统（数据迁移）",
                action="publication.doc_number_tidy",
                object_type="disclosure.publication",
                object_id=str(pub.pk),
                object_repr=pub.title[:300],
                body_id=pub.body_id,
                region_path=pub.body.region.path,
                changes={"doc_number": list(changes[pub.pk])},
                reason="发文字号年份括号统一为〔〕、全角数字改为半角（GB/T 9704）",
            )
            for pub in pubs
        )
        readers = Publication.interprets.through.objects.filter(
            to_publication_id__in=chunk
        ).values_list("from_publication_id", flat=True)
        OutboxMessage.objects.bulk_create(
            OutboxMessage(topic="search.reindex", payload={"source": "publication", "id": pk})
            for pk in sorted(set(chunk) | set(readers))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_tracking_failure_window"),
        ("disclosure", "0007_publication_changed_on"),
    ]

    operations = [migrations.RunPython(tidy_doc_numbers, migrations.RunPython.noop)]
