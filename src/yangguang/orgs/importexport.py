"""Import and export of the whole organisation tree as one xlsx workbook (issue 2, point 3).

Sheets and columns (the first row of each sheet holds the headers; their order does not matter
and extra columns are ignored):

- 区划: 代码, 名称, 层级, 上级代码
- 机构: 统一社会信用代码, 名称, 简称, 类型, 所属区划代码, 上级机构信用代码, 地址, 电话, 办公时间
  (optional: 电子邮箱, 状态)
- 窗口: 机构信用代码, 窗口编号, 名称, 服务大厅, 位置, 电话 (optional: 状态)

Import validates every row first, with the same rules as the console forms (orgs.services), and
returns a row-by-row report (sheet, row number, column, Chinese message). Nothing is written
unless every row is valid; the writes then happen in one transaction, upserting regions by
division code, bodies by credit code and windows by (body, window number), and one audit event
records the counts. A file that is not an xlsx workbook, or lacks a sheet or a column, is
refused with a clear message — never a server error.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from yangguang.core.audit import record
from yangguang.orgs.access import can, require
from yangguang.orgs.models import LEVEL_ORDER, Body, BodyKind, Region, RegionLevel, User, Window
from yangguang.orgs.selectors import bodies_visible_to, regions_visible_to
from yangguang.orgs.services import (
    body_field_errors,
    kind_from_text,
    level_from_text,
    region_field_errors,
    window_field_errors,
)

REGION_SHEET = "区划"
BODY_SHEET = "机构"
WINDOW_SHEET = "窗口"

REGION_HEADERS = ["代码", "名称", "层级", "上级代码"]
BODY_HEADERS = [
    "统一社会信用代码",
    "名称",
    "简称",
    "类型",
    "所属区划代码",
    "上级机构信用代码",
    "地址",
    "电话",
    "办公时间",
]
BODY_OPTIONAL = ["电子邮箱", "状态"]
WINDOW_HEADERS = ["机构信用代码", "窗口编号", "名称", "服务大厅", "位置", "电话"]
WINDOW_OPTIONAL = ["状态"]

SHEETS: dict[str, list[str]] = {
    REGION_SHEET: REGION_HEADERS,
    BODY_SHEET: BODY_HEADERS,
    WINDOW_SHEET: WINDOW_HEADERS,
}
OPTIONAL: dict[str, list[str]] = {
    REGION_SHEET: [],
    BODY_SHEET: BODY_OPTIONAL,
    WINDOW_SHEET: WINDOW_OPTIONAL,
}

MAX_ROWS_PER_SHEET = 50_000
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

ACTIVE_TEXT = {"": True, "启用": True, "是": True, "正常": True, "停用": False, "否": False}

# Field names used by the services → column headers in each sheet.
REGION_COLUMNS = {"code": "代码", "name": "名称", "level": "层级", "parent": "上级代码"}
BODY_COLUMNS = {
    "credit_code": "统一社会信用代码",
    "name": "名称",
    "short_name": "简称",
    "kind": "类型",
    "region": "所属区划代码",
    "parent": "上级机构信用代码",
    "address": "地址",
    "phone": "电话",
    "office_hours": "办公时间",
    "email": "电子邮箱",
    "is_active": "状态",
}
WINDOW_COLUMNS = {
    "body": "机构信用代码",
    "code": "窗口编号",
    "name": "名称",
    "hall": "服务大厅",
    "location": "位置",
    "phone": "电话",
    "is_active": "状态",
}


class ImportFormatError(Exception):
    """The upload is not a workbook we can read; `message` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int  # the spreadsheet's own row number (headers are row 1)
    column: str
    message: str


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


Row = tuple[int, dict[str, str]]


# --- export ----------------------------------------------------------------------------------


def _header(ws: Any, names: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def export_tree(*, actor: User) -> bytes:
    """The regions, bodies and windows the actor administers or supervises, as xlsx bytes."""
    wb = Workbook(write_only=True)
    level_labels = dict(RegionLevel.choices)
    kind_labels = dict(BodyKind.choices)

    ws = wb.create_sheet(REGION_SHEET)
    for col, width in zip("ABCD", (16, 24, 12, 16), strict=True):
        ws.column_dimensions[col].width = width
    ws.append(_header(ws, REGION_HEADERS))
    for code, name, level, parent_code in regions_visible_to(actor).values_list(
        "code", "name", "level", "parent__code"
    ):
        ws.append([code, name, level_labels.get(level, level), parent_code or ""])

    bodies = bodies_visible_to(actor).order_by("region__path", "sort", "id")
    ws = wb.create_sheet(BODY_SHEET)
    for col, width in zip("ABCDEFGHIJK", (22, 36, 16, 22, 16, 22, 40, 18, 36, 24, 8), strict=True):
        ws.column_dimensions[col].width = width
    ws.append(_header(ws, BODY_HEADERS + BODY_OPTIONAL))
    for row in bodies.values_list(
        "credit_code",
        "name",
        "short_name",
        "kind",
        "region__code",
        "parent__credit_code",
        "address",
        "phone",
        "office_hours",
        "email",
        "is_active",
    ):
        values: list[Any] = list(row)
        values[3] = kind_labels.get(str(values[3]), values[3])
        values[5] = values[5] or ""
        values[10] = "启用" if values[10] else "停用"
        ws.append(values)

    ws = wb.create_sheet(WINDOW_SHEET)
    for col, width in zip("ABCDEFG", (22, 10, 24, 30, 24, 18, 8), strict=True):
        ws.column_dimensions[col].width = width
    ws.append(_header(ws, WINDOW_HEADERS + WINDOW_OPTIONAL))
    windows = Window.objects.filter(body__in=bodies.values("pk")).order_by(
        "body__region__path", "body__sort", "body_id", "code"
    )
    for credit_code, code, name, hall, location, phone, active in windows.values_list(
        "body__credit_code", "code", "name", "hall", "location", "phone", "is_active"
    ):
        ws.append([credit_code, code, name, hall, location, phone, "启用" if active else "停用"])

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def read_workbook(source: bytes | IO[bytes]) -> dict[str, list[Row]]:
    """Each sheet's data rows as (row number, {header: text}); raises ImportFormatError."""
    data = source if isinstance(source, bytes) else source.read()
    if len(data) > MAX_FILE_BYTES:
        raise ImportFormatError(f"文件过大：不能超过 {MAX_FILE_BYTES // (1024 * 1024)} MB。")
    if not data:
        raise ImportFormatError("上传的文件是空的。")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFormatError(
            "文件不是有效的 Excel 工作簿（.xlsx）。请使用本系统导出的模板，"
            "在 Excel/WPS 中另存为“Excel 工作簿 (*.xlsx)”后再上传。"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFormatError("文件已损坏，无法读取。请重新导出或另存为 .xlsx 后上传。") from exc
    if unpacked > MAX_UNPACKED_BYTES:  # a "zip bomb" or a sheet with millions of empty rows
        raise ImportFormatError("文件内容过大，请分批导入（每个工作表不超过 5 万行）。")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ImportFormatError(
            "无法读取该 Excel 文件：文件可能已损坏，或不是 .xlsx 格式（不支持旧版 .xls）。"
        ) from exc
    try:
        missing = [name for name in SHEETS if name not in wb.sheetnames]
        if missing:
            raise ImportFormatError(
                "工作簿缺少工作表："
                + "、".join(f"“{m}”" for m in missing)
                + f"。应包含“{REGION_SHEET}”“{BODY_SHEET}”“{WINDOW_SHEET}”三个工作表。"
            )
        out: dict[str, list[Row]] = {}
        for sheet, required in SHEETS.items():
            out[sheet] = _read_sheet(wb[sheet], sheet, required + OPTIONAL[sheet], required)
        return out
    except ImportFormatError:
        raise
    except Exception as exc:
        raise ImportFormatError(
            "读取 Excel 文件时出错：文件内容无法识别，请检查后重新上传。"
        ) from exc
    finally:
        wb.close()


def _read_sheet(ws: Any, sheet: str, known: list[str], required: list[str]) -> list[Row]:
    rows = ws.iter_rows(values_only=True)
    header_row = next(rows, None)
    headers = [_text(v) for v in header_row] if header_row else []
    missing = [h for h in required if h not in headers]
    if missing:
        raise ImportFormatError(
            f"工作表“{sheet}”第 1 行缺少列："
            + "、".join(missing)
            + "。第 1 行应为列名："
            + "、".join(required)
            + "。"
        )
    index = {h: headers.index(h) for h in known if h in headers}
    out: list[Row] = []
    for number, values in enumerate(rows, start=2):
        cells = [_text(v) for v in values]
        if not any(cells):
            continue
        if len(out) >= MAX_ROWS_PER_SHEET:
            raise ImportFormatError(f"工作表“{sheet}”超过 {MAX_ROWS_PER_SHEET} 行，请分批导入。")
        out.append((number, {h: (cells[i] if i < len(cells) else "") for h, i in index.items()}))
    return out


# --- validation ------------------------------------------------------------------------------


@dataclass
class _RegionRow:
    row: int
    code: str
    name: str
    level: str
    parent_code: str


@dataclass
class _BodyRow:
    row: int
    credit_code: str
    name: str
    short_name: str
    kind: str
    region_code: str
    parent_code: str
    address: str
    phone: str
    office_hours: str
    email: str | None  # None: the optional column is absent, keep what is stored
    is_active: bool | None


@dataclass
class _WindowRow:
    row: int
    body_code: str
    code: str
    name: str
    hall: str
    location: str
    phone: str
    is_active: bool | None


@dataclass
class _Plan:
    regions: list[_RegionRow]
    bodies: list[_BodyRow]
    windows: list[_WindowRow]


class _Checker:
    """Validates the parsed workbook against itself and the database."""

    def __init__(self, actor: User, sheets: dict[str, list[Row]]) -> None:
        self.actor = actor
        self.sheets = sheets
        self.errors: list[RowError] = []
        # Database state, loaded once (a city has thousands of rows, not millions).
        self.db_regions: dict[str, tuple[str, str, str]] = {
            code: (level, parent_code or "", path)
            for code, level, parent_code, path in Region.objects.values_list(
                "code", "level", "parent__code", "path"
            )
        }
        self.db_bodies: dict[str, tuple[str, str]] = {
            code: (region_code, parent_code or "")
            for code, region_code, parent_code in Body.objects.values_list(
                "credit_code", "region__code", "parent__credit_code"
            )
        }

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(sheet, row, column, message))

    # regions

    def regions(self) -> list[_RegionRow]:
        parsed: list[_RegionRow] = []
        first_row: dict[str, int] = {}
        for number, cells in self.sheets[REGION_SHEET]:
            level_text = cells["层级"]
            level = level_from_text(level_text) if level_text else None
            item = _RegionRow(number, cells["代码"], cells["名称"], level or "", cells["上级代码"])
            if level_text and level is None:
                self.error(
                    REGION_SHEET, number, "层级", "层级应为 市、县/区、乡镇/街道 或 村/社区。"
                )
            elif not level_text:
                self.error(REGION_SHEET, number, "层级", "请填写层级。")
            if item.code in first_row:
                self.error(
                    REGION_SHEET,
                    number,
                    "代码",
                    f"区划代码 {item.code} 与第 {first_row[item.code]} 行重复。",
                )
            elif item.code:
                first_row[item.code] = number
            parsed.append(item)
        sheet_levels = {r.code: r.level for r in parsed if r.level}
        for item in parsed:
            if not item.level:
                if not item.name:
                    self.error(REGION_SHEET, item.row, "名称", "请填写区划名称。")
                continue
            parent_level_value = None
            if item.parent_code:
                if item.parent_code in sheet_levels:
                    parent_level_value = sheet_levels[item.parent_code]
                elif item.parent_code in self.db_regions:
                    parent_level_value = self.db_regions[item.parent_code][0]
                else:
                    self.error(
                        REGION_SHEET,
                        item.row,
                        "上级代码",
                        f"上级区划 {item.parent_code} 不存在（本表和系统中都没有）。",
                    )
                    continue
            field_errors = region_field_errors(
                code=item.code,
                name=item.name,
                level=item.level,
                parent_code=item.parent_code or None,
                parent_level_value=parent_level_value,
            )
            for name, message in field_errors.items():
                self.error(REGION_SHEET, item.row, REGION_COLUMNS[name], message)
            existing = self.db_regions.get(item.code)
            if existing is not None and not field_errors:
                level, parent_code, _path = existing
                if level != item.level:
                    self.error(
                        REGION_SHEET,
                        item.row,
                        "层级",
                        f"区划 {item.code} 已存在，层级为“{RegionLevel(level).label}”，不能通过导入修改。",
                    )
                elif parent_code != item.parent_code:
                    self.error(
                        REGION_SHEET,
                        item.row,
                        "上级代码",
                        f"区划 {item.code} 已存在，上级为 {parent_code or '（无）'}，不能通过导入修改。",
                    )
        return parsed

    def region_path(self, code: str, sheet_parents: dict[str, str]) -> str | None:
        """The materialised path a region has or will have after the import."""
        if code in self.db_regions:
            return self.db_regions[code][2]
        chain = [code]
        cursor = code
        for _ in range(len(LEVEL_ORDER)):
            parent = sheet_parents.get(cursor, "")
            if not parent:
                return "/" + "/".join(reversed(chain)) + "/"
            if parent in self.db_regions:
                return self.db_regions[parent][2] + "/".join(reversed(chain)) + "/"
            chain.append(parent)
            cursor = parent
        return None

    # bodies

    def bodies(
        self, region_codes: set[str], sheet_region_parents: dict[str, str]
    ) -> list[_BodyRow]:
        parsed: list[_BodyRow] = []
        first_row: dict[str, int] = {}
        for number, cells in self.sheets[BODY_SHEET]:
            kind_text = cells["类型"]
            kind = kind_from_text(kind_text) if kind_text else ""
            status = cells.get("状态")  # None: column absent
            item = _BodyRow(
                row=number,
                credit_code=cells["统一社会信用代码"].upper(),
                name=cells["名称"],
                short_name=cells["简称"],
                kind=kind or "",
                region_code=cells["所属区划代码"],
                parent_code=cells["上级机构信用代码"].upper(),
                address=cells["地址"],
                phone=cells["电话"],
                office_hours=cells["办公时间"],
                email=cells.get("电子邮箱"),
                is_active=None if status is None else ACTIVE_TEXT.get(status),
            )
            if status is not None and status not in ACTIVE_TEXT:
                self.error(BODY_SHEET, number, "状态", "状态应为“启用”或“停用”（留空表示启用）。")
            errors = body_field_errors(
                name=item.name,
                short_name=item.short_name,
                kind=item.kind or "?",
                credit_code=item.credit_code,
                address=item.address,
                phone=item.phone,
                office_hours=item.office_hours,
                email=item.email or "",
            )
            if not kind_text:
                errors["kind"] = "请填写机构类型。"
            for name, message in errors.items():
                self.error(BODY_SHEET, number, BODY_COLUMNS[name], message)
            if item.credit_code in first_row:
                self.error(
                    BODY_SHEET,
                    number,
                    "统一社会信用代码",
                    f"统一社会信用代码 {item.credit_code} 与第 {first_row[item.credit_code]} 行重复。",
                )
            elif item.credit_code:
                first_row[item.credit_code] = number
            if not item.region_code:
                self.error(BODY_SHEET, number, "所属区划代码", "请填写所属区划代码。")
            elif item.region_code not in region_codes:
                self.error(
                    BODY_SHEET,
                    number,
                    "所属区划代码",
                    f"区划 {item.region_code} 不存在（本表“区划”和系统中都没有）。",
                )
            parsed.append(item)

        sheet_bodies = {b.credit_code: b for b in parsed}
        final_parent = {code: parent for code, (_r, parent) in self.db_bodies.items()}
        final_parent.update({b.credit_code: b.parent_code for b in parsed})
        final_region = {code: region for code, (region, _p) in self.db_bodies.items()}
        final_region.update({b.credit_code: b.region_code for b in parsed})
        for item in parsed:
            if not item.parent_code:
                continue
            if item.parent_code == item.credit_code:
                self.error(BODY_SHEET, item.row, "上级机构信用代码", "上级机构不能是本机构。")
                continue
            if item.parent_code not in sheet_bodies and item.parent_code not in self.db_bodies:
                self.error(
                    BODY_SHEET,
                    item.row,
                    "上级机构信用代码",
                    f"上级机构 {item.parent_code} 不存在（本表和系统中都没有）。",
                )
                continue
            own_path = self.region_path(item.region_code, sheet_region_parents)
            parent_path = self.region_path(final_region[item.parent_code], sheet_region_parents)
            if own_path and parent_path and not own_path.startswith(parent_path):
                self.error(
                    BODY_SHEET,
                    item.row,
                    "上级机构信用代码",
                    "上级机构应位于本机构所属区划或其上级区划。",
                )
                continue
            seen = {item.credit_code}
            cursor = item.parent_code
            while cursor:
                if cursor in seen:
                    self.error(BODY_SHEET, item.row, "上级机构信用代码", "上级机构关系形成了循环。")
                    break
                seen.add(cursor)
                cursor = final_parent.get(cursor, "")
        return parsed

    # windows

    def windows(self, body_codes: set[str]) -> list[_WindowRow]:
        parsed: list[_WindowRow] = []
        first_row: dict[tuple[str, str], int] = {}
        for number, cells in self.sheets[WINDOW_SHEET]:
            status = cells.get("状态")  # None: column absent
            item = _WindowRow(
                row=number,
                body_code=cells["机构信用代码"].upper(),
                code=cells["窗口编号"].upper(),
                name=cells["名称"],
                hall=cells["服务大厅"],
                location=cells["位置"],
                phone=cells["电话"],
                is_active=None if status is None else ACTIVE_TEXT.get(status),
            )
            if status is not None and status not in ACTIVE_TEXT:
                self.error(WINDOW_SHEET, number, "状态", "状态应为“启用”或“停用”（留空表示启用）。")
            if not item.body_code:
                self.error(WINDOW_SHEET, number, "机构信用代码", "请填写机构信用代码。")
            elif item.body_code not in body_codes:
                self.error(
                    WINDOW_SHEET,
                    number,
                    "机构信用代码",
                    f"机构 {item.body_code} 不存在（本表“机构”和系统中都没有）。",
                )
            errors = window_field_errors(
                code=item.code,
                name=item.name,
                hall=item.hall,
                location=item.location,
                phone=item.phone,
            )
            for name, message in errors.items():
                self.error(WINDOW_SHEET, number, WINDOW_COLUMNS[name], message)
            key = (item.body_code, item.code)
            if item.code and key in first_row:
                self.error(
                    WINDOW_SHEET,
                    number,
                    "窗口编号",
                    f"同一机构的窗口编号 {item.code} 与第 {first_row[key]} 行重复。",
                )
            elif item.code:
                first_row[key] = number
            parsed.append(item)
        return parsed

    def run(self) -> _Plan:
        regions = self.regions()
        region_codes = set(self.db_regions) | {r.code for r in regions if r.code}
        sheet_region_parents = {r.code: r.parent_code for r in regions}
        bodies = self.bodies(region_codes, sheet_region_parents)
        body_codes = set(self.db_bodies) | {b.credit_code for b in bodies if b.credit_code}
        windows = self.windows(body_codes)
        return _Plan(regions, bodies, windows)


# --- writing ---------------------------------------------------------------------------------


def _count(counts: dict[str, int], key: str) -> None:
    counts[key] = counts.get(key, 0) + 1


def _allowed(actor: User, action: str, obj: Any) -> bool:
    return can(actor, action, obj)


class _Forbidden(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


def _write(actor: User, plan: _Plan) -> dict[str, dict[str, int]]:
    """Apply a validated plan. Permission is checked per written row; a refusal raises
    `_Forbidden`, which rolls the whole transaction back."""
    counts: dict[str, dict[str, int]] = {REGION_SHEET: {}, BODY_SHEET: {}, WINDOW_SHEET: {}}
    denied = "您无权管理该{what}（不在您的管理范围内）。"

    regions_by_code = {r.code: r for r in Region.objects.all()}
    level_rank = {str(v): i for i, v in enumerate(LEVEL_ORDER)}
    for ritem in sorted(plan.regions, key=lambda r: level_rank[r.level]):
        existing = regions_by_code.get(ritem.code)
        if existing is None:
            parent = regions_by_code.get(ritem.parent_code) if ritem.parent_code else None
            scope = parent if parent is not None else Region(path="/")
            if not _allowed(actor, "region.create", scope):
                raise _Forbidden(
                    RowError(REGION_SHEET, ritem.row, "代码", denied.format(what="区划"))
                )
            regions_by_code[ritem.code] = Region.objects.create(
                code=ritem.code, name=ritem.name, level=ritem.level, parent=parent
            )
            _count(counts[REGION_SHEET], "created")
        elif existing.name != ritem.name:
            if not _allowed(actor, "region.change", existing):
                raise _Forbidden(
                    RowError(REGION_SHEET, ritem.row, "代码", denied.format(what="区划"))
                )
            existing.name = ritem.name
            existing.save(update_fields=["name"])
            _count(counts[REGION_SHEET], "updated")
        else:
            _count(counts[REGION_SHEET], "unchanged")

    bodies_by_code = {b.credit_code: b for b in Body.objects.select_related("region", "parent")}
    fields = ("name", "short_name", "kind", "address", "phone", "office_hours", "email")
    touched: list[tuple[_BodyRow, Body, bool, bool]] = []  # (row, body, created, changed)
    for item in plan.bodies:
        region = regions_by_code[item.region_code]
        body = bodies_by_code.get(item.credit_code)
        values = {f: getattr(item, f) for f in fields if getattr(item, f) is not None}
        if body is None:
            if not _allowed(actor, "body.create", region):
                raise _Forbidden(
                    RowError(
                        BODY_SHEET, item.row, "所属区划代码", denied.format(what="区划中的机构")
                    )
                )
            body = Body.objects.create(
                credit_code=item.credit_code,
                region=region,
                is_active=item.is_active if item.is_active is not None else True,
                **values,
            )
            bodies_by_code[item.credit_code] = body
            touched.append((item, body, True, True))
            continue
        changed = (
            any(getattr(body, f) != v for f, v in values.items()) or body.region_id != region.pk
        )
        if item.is_active is not None and body.is_active != item.is_active:
            changed = True
        if changed:
            if not _allowed(actor, "body.change", body) or (
                body.region_id != region.pk and not _allowed(actor, "body.create", region)
            ):
                raise _Forbidden(
                    RowError(BODY_SHEET, item.row, "统一社会信用代码", denied.format(what="机构"))
                )
            for f, v in values.items():
                setattr(body, f, v)
            body.region = region
            if item.is_active is not None:
                body.is_active = item.is_active
            body.save()
        touched.append((item, body, False, changed))
    for item, body, created, changed in touched:
        superior = bodies_by_code[item.parent_code] if item.parent_code else None
        if body.parent_id != (superior.pk if superior else None):
            if not changed and not _allowed(actor, "body.change", body):
                raise _Forbidden(
                    RowError(BODY_SHEET, item.row, "上级机构信用代码", denied.format(what="机构"))
                )
            body.parent = superior
            body.save(update_fields=["parent"])
            changed = True
        _count(
            counts[BODY_SHEET], "created" if created else ("updated" if changed else "unchanged")
        )

    windows_by_key = {(w.body_id, w.code): w for w in Window.objects.all()}
    wfields = ("name", "hall", "location", "phone")
    for witem in plan.windows:
        body = bodies_by_code[witem.body_code]
        window = windows_by_key.get((body.pk, witem.code))
        wvalues = {f: getattr(witem, f) for f in wfields}
        if window is None:
            if not _allowed(actor, "window.change", body):
                raise _Forbidden(
                    RowError(
                        WINDOW_SHEET, witem.row, "机构信用代码", denied.format(what="机构的窗口")
                    )
                )
            Window.objects.create(
                body=body,
                code=witem.code,
                is_active=witem.is_active if witem.is_active is not None else True,
                **wvalues,
            )
            _count(counts[WINDOW_SHEET], "created")
            continue
        wchanged = any(getattr(window, f) != v for f, v in wvalues.items()) or (
            witem.is_active is not None and window.is_active != witem.is_active
        )
        if wchanged:
            if not _allowed(actor, "window.change", body):
                raise _Forbidden(
                    RowError(
                        WINDOW_SHEET, witem.row, "机构信用代码", denied.format(what="机构的窗口")
                    )
                )
            for f, v in wvalues.items():
                setattr(window, f, v)
            if witem.is_active is not None:
                window.is_active = witem.is_active
            window.save()
            _count(counts[WINDOW_SHEET], "updated")
        else:
            _count(counts[WINDOW_SHEET], "unchanged")
    return counts


def import_tree(*, actor: User, source: bytes | IO[bytes], filename: str = "") -> ImportReport:
    """Validate the whole workbook, then write it in one transaction or not at all.

    Raises ImportFormatError for unreadable files; returns a report whose `errors` list every
    bad row (and then nothing was written) or whose `counts` say what was created/updated."""
    require(actor, "orgs.import", None)
    sheets = read_workbook(source)
    report = ImportReport(rows={name: len(rows) for name, rows in sheets.items()})
    checker = _Checker(actor, sheets)
    plan = checker.run()
    if checker.errors:
        report.errors = sorted(checker.errors, key=_error_order)
        return report
    try:
        with transaction.atomic():
            report.counts = _write(actor, plan)
            record(
                actor=actor,
                action="orgs.import",
                object_type="orgs.tree",
                object_repr=f"导入区划与机构：{filename or 'xlsx'}"[:300],
                changes={"file": filename, "rows": report.rows, "counts": report.counts},
            )
    except _Forbidden as exc:
        report.errors = [exc.error]
        report.counts = {}
    return report


_SHEET_ORDER = {REGION_SHEET: 0, BODY_SHEET: 1, WINDOW_SHEET: 2}


def _error_order(error: RowError) -> tuple[int, int]:
    return (_SHEET_ORDER.get(error.sheet, 9), error.row)


def summarize(counts: dict[str, dict[str, int]]) -> Iterable[tuple[str, int, int, int]]:
    """(sheet, created, updated, unchanged) for the report page."""
    for sheet in SHEETS:
        c = counts.get(sheet, {})
        yield sheet, c.get("created", 0), c.get("updated", 0), c.get("unchanged", 0)
