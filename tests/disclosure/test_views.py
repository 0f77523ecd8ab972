"""Console and portal pages: bad input kept in the form with Chinese errors, "cannot see it"
for every page, public pages show only published 主动公开 items, feeds parse."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

import feedparser
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from tests.disclosure.conftest import make_pub, publish
from yangguang.disclosure import services
from yangguang.disclosure.models import CatalogueNode, Mode, Publication, State, Validity

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def form_data(**over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "关于做好2026年春季农民工返岗就业服务的通知",
        "doc_number": "示人社发〔2026〕9号",
        "written_on": "2026-03-02",
        "mode": Mode.PROACTIVE,
        "body_html": "<p>各乡镇：现就有关事项通知如下。</p>",
    }
    data.update(over)
    return data


def docx_bytes(text: str) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_create_with_attachment_extracts_text_for_privacy_check(world: World) -> None:
    c = client_for(world.editor_a)
    att = SimpleUploadedFile("名单.docx", docx_bytes("联系人手机13912345678"))
    r = c.post(reverse("console:disclosure_create"), {**form_data(), "attachments": [att]})
    assert r.status_code == 302, r.content.decode()[:2000]
    pub = Publication.objects.get()
    assert pub.attachments.get().kind == "docx"
    assert "13912345678" in pub.attachments.get().text
    services.publication_submit(actor=world.editor_a, publication=pub)
    assert pub.findings.get().field.startswith("attachment:")


@pytest.mark.parametrize(
    ("over", "files", "message"),
    [
        ({"written_on": "2999-01-01"}, [], "成文日期不能晚于今天"),
        ({"category": "999999"}, [], "未知的公开目录"),
        ({}, [("通知.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100)], "内容与扩展名不符"),
        ({}, [("程序.exe", b"MZ\x90\x00")], "类型不允许"),
        ({}, [("大文件.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))], "过大"),
    ],
)
def test_create_bad_input_keeps_what_was_typed(
    world: World,
    settings: object,
    over: dict[str, str],
    files: list[tuple[str, bytes]],
    message: str,
) -> None:
    from yangguang.core.models import RuleSetting

    RuleSetting.objects.create(scope_path="", key="disclosure.attachment_max_mb", value=1)
    c = client_for(world.editor_a)
    data = form_data(**over)
    if files:
        data["attachments"] = [SimpleUploadedFile(n, b) for n, b in files]
    r = c.post(reverse("console:disclosure_create"), data)
    html = r.content.decode()
    assert r.status_code == 200
    assert message in html
    assert "关于做好2026年春季农民工返岗就业服务的通知" in html  # input kept
    assert not Publication.objects.exists()


def test_script_stripped_and_warned(world: World) -> None:
    c = client_for(world.editor_a)
    r = c.post(
        reverse("console:disclosure_create"),
        form_data(body_html="<p>正文</p><script>alert('x')</script>"),
        follow=True,
    )
    assert "不安全内容已被自动移除" in r.content.decode()
    assert "<script" not in Publication.objects.get().body_html


def test_console_pages_cannot_see_other_body(world: World, editor_b: object) -> None:
    pub = make_pub(world)
    for name in ["disclosure_detail", "disclosure_edit"]:
        assert (
            client_for(editor_b).get(reverse(f"console:{name}", args=[pub.pk])).status_code == 404
        )
    for name in [
        "disclosure_submit",
        "disclosure_approve",
        "disclosure_publish",
        "disclosure_withdraw",
    ]:
        r = client_for(editor_b).post(reverse(f"console:{name}", args=[pub.pk]), {"reason": "x"})
        assert r.status_code == 404
    r = Client().get(reverse("console:disclosure_detail", args=[pub.pk]))
    assert r.status_code == 302 and "login" in r["Location"]
    # the supervisor of the county reads but cannot act
    sup = client_for(world.county_supervisor)
    assert sup.get(reverse("console:disclosure_detail", args=[pub.pk])).status_code == 200
    assert sup.post(reverse("console:disclosure_submit", args=[pub.pk])).status_code == 404
    assert sup.get(reverse("console:disclosure_edit", args=[pub.pk])).status_code == 404
    pub.refresh_from_db()
    assert pub.state == State.DRAFT


def test_review_page_resolves_findings_and_publishes(world: World) -> None:
    pub = make_pub(world, body_html="<p>申请人李四，身份证号11010519491231002X。</p>")
    services.publication_submit(actor=world.editor_a, publication=pub)
    rc = client_for(world.reviewer_a)
    page = rc.get(reverse("console:disclosure_detail", args=[pub.pk])).content.decode()
    assert "【11010519491231002X】" in page and "遮盖为 110***********002X" in page
    assert "· 提交审查" in page and "publication.submit" not in page  # 办理记录 in Chinese
    assert pub in rc.get(reverse("console:disclosure_queue")).context["page_obj"].object_list
    # the editor's own queue does not contain it (reviewers only)
    assert client_for(world.editor_a).get(reverse("console:disclosure_queue")).status_code == 404
    f = pub.findings.get()
    rc.post(reverse("console:disclosure_finding", args=[pub.pk, f.pk]), {"action": "mask"})
    rc.post(reverse("console:disclosure_approve", args=[pub.pk]))
    page = rc.get(reverse("console:disclosure_detail", args=[pub.pk])).content.decode()
    assert "定时发布时间：</label>" in page and ":</label>" not in page  # full-width colon
    # A 定时发布 time already past publishes now, and the message says so.
    r = rc.post(
        reverse("console:disclosure_publish", args=[pub.pk]),
        {"at": "2020-01-01T10:00"},
        follow=True,
    )
    assert "所填定时发布时间已过，已立即发布" in r.content.decode()
    pub.refresh_from_db()
    assert pub.state == State.PUBLISHED and "110***********002X" in pub.body_html


def test_console_publish_refuses_a_time_years_ahead(world: World) -> None:
    pub = make_pub(world)
    services.publication_submit(actor=world.editor_a, publication=pub)
    services.publication_approve(actor=world.reviewer_a, publication=pub)
    r = client_for(world.reviewer_a).post(
        reverse("console:disclosure_publish", args=[pub.pk]),
        {"at": "9999-12-31T23:59"},
        follow=True,
    )
    assert "定时发布时间不能晚于一年以后" in r.content.decode()
    pub.refresh_from_db()
    assert pub.state == State.APPROVED and pub.scheduled_at is None


def test_timeliness_page_counts_late_items(world: World) -> None:
    pub = publish(world, make_pub(world, written_on=dt.date(2025, 1, 2)))
    assert pub.is_late
    r = client_for(world.county_supervisor).get(reverse("console:disclosure_timeliness"))
    assert r.status_code == 200
    rows = list(r.context["rows"])
    assert rows[0]["late"] == 1 and rows[0]["body__name"] == world.body_a.name
    assert (
        client_for(world.handler_b).get(reverse("console:disclosure_timeliness")).status_code == 404
    )


def test_public_pages_show_only_published_proactive(world: World) -> None:
    draft = make_pub(world, title="草稿不可见")
    hidden = publish(world, make_pub(world, title="依申请公开不可见", mode=Mode.ON_REQUEST))
    shown = publish(world, make_pub(world, title="公开可见的通知"))
    c = Client()
    assert c.get(reverse("portal:disclosure_detail", args=[draft.index_number])).status_code == 404
    assert c.get(reverse("portal:disclosure_detail", args=[hidden.index_number])).status_code == 404
    r = c.get(reverse("portal:disclosure_detail", args=[shown.index_number]))
    html = r.content.decode()
    assert r.status_code == 200
    for label in [
        "索引号",
        "主题分类",
        "发文机关",
        "成文日期",
        "标题",
        "发文字号",
        "发布日期",
        "主题词",
        "有效性",
    ]:
        assert label in html
    assert c.get(reverse("portal:disclosure_print", args=[shown.index_number])).status_code == 200
    listing = c.get(reverse("portal:disclosure_list")).content.decode()
    assert "公开可见的通知" in listing and "不可见" not in listing
    body_page = c.get(reverse("portal:disclosure_body", args=[world.body_a.credit_code]))
    assert "公开可见的通知" in body_page.content.decode()
    assert f"/foi/apply/?body={world.body_a.credit_code}" in body_page.content.decode()
    assert c.get(reverse("portal:disclosure_platform")).status_code == 200
    assert (
        c.get(reverse("portal:disclosure_guide", args=[world.body_a.credit_code])).status_code
        == 200
    )
    services.publication_withdraw(actor=world.reviewer_a, publication=shown, reason="有误")
    assert c.get(reverse("portal:disclosure_detail", args=[shown.index_number])).status_code == 410


def _withdrawn(world: World, how: str) -> Publication:
    pub = make_pub(world, title="含有误登个人信息的通知")
    if how == "draft":
        return pub
    pub = services.publication_submit(actor=world.editor_a, publication=pub)
    pub = services.publication_approve(actor=world.reviewer_a, publication=pub)
    later = timezone.now() + dt.timedelta(days=3)
    at = later if how == "scheduled" else None
    pub = services.publication_publish(actor=world.reviewer_a, publication=pub, at=at)
    if how in ("published", "scheduled"):
        pub = services.publication_withdraw(
            actor=world.reviewer_a, publication=pub, reason="误登了申请人的身份证号码"
        )
    return pub


@pytest.mark.parametrize("page", ["portal:disclosure_detail", "portal:disclosure_print"])
@pytest.mark.parametrize(
    ("how", "status"),
    [
        # Once public, then withdrawn: its address says so (410), naming the body and the date.
        ("published", 410),
        # Withdrawn before its scheduled time, or never published: it never was public.
        ("scheduled", 404),
        ("draft", 404),
    ],
)
def test_a_withdrawn_document_address_says_it_was_withdrawn(
    world: World, page: str, how: str, status: int
) -> None:
    pub = _withdrawn(world, how)
    r = Client().get(reverse(page, args=[pub.index_number]))
    html = r.content.decode()
    assert r.status_code == status
    # Never the title or the reason: a document is withdrawn for what it disclosed.
    assert "含有误登个人信息的通知" not in html and "身份证号码" not in html
    if status == 410:
        assert "本信息已撤回" in html and world.body_a.name in html
        assert pub.index_number in html
        assert timezone.localdate(pub.withdrawn_at).strftime("%Y年") in html
        assert f"/foi/apply/?body={world.body_a.credit_code}" in html
    else:
        assert "本信息已撤回" not in html


def test_list_filters(world: World) -> None:
    services.catalogue_ensure(world.body_a)
    node = CatalogueNode.objects.get(body=world.body_a, name="行政规范性文件")
    a = publish(world, make_pub(world, title="规范性文件甲", category=node))
    publish(world, make_pub(world, title="其他乙"))
    services.publication_set_validity(
        actor=world.editor_a, publication=a, validity=Validity.REPEALED
    )
    c = Client()
    url = reverse("portal:disclosure_list")
    assert [p.title for p in c.get(url, {"category": node.pk}).context["page_obj"]] == [
        "规范性文件甲"
    ]
    assert [p.title for p in c.get(url, {"validity": "repealed"}).context["page_obj"]] == [
        "规范性文件甲"
    ]
    assert len(c.get(url, {"year": "2019"}).context["page_obj"]) == 0
    assert len(c.get(url, {"body": world.body_b.credit_code}).context["page_obj"]) == 0


def test_revised_banner_and_interpretation_links_both_ways(world: World) -> None:
    policy = publish(world, make_pub(world, title="示范县就业补助资金管理办法"))
    new = publish(world, make_pub(world, title="示范县就业补助资金管理办法（修订）"))
    reading = services.publication_create(
        actor=world.editor_a,
        body=world.body_a,
        data={"title": "《示范县就业补助资金管理办法》政策解读", "written_on": dt.date(2026, 3, 2)},
        interprets=[policy],
    ).publication
    publish(world, reading)
    services.publication_set_validity(
        actor=world.editor_a, publication=policy, validity=Validity.REVISED, replaced_by=new
    )
    c = Client()
    html = c.get(reverse("portal:disclosure_detail", args=[policy.index_number])).content.decode()
    assert "本文件已修订" in html and new.index_number in html
    assert "政策解读" in html
    html2 = c.get(reverse("portal:disclosure_detail", args=[reading.index_number])).content.decode()
    assert "示范县就业补助资金管理办法" in html2 and policy.index_number in html2


def test_feeds_parse(world: World) -> None:
    services.catalogue_ensure(world.body_a)
    node = CatalogueNode.objects.get(body=world.body_a, name="公示公告", parent=None)
    publish(world, make_pub(world, title="公示：2026年就业见习基地名单", category=node))
    make_pub(world, title="草稿不进订阅")
    c = Client()
    for url in [
        reverse("portal:disclosure_body_rss", args=[world.body_a.credit_code]),
        reverse("portal:disclosure_body_atom", args=[world.body_a.credit_code]),
        reverse("portal:disclosure_category_rss", args=[node.pk]),
        reverse("portal:disclosure_category_atom", args=[node.pk]),
    ]:
        r = c.get(url)
        assert r.status_code == 200
        ET.fromstring(r.content)  # noqa: S314  (our own feed: well-formed XML)
        parsed = feedparser.parse(r.content)
        assert not parsed.bozo, parsed.bozo_exception
        assert [e.title for e in parsed.entries] == ["公示：2026年就业见习基地名单"]
    assert c.get(reverse("portal:disclosure_body_rss", args=["NOPE"])).status_code == 404


def test_attachment_download_visibility(world: World) -> None:
    from yangguang.disclosure.files import check_upload

    f = check_upload("a.pdf", b"%PDF-1.4\n%%EOF", max_bytes=10**6)
    pub = services.publication_create(
        actor=world.editor_a,
        body=world.body_a,
        data={"title": "附件测试", "written_on": dt.date(2026, 3, 2)},
        attachments=[f],
    ).publication
    att = pub.attachments.get()
    url = reverse("portal:disclosure_file", args=[att.pk])
    assert Client().get(url).status_code == 404
    assert client_for(world.editor_a).get(url).status_code == 200
    publish(world, pub)
    assert Client().get(url).status_code == 200
    page = Client().get(reverse("portal:disclosure_detail", args=[pub.index_number]))
    assert url in page.content.decode()


def test_joint_document_lists_every_issuer(world: World) -> None:
    pub = services.publication_create(
        actor=world.editor_a,
        body=world.body_a,
        data={"title": "联合发文", "written_on": dt.date(2026, 3, 2)},
        issuers=[world.body_b],
    ).publication
    publish(world, pub)
    html = (
        Client().get(reverse("portal:disclosure_detail", args=[pub.index_number])).content.decode()
    )
    assert world.body_a.name in html and world.body_b.name in html
    single = publish(world, make_pub(world, title="单独发文"))
    html = (
        Client()
        .get(reverse("portal:disclosure_detail", args=[single.index_number]))
        .content.decode()
    )
    assert world.body_a.name in html and world.body_b.name not in html


@pytest.mark.parametrize(
    "query",
    [
        {"page": "9" * 5000},
        {"page": "²"},
        {"category": "9" * 5000},
        {"category": "99999999999999999999"},
        {"year": "²０２６"},
        {"theme": "x" * 300},
        {"body": "<script>"},
        {"validity": "nope"},
    ],
)
def test_public_list_survives_odd_parameters(world: World, query: dict[str, str]) -> None:
    assert Client().get(reverse("portal:disclosure_list"), query).status_code == 200
    assert Client().get("/api/v1/publications", query).status_code in {200, 422}


def test_issuers_with_a_huge_id_is_a_form_error_and_keeps_the_draft(world: World) -> None:
    """QA F9: a 25-digit body id in 联合发文机关 overflowed the database lookup (a 500)."""
    r = client_for(world.editor_a).post(
        reverse("console:disclosure_create"), form_data(issuers=["9" * 25])
    )
    assert r.status_code == 200
    assert "关于做好2026年春季农民工返岗就业服务的通知" in r.content.decode()
    assert not Publication.objects.exists()


def test_validity_checks_access_first_and_replacements_must_be_published(
    world: World, editor_b: object
) -> None:
    """QA F5: another body's staff get the same 404 as for a missing document, before any
    form checking; a draft (of any body) cannot be named as the replacing document."""
    policy = publish(world, make_pub(world))
    draft = make_pub(
        world, title="关于修订就业补助资金管理办法的通知", doc_number="示人社发〔2026〕8号"
    )
    url = reverse("console:disclosure_validity", args=[policy.pk])
    missing = reverse("console:disclosure_validity", args=[10**9])
    other = client_for(editor_b)
    assert other.post(url, {"validity": "bad"}).status_code == 404
    assert other.post(missing, {"validity": "bad"}).status_code == 404

    c = client_for(world.reviewer_a)
    c.post(url, {"validity": Validity.REVISED, "replaced_by": draft.index_number})
    policy.refresh_from_db()
    assert policy.validity == Validity.VALID and policy.replaced_by is None

    publish(world, draft)
    c.post(
        url, {"validity": Validity.REVISED, "replaced_by": draft.index_number, "on": "2026-04-01"}
    )
    policy.refresh_from_db()
    assert policy.validity == Validity.REVISED and policy.replaced_by == draft


def test_public_metadata_shows_the_change_date(world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 9, 29, 4, 0, tzinfo=dt.UTC), tick=False):
        pub = publish(
            world,
            make_pub(world, written_on=dt.date(2026, 1, 5), changed_on=dt.date(2026, 9, 1)),
        )
    html = Client().get(f"/disclosure/doc/{pub.index_number}").content.decode()
    assert "变更日期 2026年9月1日" in html


def test_publication_form_lists_each_class_with_its_own_subclasses(world: World) -> None:
    """公开目录 and 主题分类 read as trees: a sub-entry directly after its parent or a sibling
    (their sort numbers restart under each parent, which interleaved them)."""
    from yangguang.disclosure.forms import PublicationForm

    services.catalogue_ensure(world.body_a)
    form = PublicationForm(body=world.body_a)
    for field, sep in (("category", " / "), ("theme", "/")):
        labels = [str(label) for value, label in form.fields[field].choices if value]
        assert any(sep in label for label in labels), field
        for before, label in zip(labels, labels[1:], strict=False):
            if sep in label:
                parent = label.split(sep)[0]
                assert before == parent or before.startswith(parent + sep), (field, label)


def test_a_refused_correction_keeps_the_saved_title_in_the_heading_and_the_typed_one_in_the_form(
    world: World,
) -> None:
    from yangguang.core.models import AuditEvent, OutboxMessage

    pub = publish(world, make_pub(world))
    saved_title = pub.title
    outbox_before = OutboxMessage.objects.count()
    r = client_for(world.reviewer_a).post(
        reverse("console:disclosure_edit", args=[pub.pk]),
        form_data(title="更正后的新标题", body_html="<p>联系人手机13812345678</p>"),
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert "手机号码" in html and "撤回后重新提交审核" in html
    assert f"<h1>修改：{saved_title}</h1>" in html  # what is published, not what was refused
    assert "更正后的新标题" not in html.split("<form", 1)[0]
    assert 'value="更正后的新标题"' in html and "13812345678" in html  # the input is kept
    pub.refresh_from_db()
    assert pub.title == saved_title and "13812345678" not in pub.body_html
    assert not AuditEvent.objects.filter(action="publication.update").exists()
    assert OutboxMessage.objects.count() == outbox_before
