"""Review workflow (DOMAIN.md §2, "谁发布谁审查、谁审查谁负责"), index numbers (Implementation
Guide: 前段码/后段码), validity, timeliness (条例 Art. 26) and the outbox for search."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.http import Http404

from tests.conftest import World
from tests.disclosure.conftest import make_pub, publish
from yangguang.core.models import AuditEvent, OutboxMessage, RuleSetting
from yangguang.disclosure import services
from yangguang.disclosure.models import (
    SCANNED_FIELDS,
    FindingStatus,
    Publication,
    State,
    Validity,
)
from yangguang.disclosure.selectors import publications_public, publications_visible_to
from yangguang.disclosure.services import DisclosureError
from yangguang.orgs.models import User

pytestmark = pytest.mark.django_db


def test_index_number_default_pattern_and_serial_per_body_and_year(world: World) -> None:
    a1 = make_pub(world)
    a2 = make_pub(world, doc_number="")
    a3 = make_pub(world, written_on=dt.date(2025, 12, 30))
    code = world.body_a.credit_code
    assert a1.index_number == f"{code}/2026-00001"
    assert a2.index_number == f"{code}/2026-00002"
    assert a3.index_number == f"{code}/2025-00001"
    assert re.fullmatch(r"[0-9A-Z]{18}/\d{4}-\d{5}", a1.index_number)


def test_index_number_pattern_is_configurable_per_region(world: World) -> None:
    RuleSetting.objects.create(
        scope_path=world.county.path,
        key="disclosure.index_pattern",
        value="{credit_code}/{year}{month:02d}-{serial:05d}",
    )
    pub = make_pub(world)
    assert pub.index_number == f"{world.body_a.credit_code}/202603-00001"


def test_index_number_never_changes_and_stays_reserved_after_withdraw(
    world: World, editor_b: object
) -> None:
    pub = publish(world, make_pub(world))
    number = pub.index_number
    pub = services.publication_withdraw(actor=world.reviewer_a, publication=pub, reason="内容有误")
    assert pub.state == State.WITHDRAWN and pub.index_number == number
    again = make_pub(world)
    assert again.index_number != number
    services.publication_update(
        actor=world.editor_a, publication=again, data={"written_on": dt.date(2025, 1, 5)}
    )
    again.refresh_from_db()
    assert again.index_number.endswith("2026-00002")


def test_full_workflow_events_and_outbox(world: World) -> None:
    pub = make_pub(world)
    assert pub.state == State.DRAFT and pub.drafter == world.editor_a
    pub = services.publication_submit(actor=world.editor_a, publication=pub)
    assert pub.state == State.SUBMITTED and pub.submission_count == 1
    pub = services.publication_return(actor=world.reviewer_a, publication=pub, reason="请补充附件")
    assert pub.state == State.RETURNED and pub.return_reason == "请补充附件"
    pub = services.publication_submit(actor=world.editor_a, publication=pub)
    pub = services.publication_approve(actor=world.reviewer_a, publication=pub)
    assert pub.state == State.APPROVED and pub.reviewer == world.reviewer_a
    assert not OutboxMessage.objects.filter(topic="search.reindex").exists()
    pub = services.publication_publish(actor=world.reviewer_a, publication=pub)
    assert pub.state == State.PUBLISHED and pub.published_on is not None
    assert (
        OutboxMessage.objects.filter(
            topic="search.reindex", payload={"source": "publication", "id": pub.pk}
        ).count()
        == 1
    )
    actions = list(
        AuditEvent.objects.filter(object_id=str(pub.pk), object_type="disclosure.publication")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "publication.create",
        "publication.submit",
        "publication.return",
        "publication.submit",
        "publication.approve",
        "publication.publish",
    ]
    assert publications_public().filter(pk=pub.pk).exists()


@pytest.mark.parametrize(
    ("state", "verb"),
    [
        (State.DRAFT, "approve"),
        (State.DRAFT, "publish"),
        (State.SUBMITTED, "publish"),
        (State.SUBMITTED, "submit"),
        (State.APPROVED, "submit"),
        (State.PUBLISHED, "approve"),
        (State.PUBLISHED, "submit"),
        (State.WITHDRAWN, "publish"),
        (State.DRAFT, "withdraw"),
    ],
)
def test_illegal_transitions_are_refused(world: World, state: State, verb: str) -> None:
    pub = make_pub(world)
    Publication.objects.filter(pk=pub.pk).update(state=state, reviewer=world.reviewer_a)
    pub.refresh_from_db()
    calls = {
        "approve": lambda: services.publication_approve(actor=world.reviewer_a, publication=pub),
        "publish": lambda: services.publication_publish(actor=world.reviewer_a, publication=pub),
        "submit": lambda: services.publication_submit(actor=world.editor_a, publication=pub),
        "withdraw": lambda: services.publication_withdraw(
            actor=world.reviewer_a, publication=pub, reason="x"
        ),
    }
    with pytest.raises(DisclosureError):
        calls[verb]()
    pub.refresh_from_db()
    assert pub.state == state


def test_reviewer_must_differ_from_drafter(world: World, editor_reviewer_a: object) -> None:
    pub = make_pub(world, actor=editor_reviewer_a)
    services.publication_submit(actor=editor_reviewer_a, publication=pub)  # type: ignore[arg-type]
    with pytest.raises(DisclosureError, match="审核人不能是起草人"):
        services.publication_approve(actor=editor_reviewer_a, publication=pub)  # type: ignore[arg-type]
    pub = services.publication_approve(actor=world.reviewer_a, publication=pub)
    assert pub.reviewer == world.reviewer_a


def test_return_and_withdraw_need_a_reason(world: World) -> None:
    pub = services.publication_submit(actor=world.editor_a, publication=make_pub(world))
    with pytest.raises(DisclosureError, match="理由"):
        services.publication_return(actor=world.reviewer_a, publication=pub, reason="  ")


def test_editor_cannot_approve_and_reviewer_cannot_create(world: World) -> None:
    pub = services.publication_submit(actor=world.editor_a, publication=make_pub(world))
    with pytest.raises(Http404):
        services.publication_approve(actor=world.editor_a, publication=pub)
    with pytest.raises(Http404):
        make_pub(world, actor=world.reviewer_a)


def test_editor_of_body_a_cannot_touch_body_b(world: World, editor_b: object) -> None:
    pub = make_pub(world)
    with pytest.raises(Http404):
        services.publication_update(
            actor=editor_b,
            publication=pub,
            data={"title": "改"},  # type: ignore[arg-type]
        )
    with pytest.raises(Http404):
        services.publication_submit(actor=editor_b, publication=pub)  # type: ignore[arg-type]
    with pytest.raises(Http404):
        make_pub(world, actor=world.editor_a, body=world.body_b)
    with pytest.raises(Http404):
        services.publication_submit(actor=world.county_supervisor, publication=pub)
    assert not publications_visible_to(editor_b).filter(pk=pub.pk).exists()
    assert publications_visible_to(world.county_supervisor).filter(pk=pub.pk).exists()
    assert not publications_visible_to(world.anonymous).exists()


def test_schedule_and_publish_due(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        pub = make_pub(world)
        services.publication_submit(actor=world.editor_a, publication=pub)
        services.publication_approve(actor=world.reviewer_a, publication=pub)
        at = dt.datetime(2026, 3, 11, 1, 0, tzinfo=dt.UTC)
        pub = services.publication_publish(actor=world.reviewer_a, publication=pub, at=at)
        assert pub.state == State.SCHEDULED
        assert services.publication_publish_due() == 0
        assert not publications_public().filter(pk=pub.pk).exists()
    with time_machine.travel(dt.datetime(2026, 3, 11, 2, 0, tzinfo=dt.UTC), tick=False):
        from django.core.management import call_command

        call_command("publish_due")
    pub.refresh_from_db()
    assert pub.state == State.PUBLISHED and pub.published_on == dt.date(2026, 3, 11)


@pytest.mark.parametrize(
    ("written_on", "published", "delay", "late"),
    [
        # 条例 Art. 26: 20 working days. 2026 国庆 10-01..10-07 off; 09-20 (Sun) worked.
        (dt.date(2026, 9, 1), dt.date(2026, 9, 29), 20, False),
        (dt.date(2026, 9, 1), dt.date(2026, 9, 30), 21, True),
        (dt.date(2026, 9, 15), dt.date(2026, 10, 15), 18, False),
        # Spring festival 2026: 02-15..02-23 off, 02-14 (Sat) and 02-28 (Sat) worked.
        (dt.date(2026, 2, 2), dt.date(2026, 3, 6), 20, False),
        (dt.date(2026, 2, 2), dt.date(2026, 3, 9), 21, True),
    ],
)
def test_timeliness_counts_working_days_with_2026_holidays(
    world: World, written_on: dt.date, published: dt.date, delay: int, late: bool
) -> None:
    assert services.timeliness(Publication(written_on=written_on), published) == (delay, late)
    noon = dt.datetime.combine(published, dt.time(4, 0), tzinfo=dt.UTC)
    with time_machine.travel(noon, tick=False):
        pub = publish(world, make_pub(world, written_on=written_on))
    assert (pub.delay_workdays, pub.is_late) == (delay, late)


def test_validity_revised_points_to_replacement(world: World) -> None:
    old = publish(world, make_pub(world))
    new = publish(world, make_pub(world, title="示范县就业补助资金管理办法（2026年修订）"))
    with pytest.raises(DisclosureError, match="修订后的文件"):
        services.publication_set_validity(
            actor=world.editor_a, publication=old, validity=Validity.REVISED
        )
    before = OutboxMessage.objects.count()
    old = services.publication_set_validity(
        actor=world.editor_a, publication=old, validity=Validity.REVISED, replaced_by=new
    )
    assert old.validity == Validity.REVISED and old.replaced_by == new
    assert old.validity_changed_on is not None
    assert OutboxMessage.objects.count() == before + 1


def test_future_written_on_and_unknown_category_are_refused(world: World) -> None:
    from yangguang.disclosure.models import CatalogueNode

    services.catalogue_ensure(world.body_b)
    other = CatalogueNode.objects.filter(body=world.body_b).first()
    with pytest.raises(DisclosureError) as exc:
        make_pub(world, written_on=dt.date(2999, 1, 1), category=other)
    assert "不能晚于今天" in exc.value.errors["written_on"][0]
    assert "未知的公开目录" in exc.value.errors["category"][0]
    assert not Publication.objects.exists()


def test_duplicate_doc_number_warns(world: World) -> None:
    make_pub(world)
    result = services.publication_create(
        actor=world.editor_a,
        body=world.body_a,
        data={
            "title": "另一份",
            "written_on": dt.date(2026, 3, 2),
            "doc_number": "示人社发〔2026〕3号",
        },
    )
    assert any("发文字号" in w for w in result.warnings)


def test_script_in_rich_text_is_stripped(world: World) -> None:
    result = services.publication_create(
        actor=world.editor_a,
        body=world.body_a,
        data={
            "title": "通知",
            "written_on": dt.date(2026, 3, 2),
            "body_html": '<p onclick="x()">正文<script>alert(1)</script><a href="javascript:alert(1)">链接</a></p>',
        },
    )
    html = result.publication.body_html
    assert "script" not in html and "onclick" not in html and "javascript" not in html
    assert "正文" in html
    assert any("脚本" in w for w in result.warnings)


def test_findings_must_be_resolved_before_approval(world: World) -> None:
    pub = make_pub(
        world,
        body_html="<p>联系人：张三，手机13812345678，邮箱 zhangsan@example.com。</p>",
    )
    pub = services.publication_submit(actor=world.editor_a, publication=pub)
    findings = list(pub.findings.order_by("id"))
    assert [f.kind for f in findings] == ["mobile", "email"]
    with pytest.raises(DisclosureError, match="未处理"):
        services.publication_approve(actor=world.reviewer_a, publication=pub)
    services.finding_resolve(actor=world.reviewer_a, finding=findings[0], action="mask")
    with pytest.raises(DisclosureError, match="理由"):
        services.finding_resolve(actor=world.reviewer_a, finding=findings[1], action="keep")
    services.finding_resolve(
        actor=world.reviewer_a, finding=findings[1], action="keep", reason="单位公开邮箱"
    )
    pub.refresh_from_db()
    assert "138****5678" in pub.body_html and "13812345678" not in pub.body_html
    assert set(pub.findings.values_list("status", flat=True)) == {
        FindingStatus.MASKED,
        FindingStatus.KEPT,
    }
    pub = services.publication_approve(actor=world.reviewer_a, publication=pub)
    assert pub.state == State.APPROVED


@pytest.mark.parametrize(
    ("field", "value", "kind", "masked"),
    [
        # Every text the public sees is checked, not only title, summary and body: 主题词 is
        # shown on the page and indexed by search (a walkthrough published a phone number there).
        ("keywords", "低保 13812345678", "mobile", "低保 138****5678"),
        ("keywords", "身份证110101199003078515", "id_number", "身份证110***********8515"),
        ("summary", "联系电话13812345678", "mobile", "联系电话138****5678"),
        ("title", "关于13812345678的通知", "mobile", "关于138****5678的通知"),
        ("doc_number", "示发〔2026〕13812345678号", "mobile", "示发〔2026〕138****5678号"),
    ],
)
def test_every_public_text_is_checked_and_masked_in_place(
    world: World, field: str, value: str, kind: str, masked: str
) -> None:
    pub = make_pub(world, **{field: value})
    pub = services.publication_submit(actor=world.editor_a, publication=pub)
    finding = pub.findings.get()
    assert (finding.kind, finding.field) == (kind, field)
    assert finding.field_label == SCANNED_FIELDS[field]
    with pytest.raises(DisclosureError, match="未处理"):
        services.publication_approve(actor=world.reviewer_a, publication=pub)
    services.finding_resolve(actor=world.reviewer_a, finding=finding, action="mask")
    pub.refresh_from_db()
    assert getattr(pub, field) == masked
    assert services.publication_approve(actor=world.reviewer_a, publication=pub).state == (
        State.APPROVED
    )


def test_the_reviewer_sees_keywords_and_summary(world: World) -> None:
    from django.test import Client

    pub = make_pub(world, keywords="就业 补助", summary="明确补助对象和标准")
    pub = services.publication_submit(actor=world.editor_a, publication=pub)
    c = Client()
    c.force_login(world.reviewer_a)
    html = c.get(f"/console/disclosure/{pub.pk}/").content.decode()
    assert "主题词" in html and "就业 补助" in html
    assert "内容概述" in html and "明确补助对象和标准" in html


def test_correcting_a_published_document_reindexes_and_rechecks(world: World) -> None:
    pub = publish(world, make_pub(world))
    with pytest.raises(Http404):  # editors cannot change what is published
        services.publication_update(actor=world.editor_a, publication=pub, data={"title": "改"})
    before = OutboxMessage.objects.count()
    services.publication_update(
        actor=world.reviewer_a, publication=pub, data={"summary": "更正：补充内容概述"}
    )
    assert OutboxMessage.objects.count() == before + 1
    with pytest.raises(DisclosureError, match="手机号码"):
        services.publication_update(
            actor=world.reviewer_a,
            publication=pub,
            data={"body_html": "<p>联系人手机13812345678</p>"},
        )
    pub.refresh_from_db()
    assert "13812345678" not in pub.body_html and pub.summary == "更正：补充内容概述"


def test_pdf_attachment_findings_cannot_be_masked_only_kept(world: World) -> None:
    # docx/xlsx findings are masked in the file (test_attachment_masking.py); a PDF's are not.
    from tests.disclosure.conftest import pdf_with_text
    from yangguang.disclosure.files import check_upload

    f = check_upload("名单.pdf", pdf_with_text("Zhang San 4111111111111111"), max_bytes=10**7)
    pub = services.publication_create(
        actor=world.editor_a,
        body=world.body_a,
        data={"title": "补贴发放名单", "written_on": dt.date(2026, 3, 2)},
        attachments=[f],
    ).publication
    pub = services.publication_submit(actor=world.editor_a, publication=pub)
    finding = pub.findings.get()
    assert finding.kind == "bank_card"
    with pytest.raises(DisclosureError, match="无法在线遮盖"):
        services.finding_resolve(actor=world.reviewer_a, finding=finding, action="mask")
    with pytest.raises(Http404):  # the drafter is not a reviewer
        services.finding_resolve(actor=world.editor_a, finding=finding, action="keep", reason="x")


def test_resubmission_runs_a_fresh_check(world: World) -> None:
    pub = make_pub(world, body_html="<p>电话13812345678</p>")
    pub = services.publication_submit(actor=world.editor_a, publication=pub)
    pub = services.publication_return(actor=world.reviewer_a, publication=pub, reason="删除电话")
    services.publication_update(
        actor=world.editor_a, publication=pub, data={"body_html": "<p>电话已删除</p>"}
    )
    pub = services.publication_submit(actor=world.editor_a, publication=pub)
    assert pub.submission_count == 2
    assert not services.open_findings(pub)
    assert (
        services.publication_approve(actor=world.reviewer_a, publication=pub).state
        == State.APPROVED
    )


@pytest.mark.parametrize(
    ("changed_on", "published", "delay", "late"),
    [
        # 条例 Art. 26: for changed information the 20 working days run from the change date.
        (dt.date(2026, 9, 1), dt.date(2026, 9, 29), 20, False),
        (dt.date(2026, 9, 1), dt.date(2026, 9, 30), 21, True),
        (None, dt.date(2026, 9, 29), 183, True),  # counted from 成文日期 2026-01-05
    ],
)
def test_timeliness_counts_from_the_change_date(
    world: World, changed_on: dt.date | None, published: dt.date, delay: int, late: bool
) -> None:
    noon = dt.datetime.combine(published, dt.time(4, 0), tzinfo=dt.UTC)
    with time_machine.travel(noon, tick=False):
        pub = publish(world, make_pub(world, written_on=dt.date(2026, 1, 5), changed_on=changed_on))
    assert (pub.delay_workdays, pub.is_late) == (delay, late)


def test_change_date_is_validated(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC), tick=False):
        with pytest.raises(DisclosureError) as exc:
            make_pub(world, written_on=dt.date(2026, 2, 2), changed_on=dt.date(2026, 1, 30))
        assert "变更日期不能早于成文日期" in str(exc.value)
        with pytest.raises(DisclosureError) as exc:
            make_pub(world, written_on=dt.date(2026, 2, 2), changed_on=dt.date(2026, 3, 3))
        assert "变更日期不能晚于今天" in str(exc.value)


def test_correcting_a_published_document_with_a_change_date_measures_the_change(
    world: World,
) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC), tick=False):
        pub = publish(world, make_pub(world, written_on=dt.date(2026, 2, 27)))
    assert pub.is_late is False
    # The information changed on 2026-04-01 but the correction went out on 2026-05-06:
    # 清明 04-04..04-06 and 劳动节 05-01..05-05 off → 21 working days, late.
    with time_machine.travel(dt.datetime(2026, 5, 6, 4, 0, tzinfo=dt.UTC), tick=False):
        services.publication_update(
            actor=world.reviewer_a, publication=pub, data={"changed_on": dt.date(2026, 4, 1)}
        )
    pub.refresh_from_db()
    assert pub.changed_on == dt.date(2026, 4, 1)
    assert (pub.delay_workdays, pub.is_late) == (
        services.current_calendar().workdays_between(dt.date(2026, 4, 1), dt.date(2026, 5, 6)),
        True,
    )


def test_linking_another_bodys_draft_answers_as_for_a_missing_number(
    world: World, editor_b: User
) -> None:
    draft = make_pub(world)
    with pytest.raises(DisclosureError) as exc:
        services.publication_create(
            actor=editor_b,
            body=world.body_b,
            data={"title": "政策解读", "written_on": dt.date(2026, 3, 2)},
            interprets=[draft],
        )
    assert exc.value.errors == {"interprets": [f"找不到索引号为 {draft.index_number} 的文件。"]}
