"""发文字号 are stored as GB/T 9704 writes them — year in 〔〕, ASCII digits — whichever way
they were typed or imported, and numbers saved before that are tidied by a data migration."""

from __future__ import annotations

import importlib
import io
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.disclosure.conftest import make_pub, publish
from yangguang.core.models import AuditEvent, OutboxMessage
from yangguang.disclosure import services
from yangguang.disclosure.models import Mode, Publication

pytestmark = pytest.mark.django_db

TYPED = "示政办发[2026]13号"
TIDY = "示政办发〔2026〕13号"


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_console_create_stores_and_shows_the_standard_brackets(world: World) -> None:
    r = _client(world.editor_a).post(
        reverse("console:disclosure_create"),
        {
            "title": "关于做好春季农民工返岗就业服务的通知",
            "doc_number": "示政办发【２０２６】１３号",
            "written_on": "2026-03-02",
            "mode": Mode.PROACTIVE,
            "body_html": "<p>各乡镇：现就有关事项通知如下。</p>",
        },
    )
    assert r.status_code == 302
    pub = Publication.objects.get()
    assert pub.doc_number == TIDY
    publish(world, pub)
    html = Client().get(reverse("portal:disclosure_detail", args=[pub.index_number])).text
    assert TIDY in html and "【２０２６】" not in html


def test_update_tidies_and_the_duplicate_check_sees_both_spellings(world: World) -> None:
    first = make_pub(world, doc_number=TIDY)
    other = make_pub(world, doc_number="")
    result = services.publication_update(
        actor=world.editor_a, publication=other, data={"doc_number": TYPED}
    )
    other.refresh_from_db()
    assert other.doc_number == TIDY
    assert any(first.index_number in w for w in result.warnings)  # the same number, twice
    event = AuditEvent.objects.filter(action="publication.update", object_id=str(other.pk)).get()
    assert event.changes["doc_number"] == ["", TIDY]


def test_import_tidies_each_row(world: World) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(services.IMPORT_COLUMNS)
    ws.append(["关于A的通知", TYPED, "2025-01-05", "", "", "", "", "", "有效", "<p>正文</p>"])
    ws.append(["关于B的通知", TIDY, "2025-01-05", "", "", "", "", "", "有效", "<p>正文</p>"])
    buf = io.BytesIO()
    wb.save(buf)
    report = services.publications_import(
        actor=world.editor_a, body=world.body_a, data=buf.getvalue()
    )
    assert not report.errors and len(report.created) == 2
    assert set(Publication.objects.values_list("doc_number", flat=True)) == {TIDY}
    assert any("在表内重复" in w for _, w in report.warnings)


def test_console_list_finds_a_number_typed_with_square_brackets(world: World) -> None:
    pub = make_pub(world, doc_number=TIDY)
    other = make_pub(world, doc_number="示政办发〔2026〕14号")
    html = _client(world.editor_a).get(reverse("console:disclosure_drafts"), {"q": TYPED}).text
    assert pub.index_number in html and other.index_number not in html


def test_data_migration_tidies_stored_numbers_audits_and_queues_reindexing(
    world: World,
) -> None:
    policy = publish(world, make_pub(world, doc_number=TIDY))
    reading = publish(world, make_pub(world, title="政策解读", doc_number=""))
    reading.interprets.set([policy])
    untouched = make_pub(world, doc_number="示人社发〔2026〕3号")
    # Stored as typed before the service tidied numbers.
    Publication.objects.filter(pk=policy.pk).update(doc_number="示政办发［２０２６］13号")
    outbox_before = set(OutboxMessage.objects.values_list("pk", flat=True))

    migration = importlib.import_module("yangguang.disclosure.migrations.0008_tidy_doc_numbers")
    migration.tidy_doc_numbers(apps, None)

    policy.refresh_from_db()
    untouched.refresh_from_db()
    assert policy.doc_number == TIDY and untouched.doc_number == "示人社发〔2026〕3号"
    event = AuditEvent.objects.get(action="publication.doc_number_tidy")
    assert event.object_id == str(policy.pk) and event.body_id == world.body_a.pk
    assert event.changes == {"doc_number": ["示政办发［２０２６］13号", TIDY]}
    queued = OutboxMessage.objects.exclude(pk__in=outbox_before)
    assert sorted(m.payload["id"] for m in queued) == sorted([policy.pk, reading.pk])
    assert {m.topic for m in queued} == {"search.reindex"}
    # Run again (a re-run migration, or nothing left to do): no change, no rows.
    migration.tidy_doc_numbers(apps, None)
    assert AuditEvent.objects.filter(action="publication.doc_number_tidy").count() == 1
