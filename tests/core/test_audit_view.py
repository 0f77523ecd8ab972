"""Audit (issue 2, point 7): the console audit view for administrators and supervisors, scoped
to their subtree, with filters, pagination and xlsx export; and no code path edits or deletes
audit rows (model, queryset, Django admin)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib import admin
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import UserFactory, grant
from yangguang.core.audit import record
from yangguang.core.models import AuditEvent
from yangguang.orgs.models import Role

AUDIT = "/console/audit/"


@pytest.fixture
def events(world):  # type: ignore[no-untyped-def]
    """One event in body A (示范县), one in body B (东区), one in the township under 示范县,
    one outside any region (a login), on different days."""
    out = {}
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        out["a"] = record(
            actor=world.handler_a, action="case.accept", obj=world.body_a, body=world.body_a
        )
    with time_machine.travel(dt.datetime(2026, 3, 3, 2, 0, tzinfo=dt.UTC), tick=False):
        out["b"] = record(
            actor=world.handler_b, action="case.accept", obj=world.body_b, body=world.body_b
        )
    with time_machine.travel(dt.datetime(2026, 3, 4, 2, 0, tzinfo=dt.UTC), tick=False):
        out["t"] = record(
            actor=world.admin,
            action="body.change",
            obj=world.township_body,
            body=world.township_body,
            changes={"phone": ["", "0538-1"]},
        )
        out["login"] = record(actor=world.admin, action="auth.login", obj=world.admin)
    return out


def ids(response) -> set[int]:  # type: ignore[no-untyped-def]
    return {e.pk for e in response.context["page_obj"]}


def test_global_admin_sees_every_event(world, events, client: Client) -> None:
    client.force_login(world.admin)
    response = client.get(AUDIT)
    assert response.status_code == 200
    assert {e.pk for e in events.values()} <= ids(response)
    assert "审计日志" in response.content.decode()


def test_supervisor_sees_only_events_in_the_subtree(world, events, client: Client) -> None:
    client.force_login(world.county_supervisor)
    response = client.get(AUDIT)
    assert response.status_code == 200
    got = ids(response)
    assert events["a"].pk in got and events["t"].pk in got  # county and its township
    assert events["b"].pk not in got  # another county
    assert events["login"].pk not in got  # outside any region
    # Detail pages: same 404 for "not yours" and "missing".
    assert client.get(reverse("console:audit_detail", args=[events["a"].pk])).status_code == 200
    assert client.get(reverse("console:audit_detail", args=[events["b"].pk])).status_code == 404
    assert client.get(reverse("console:audit_detail", args=[999999])).status_code == 404


def test_region_admin_sees_only_the_region(world, events, client: Client) -> None:
    regional = grant(UserFactory(username="east_admin"), Role.ADMIN, region=world.county2)
    client.force_login(regional)
    got = ids(client.get(AUDIT))
    assert events["b"].pk in got
    assert not {events["a"].pk, events["t"].pk, events["login"].pk} & got


@pytest.mark.parametrize("who", ["handler_a", "head_a", "editor_a", "reviewer_a"])
def test_body_staff_cannot_see_the_audit_log(world, events, client: Client, who: str) -> None:
    client.force_login(getattr(world, who))
    assert client.get(AUDIT).status_code == 404
    assert client.get(reverse("console:audit_export")).status_code == 404
    assert client.get(reverse("console:audit_detail", args=[events["a"].pk])).status_code == 404


def test_anonymous_is_sent_to_login(world, events, client: Client) -> None:
    for url in [AUDIT, reverse("console:audit_export")]:
        response = client.get(url)
        assert response.status_code == 302 and "/console/login/" in response.url


FILTERS = [
    ({"who": "李承办"}, {"b"}),
    ({"who": "handler_a"}, {"a"}),
    ({"action": "case.accept"}, {"a", "b"}),
    ({"action": "auth."}, {"login"}),
    ({"object_type": "orgs.user"}, {"login"}),
    ({"date_from": "2026-03-03", "date_to": "2026-03-03"}, {"b"}),
    ({"date_from": "2026-03-04"}, {"t", "login"}),
]


@pytest.mark.parametrize(("params", "expected"), FILTERS)
def test_filters(world, events, client: Client, params, expected) -> None:
    client.force_login(world.admin)
    response = client.get(AUDIT, params)
    assert ids(response) == {events[k].pk for k in expected}


def test_body_filter(world, events, client: Client) -> None:
    client.force_login(world.admin)
    assert ids(client.get(AUDIT, {"body": world.body_b.pk})) == {events["b"].pk}


def test_supervisor_cannot_filter_by_a_body_outside_the_subtree(
    world, events, client: Client
) -> None:
    client.force_login(world.county_supervisor)
    response = client.get(AUDIT, {"body": world.body_b.pk})
    assert response.status_code == 200
    assert "所选机构不存在或不在您的查看范围内" in response.content.decode()
    assert ids(response) == set()


def test_bad_filter_values_are_explained(world, events, client: Client) -> None:
    client.force_login(world.admin)
    html = client.get(AUDIT, {"date_from": "2026-13-45"}).content.decode()
    assert "请输入有效日期" in html
    html = client.get(AUDIT, {"date_from": "2026-03-05", "date_to": "2026-03-01"}).content.decode()
    assert "开始日期不能晚于结束日期" in html
    assert client.get(AUDIT, {"page": "abc"}).status_code == 200


def test_pagination(world, client: Client) -> None:
    with transaction.atomic():
        for i in range(120):
            record(actor=world.admin, action="test.bulk", object_type="t", object_repr=str(i))
    client.force_login(world.admin)
    first = client.get(AUDIT, {"action": "test.bulk"})
    assert len(first.context["page_obj"]) == 50
    assert first.context["page_obj"].paginator.num_pages == 3
    third = client.get(AUDIT, {"action": "test.bulk", "page": 3})
    assert len(third.context["page_obj"]) == 20
    assert "action=test.bulk&amp;page=2" in first.content.decode()


def test_list_query_count_is_bounded(world, client: Client, django_assert_max_num_queries) -> None:
    with transaction.atomic():
        for _ in range(60):
            record(actor=world.handler_a, action="case.accept", body=world.body_a)
    client.force_login(world.admin)
    client.get(AUDIT)
    with django_assert_max_num_queries(14):
        client.get(AUDIT)


def test_export_xlsx_contains_the_filtered_rows_and_is_audited(
    world, events, client: Client
) -> None:
    client.force_login(world.county_supervisor)
    response = client.get(reverse("console:audit_export"), {"action": "case.accept"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "来源IP", "操作")
    assert len(rows) == 2  # header + body A's event; body B's is outside the subtree
    assert rows[1][1] == "张承办" and rows[1][7] == world.body_a.name
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor == world.county_supervisor and "导出 1 条" in export.object_repr


# --- append-only ----------------------------------------------------------------------------


def test_existing_rows_cannot_be_saved(world, events) -> None:
    event = events["a"]
    event.action = "tampered"
    with pytest.raises(PermissionError, match="审计记录不可修改"):
        event.save()


def test_rows_cannot_be_deleted(world, events) -> None:
    with pytest.raises(PermissionError, match="审计记录不可删除"):
        events["a"].delete()


def test_querysets_cannot_update_or_delete(world, events) -> None:
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=events["a"].pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=events["a"].pk).update(reason="x")
    assert AuditEvent.objects.filter(action="case.accept").count() == 2


def test_deleting_an_actor_is_refused_while_audit_rows_point_at_them(world, events) -> None:
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        world.handler_a.delete()


def test_django_admin_is_read_only_for_audit_rows(world, events, client: Client) -> None:
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/admin/core/auditevent/")
    for user in [world.admin, UserFactory(username="root", is_superuser=True)]:
        request.user = user
        assert model_admin.has_view_permission(request)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, events["a"])
        assert not model_admin.has_delete_permission(request, events["a"])
    client.force_login(world.admin)
    pk = events["a"].pk
    assert client.get(f"/admin/core/auditevent/{pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/core/auditevent/{pk}/change/", {"action": "x"}).status_code == 403
    assert client.post(f"/admin/core/auditevent/{pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/core/auditevent/add/").status_code == 403
    AuditEvent.objects.get(pk=pk, action="case.accept")


def test_record_captures_ip_from_the_request(world, client: Client) -> None:
    client.force_login(world.admin)
    client.post(reverse("console:logout"), REMOTE_ADDR="203.0.113.9")
    assert AuditEvent.objects.get(action="auth.logout").ip == "203.0.113.9"


def test_bulk_update_and_select_for_update_cannot_edit(world, events) -> None:
    event = events["a"]
    event.reason = "tampered"
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["reason"])
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.select_for_update().filter(pk=event.pk).update(reason="x")
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_the_database_refuses_to_edit_audit_rows(world, events) -> None:
    """Append-only in the database too (core migration 0004): raw SQL cannot rewrite a row on
    either database, nor delete one on PostgreSQL (SQLite keeps DELETE for Django's flush)."""
    from django.db import DatabaseError, connection, transaction

    pk = events["a"].pk
    refused = [("UPDATE core_auditevent SET action = 'tampered' WHERE id = %s", [pk])]
    if connection.vendor == "postgresql":
        refused.append(("DELETE FROM core_auditevent WHERE id = %s", [pk]))
    for sql, params in refused:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    assert AuditEvent.objects.get(pk=pk).action == events["a"].action
