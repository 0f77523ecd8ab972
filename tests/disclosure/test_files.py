"""Attachment type is decided from the content (magic bytes), not the extension."""

from __future__ import annotations

import io

import pytest

from yangguang.disclosure.files import AttachmentError, check_upload, extract_text, sniff


def _zip(names: list[str]) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, "<x/>")
    return buf.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("a.pdf", b"%PDF-1.7\n...", "pdf"),
        ("a.PDF", b"%PDF-1.7\n...", "pdf"),
        ("a.jpg", b"\xff\xd8\xff\xe0....", "jpg"),
        ("a.jpeg", b"\xff\xd8\xff\xe0....", "jpg"),
        ("a.png", b"\x89PNG\r\n\x1a\n....", "png"),
        ("a.doc", OLE, "doc"),
        ("a.xls", OLE, "xls"),
        ("a.docx", _zip(["[Content_Types].xml", "word/document.xml"]), "docx"),
        ("a.xlsx", _zip(["[Content_Types].xml", "xl/workbook.xml"]), "xlsx"),
        ("a.ofd", _zip(["OFD.xml", "Doc_0/Document.xml"]), "ofd"),
    ],
)
def test_accepts_matching_content(name: str, data: bytes, kind: str) -> None:
    assert check_upload(name, data, max_bytes=10**6).kind == kind


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("通知.pdf", b"MZ\x90\x00" + b"\x00" * 64, "Windows 可执行程序"),
        ("图片.png", b"%PDF-1.4", "内容与扩展名不符"),
        ("表格.xlsx", _zip(["word/document.xml"]), "内容与扩展名不符"),
        ("网页.docx", b"<html><script>alert(1)</script>", "网页/脚本文件"),
        ("压缩.docx", _zip(["evil.exe"]), "内容与扩展名不符"),
        ("病毒.exe", b"MZ", "类型不允许"),
        ("无扩展名", b"%PDF-1.4", "类型不允许"),
        ("空.pdf", b"", "空文件"),
        ("大.pdf", b"%PDF-" + b"0" * 2000, "过大"),
    ],
)
def test_rejects_disguised_or_oversize(name: str, data: bytes, message: str) -> None:
    with pytest.raises(AttachmentError, match=message):
        check_upload(name, data, max_bytes=1000)


def test_sniff_unknown() -> None:
    assert sniff(b"hello") is None
    assert sniff(b"PK\x03\x04garbage") is None


def test_extract_text_from_docx_xlsx_and_damaged_pdf() -> None:
    import docx
    import openpyxl

    d = docx.Document()
    d.add_paragraph("身份证号11010519491231002X")
    buf = io.BytesIO()
    d.save(buf)
    assert "11010519491231002X" in extract_text("docx", buf.getvalue())
    wb = openpyxl.Workbook()
    wb.active.append(["手机", 13812345678])
    buf = io.BytesIO()
    wb.save(buf)
    assert "13812345678" in extract_text("xlsx", buf.getvalue())
    assert extract_text("pdf", b"%PDF-1.4 broken") == ""


def test_extract_text_from_pdf() -> None:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    w.write(buf)
    assert extract_text("pdf", buf.getvalue()) == ""
