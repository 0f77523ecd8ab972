"""Public form, receipt, tracking, console pages and the permission matrix (every endpoint gets
a "cannot see it" test)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from tests.foi.conftest import VALID_ID, register
from yangguang.foi import services as s
from yangguang.foi.models import Application, State

D = dt.date


def form_data(world: Any, **over: Any) -> dict[str, Any]:
    data = {
        "body": world.body_a.pk,
        "token": "t" * 32,
        "applicant_kind": "person",
        "applicant_name": "王小明",
        "id_type": "resident",
        "id_number": VALID_ID,
        "phone": "13800138000",
        "email": "wxm@example.cn",
        "address": "示范县城关镇",
        "description": "请公开 2025 年度城乡居民养老保险基金收支情况",
        "delivery": "email",
        "form": "electronic",
    }
    data.update(over)
    return data


def test_apply_submit_receipt_once_and_double_click(
    world: Any, client: Client, frozen: Any
) -> None:
    frozen(D(2026, 2, 5))
    page = client.get(f"/foi/apply/?body={world.body_a.credit_code}")
    assert page.status_code == 200 and world.body_a.name in page.content.decode()
    assert "公开指南" in page.content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page.content.decode()).group(1)  # type: ignore[union-attr]
    r1 = client.post("/foi/apply/", form_data(world, token=token))
    r2 = client.post("/foi/apply/", form_data(world, token=token))  # double click
    assert r1.status_code == r2.status_code == 302
    assert Application.objects.count() == 1
    app = Application.objects.get()
    assert (app.channel, app.received_on, app.due_on) == ("online", D(2026, 2, 5), D(2026, 3, 11))
    receipt = client.get(r1["Location"]).content.decode()
    code = re.search(r'id="query-code">([A-Z0-9]+)<', receipt).group(1)  # type: ignore[union-attr]
    assert app.number in receipt and "王*" in receipt and VALID_ID not in receipt
    again = client.get(r1["Location"]).content.decode()
    assert app.number in again and code not in again  # the code is shown once
    # tracking with number + code
    bad = client.post("/foi/track/", {"number": app.number, "code": "WRONG123"})
    assert "不正确" in bad.content.decode()
    ok = client.post("/foi/track/", {"number": app.number, "code": code})
    assert ok.status_code == 302
    detail = client.get(ok["Location"]).content.decode()
    assert "已收到" in detail and "2026-03-11" in detail and "王小明" not in detail
    assert "请公开 2025 年度城乡居民养老保险基金收支情况" in detail  # what was asked for


@pytest.mark.parametrize(
    ("over", "field_msg"),
    [
        ({"phone": "", "email": "", "address": "", "delivery": "pickup"}, "至少填写一种联系方式"),
        ({"id_number": "370921199001011235"}, "校验位错误"),
        ({"description": "养老金"}, "过于简单"),
        ({"applicant_kind": "org", "credit_code": ""}, "统一社会信用代码"),
        ({"delivery": "email", "email": ""}, "请填写电子邮箱"),
    ],
)
def test_apply_bad_input_keeps_what_was_typed(
    world: Any, client: Client, over: dict[str, Any], field_msg: str
) -> None:
    r = client.post("/foi/apply/", form_data(world, **over))
    html = r.content.decode()
    assert r.status_code == 200
    assert field_msg in html
    assert "王小明" in html  # what the citizen typed is kept
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    ("over", "shown"),
    [
        # Nothing chosen or typed: every rule that does not depend on the applicant type.
        (
            {
                "body": "",
                "applicant_kind": "",
                "applicant_name": "",
                "id_number": "",
                "phone": "",
                "email": "",
                "address": "",
                "delivery": "pickup",
                "description": "",
            },
            ["请选择", "请至少填写一种联系方式", "过于简单"],
        ),
        # The type chosen, the body not: the type's own rules too (name, ID number).
        (
            {"body": "", "applicant_name": "", "id_number": "", "description": ""},
            ["请填写", "证件号码", "过于简单"],
        ),
    ],
)
def test_apply_shows_every_error_at_once(
    world: Any, client: Client, over: dict[str, Any], shown: list[str]
) -> None:
    """One submission lists every problem: not the body and type first, the rest after."""
    html = client.post("/foi/apply/", form_data(world, **over)).content.decode()
    for text in shown:
        assert text in html, text
    assert Application.objects.count() == 0


def test_apply_form_marks_what_the_rules_require(client: Client, world: Any) -> None:
    """条例 Art. 29: name, ID number (person) or credit code (organisation), a description and
    one way of contact. The form marks them, not only its own required choices."""
    html = client.get("/foi/apply/").content.decode()
    for label in (
        "姓名/名称",
        "证件号码（自然人）",
        "统一社会信用代码（组织）",
        "所需信息的内容描述",
    ):
        assert re.search(re.escape(label) + r' <span aria-hidden="true">\*</span>', html), label
    assert "用途（选填） <span" not in html
    assert "至少填写一项" in html


def test_tracking_pages_need_the_code(world: Any, client: Client, frozen: Any) -> None:
    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5))
    assert client.get(f"/foi/track/{app.number}/").status_code == 404
    assert client.get(f"/foi/track/{app.number}/reply/").status_code == 404


def test_reply_document_html_and_docx(world: Any, client: Client, frozen: Any) -> None:
    frozen(D(2026, 2, 5))
    res = s.application_register(
        actor=world.head_a,
        body=world.body_a,
        data=__import__("tests.foi.conftest").foi.conftest.person(),
        channel="in_person",
    )
    app = res.application
    s.application_reply(
        actor=world.head_a, application=app, outcome="refuse_4", reason="涉及第三方商业秘密"
    )
    client.post("/foi/track/", {"number": app.number, "code": res.code})
    html = client.get(f"/foi/track/{app.number}/reply/").content.decode()
    assert "政府信息公开申请答复书" in html and "第十五条" in html and "王小明" not in html
    docx = client.get(f"/foi/track/{app.number}/reply.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    client.force_login(world.head_a)
    staff = client.get(f"/console/foi/{app.pk}/reply/").content.decode()
    assert "王小明" in staff


@pytest.fixture
def app_a(world: Any, frozen: Any) -> Application:
    frozen(D(2026, 2, 5))
    return register(world, D(2026, 2, 5))


@pytest.mark.parametrize(
    "url",
    [
        "/console/foi/{pk}/",
        "/console/foi/{pk}/reply/",
    ],
)
def test_other_body_handler_gets_404(
    world: Any, client: Client, app_a: Application, url: str
) -> None:
    client.force_login(world.handler_b)
    assert client.get(url.format(pk=app_a.pk)).status_code == 404


def test_permission_matrix_console(world: Any, client: Client, app_a: Application) -> None:
    # handler_b: not in their queue, 404 on detail and on actions
    client.force_login(world.handler_b)
    assert app_a.number not in client.get("/console/foi/").content.decode()
    r = client.post(f"/console/foi/{app_a.pk}/do/reply/", {"outcome": "disclose"})
    assert r.status_code == 404
    # supervisor: reads (masked), cannot act
    client.force_login(world.county_supervisor)
    queue = client.get("/console/foi/").content.decode()
    assert app_a.number in queue and "王*" in queue
    detail = client.get(f"/console/foi/{app_a.pk}/").content.decode()
    assert "王小明" not in detail and VALID_ID not in detail and "已脱敏" in detail
    assert 'action="/console/foi/' not in detail
    r = client.post(f"/console/foi/{app_a.pk}/do/reply/", {"outcome": "disclose"})
    assert r.status_code == 404
    app_a.refresh_from_db()
    assert app_a.state == State.PROCESSING and app_a.outcome == ""
    # handler_a (assigned): sees personal data on detail, masked in the list
    client.force_login(world.handler_a)
    assert "王小明" in client.get(f"/console/foi/{app_a.pk}/").content.decode()
    assert "王小明" not in client.get("/console/foi/").content.decode()
    # editor of the same body: not FOI staff
    client.force_login(world.editor_a)
    assert client.get(f"/console/foi/{app_a.pk}/").status_code == 404
    # anonymous: login
    client.logout()
    assert client.get(f"/console/foi/{app_a.pk}/").status_code == 302


def test_console_actions_and_errors(
    world: Any, client: Client, app_a: Application, frozen: Any
) -> None:
    client.force_login(world.handler_a)
    r = client.post(f"/console/foi/{app_a.pk}/do/reply/", {"outcome": "refuse_1", "reason": ""})
    assert r.status_code == 400 and "须写明理由" in r.content.decode()
    r = client.post(
        f"/console/foi/{app_a.pk}/do/reply/",
        {"outcome": "disclose", "on": "2026-02-04"},
    )
    assert "不能早于收到申请的日期" in r.content.decode()
    client.force_login(world.head_a)
    r = client.post(f"/console/foi/{app_a.pk}/do/extend/", {"days": 25, "reason": "调档"})
    assert "20 个工作日" in r.content.decode()
    r = client.post(f"/console/foi/{app_a.pk}/do/extend/", {"days": 20, "reason": "调档"})
    assert r.status_code == 302
    r = client.post(f"/console/foi/{app_a.pk}/do/extend/", {"days": 5, "reason": "再次"})
    assert "只能延长一次" in r.content.decode()
    r = client.post(f"/console/foi/{app_a.pk}/do/assign/", {"handler": world.handler_a.pk})
    assert r.status_code == 302
    app_a.refresh_from_db()
    assert app_a.handler == world.handler_a and app_a.due_on == D(2026, 4, 9)
    page = client.get(f"/console/foi/{app_a.pk}/").content.decode()
    assert "剩余" in page and 'id="closed-on"' not in page
    # Answered: the page says when, not how many working days are left.
    client.force_login(world.handler_a)
    r = client.post(f"/console/foi/{app_a.pk}/do/reply/", {"outcome": "disclose"})
    assert r.status_code == 302
    page = client.get(f"/console/foi/{app_a.pk}/").content.decode()
    assert "剩余" not in page and "已答复：" in page and "答复期限 2026-04-09" in page


def test_queue_calendar_export_register(
    world: Any, client: Client, app_a: Application, frozen: Any
) -> None:
    frozen(D(2026, 3, 10))
    client.force_login(world.head_a)
    q = client.get("/console/foi/?light=red").content.decode()
    assert app_a.number in q and "light-red" in q
    assert app_a.number not in client.get("/console/foi/?light=green").content.decode()
    cal = client.get("/console/foi/calendar/?year=2026&month=3").content.decode()
    assert "1</strong> 件到期" in cal
    x = client.get("/console/foi/export.xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    page = client.get("/console/foi/register/")
    assert page.status_code == 200
    r = client.post(
        "/console/foi/register/",
        {**form_data(world), "channel": "registered_post", "submitted_on": "2026-03-05"},
    )
    assert "签收" in r.content.decode()
    r = client.post(
        "/console/foi/register/",
        {**form_data(world), "channel": "registered_post", "confirmed_on": "2026-03-09"},
    )
    assert "查询密码" in r.content.decode()
    assert Application.objects.filter(received_on=D(2026, 3, 9)).count() == 1


@pytest.mark.parametrize(
    ("dates", "text"),
    [
        ({"channel": "in_person", "submitted_on": "2001-06-01"}, "提交/寄出日期超出范围"),
        ({"channel": "in_person", "submitted_on": "0001-01-01"}, "提交/寄出日期超出范围"),
        ({"channel": "registered_post", "confirmed_on": "1999-12-31"}, "签收/确认收到日期超出范围"),
    ],
)
def test_register_form_refuses_dates_before_the_calendar(
    world: Any, client: Client, frozen: Any, dates: dict[str, str], text: str
) -> None:
    frozen(D(2026, 3, 10))
    client.force_login(world.head_a)
    r = client.post("/console/foi/register/", {**form_data(world), **dates})
    assert r.status_code == 200
    assert f"{text}：只能填写 2004—2100 年的日期。" in r.content.decode()
    assert Application.objects.count() == 0


def test_supervisor_region_view_sorted_by_urgency(world: Any, client: Client, frozen: Any) -> None:
    frozen(D(2026, 2, 2))
    older = register(world, D(2026, 2, 2))
    frozen(D(2026, 2, 5))
    newer = register(world, D(2026, 2, 5))
    client.force_login(world.county_supervisor)
    html = client.get("/console/foi/").content.decode()
    assert html.index(older.number) < html.index(newer.number)
    assert "辖区各机关未办结申请" in html and world.body_a.name in html
    assert client.get("/console/foi/register/").status_code == 404


def test_released_files_on_reply_and_tracking(
    world: Any, client: Client, frozen: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.foi.conftest import person

    settings.MEDIA_ROOT = str(tmp_path)
    frozen(D(2026, 2, 5))
    res = s.application_register(
        actor=world.head_a, body=world.body_a, data=person(), channel="in_person"
    )
    app = s.application_assign(
        actor=world.head_a, application=res.application, handler=world.handler_a
    )
    client.force_login(world.handler_a)
    r = client.post(
        f"/console/foi/{app.pk}/do/attach/",
        {"file": SimpleUploadedFile("evil.exe", b"MZ")},
    )
    assert r.status_code == 400 and "只能上传" in r.content.decode()
    r = client.post(
        f"/console/foi/{app.pk}/do/attach/",
        {"file": SimpleUploadedFile("收支表.pdf", b"%PDF-1.4 demo")},
    )
    assert r.status_code == 302
    s.application_reply(actor=world.handler_a, application=app, outcome="disclose")
    fid = app.files.get().pk
    assert client.get(f"/console/foi/{app.pk}/files/{fid}/").status_code == 200
    client.force_login(world.handler_b)
    assert client.get(f"/console/foi/{app.pk}/files/{fid}/").status_code == 404
    client.logout()
    assert client.get(f"/foi/track/{app.number}/files/{fid}/").status_code == 404
    client.post("/foi/track/", {"number": app.number, "code": res.code})
    page = client.get(f"/foi/track/{app.number}/").content.decode()
    assert "收支表.pdf" in page
    got = client.get(f"/foi/track/{app.number}/files/{fid}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 demo"
    doc = client.get(f"/foi/track/{app.number}/reply/").content.decode()
    assert "附件：收支表.pdf" in doc


def test_review_case_record_and_decide_in_console(
    world: Any, client: Client, app_a: Application
) -> None:
    s.application_reply(
        actor=world.handler_a, application=app_a, outcome="reject_2", reason="重复申请相同信息"
    )
    client.force_login(world.handler_a)
    r = client.post(
        f"/console/foi/{app_a.pk}/do/review/",
        {"kind": "litigation_direct", "filed_on": "2026-02-05", "result": "pending"},
    )
    assert r.status_code == 302
    case = app_a.review_cases.get()
    page = client.get(f"/console/foi/{app_a.pk}/").content.decode()
    assert "登记结果" in page
    r = client.post(
        f"/console/foi/{app_a.pk}/do/decide/",
        {"case": case.pk, "result": "corrected", "decided_on": "2026-02-05"},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert (case.result, case.decided_on) == ("corrected", D(2026, 2, 5))
    client.force_login(world.county_supervisor)
    assert "登记结果" not in client.get(f"/console/foi/{app_a.pk}/").content.decode()
    assert "行政诉讼" in client.get("/console/foi/reviews/").content.decode()


def test_body_picker_hint_shows_the_opening_of_the_bodys_guide(world: Any, client: Client) -> None:
    """Issue 5 point 1: region-wide form with a body picker and a hint from the body's 公开指南
    (条例 Art. 10: apply to the body that made or keeps the information)."""
    from yangguang.disclosure.services import guide_update

    guide_update(
        actor=world.editor_a,
        body=world.body_a,
        html_text="<h2>一、受理机构</h2><p>本局办公室负责受理政府信息公开申请，地址：示范县人民路1号。</p>",
    )
    r = client.get("/foi/apply/guide-hint/", {"body": world.body_a.pk})
    html = r.content.decode()
    assert r.status_code == 200
    assert "本局办公室负责受理政府信息公开申请" in html
    assert f"/disclosure/body/{world.body_a.credit_code}/guide/" in html
    # Unknown or hostile ids give an empty fragment, not an error.
    for bad in ["", "abc", "²", str(10**30), "999999"]:
        r = client.get("/foi/apply/guide-hint/", {"body": bad})
        assert r.status_code == 200 and "公开指南" not in r.content.decode()
    # A form for one body shows the hint without JavaScript.
    page = client.get("/foi/apply/", {"body": world.body_a.credit_code}).content.decode()
    assert "本局办公室负责受理政府信息公开申请" in page
    # After a failed submission the chosen body's hint is still there.
    page = client.post("/foi/apply/", {"body": world.body_a.pk}).content.decode()
    assert "本局办公室负责受理政府信息公开申请" in page


def test_handler_sees_only_applications_assigned_to_them(
    world: Any, client: Client, intake_a: Any, frozen: Any
) -> None:
    """Queue, detail, reply, export and API list: a 承办人 sees the applications assigned to
    them; 受理员 and 负责人 see every one of the body (foi.access ASSIGNED_ONLY)."""
    from tests.foi.test_api import bearer

    frozen(D(2026, 2, 5))
    mine = register(world, D(2026, 2, 5))
    other = register(world, D(2026, 2, 5), assign=False)
    client.force_login(world.handler_a)
    queue = client.get("/console/foi/").content.decode()
    assert mine.number in queue and other.number not in queue
    assert "作为承办人，您看到的是分配给您的申请" in queue
    assert 'id="f-handler"' not in queue  # no 承办人 filter: 未分配 would always be empty
    assert client.get(f"/console/foi/{mine.pk}/").status_code == 200
    for url in (f"/console/foi/{other.pk}/", f"/console/foi/{other.pk}/reply/"):
        assert client.get(url).status_code == 404
    r = client.post(f"/console/foi/{other.pk}/do/reply/", {"outcome": "disclose"})
    assert r.status_code == 404
    export = _xlsx_cells(client.get("/console/foi/export.xlsx").content)
    assert mine.number in export and other.number not in export
    api = client.get("/api/v1/foi/staff/applications", **bearer(world.handler_a)).json()
    assert [a["number"] for a in api["items"]] == [mine.number]
    for user in (intake_a, world.head_a):
        client.force_login(user)
        queue = client.get("/console/foi/").content.decode()
        assert mine.number in queue and other.number in queue
        assert "分配给您的申请" not in queue and 'id="f-handler"' in queue
    # Assigned now: the handler sees it, masked in the list, in full on the detail page.
    s.application_assign(actor=intake_a, application=other, handler=world.handler_a)
    client.force_login(world.handler_a)
    assert other.number in client.get("/console/foi/").content.decode()
    assert "王小明" in client.get(f"/console/foi/{other.pk}/").content.decode()


def _xlsx_cells(content: bytes) -> set[str]:
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(content), read_only=True).active
    return {str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None}


def test_detail_offers_only_the_steps_the_state_allows(
    world: Any, client: Client, frozen: Any
) -> None:
    """The services refuse a step in the wrong state (ACTION_STATES); the page does not offer
    it either — no 收到补正材料 before a notice, no second notice (条例 Art. 30: one), no 登记缴费
    before a fee notice, no second extension (Art. 33)."""
    frozen(D(2026, 2, 5))
    app = register(world, D(2026, 2, 5))
    client.force_login(world.head_a)

    def offered() -> set[str]:
        page = client.get(f"/console/foi/{app.pk}/").content.decode()
        return set(re.findall(r'id="action-([a-z_]+)"', page))

    received = offered()
    page = client.get(f"/console/foi/{app.pk}/").content.decode()
    option = re.search(rf'<option value="{world.handler_a.pk}"[^>]*>([^<]+)<', page)
    assert option and option.group(1) == world.handler_a.get_full_name()  # a name, not a login
    assert {"correction_request", "extend", "consultation_start", "fee_notice", "reply"} <= received
    assert not received & {"correction_receive", "consultation_end", "fee_paid"}
    s.correction_request(actor=world.head_a, application=app, items="补充申请人身份证明")
    in_correction = offered()
    assert "correction_receive" in in_correction
    assert not in_correction & {"correction_request", "fee_notice", "consultation_start"}
    s.correction_receive(actor=world.head_a, application=app)
    s.application_extend(actor=world.head_a, application=app, days=10, reason="需调取档案")
    assert "extend" not in offered() and "correction_request" not in offered()
    s.fee_notice(actor=world.head_a, application=app, method="per_item", units=20)
    in_fee = offered()
    assert "fee_paid" in in_fee and "fee_notice" not in in_fee
    s.fee_paid(actor=world.head_a, application=app)
    assert "fee_notice" not in offered() and "fee_paid" not in offered()  # one notice only


def test_console_home_counts_what_waits(world: Any, client: Client, frozen: Any) -> None:
    """工作台: the open applications the user sees and the overdue ones (Art. 33), each linking
    to the queue; a 承办人 counts only what is assigned to them."""
    frozen(D(2026, 2, 5))
    register(world, D(2026, 2, 5))  # assigned to handler_a
    register(world, D(2026, 2, 5), assign=False)
    frozen(D(2026, 3, 31))  # both past their 20 working days
    register(world, D(2026, 3, 31), assign=False)

    def tiles(user: Any) -> dict[str, tuple[int, str]]:
        client.force_login(user)
        html = client.get("/console/").content.decode()
        found = re.findall(r'<a href="([^"]+)"><strong>(\d+)</strong> ([^<]+)</a>', html)
        return {label: (int(n), url.replace("&amp;", "&")) for url, n, label in found}

    head = tiles(world.head_a)
    assert head["件依申请公开申请未办结"] == (3, "/console/foi/")
    assert head["件已超过答复期限"] == (2, "/console/foi/?light=overdue")
    handler = tiles(world.handler_a)
    assert handler["件依申请公开申请未办结"][0] == 1 and handler["件已超过答复期限"][0] == 1
    assert "条公开信息待审查" in tiles(world.reviewer_a)
    assert "件依申请公开申请未办结" not in tiles(world.editor_a)
