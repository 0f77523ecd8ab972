"""Outputs of an annual report: JSON (exact national labels), docx (python-docx), xlsx (openpyxl).

The xlsx workbook has one sheet per table with the labels in column A and the numbers to the
right, in the national order; `reports.history` reads the same layout back.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from yangguang.reports import national as nat
from yangguang.reports.compute import (
    ReportTables,
    table2_layout,
    table3_layout,
    table4_values,
)
from yangguang.reports.models import AnnualReport, report_deadline


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").splitlines() if p.strip()]


# ---------------------------------------------------------------------------------------------
# JSON


def report_json(report: AnnualReport, tables: ReportTables) -> dict[str, Any]:
    """The API / command representation. Every table row carries its exact national label."""
    body = report.body
    return {
        "body": {"name": body.name, "credit_code": body.credit_code},
        "year": report.year,
        "title": report.title,
        "format": nat.FORMAT_2021.label,
        "status": report.status,
        "status_label": report.get_status_display(),
        "deadline": report_deadline(body, report.year).isoformat(),
        "published_on": report.published_on.isoformat() if report.published_on else None,
        "index_number": report.index_number or None,
        "consistent": tables.consistent,
        "sections": {
            nat.SECTION_TITLE["overview"]: report.overview,
            nat.SECTION_TITLE["problems"]: report.problems,
            nat.SECTION_TITLE["other"]: report.other_matters,
        },
        **tables_json(tables),
    }


def tables_json(tables: ReportTables) -> dict[str, Any]:
    """Tables 二, 三, 四 with the exact national labels (rows, columns and groups)."""
    table2 = []
    for section in table2_layout(tables):
        for row in section["rows"]:
            cells = []
            for label, v in zip(section["columns"], row["values"], strict=True):
                value: Any = float(v) if isinstance(v, str) else v
                cells.append({"label": label, "value": value})
            table2.append(
                {
                    "section": section["label"],
                    "key": row["key"],
                    "label": row["label"],
                    "values": cells,
                }
            )
    by_key = {r.key: r for r in nat.TABLE3_ROWS_2021}
    table3 = []
    for row in table3_layout(tables):
        if not row["has_values"]:
            continue
        ancestors: list[str] = []
        parent = row["parent"]
        while parent:
            ancestors.insert(0, by_key[parent].label)
            parent = by_key[parent].parent
        table3.append(
            {
                "key": row["key"],
                "label": row["label"],
                "path": ancestors,
                "values": {
                    c.label if c.key in ("natural", "total") else f"{c.group}/{c.label}": v
                    for c, v in zip(nat.TABLE3_COLUMNS, row["values"], strict=True)
                },
            }
        )
    table4 = []
    for key, top, sub in nat.TABLE4_GROUPS:
        table4.append(
            {
                "key": key,
                "label": top,
                "sub_label": sub,
                "values": {label: tables.table4[key][r] for r, label in nat.TABLE4_RESULTS},
            }
        )
    return {
        "consistent": tables.consistent,
        "table2": table2,
        "table3": table3,
        "table4": table4,
    }


# ---------------------------------------------------------------------------------------------
# docx


def _set_cell(
    cell: Any, text: str, *, bold: bool = False, center: bool = True, indent: int = 0
) -> None:
    cell.text = ""
    para = cell.paragraphs[0]
    if indent:
        para.paragraph_format.left_indent = Pt(9 * indent)
    run = para.add_run(str(text))
    run.bold = bold
    run.font.size = Pt(9)
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _widths(table: Any, widths_cm: list[float]) -> None:
    """Fixed column widths (Word and LibreOffice both honour per-cell widths)."""
    table.autofit = False
    for col, w in zip(table.columns, widths_cm, strict=False):
        col.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(w)


def build_docx(report: AnnualReport, tables: ReportTables) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    style.font.name = "SimSun"
    # East Asian text uses its own font slot; without it Word falls back to a Latin font.
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(report.title)
    run.bold = True
    run.font.size = Pt(16)
    doc.add_paragraph(
        "本报告根据《中华人民共和国政府信息公开条例》和国办公开办函〔2021〕30号要求编制。"
        f"本报告所列数据的统计期限自{report.year}年1月1日起至{report.year}年12月31日止。"
    )

    def section(key: str) -> None:
        p = doc.add_paragraph()
        r = p.add_run(nat.SECTION_TITLE[key])
        r.bold = True

    section("overview")
    for p in paragraphs(report.overview):
        doc.add_paragraph(p)

    section("proactive")
    for sec in table2_layout(tables):
        ncols = len(sec["columns"]) + 1
        t = doc.add_table(rows=2 + len(sec["rows"]), cols=ncols)
        t.style = "Table Grid"
        merged = t.cell(0, 0).merge(t.cell(0, ncols - 1))
        _set_cell(merged, sec["label"], bold=True)
        _set_cell(t.cell(1, 0), nat.ITEM_CONTENT_LABEL, bold=True)
        for j, c in enumerate(sec["columns"], start=1):
            _set_cell(t.cell(1, j), c, bold=True)
        for i, row in enumerate(sec["rows"], start=2):
            _set_cell(t.cell(i, 0), row["label"])
            for j, v in enumerate(row["values"], start=1):
                _set_cell(t.cell(i, j), str(v))
        _widths(t, [4.0] + [(12.0 / (ncols - 1))] * (ncols - 1))
        doc.add_paragraph()

    section("applications")
    rows3 = table3_layout(tables)
    t = doc.add_table(rows=3 + len(rows3), cols=8)
    t.style = "Table Grid"
    _set_cell(
        t.cell(0, 0).merge(t.cell(2, 0)),
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        bold=True,
    )
    _set_cell(t.cell(0, 1).merge(t.cell(0, 7)), nat.TABLE3_HEADER, bold=True)
    _set_cell(t.cell(1, 1).merge(t.cell(2, 1)), nat.NATURAL_PERSON, bold=True)
    _set_cell(t.cell(1, 2).merge(t.cell(1, 6)), nat.LEGAL_PERSON_GROUP, bold=True)
    _set_cell(t.cell(1, 7).merge(t.cell(2, 7)), nat.TOTAL, bold=True)
    for j, c in enumerate(nat.TABLE3_COLUMNS[1:6], start=2):
        _set_cell(t.cell(2, j), c.label, bold=True)
    for i, row in enumerate(rows3, start=3):
        _set_cell(t.cell(i, 0), row["label"], center=False, indent=row["level"])
        if row["has_values"]:
            for j, v in enumerate(row["values"], start=1):
                _set_cell(t.cell(i, j), str(v))
    _widths(t, [6.0] + [1.4] * 7)
    doc.add_paragraph()

    section("reviews")
    t = doc.add_table(rows=4, cols=15)
    t.style = "Table Grid"
    _set_cell(t.cell(0, 0).merge(t.cell(1, 4)), nat.RECONSIDERATION, bold=True)
    _set_cell(t.cell(0, 5).merge(t.cell(0, 14)), nat.LITIGATION, bold=True)
    _set_cell(t.cell(1, 5).merge(t.cell(1, 9)), "未经复议直接起诉", bold=True)
    _set_cell(t.cell(1, 10).merge(t.cell(1, 14)), "复议后起诉", bold=True)
    for j, col in enumerate(nat.TABLE4_COLUMNS):
        _set_cell(t.cell(2, j), col.label, bold=True)
    for j, v in enumerate(table4_values(tables)):
        _set_cell(t.cell(3, j), str(v))
    doc.add_paragraph()

    section("problems")
    for p in paragraphs(report.problems):
        doc.add_paragraph(p)
    section("other")
    for p in paragraphs(report.other_matters):
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# xlsx

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _style_range(ws: Any, max_row: int, max_col: int) -> None:
    for row in ws.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
        for cell in row:
            cell.border = _BOX
            cell.alignment = Alignment(wrap_text=True, vertical="center")


def build_xlsx(report: AnnualReport, tables: ReportTables) -> bytes:
    wb = Workbook()
    info = wb.active
    info.title = "报告信息"
    info.append(["机构", report.body.name])
    info.append(["统一社会信用代码", report.body.credit_code])
    info.append(["报告年度", report.year])
    info.append(["格式", nat.FORMAT_2021.label])
    info.append(["状态", report.get_status_display()])
    info.column_dimensions["A"].width = 20
    info.column_dimensions["B"].width = 50
    _table_sheets(wb, tables)

    ws = wb.create_sheet("文字部分")
    for key, text in (
        ("overview", report.overview),
        ("problems", report.problems),
        ("other", report.other_matters),
    ):
        ws.append([nat.SECTION_TITLE[key], text])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _table_sheets(wb: Workbook, tables: ReportTables) -> None:
    """Sheets 表二, 表三, 表四 in the national layout (labels in column A)."""
    ws = wb.create_sheet("表二 主动公开")
    for sec in table2_layout(tables):
        ws.append([sec["label"]])
        ws.append([nat.ITEM_CONTENT_LABEL, *sec["columns"]])
        for row in sec["rows"]:
            ws.append(
                [row["label"], *[float(v) if isinstance(v, str) else v for v in row["values"]]]
            )
    ws.column_dimensions["A"].width = 22
    for col in "BCD":
        ws.column_dimensions[col].width = 24
    _style_range(ws, ws.max_row, 4)

    ws = wb.create_sheet("表三 依申请公开")
    ws.append(
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", nat.TABLE3_HEADER]
    )
    ws.append([None, nat.NATURAL_PERSON, nat.LEGAL_PERSON_GROUP, None, None, None, None, nat.TOTAL])
    ws.append([None, None, *[c.label for c in nat.TABLE3_COLUMNS[1:6]], None])
    ws.merge_cells("A1:A3")
    ws.merge_cells("B1:H1")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:G2")
    ws.merge_cells("H2:H3")
    for row in table3_layout(tables):
        ws.append([row["label"], *(row["values"] if row["has_values"] else [])])
    ws.column_dimensions["A"].width = 60
    for col in "BCDEFGH":
        ws.column_dimensions[col].width = 12
    _style_range(ws, ws.max_row, 8)
    for c in ws[1] + ws[2] + ws[3]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")

    ws = wb.create_sheet("表四 复议诉讼")
    ws.append([nat.RECONSIDERATION, None, None, None, None, nat.LITIGATION])
    ws.append(
        [None, None, None, None, None, "未经复议直接起诉", None, None, None, None, "复议后起诉"]
    )
    ws.append([c.label for c in nat.TABLE4_COLUMNS])
    ws.append(table4_values(tables))
    ws.merge_cells("A1:E2")
    ws.merge_cells("F1:O1")
    ws.merge_cells("F2:J2")
    ws.merge_cells("K2:O2")
    _style_range(ws, 4, 15)
    for c in ws[1] + ws[2] + ws[3]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def build_region_xlsx(
    region_name: str, year: int, rows: list[dict[str, Any]], tables: ReportTables
) -> bytes:
    """The 主管部门's workbook: every body's report status and the summed tables."""
    wb = Workbook()
    ws = wb.active
    ws.title = "报送情况"
    header = [
        "机构",
        "统一社会信用代码",
        "区划",
        "状态",
        "发布期限",
        "发布日期",
        "是否逾期",
        "勾稽关系",
        "新收申请",
    ]
    ws.append([f"{region_name}{year}年度政府信息公开工作年度报告报送情况"])
    ws.append(header)
    for r in rows:
        ws.append(
            [
                r["body"],
                r["credit_code"],
                r["region"],
                r["status"],
                r["deadline"],
                r["published_on"] or "",
                "逾期" if r["late"] else "",
                "通过" if r["consistent"] else "不一致",
                r["new"],
            ]
        )
    for col, width in zip("ABCDEFGHI", (36, 22, 14, 10, 12, 12, 10, 10, 10), strict=True):
        ws.column_dimensions[col].width = width
    _table_sheets(wb, tables)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render(report: AnnualReport, tables: ReportTables, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) for `fmt` in json|docx|xlsx."""
    import json

    stem = f"{report.body.name}{report.year}年政府信息公开工作年度报告"
    if fmt == "json":
        return (
            json.dumps(report_json(report, tables), ensure_ascii=False, indent=2).encode(),
            "application/json; charset=utf-8",
            f"{stem}.json",
        )
    if fmt == "docx":
        return (
            build_docx(report, tables),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            f"{stem}.docx",
        )
    if fmt == "xlsx":
        return (
            build_xlsx(report, tables),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{stem}.xlsx",
        )
    raise ValueError(fmt)


FORMATS = ("json", "docx", "xlsx")
