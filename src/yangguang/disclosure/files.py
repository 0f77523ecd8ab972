"""Attachments: the type is decided from the content (magic bytes), never from the name, and must
agree with the extension; size is limited; text is extracted from docx/xlsx/pdf for the privacy
check and search."""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass

logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = {
    "pdf": "pdf",
    "ofd": "ofd",
    "doc": "doc",
    "docx": "docx",
    "xls": "xls",
    "xlsx": "xlsx",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_TEXT_CHARS = 2_000_000


class AttachmentError(ValueError):
    """A rejected upload; the message is shown to the user (Chinese)."""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    size: int
    sha256: str
    data: bytes


def _describe(data: bytes) -> str:
    if data.startswith(b"MZ"):
        return "Windows 可执行程序"
    if data.startswith(b"\x7fELF"):
        return "可执行程序"
    if data.startswith(b"#!"):
        return "脚本文件"
    if data[:512].lstrip().lower().startswith((b"<html", b"<!doctype", b"<script", b"<svg")):
        return "网页/脚本文件"
    if data.startswith(b"PK"):
        return "压缩包"
    return "未知格式"


def sniff(data: bytes) -> str | None:
    """The attachment kind from the content, or None when it is none of the allowed kinds."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(OLE2):
        return "ole"  # doc or xls: decided together with the extension
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "OFD.xml" in names or "ofd.xml" in {n.lower() for n in names}:
            return "ofd"
    return None


def check_upload(name: str, data: bytes, *, max_bytes: int) -> CheckedFile:
    """Validate one upload; raises AttachmentError with a Chinese message."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED_EXTENSIONS:
        raise AttachmentError(
            f"附件“{name}”的类型不允许：只接受 PDF、OFD、Word、Excel、JPG、PNG 文件。"
        )
    if len(data) == 0:
        raise AttachmentError(f"附件“{name}”是空文件。")
    if len(data) > max_bytes:
        raise AttachmentError(
            f"附件“{name}”过大（{len(data) / 1024 / 1024:.1f} MB），单个附件不能超过 "
            f"{max_bytes // 1024 // 1024} MB。"
        )
    expected = ALLOWED_EXTENSIONS[ext]
    actual = sniff(data)
    if actual == "ole" and expected in {"doc", "xls"}:
        actual = expected
    if actual != expected:
        raise AttachmentError(
            f"附件“{name}”的内容与扩展名不符（实际为{_describe(data) if actual is None else actual.upper()}），"
            "已拒绝上传。"
        )
    return CheckedFile(name, expected, len(data), hashlib.sha256(data).hexdigest(), data)


def extract_text(kind: str, data: bytes) -> str:
    """Plain text of a docx/xlsx/pdf attachment ('' for other kinds or unreadable files)."""
    try:
        if kind == "docx":
            return _docx_text(data)[:MAX_TEXT_CHARS]
        if kind == "xlsx":
            return _xlsx_text(data)[:MAX_TEXT_CHARS]
        if kind == "pdf":
            return _pdf_text(data)[:MAX_TEXT_CHARS]
    except Exception:  # a damaged file must not break the upload; the reviewer reads it
        logger.warning("text extraction failed for a %s attachment", kind, exc_info=True)
    return ""


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _xlsx_text(data: bytes) -> str:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    parts: list[str] = []
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                cells = [str(v) for v in row if v is not None]
                if cells:
                    parts.append("\t".join(cells))
    finally:
        wb.close()
    return "\n".join(parts)


def _pdf_text(data: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    parts: list[str] = []
    size = 0
    for page in reader.pages[:500]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_TEXT_CHARS:
            break
    return "\n".join(parts)
