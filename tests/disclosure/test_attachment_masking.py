"""Masking privacy findings inside docx/xlsx attachments (DOMAIN.md §2, 保密审查: "Personal
information (ID numbers, phone numbers, bank cards …) must not leak into published text").

The classic leak is a 低保/补贴 recipient list published as an .xlsx, or a .docx table, with full
ID numbers and phones. The reviewer's 遮盖 rewrites the stored file: every occurrence of the
finding's text becomes its masked form, the file's sha256/size/path/extracted text follow, the old
file is deleted after commit, and the change is audited. What cannot be masked completely is
refused with the file untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.http import Http404
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.disclosure.conftest import pdf_with_text
from yangguang.core.models import AuditEvent
from yangguang.disclosure import services
from yangguang.disclosure.files import check_upload, extract_text, mask_in_file
from yangguang.disclosure.models import Attachment, FindingStatus, PrivacyFinding, Publication
from yangguang.disclosure.privacy import scan
from yangguang.disclosure.services import DisclosureError
from yangguang.orgs.models import User

ID_A = "11010519491231002X"  # GB 11643-1999 Appendix example
ID_B = "440524198001010013"
PHONE_A = 13812345678
PHONE_B = "13912345678"
MASKED = {
    ID_A: "110***********002X",
    ID_B: "440***********0013",
    str(PHONE_A): "138****5678",
    PHONE_B: "139****5678",
}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


# -- files built in the test ----------------------------------------------------------------------


def xlsx_recipients(phone_cell: Any = PHONE_A) -> bytes:
    """A 补贴 recipient list: ID numbers as text cells (as Excel stores them), a phone typed as a
    number, a second sheet repeating one ID number, a formula and a bold header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "身份证号", "联系电话", "补贴金额（元）"])
    ws.append(["张三", ID_A, phone_cell, 1200])
    ws.append(["李四", ID_B, PHONE_B, 800.5])
    ws.append(["合计", None, None, "=SUM(D2:D3)"])
    ws.append(["订单号", "2138123456789012"])  # holds 13812345678 glued to digits: not a phone
    ws["A1"].font = openpyxl.styles.Font(bold=True)
    ws.column_dimensions["B"].width = 24
    ws["C2"].number_format = "0"
    other = wb.create_sheet("复核")
    other.append(["复核人", "身份证号"])
    other.append(["王五", ID_A])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def docx_notice() -> bytes:
    """A notice whose ID number is split across two runs (the first bold), with a table holding
    the same ID number and another one, a nested table and a header with a phone number."""
    d = docx.Document()
    p = d.add_paragraph("申请人身份证号：")
    p.add_run(ID_A[:12]).bold = True
    p.add_run(f"{ID_A[12:]}，联系电话{PHONE_A}。")
    d.add_paragraph("订单号2138123456789012。")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "姓名"
    table.cell(0, 1).text = "身份证号"
    table.cell(1, 0).text = "张三"
    table.cell(1, 1).text = ID_A
    table.cell(1, 0).add_table(rows=1, cols=1).cell(0, 0).text = f"李四 {ID_B}"
    d.add_table(rows=1, cols=1).cell(0, 0).text = f"复核 {ID_B}"
    d.sections[0].header.paragraphs[0].text = f"联系电话 {PHONE_A}"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def patch_first_sheet(data: bytes, pattern: bytes, repl: bytes) -> bytes:
    """Edit the first sheet's XML: what openpyxl does not write (cached formula results,
    numbers in exponent notation as other programs write them)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            part = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                part, n = re.subn(pattern, repl, part)
                assert n == 1
            dst.writestr(item, part)
    return out.getvalue()


def xlsx_phone_as_double() -> bytes:
    """The phone stored as <v>1.3812345678E10</v>: openpyxl reads the float 13812345678.0, whose
    str() — and so the extracted text — is "13812345678.0"."""
    return patch_first_sheet(xlsx_recipients(), rb"<v>13812345678</v>", rb"<v>1.3812345678E10</v>")


def xlsx_formula_only() -> bytes:
    """The phone number exists only as a formula's cached result (="138"&"12345678"): the
    extracted text shows it, but no cell holds it to rewrite."""
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["张三", '="138"&"12345678"'])
    buf = io.BytesIO()
    wb.save(buf)
    return patch_first_sheet(
        buf.getvalue(), rb"(<c r=\"B2\"[^>]*><f>.*?</f>)<v\s*/?>(</v>)?", rb"\1<v>13812345678</v>"
    )


def xlsx_formula_and_cell() -> bytes:
    """The phone in a plain cell and, again, as a formula's result: masking the cell would leave
    the formula computing the number when Excel opens the file."""
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话", "复核"])
    wb.active.append(["张三", PHONE_A, '="138"&"12345678"'])
    buf = io.BytesIO()
    wb.save(buf)
    return patch_first_sheet(
        buf.getvalue(), rb"(<c r=\"C2\"[^>]*><f>.*?</f>)<v\s*/?>(</v>)?", rb"\1<v>13812345678</v>"
    )


def xlsx_phone_in_page_header() -> bytes:
    """The phone in a cell and in the printed page header, which we do not rewrite."""
    wb = openpyxl.Workbook()
    wb.active.append(["张三", PHONE_A])
    wb.active.oddHeader.center.text = f"联系人电话 {PHONE_A}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def docx_phone_in_properties() -> bytes:
    """The phone in the text and in the document properties (docProps/core.xml)."""
    d = docx.Document()
    d.add_paragraph(f"联系电话{PHONE_A}")
    d.core_properties.subject = f"联系电话{PHONE_A}"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def submitted(world: World, *files: tuple[str, bytes]) -> Publication:
    pub = services.publication_create(
        actor=world.editor_a,
        body=world.body_a,
        data={"title": "2026年3月城乡低保发放名单", "written_on": dt.date(2026, 3, 2)},
        attachments=[check_upload(name, data, max_bytes=10**7) for name, data in files],
    ).publication
    return services.publication_submit(actor=world.editor_a, publication=pub)


def finding_for(pub: Publication, text: str, name: str | None = None) -> PrivacyFinding:
    qs = pub.findings.filter(text=text, status=FindingStatus.OPEN).order_by("id")
    if name is not None:
        att = pub.attachments.get(original_name=name)
        qs = qs.filter(field=f"attachment:{att.pk}")
    found = qs.first()
    assert found is not None, (text, list(pub.findings.values_list("field", "text")))
    return found


def stored(att: Attachment) -> bytes:
    with default_storage.open(att.file.name, "rb") as fh:
        return fh.read()


def files_in(media: Path) -> set[str]:
    return {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}


# -- the service: xlsx --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "how"),
    [
        (xlsx_recipients(PHONE_A), "an integer cell"),
        (xlsx_phone_as_double(), "a double: the extracted text reads 13812345678.0"),
        (xlsx_recipients(str(PHONE_A)), "a text cell"),
    ],
)
def test_xlsx_phone_cell_masked_whatever_its_type(
    world: World, data: bytes, how: str, django_capture_on_commit_callbacks: Any
) -> None:
    pub = submitted(world, ("名单.xlsx", data))
    f = finding_for(pub, str(PHONE_A))
    with django_capture_on_commit_callbacks(execute=True):
        services.finding_resolve(actor=world.reviewer_a, finding=f, action="mask")
    wb = openpyxl.load_workbook(io.BytesIO(stored(pub.attachments.get())))
    assert wb["名单"]["C2"].value == "138****5678", how
    assert wb["名单"]["C3"].value == PHONE_B  # another number: its own finding, still open
    assert finding_for(pub, PHONE_B).status == FindingStatus.OPEN


def test_xlsx_recipient_list_masked_in_every_sheet_rest_intact(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    original = xlsx_recipients()
    pub = submitted(world, ("名单.xlsx", original))
    att = pub.attachments.get()
    old_name, old_sha = att.file.name, att.sha256
    # The same ID number in two sheets: two findings of one text (scan reports every hit).
    twins = list(pub.findings.filter(text=ID_A).order_by("id"))
    assert len(twins) == 2
    with django_capture_on_commit_callbacks(execute=True):
        done = services.finding_resolve(actor=world.reviewer_a, finding=twins[0], action="mask")
    assert done.status == FindingStatus.MASKED

    att.refresh_from_db()
    data = stored(att)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheet, check = wb["名单"], wb["复核"]
    assert sheet["B2"].value == MASKED[ID_A] and check["B2"].value == MASKED[ID_A]
    assert ID_A not in extract_text("xlsx", data) and ID_A.encode() not in data
    # The rest is as it was: other people's data (own findings), names, amounts, the formula,
    # the order number that merely contains the phone's digits, formatting and sheet names.
    assert sheet["B3"].value == ID_B and sheet["C2"].value == PHONE_A
    assert [c.value for c in sheet[1]] == ["姓名", "身份证号", "联系电话", "补贴金额（元）"]
    assert (sheet["A2"].value, sheet["D2"].value, sheet["D3"].value) == ("张三", 1200, 800.5)
    assert sheet["D4"].value == "=SUM(D2:D3)" and sheet["B5"].value == "2138123456789012"
    assert sheet["A1"].font.bold and sheet.column_dimensions["B"].width == 24
    assert wb.sheetnames == ["名单", "复核"]

    # The attachment row follows the new bytes; the file with the personal data is gone.
    assert att.sha256 == hashlib.sha256(data).hexdigest() != old_sha
    assert att.size == len(data)
    assert att.text == extract_text("xlsx", data)
    assert att.file.name != old_name and att.sha256 in att.file.name
    assert not default_storage.exists(old_name)
    assert files_in(media) == {att.file.name}

    # The twin vanished with the text: masked too; the other people's findings stay open.
    twins[1].refresh_from_db()
    assert twins[1].status == FindingStatus.MASKED and twins[1].resolved_by == world.reviewer_a
    assert {f.text for f in services.open_findings(pub)} == {ID_B, str(PHONE_A), PHONE_B}

    event = AuditEvent.objects.get(action="publication.finding_mask")
    assert event.actor == world.reviewer_a and event.object_id == str(pub.pk)
    assert event.changes["sha256"] == [old_sha, att.sha256]
    assert event.changes["attachment"] == att.pk
    assert event.changes["also_masked"] == [twins[1].pk]


def test_masking_every_finding_then_approval(world: World) -> None:
    pub = submitted(world, ("名单.xlsx", xlsx_recipients()))
    while services.open_findings(pub):
        f = services.open_findings(pub)[0]
        services.finding_resolve(actor=world.reviewer_a, finding=f, action="mask")
    text = pub.attachments.get().text
    assert scan(text) == []  # the order number 2138123456789012 is no phone and stays
    assert all(masked in text for masked in MASKED.values())
    assert services.publication_approve(actor=world.reviewer_a, publication=pub).state == "approved"


# -- the service: docx --------------------------------------------------------------------------


def test_docx_id_split_across_runs_tables_nested_tables_and_header(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    pub = submitted(world, ("名单.docx", docx_notice()))
    att = pub.attachments.get()
    old_name = att.file.name
    first, in_table = pub.findings.filter(text=ID_A).order_by("id")
    with django_capture_on_commit_callbacks(execute=True):
        services.finding_resolve(actor=world.reviewer_a, finding=first, action="mask")
    att.refresh_from_db()
    d = docx.Document(io.BytesIO(stored(att)))

    para = d.paragraphs[0]
    assert para.text == f"申请人身份证号：{MASKED[ID_A]}，联系电话{PHONE_A}。"
    runs = para.runs
    # The replacement sits in the first run of the match and keeps its formatting (bold); the
    # matched rest is cut from the next run, which keeps its own text after it.
    assert (runs[1].text, runs[1].bold) == (MASKED[ID_A], True)
    assert runs[2].text == f"，联系电话{PHONE_A}。" and not runs[2].bold
    assert d.paragraphs[1].text == "订单号2138123456789012。"
    table, second = d.tables
    assert table.cell(1, 1).text == MASKED[ID_A]
    assert table.cell(1, 0).tables[0].cell(0, 0).text == f"李四 {ID_B}"  # another person
    assert second.cell(0, 0).text == f"复核 {ID_B}"
    assert d.sections[0].header.paragraphs[0].text == f"联系电话 {PHONE_A}"

    in_table.refresh_from_db()
    assert in_table.status == FindingStatus.MASKED  # the same text, gone from the file
    assert att.text == extract_text("docx", stored(att)) and ID_A not in att.text
    assert not default_storage.exists(old_name)
    assert files_in(media) == {att.file.name}


def test_docx_phone_masked_in_the_header_too_and_nested_ids(world: World) -> None:
    pub = submitted(world, ("名单.docx", docx_notice()))
    services.finding_resolve(
        actor=world.reviewer_a, finding=finding_for(pub, str(PHONE_A)), action="mask"
    )
    services.finding_resolve(actor=world.reviewer_a, finding=finding_for(pub, ID_B), action="mask")
    d = docx.Document(io.BytesIO(stored(pub.attachments.get())))
    assert d.sections[0].header.paragraphs[0].text == "联系电话 138****5678"
    assert d.tables[0].cell(1, 0).tables[0].cell(0, 0).text == f"李四 {MASKED[ID_B]}"
    assert d.tables[1].cell(0, 0).text == f"复核 {MASKED[ID_B]}"
    assert d.paragraphs[0].text == f"申请人身份证号：{ID_A}，联系电话138****5678。"


# -- what is refused --------------------------------------------------------------------------


def test_pdf_finding_still_refused_with_the_old_message(world: World, media: Path) -> None:
    pub = submitted(world, ("名单.pdf", pdf_with_text(f"Zhang San {PHONE_A}")))
    f = finding_for(pub, str(PHONE_A))
    before = files_in(media)
    with pytest.raises(DisclosureError, match="附件中的内容无法在线遮盖：请退回发布员替换附件"):
        services.finding_resolve(actor=world.reviewer_a, finding=f, action="mask")
    f.refresh_from_db()
    assert f.status == FindingStatus.OPEN and files_in(media) == before
    assert not AuditEvent.objects.filter(action="publication.finding_mask").exists()


def test_number_only_in_a_formula_result_is_refused_and_the_file_unchanged(
    world: World, media: Path
) -> None:
    data = xlsx_formula_only()
    pub = submitted(world, ("名单.xlsx", data))
    att = pub.attachments.get()
    f = finding_for(pub, str(PHONE_A))  # the check read the formula's cached result
    before = (att.file.name, att.sha256, att.size, att.text)
    with pytest.raises(DisclosureError, match="未能在附件“名单.xlsx”中自动遮盖.*附件未作任何改动"):
        services.finding_resolve(actor=world.reviewer_a, finding=f, action="mask")
    att.refresh_from_db()
    f.refresh_from_db()
    assert (att.file.name, att.sha256, att.size, att.text) == before
    assert stored(att) == data and files_in(media) == {att.file.name}
    assert f.status == FindingStatus.OPEN
    services.finding_resolve(  # keeping with a reason still works
        actor=world.reviewer_a, finding=f, action="keep", reason="公式结果，退回前先保留核对"
    )


@pytest.mark.parametrize(
    ("actor", "state_change", "error"),
    [
        ("reviewer_b", None, Http404),  # a reviewer of another body: the same 404 as before
        ("editor_a", None, Http404),  # the drafter is no reviewer
        ("reviewer_a", "return", DisclosureError),  # only while 待审核
    ],
)
def test_who_and_when(
    world: World,
    reviewer_b: User,
    media: Path,
    actor: str,
    state_change: str | None,
    error: type[Exception],
) -> None:
    data = xlsx_recipients()
    pub = submitted(world, ("名单.xlsx", data))
    f = finding_for(pub, ID_A)
    if state_change == "return":
        services.publication_return(actor=world.reviewer_a, publication=pub, reason="补充材料")
    user = reviewer_b if actor == "reviewer_b" else getattr(world, actor)
    with pytest.raises(error):
        services.finding_resolve(actor=user, finding=f, action="mask")
    att = pub.attachments.get()
    assert stored(att) == data and files_in(media) == {att.file.name}
    f.refresh_from_db()
    assert f.status == FindingStatus.OPEN


def test_a_failure_after_the_new_file_was_stored_leaves_no_trace(
    world: World, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = xlsx_recipients()
    pub = submitted(world, ("名单.xlsx", data))
    att = pub.attachments.get()
    before = (att.file.name, att.sha256, att.text)

    def broken_audit(**kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.audit, "record", broken_audit)
    with pytest.raises(RuntimeError):
        services.finding_resolve(
            actor=world.reviewer_a, finding=finding_for(pub, ID_A), action="mask"
        )
    att.refresh_from_db()
    assert (att.file.name, att.sha256, att.text) == before
    assert stored(att) == data and files_in(media) == {att.file.name}  # the new file removed
    assert pub.findings.filter(status=FindingStatus.MASKED).count() == 0


def test_a_file_changed_between_masking_and_the_lock_is_not_overwritten(
    world: World, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The file is rewritten before the transaction (SQLite's one write lock); if the attachment
    # changed meanwhile, the rewritten copy of the old content must not replace it.
    pub = submitted(world, ("名单.xlsx", xlsx_recipients()))
    att = pub.attachments.get()
    prepare = services._masked_attachment

    def prepare_then_changed(f: PrivacyFinding) -> Any:
        result = prepare(f)
        Attachment.objects.filter(pk=att.pk).update(sha256="0" * 64)
        return result

    monkeypatch.setattr(services, "_masked_attachment", prepare_then_changed)
    with pytest.raises(DisclosureError, match="附件已被他人修改"):
        services.finding_resolve(
            actor=world.reviewer_a, finding=finding_for(pub, ID_A), action="mask"
        )
    assert files_in(media) == {att.file.name}
    assert not pub.findings.filter(status=FindingStatus.MASKED).exists()


def test_a_file_shared_by_another_attachment_row_is_kept(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pub = submitted(world, ("名单.xlsx", xlsx_recipients()))
    att = pub.attachments.get()
    old_name = att.file.name
    copy = make_copy(world, att)
    with django_capture_on_commit_callbacks(execute=True):
        services.finding_resolve(
            actor=world.reviewer_a, finding=finding_for(pub, ID_B), action="mask"
        )
    assert default_storage.exists(old_name)  # the copy still serves it
    copy.refresh_from_db()
    assert copy.file.name == old_name


def make_copy(world: World, att: Attachment) -> Attachment:
    """Another publication's attachment row pointing at the same stored file."""
    other = services.publication_create(
        actor=world.editor_a,
        body=world.body_a,
        data={"title": "复制的名单", "written_on": dt.date(2026, 3, 2)},
    ).publication
    return Attachment.objects.create(
        publication=other,
        file=att.file.name,
        original_name=att.original_name,
        kind=att.kind,
        size=att.size,
        sha256=att.sha256,
        text=att.text,
    )


# -- the pure function -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "data", "old", "masked"),
    [
        ("xlsx", xlsx_recipients(), ID_B, True),
        ("docx", docx_notice(), ID_B, True),
        ("xlsx", xlsx_recipients(), "13700000000", False),  # not in the file
        ("docx", docx_notice(), "13700000000", False),
        # only inside the longer number 2138123456789012 (its end, its start): no token of its
        # own, so nothing to mask
        ("xlsx", xlsx_recipients(), "8123456789012", False),
        ("xlsx", xlsx_recipients(), "213812345678", False),
        ("docx", docx_notice(), "8123456789012", False),
        ("xlsx", xlsx_formula_only(), str(PHONE_A), False),  # a formula's result
        ("xlsx", xlsx_formula_and_cell(), str(PHONE_A), False),  # … also one
        # left in a part we do not rewrite: refused rather than half-masked
        ("xlsx", xlsx_phone_in_page_header(), str(PHONE_A), False),
        ("docx", docx_phone_in_properties(), str(PHONE_A), False),
        ("pdf", pdf_with_text(str(PHONE_A)), str(PHONE_A), False),  # not a kind we rewrite
        ("xlsx", b"PK\x03\x04damaged", ID_A, False),
        ("docx", b"PK\x03\x04damaged", ID_A, False),
    ],
)
def test_mask_in_file(kind: str, data: bytes, old: str, masked: bool) -> None:
    out = mask_in_file(kind, data, old, "*MASK*")
    if not masked:
        assert out is None
        return
    assert out is not None
    text = extract_text(kind, out)
    assert old not in text and "*MASK*" in text
    # Only the masked value changed in what a reader sees.
    assert text.replace("*MASK*", old) == extract_text(kind, data)


# -- the review page --------------------------------------------------------------------------


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_review_page_masks_in_the_attachment_with_messages(
    world: World, reviewer_b: User, django_capture_on_commit_callbacks: Any
) -> None:
    pub = submitted(
        world,
        ("名单.xlsx", xlsx_recipients()),
        ("公式.xlsx", xlsx_formula_only()),
        ("扫描件.pdf", pdf_with_text(f"Li Si {PHONE_B}")),
    )
    rc = client_for(world.reviewer_a)
    url = reverse("console:disclosure_detail", args=[pub.pk])
    page = rc.get(url).content.decode()
    assert "附件：名单.xlsx" in page and f"在附件中遮盖为 {MASKED[ID_A]}" in page
    assert "该附件（PDF）无法在线遮盖" in page
    pdf_finding = finding_for(pub, PHONE_B, "扫描件.pdf")
    assert f"在附件中遮盖为 {MASKED[PHONE_B]}</button>" in page  # the xlsx one
    assert page.count(f"遮盖为 {MASKED[PHONE_B]}") == 1  # … but none for the PDF's
    assert pdf_finding.status == FindingStatus.OPEN

    f = finding_for(pub, ID_A, "名单.xlsx")
    finding_url = reverse("console:disclosure_finding", args=[pub.pk, f.pk])
    # A reviewer of another body gets the same 404 and changes nothing.
    assert client_for(reviewer_b).post(finding_url, {"action": "mask"}).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        r = rc.post(finding_url, {"action": "mask"}, follow=True)
    html = r.content.decode()
    assert r.redirect_chain == [(url, 302)]
    assert f"已在附件“名单.xlsx”中遮盖为 {MASKED[ID_A]}，附件文件已更新。" in html
    assert "同一附件中另有 1 项相同内容已一并遮盖。" in html
    assert ID_A not in pub.attachments.get(original_name="名单.xlsx").text

    stuck = finding_for(pub, str(PHONE_A), "公式.xlsx")
    r = rc.post(
        reverse("console:disclosure_finding", args=[pub.pk, stuck.pk]),
        {"action": "mask"},
        follow=True,
    )
    assert r.status_code == 200
    assert "未能在附件“公式.xlsx”中自动遮盖该内容" in r.content.decode()
    stuck.refresh_from_db()
    assert stuck.status == FindingStatus.OPEN
