"""Earlier years' reports imported as data from xlsx, in the 2021 format (国办公开办函〔2021〕30号)
or the 2019 trial format (国办公开办函〔2019〕60号), and the year-on-year series built from them.

The parser finds rows by their national labels (whitespace ignored), anywhere in any sheet, so it
reads both our own xlsx export and hand-filled national templates with merged label cells.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook

from yangguang.orgs.models import Body
from yangguang.reports import national as nat
from yangguang.reports.compute import ReportTables
from yangguang.reports.models import AnnualReport, HistoricReport, ReportStatus


class ImportError_(Exception):  # noqa: N801 — avoid shadowing the builtin ImportError
    """The file cannot be read as an annual report; the message says why, in Chinese."""


_WS = re.compile(r"\s+")


def norm(value: Any) -> str:
    return _WS.sub("", str(value)).replace("\u3000", "") if value is not None else ""


_UNIT = re.compile(r"(万元|元|件|条|个|项)$")
_BLANK = {"", "-", "—", "/", "无", "－"}


def _number(value: Any) -> Decimal | None:
    """A cell as a number; None for anything that is not one (blank cells included)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = _UNIT.sub("", norm(value).replace(",", "").replace("，", ""))
    if text in _BLANK:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _cell_value(row: list[Any], index: int) -> Decimal | None:
    """The number in a located column: blank / "-" count as 0; text that is not a number is
    refused (None)."""
    value = row[index] if index < len(row) else None
    if value is None or (isinstance(value, str) and norm(value) in _BLANK):
        return Decimal(0)
    return _number(value)


def _rows(content: bytes) -> list[list[Any]]:
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportError_(
            "无法读取文件：请上传 Excel 2007 及以上格式（.xlsx）的年度报告表格。"
        ) from exc
    out: list[list[Any]] = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True, max_row=500, max_col=40):
            out.append(list(row))
    wb.close()
    return out


def _labels(fmt: nat.Format) -> dict[str, nat.Row]:
    return {norm(r.label): r for r in fmt.table3_rows}


def detect_format(rows: Iterable[list[Any]]) -> str:
    texts = {norm(c) for row in rows for c in row if isinstance(c, str)}
    if "本年制发件数" in texts or any(
        norm(r.label) in texts for r in nat.TABLE3_ROWS_2021 if r.key.startswith("3.6.")
    ):
        return "2021"
    if "本年新制作数量" in texts or "对外公开总数量" in texts:
        return "2019"
    raise ImportError_(
        "无法识别报告格式：未找到“本年制发件数”（2021年格式）或“本年新制作数量”（2019年试行格式）。"
    )


def _values_after(row: list[Any], index: int) -> list[Decimal]:
    return [n for n in (_number(c) for c in row[index + 1 :]) if n is not None]


def _find(rows: list[list[Any]], start: int, label: str, span: int = 3) -> list[tuple[int, int]]:
    """(row, column) of cells equal to `label` in rows start..start+span-1."""
    out = []
    for r in range(start, min(start + span, len(rows))):
        for c, v in enumerate(rows[r]):
            if isinstance(v, str) and norm(v) == label:
                out.append((r, c))
    return out


def _table3_columns(rows: list[list[Any]], at: int) -> list[int] | None:
    """Column indexes of 自然人, the five 法人或其他组织 columns and 总计, from the header that
    starts on row `at` (the 法人 sub-headers may sit on the next row)."""
    found: list[int] = []
    for col in nat.TABLE3_COLUMNS:
        hits = _find(rows, at, norm(col.label))
        if not hits:
            return None
        found.append(hits[0][1])
    return found if len(set(found)) == 7 else None


def parse_rows(rows: list[list[Any]], fmt: str | None = None) -> tuple[str, dict[str, Any]]:
    code = fmt or detect_format(rows)
    if code not in nat.FORMATS:
        raise ImportError_("格式只能是 2021 或 2019。")
    spec = nat.FORMATS[code]
    t3_labels = _labels(spec)
    t2_labels: dict[str, tuple[nat.Table2Section, nat.Row]] = {
        norm(r.label): (s, r) for s in spec.table2 for r in s.rows
    }
    table2: dict[str, dict[str, str]] = {}
    table3: dict[str, dict[str, int]] = {}
    table4: dict[str, dict[str, int]] = {}
    t3_cols: list[int] | None = None
    t2_cols: list[int] | None = None
    t4_cols: list[int] | None = None
    for line, row in enumerate(rows, start=1):
        strings = [(i, norm(c)) for i, c in enumerate(row) if isinstance(c, str) and norm(c)]
        texts = [s for _, s in strings]
        if nat.NATURAL_PERSON in texts:
            t3_cols = _table3_columns(rows, line - 1) or t3_cols
            continue
        if nat.ITEM_CONTENT_LABEL in texts:
            idx = texts.index(nat.ITEM_CONTENT_LABEL)
            t2_cols = [i for i, _ in strings[idx + 1 :]]
            continue
        if texts.count("结果维持") == 3:
            t4_cols = [i for i, s in strings if s in {label for _, label in nat.TABLE4_RESULTS}]
            continue
        # Table 三: the most specific matching label in the row (merged headings share a row).
        matches = [(i, t3_labels[s]) for i, s in strings if s in t3_labels]
        if matches:
            i, spec_row = max(matches, key=lambda m: (m[1].level, m[0]))
            if spec_row.has_values and spec_row.key not in table3:
                if t3_cols is not None and all(c > i for c in t3_cols):
                    cells = [_cell_value(row, c) for c in t3_cols]
                    if any(v is None for v in cells):
                        raise ImportError_(f"第{line}行“{spec_row.label}”有不是数字的内容。")
                    nums = [v for v in cells if v is not None]
                else:
                    nums = _values_after(row, i)
                if len(nums) < 6:
                    raise ImportError_(f"第{line}行“{spec_row.label}”的数据不完整（应有7列）。")
                counts = [int(n) for n in nums[:7]]
                if len(counts) == 6:
                    counts.append(sum(counts))
                if sum(counts[:6]) != counts[6]:
                    raise ImportError_(f"第{line}行“{spec_row.label}”的总计与各列之和不符。")
                table3[spec_row.key] = dict(zip(nat.TABLE3_COLUMN_KEYS, counts, strict=True))
            continue
        t2 = [(i, t2_labels[s]) for i, s in strings if s in t2_labels]
        if t2:
            i, (section, t2row) = t2[0]
            if t2row.key in table2:
                continue
            width = len(section.columns)
            if t2_cols is not None and len(t2_cols) >= width and all(c > i for c in t2_cols):
                values = [_cell_value(row, c) for c in t2_cols[:width]]
                nums = [v if v is not None else Decimal(0) for v in values]
            else:
                nums = _values_after(row, i)
                if not nums:
                    continue  # e.g. a heading mentioning the label
                nums += [Decimal(0)] * (width - len(nums))
            table2[t2row.key] = {
                c.key: str(n) for c, n in zip(section.columns, nums[:width], strict=True)
            }
            continue
        if t4_cols is not None and not table4:
            cells = [_number(row[c]) if c < len(row) else None for c in t4_cols]
            if len(cells) == 15 and any(v is not None for v in cells):
                it = iter(int(v) if v is not None else 0 for v in cells)
                for g, _, _ in nat.TABLE4_GROUPS:
                    table4[g] = {r: next(it) for r, _ in nat.TABLE4_RESULTS}
    needed = [r for r in spec.table3_value_rows() if r.key not in table3]
    if needed:
        names = "、".join(r.label for r in needed[:3])
        raise ImportError_(f"未找到表三的行：{names}{'等' if len(needed) > 3 else ''}。")
    if not table4:
        table4 = {g: {r: 0 for r, _ in nat.TABLE4_RESULTS} for g, _, _ in nat.TABLE4_GROUPS}
    names4 = {k: t + s for k, t, s in nat.TABLE4_GROUPS}
    for g, results in table4.items():
        if sum(v for r, v in results.items() if r != "total") != results["total"]:
            raise ImportError_(f"表四“{names4[g]}”的总计与各项之和不符。")
    t = table3
    consistent = all(
        t[nat.ROW_NEW][c] + t[nat.ROW_CARRIED_IN][c]
        == t[nat.ROW_TOTAL][c] + t[nat.ROW_CARRIED_OUT][c]
        for c in nat.TABLE3_COLUMN_KEYS
    )
    return code, {
        "format": code,
        "table2": table2,
        "table3": table3,
        "table4": table4,
        "consistent": consistent,
    }


def parse_workbook(content: bytes, fmt: str | None = None) -> tuple[str, dict[str, Any]]:
    return parse_rows(_rows(content), fmt)


# ---------------------------------------------------------------------------------------------
# Year-on-year series (imported history + this system's finalised reports).

SERIES: tuple[tuple[str, str], ...] = (
    ("new", "本年新收政府信息公开申请数量"),
    ("finished", "本年度办理结果总计"),
    ("carried_out", "结转下年度继续办理"),
    ("regulation_issued", "规章 本年制发件数"),
    ("normative_issued", "行政规范性文件 本年制发件数"),
    ("reconsideration", "行政复议 总计"),
    ("litigation", "行政诉讼 总计"),
)


def _series_row(year: int, source: str, fmt: str, data: dict[str, Any]) -> dict[str, Any]:
    t3 = data.get("table3", {})
    t2 = data.get("table2", {})
    t4 = data.get("table4", {})
    issued_col = "issued" if fmt == "2021" else "made"

    def cell(row: str, col: str) -> int:
        try:
            return int(Decimal(str(t2.get(row, {}).get(col, 0))))
        except InvalidOperation:
            return 0

    return {
        "year": year,
        "source": source,
        "format": fmt,
        "new": t3.get(nat.ROW_NEW, {}).get("total", 0),
        "finished": t3.get(nat.ROW_TOTAL, {}).get("total", 0),
        "carried_out": t3.get(nat.ROW_CARRIED_OUT, {}).get("total", 0),
        "regulation_issued": cell("regulation", issued_col),
        "normative_issued": cell("normative", issued_col),
        "reconsideration": t4.get("reconsideration", {}).get("total", 0),
        "litigation": t4.get("litigation_direct", {}).get("total", 0)
        + t4.get("litigation_after", {}).get("total", 0),
    }


def series_for(body: Body, *, published_only: bool = False) -> list[dict[str, Any]]:
    """One row per year: this system's finalised/published report wins over an imported one
    (imported reports are earlier years' published reports). `published_only` for the public."""
    rows: dict[int, dict[str, Any]] = {}
    for h in HistoricReport.objects.filter(body=body).order_by("year"):
        rows[h.year] = _series_row(h.year, "导入", h.format, h.data)
    reports = AnnualReport.objects.filter(body=body).exclude(status=ReportStatus.DRAFT)
    if published_only:
        reports = reports.filter(status=ReportStatus.PUBLISHED)
    for r in reports:
        if r.data:
            data = ReportTables.from_json(r.data).to_json()
            rows[r.year] = _series_row(r.year, "本系统", "2021", data)
    return [rows[y] for y in sorted(rows)]


def carry_over_mismatch(body: Body, year: int, carried_in: int) -> int | None:
    """The previous year's 结转下年度继续办理 when it differs from this year's 上年结转
    (`carried_in`), else None (equal, or no report of that year here). The two must agree
    across years; they differ when applications still open at the year's end were not entered
    here — typically in the first year after an earlier year's report was imported."""
    previous = next((r for r in series_for(body) if r["year"] == year - 1), None)
    if previous is None or previous["carried_out"] == carried_in:
        return None
    return int(previous["carried_out"])
