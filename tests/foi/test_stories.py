"""Story tests under frozen time, one per path, with due dates across the 2026 holidays:
Spring Festival 02-15..02-23 off with 02-14 (Sat) and 02-28 (Sat) worked; National Day
10-01..10-07 off with 09-20 (Sun) and 10-10 (Sat) worked (DOMAIN.md §1, §3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404

from tests.foi.conftest import person, register
from yangguang.core.models import AuditEvent, OutboxMessage
from yangguang.foi import services as s
from yangguang.foi.models import Application, EventKind, FeeStatus, State
from yangguang.foi.services import FoiError

D = dt.date


def kinds(app: Application) -> list[str]:
    return list(app.events.order_by("on", "id").values_list("kind", flat=True))


def notes(app: Application) -> list[str]:
    return [
        m.payload["kind"]
        for m in OutboxMessage.objects.filter(topic="foi.notify").order_by("id")
        if m.payload["application"] == app.number
    ]


def test_plain_reply_within_20_working_days_across_spring_festival(world: Any, frozen: Any) -> None:
    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5), assign=False)
    # 20 working days from Thu 02-05 (day 0): 02-14 (Sat) worked, 02-15..23 off, 02-28 worked.
    assert app.due_on == D(2026, 3, 11)
    assert app.state == State.RECEIVED and app.outcome == ""
    assert app.number.startswith("YSQ-2026-")
    app = s.application_assign(actor=world.head_a, application=app, handler=world.handler_a)
    frozen(D(2026, 3, 10))
    app = s.application_reply(
        actor=world.handler_a, application=app, outcome="disclose", released="养老保险基金收支表"
    )
    app.refresh_from_db()
    assert (app.state, app.outcome, app.replied_on, app.replied_late) == (
        State.REPLIED,
        "disclose",
        D(2026, 3, 10),
        False,
    )
    assert kinds(app) == ["registered", "assigned", "replied"]
    assert notes(app) == ["received", "replied"]
    actions = set(AuditEvent.objects.filter(object_id=str(app.pk)).values_list("action", flat=True))
    assert {
        "foi.application.register",
        "foi.application.assign",
        "foi.application.reply",
    } <= actions


def test_correction_then_reply_restarts_across_national_day(world: Any, frozen: Any) -> None:
    frozen(D(2026, 9, 15))
    app = register(world, D(2026, 9, 15))
    assert app.due_on == D(2026, 10, 19)
    frozen(D(2026, 9, 18))
    app = s.correction_request(
        actor=world.handler_a, application=app, items="请写明所需文件的年份和名称", period_days=10
    )
    assert app.last_warnings == []
    assert app.state == State.CORRECTION
    assert app.due_on is None  # the clock waits for the corrected application
    # 10 working days from 09-18: 09-20 (Sun) worked, 09-25 (中秋) and 10-01..07 off.
    assert app.correction_due_on == D(2026, 10, 9)
    frozen(D(2026, 9, 29))
    app = s.correction_receive(actor=world.handler_a, application=app)
    app.refresh_from_db()
    # New day 0 = 09-29: 09-30, 10-08, 10-09, 10-10 (Sat, worked) … 11-02.
    assert app.state == State.PROCESSING
    assert app.due_on == D(2026, 11, 2)
    frozen(D(2026, 10, 30))
    s.application_reply(
        actor=world.handler_a,
        application=app,
        outcome="refuse_6",
        reason="属于讨论记录等过程性信息",
    )
    app.refresh_from_db()
    assert app.state == State.REPLIED and not app.replied_late
    assert notes(app) == ["received", "correction", "correction_received", "replied"]


def test_late_correction_notice_is_warned(world: Any, frozen: Any) -> None:
    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5))
    frozen(D(2026, 2, 25))
    app = s.correction_request(actor=world.handler_a, application=app, items="补充申请人身份证明")
    # 7 working days from 02-05 end on 02-14 (the worked Saturday).
    assert len(app.last_warnings) == 1 and "2026-02-14" in app.last_warnings[0]
    ev = app.events.get(kind=EventKind.CORRECTION_REQUESTED)
    assert ev.data["warnings"] == app.last_warnings
    with pytest.raises(FoiError, match="只能发出一次"):
        s.correction_request(actor=world.handler_a, application=app, items="再补充一次材料")


def test_correction_never_answered_proposes_other_1(world: Any, frozen: Any) -> None:
    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5))
    frozen(D(2026, 2, 10))
    app = s.correction_request(
        actor=world.handler_a, application=app, items="请明确所需信息的范围", period_days=5
    )
    # 5 working days from 02-10: 11, 12, 13, 14 (Sat worked), 24.
    assert app.correction_due_on == D(2026, 2, 24)
    frozen(D(2026, 2, 24))
    assert s.propose_lapses() == []
    with pytest.raises(FoiError, match="尚未届满"):
        s.correction_lapse(actor=world.handler_a, application=app)
    frozen(D(2026, 2, 25))
    assert s.propose_lapses() == [app.number]
    app.refresh_from_db()
    assert app.proposed_outcome == "other_1" and app.state == State.CORRECTION
    s.application_close(actor=world.handler_a, application=app)
    app.refresh_from_db()
    assert (app.state, app.outcome) == (State.TERMINATED, "other_1")
    assert kinds(app)[-2:] == ["correction_lapsed", "closed"]


def test_extension_once_with_head_approval(world: Any, frozen: Any) -> None:
    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5))
    frozen(D(2026, 3, 5))
    with pytest.raises(Http404):  # only the head approves
        s.application_extend(actor=world.handler_a, application=app, days=20, reason="需调档")
    with pytest.raises(FoiError, match="20 个工作日"):
        s.application_extend(actor=world.head_a, application=app, days=21, reason="需调档")
    app = s.application_extend(actor=world.head_a, application=app, days=20, reason="需调取档案")
    app.refresh_from_db()
    assert app.due_on == D(2026, 4, 9) and app.extended
    ev = app.events.get(kind=EventKind.EXTENDED)
    assert ev.data["approved_by"] == "王负责" and ev.data["days"] == 20
    assert notes(app)[-1] == "extended"
    with pytest.raises(FoiError, match="只能延长一次"):
        s.application_extend(actor=world.head_a, application=app, days=5, reason="再延")


def test_third_party_consultation_pauses_clock(world: Any, frozen: Any) -> None:
    frozen(D(2026, 9, 15))
    app = register(world, D(2026, 9, 15))
    frozen(D(2026, 9, 18))
    app = s.consultation_start(actor=world.handler_a, application=app, party="示范建设有限公司")
    app.refresh_from_db()
    assert app.state == State.CONSULTING and app.due_on is None
    ev = app.events.get(kind=EventKind.CONSULTATION_STARTED)
    # The third party has 15 working days (Art. 32): 09-20 worked, 09-25 and 10-01..07 off,
    # 10-10 worked.
    assert ev.data["answer_due"] == "2026-10-15"
    frozen(D(2026, 9, 29))
    app = s.consultation_end(actor=world.handler_a, application=app, answer="object")
    app.refresh_from_db()
    # Paused working days 09-20 (Sun, worked), 09-21..24, 09-28, 09-29 = 7 → 10-19 + 7.
    assert app.due_on == D(2026, 10, 28)
    assert app.state == State.PROCESSING


def test_fee_paid_stops_and_resumes_clock(world: Any, frozen: Any) -> None:
    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5))
    frozen(D(2026, 2, 10))
    notice = s.fee_notice(actor=world.handler_a, application=app, method="per_page", units=150)
    assert notice.amount == 1700  # 70 × 10 + 50 × 20
    assert notice.pay_by == D(2026, 3, 16)
    app.refresh_from_db()
    assert app.state == State.FEE and app.due_on is None
    with pytest.raises(FoiError, match="尚未缴费"):
        s.application_reply(actor=world.handler_a, application=app, outcome="disclose")
    frozen(D(2026, 2, 26))
    s.fee_paid(actor=world.handler_a, application=app)
    app.refresh_from_db()
    # Not counted: 02-11, 12, 13, 14 (Sat worked), 24, 25, 26 = 7 → 03-11 + 7 = 03-20.
    assert app.due_on == D(2026, 3, 20) and app.state == State.PROCESSING
    with pytest.raises(FoiError, match="只能发出一次收费通知"):
        s.fee_notice(actor=world.handler_a, application=app, method="per_item", units=40)


def test_fee_unpaid_proposes_other_2(world: Any, frozen: Any) -> None:
    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5))
    frozen(D(2026, 2, 10))
    s.fee_notice(actor=world.handler_a, application=app, method="per_page", units=31)
    frozen(D(2026, 3, 16))
    assert s.propose_lapses() == []
    frozen(D(2026, 3, 17))
    assert s.propose_lapses() == [app.number]
    app.refresh_from_db()
    assert app.proposed_outcome == "other_2"
    assert app.fee_notices.get().status == FeeStatus.LAPSED
    s.application_close(actor=world.handler_a, application=app)
    app.refresh_from_db()
    assert (app.state, app.outcome) == (State.TERMINATED, "other_2")


def test_fee_clock_does_not_stop_when_configured(world: Any, frozen: Any) -> None:
    from yangguang.core.models import RuleSetting

    RuleSetting.objects.create(scope_path=world.county.path, key="foi.fee_stops_clock", value=False)
    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5))
    frozen(D(2026, 2, 10))
    s.fee_notice(actor=world.handler_a, application=app, method="per_page", units=31)
    app.refresh_from_db()
    assert app.due_on == D(2026, 3, 11)


def test_per_item_fee_counts_the_month_across_applications(world: Any, frozen: Any) -> None:
    frozen(D(2026, 3, 2))
    first = register(world, D(2026, 3, 2))
    Application.objects.filter(pk=first.pk).update(item_count=34)
    other_body_same_person = s.application_register(
        actor=world.handler_b, body=world.body_b, data=person(), channel="in_person"
    ).application
    Application.objects.filter(pk=other_body_same_person.pk).update(item_count=50)
    frozen(D(2026, 3, 20))
    second = register(world, D(2026, 3, 20))
    notice = s.fee_notice(actor=world.handler_a, application=second, method="per_item", units=1)
    # The 35th item this month at body A costs 200 元; body B's items do not count.
    assert (notice.prior_units, notice.amount) == (34, 200)
    frozen(D(2026, 4, 1))
    april = register(world, D(2026, 4, 1))
    with pytest.raises(FoiError, match="0 元"):
        s.fee_notice(actor=world.handler_a, application=april, method="per_item", units=1)


@pytest.mark.parametrize(
    ("method", "units", "prior", "message"),
    [
        ("per_page", 10_001, 0, "最多 10000 件（页）"),
        ("per_item", 10_001, 0, "最多 10000 件（页）"),
        ("per_page", 9223372036854775807, 0, "最多 10000 件（页）"),
        ("per_item", 10**20, 0, "最多 10000 件（页）"),
        # Within the bound, but the applicant's earlier items this month price it beyond
        # what the amount column holds.
        ("per_item", 10_000, 300_000, "金额过大"),
    ],
)
def test_fee_notice_refuses_sizes_it_cannot_store(
    world: Any, frozen: Any, method: str, units: int, prior: int, message: str
) -> None:
    frozen(D(2026, 3, 2))
    if prior:
        earlier = register(world, D(2026, 3, 2))
        Application.objects.filter(pk=earlier.pk).update(item_count=prior)
    app = register(world, D(2026, 3, 2))
    with pytest.raises(FoiError, match=message) as exc:
        s.fee_notice(actor=world.handler_a, application=app, method=method, units=units)
    assert "units" in exc.value.errors
    app.refresh_from_db()
    assert app.state == State.PROCESSING and not app.fee_notices.exists()
    assert app.item_count != units  # the refused notice left nothing behind


def test_fee_notice_at_the_bound_is_issued(world: Any, frozen: Any) -> None:
    frozen(D(2026, 3, 2))
    app = register(world, D(2026, 3, 2))
    notice = s.fee_notice(actor=world.handler_a, application=app, method="per_page", units=10_000)
    assert notice.amount == 70 * 10 + 100 * 20 + 9_800 * 40


def test_late_reply_is_recorded_as_late(world: Any, frozen: Any) -> None:
    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5))
    frozen(D(2026, 3, 12))
    s.application_reply(
        actor=world.handler_a,
        application=app,
        outcome="partial",
        reason="部分内容涉及个人隐私",
        withheld="第 3 页中的身份证号码，涉及个人隐私（条例第十五条）",
    )
    app.refresh_from_db()
    assert app.replied_late and app.state == State.REPLIED
    assert app.events.get(kind=EventKind.REPLIED).data["late"] is True


@pytest.mark.parametrize(
    ("channel", "submitted", "confirmed", "received"),
    [
        ("in_person", None, None, D(2026, 2, 13)),
        ("in_person", D(2026, 2, 11), None, D(2026, 2, 11)),  # the day submitted
        ("in_person", D(2026, 2, 11), D(2026, 2, 11), D(2026, 2, 11)),
        ("in_person", None, D(2026, 2, 12), D(2026, 2, 12)),  # only one date filled in
        ("registered_post", D(2026, 2, 9), D(2026, 2, 12), D(2026, 2, 12)),
        ("ordinary_mail", D(2026, 2, 9), D(2026, 2, 13), D(2026, 2, 13)),
        ("online", D(2026, 2, 10), D(2026, 2, 11), D(2026, 2, 11)),
        ("fax", D(2026, 2, 10), D(2026, 2, 10), D(2026, 2, 10)),
    ],
)
def test_receipt_date_by_channel_art_31(
    world: Any, frozen: Any, channel: str, submitted: Any, confirmed: Any, received: dt.date
) -> None:
    frozen(D(2026, 2, 13))
    app = s.application_register(
        actor=world.handler_a,
        body=world.body_a,
        data=person(),
        channel=channel,
        submitted_on=submitted,
        confirmed_on=confirmed,
    ).application
    assert app.received_on == received


def test_in_person_with_another_confirmation_date_is_refused_art_31(
    world: Any, frozen: Any
) -> None:
    """条例 Art. 31: in person, the day submitted is the day received. A later confirmation
    date would give a later deadline than the law allows: refused, not preferred."""
    frozen(D(2026, 11, 18))
    with pytest.raises(FoiError) as exc:
        s.application_register(
            actor=world.handler_a,
            body=world.body_a,
            data=person(),
            channel="in_person",
            submitted_on=D(2026, 11, 16),
            confirmed_on=D(2026, 11, 18),
        )
    assert "以提交之日为收到申请之日" in exc.value.errors["confirmed_on"]


def test_post_without_signing_date_is_refused(world: Any, frozen: Any) -> None:
    frozen(D(2026, 2, 13))
    with pytest.raises(FoiError) as exc:
        s.application_register(
            actor=world.handler_a, body=world.body_a, data=person(), channel="registered_post"
        )
    assert "签收" in exc.value.errors["confirmed_on"]


def test_recompute_after_calendar_change(world: Any, frozen: Any) -> None:
    from yangguang.core.models import CalendarOverride

    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5))
    CalendarOverride.objects.create(day=D(2026, 3, 9), is_workday=False, name="本地假日")
    assert s.recompute_open() == 1
    app.refresh_from_db()
    assert app.due_on == D(2026, 3, 12)
