"""Attachments: the type is decided from the content (magic bytes), never from the name, and must
agree with the extension; size is limited; text is extracted from docx/xlsx/pdf for the privacy
check and search; a privacy finding can be masked inside docx/xlsx files (`mask_in_file`)."""

from __future__ import annotations

import hashlib
import html
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from yangguang.disclosure.privacy import occurrence_re

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


# -- masking inside a file (保密审查, DOMAIN.md §2) ----------------------------------------------

# The kinds whose text we can rewrite in place; pdf/ofd/doc/xls and images are replaced by the
# drafter instead (a PDF's text is positioned glyphs, an image has no text at all).
MASKABLE_KINDS = frozenset({"docx", "xlsx"})


def mask_in_file(kind: str, data: bytes, old: str, new: str) -> bytes | None:
    """`data` with every occurrence of `old` (as a whole token) replaced by `new`, or None when
    that cannot be done completely — the kind is not docx/xlsx, the file cannot be read, `old`
    is not in any text we can rewrite (only in a formula's result, a chart, a footnote, or split
    across cells), or it is still somewhere in the rewritten package. None means "do not
    publish this file as masked": a half-masked file is worse than a refusal."""
    if kind not in MASKABLE_KINDS or not old or old == new:
        return None
    pattern = occurrence_re(old)
    try:
        out = _mask_docx(data, pattern, new) if kind == "docx" else _mask_xlsx(data, pattern, new)
    except Exception:  # a damaged or exotic file: the reviewer returns it instead
        logger.warning("masking failed in a %s attachment", kind, exc_info=True)
        return None
    if out is None or _package_contains(out, pattern):
        return None
    return out


def _package_contains(data: bytes, pattern: re.Pattern[str]) -> bool:
    """Whether any XML part of the zip package still holds the text. Character references are
    resolved first: openpyxl writes non-ASCII text as &#NNNNN;."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            if pattern.search(html.unescape(zf.read(name).decode("utf-8", "replace"))):
                return True
    return False


def _cell_text(value: Any) -> str | None:
    """A cell value as the text a reader sees, or None for values that hold no text.
    A whole number stored as a float (Excel keeps every number as a double) reads as an
    integer: 13812345678.0 is the phone number 13812345678."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _mask_xlsx(data: bytes, pattern: re.Pattern[str], new: str) -> bytes | None:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    # The formulas' last computed values: a hit there cannot be masked (Excel computes it again
    # from the formula when the file is opened).
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    replaced = 0
    for ws in wb.worksheets:
        # ws._cells holds only the cells that exist; iter_rows() would create every empty cell of
        # the used range and write them back.
        for (row, col), cell in list(ws._cells.items()):
            if cell.data_type == "f":
                result = _cell_text(cached[ws.title].cell(row=row, column=col).value)
                if result is not None and pattern.search(result):
                    return None
                continue
            text = _cell_text(cell.value)
            if text is not None and pattern.search(text):
                # A number becomes text: "138****5678" is no number. Style and format stay.
                cell.value, n = pattern.subn(new, text)
                cell.data_type = "s"  # even if it starts with "=": it was text, not a formula
                replaced += n
            if cell.comment is not None and pattern.search(cell.comment.text or ""):
                cell.comment.text, n = pattern.subn(new, cell.comment.text)
                replaced += n
    cached.close()
    if not replaced:
        return None
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _mask_docx(data: bytes, pattern: re.Pattern[str], new: str) -> bytes | None:
    import docx
    from docx.opc.part import XmlPart

    document = docx.Document(io.BytesIO(data))
    replaced = 0
    # Every XML part with paragraphs: the body (with nested tables and text boxes), headers,
    # footers and comments. Footnotes are plain parts in python-docx; a hit left there is caught
    # by the package check in mask_in_file.
    for part in document.part.package.iter_parts():
        if isinstance(part, XmlPart):
            replaced += _mask_wordml(part.element, pattern, new)
    if not replaced:
        return None
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_TEXT_TAGS = (_W + "t", _W + "delText")  # deleted text of tracked changes is still in the file
# Run content that is not text: a number does not continue across a tab or a line break.
_BREAK_TAGS = tuple(_W + t for t in ("tab", "ptab", "br", "cr", "noBreakHyphen", "sym"))
_SEPARATOR = "\x00"


def _mask_wordml(root: Any, pattern: re.Pattern[str], new: str) -> int:
    """Replace `pattern` in each paragraph under `root`, across run boundaries; the number of
    replacements. Text is read from the w:t elements of the paragraph itself (a text box's
    paragraphs inside a run are paragraphs of their own)."""
    paragraphs: dict[Any, list[Any]] = {}
    for el in root.iter(*_TEXT_TAGS, *_BREAK_TAGS):
        p = el.getparent()
        while p is not None and p.tag != _W + "p":
            p = p.getparent()
        if p is not None:
            paragraphs.setdefault(p, []).append(el if el.tag in _TEXT_TAGS else None)
    return sum(_mask_text_nodes(nodes, pattern, new) for nodes in paragraphs.values())


def _mask_text_nodes(nodes: list[Any], pattern: re.Pattern[str], new: str) -> int:
    """Replace within the text of `nodes` read as one string (None: a separator). A match that
    spans nodes is written into the node where it starts — so it keeps that run's formatting —
    and its rest is cut from the following nodes; the nodes themselves stay."""
    spans: list[tuple[Any, int, int]] = []
    parts: list[str] = []
    pos = 0
    for el in nodes:
        text = _SEPARATOR if el is None else (el.text or "")
        if el is not None:
            spans.append((el, pos, pos + len(text)))
        parts.append(text)
        pos += len(text)
    joined = "".join(parts)
    matches = [m.span() for m in pattern.finditer(joined)]
    if not matches:
        return 0
    for el, start, end in spans:
        hits = [(a, b) for a, b in matches if a < end and b > start]
        if not hits:
            continue
        pieces: list[str] = []
        cursor = start
        for a, b in hits:
            pieces.append(joined[cursor : max(a, start)])
            if a >= start:
                pieces.append(new)
            cursor = min(b, end)
        pieces.append(joined[cursor:end])
        _set_text(el, "".join(pieces))
    return len(matches)


def _set_text(el: Any, text: str) -> None:
    el.text = text
    if text != text.strip():
        el.set(_XML_SPACE, "preserve")  # Word drops leading/trailing spaces otherwise
