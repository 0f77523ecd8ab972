"""Fiscal and village-finance tables (DOMAIN.md §2 fiscal disclosure): a declared schema per
kind, validated cell by cell before publishing.

- 部门预算 / 决算: 支出功能分类 down to 项级科目 (类 3 digits, 款 5, 项 7); each row 合计 =
  基本支出 + 项目支出; each 类 = sum of its 款, each 款 = sum of its 项.
- 基本支出: 经济分类 down to 款级科目 (类 3 digits, 款 5); each 类 = sum of its 款.
- “三公”经费: 因公出国(境)费、公务用车购置及运行费 (= 购置费 + 运行费)、公务接待费; 合计 = the three.
- 村级财务 monthly statement: each expense with date (in the month), item, amount, payee and
  voucher number (unique).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from openpyxl.utils import get_column_letter

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Schema:
    kind: str
    columns: list[str]
    money: list[int]  # column indexes holding amounts


SCHEMAS: dict[str, Schema] = {
    "budget": Schema("budget", ["科目编码", "科目名称", "合计", "基本支出", "项目支出"], [2, 3, 4]),
    "final": Schema("final", ["科目编码", "科目名称", "合计", "基本支出", "项目支出"], [2, 3, 4]),
    "basic": Schema("basic", ["科目编码", "科目名称", "金额"], [2]),
    "three": Schema("three", ["项目", "金额"], [1]),
    "village": Schema("village", ["日期", "事项", "金额", "收款人", "凭证号"], [2]),
}
THREE_ROWS = [
    "合计",
    "因公出国（境）费",
    "公务用车购置及运行费",
    "其中：公务用车购置费",
    "公务用车运行费",
    "公务接待费",
]


class FiscalError(ValueError):
    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors  # (cell such as "C5", message)
        super().__init__("；".join(f"{c}：{m}" for c, m in errors[:20]))


@dataclass
class ParsedTable:
    columns: list[str]
    rows: list[list[str]]
    total: Decimal


def _cell(col: int, row: int) -> str:
    return f"{get_column_letter(col + 1)}{row}"


def _money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return Decimal("0.00")
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def read_rows(data: bytes) -> list[list[Any]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise FiscalError([("文件", "无法读取该 Excel 文件（须为 .xlsx 格式）。")]) from exc
    try:
        ws = wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    return [r for r in rows if any(v not in (None, "") for v in r)]


def validate(kind: str, rows: list[list[Any]], *, year: int, month: int | None) -> ParsedTable:
    """Check a table against its schema; raise FiscalError with every bad cell."""
    schema = SCHEMAS[kind]
    errors: list[tuple[str, str]] = []
    if not rows:
        raise FiscalError([("A1", "表格为空。")])
    header = [str(v or "").strip() for v in rows[0][: len(schema.columns)]]
    if header != schema.columns:
        raise FiscalError([("第1行", f"表头应为：{'、'.join(schema.columns)}。")])
    out: list[list[str]] = []
    amounts: list[list[Decimal]] = []
    for r, raw in enumerate(rows[1:], start=2):
        raw = (list(raw) + [None] * len(schema.columns))[: len(schema.columns)]
        row: list[str] = []
        money: list[Decimal] = []
        for c, value in enumerate(raw):
            if c in schema.money:
                d = _money(value)
                if d is None:
                    errors.append((_cell(c, r), f"“{value}”不是金额。"))
                    d = Decimal("0.00")
                elif d < 0 and kind != "final":
                    errors.append((_cell(c, r), "金额不能为负数。"))
                money.append(d)
                row.append(f"{d:.2f}")
            elif isinstance(value, dt.datetime | dt.date):
                row.append(value.strftime("%Y-%m-%d"))
            else:
                row.append("" if value is None else str(value).strip())
        out.append(row)
        amounts.append(money)
    check = {"budget": _check_functional, "final": _check_functional}.get(kind)
    if check is not None:
        total = check(out, amounts, errors, levels=(3, 5, 7))
    elif kind == "basic":
        total = _check_economic(out, amounts, errors)
    elif kind == "three":
        total = _check_three(out, amounts, errors)
    else:
        total = _check_village(out, amounts, errors, year=year, month=month)
    if errors:
        raise FiscalError(errors)
    return ParsedTable(schema.columns, out, total)


def _tree_sums(
    out: list[list[str]],
    amounts: list[list[Decimal]],
    errors: list[tuple[str, str]],
    *,
    levels: tuple[int, ...],
    money_cols: list[int],
) -> Decimal:
    codes: dict[str, int] = {}
    for i, row in enumerate(out):
        code = row[0]
        r = i + 2
        if not code.isdigit() or len(code) not in levels:
            errors.append(
                (_cell(0, r), f"科目编码“{code}”有误：应为{'/'.join(map(str, levels))}位数字。")
            )
            continue
        if code in codes:
            errors.append((_cell(0, r), f"科目编码“{code}”重复。"))
        codes[code] = i
        if not row[1]:
            errors.append((_cell(1, r), "请填写科目名称。"))
        parent_len = max((n for n in levels if n < len(code)), default=None)
        if parent_len is not None and code[:parent_len] not in codes:
            errors.append((_cell(0, r), f"上级科目“{code[:parent_len]}”不存在或排在其后。"))
    for code, i in codes.items():
        child_len = min((n for n in levels if n > len(code)), default=None)
        if child_len is None:
            continue
        kids = [j for c, j in codes.items() if len(c) == child_len and c.startswith(code)]
        if not kids:
            continue
        for k, col in enumerate(money_cols):
            s = sum((amounts[j][k] for j in kids), Decimal("0.00"))
            if s != amounts[i][k]:
                errors.append(
                    (_cell(col, i + 2), f"{out[i][1]}：{amounts[i][k]} 不等于下级科目之和 {s}。")
                )
    return sum((amounts[i][0] for c, i in codes.items() if len(c) == levels[0]), Decimal("0.00"))


def _check_functional(
    out: list[list[str]],
    amounts: list[list[Decimal]],
    errors: list[tuple[str, str]],
    *,
    levels: tuple[int, ...],
) -> Decimal:
    for i, m in enumerate(amounts):
        if m[0] != m[1] + m[2]:
            errors.append(
                (_cell(2, i + 2), f"合计 {m[0]} 不等于基本支出与项目支出之和 {m[1] + m[2]}。")
            )
    return _tree_sums(out, amounts, errors, levels=levels, money_cols=[2, 3, 4])


def _check_economic(
    out: list[list[str]], amounts: list[list[Decimal]], errors: list[tuple[str, str]]
) -> Decimal:
    return _tree_sums(out, amounts, errors, levels=(3, 5), money_cols=[2])


def _check_three(
    out: list[list[str]], amounts: list[list[Decimal]], errors: list[tuple[str, str]]
) -> Decimal:
    names = [row[0] for row in out]
    if [n.replace("(", "（").replace(")", "）") for n in names] != THREE_ROWS:
        errors.append(("A2", f"项目应依次为：{'、'.join(THREE_ROWS)}。"))
        return Decimal("0.00")
    v = [m[0] for m in amounts]
    if v[2] != v[3] + v[4]:
        errors.append(
            ("B4", f"公务用车购置及运行费 {v[2]} 不等于购置费与运行费之和 {v[3] + v[4]}。")
        )
    if v[0] != v[1] + v[2] + v[5]:
        errors.append(("B2", f"合计 {v[0]} 不等于三项之和 {v[1] + v[2] + v[5]}。"))
    return v[0]


def _check_village(
    out: list[list[str]],
    amounts: list[list[Decimal]],
    errors: list[tuple[str, str]],
    *,
    year: int,
    month: int | None,
) -> Decimal:
    if month is None:
        errors.append(("月份", "村级财务月报须填写月份。"))
        return Decimal("0.00")
    vouchers: set[str] = set()
    for i, row in enumerate(out):
        r = i + 2
        try:
            day = dt.date.fromisoformat(row[0].replace("/", "-")[:10])
        except ValueError:
            errors.append((_cell(0, r), f"日期“{row[0]}”有误。"))
        else:
            if (day.year, day.month) != (year, month):
                errors.append((_cell(0, r), f"日期 {day} 不在 {year}年{month}月 内。"))
        if not row[1]:
            errors.append((_cell(1, r), "请填写事项。"))
        if amounts[i][0] <= 0:
            errors.append((_cell(2, r), "金额须大于零。"))
        if not row[3]:
            errors.append((_cell(3, r), "请填写收款人。"))
        if not row[4]:
            errors.append((_cell(4, r), "请填写凭证号。"))
        elif row[4] in vouchers:
            errors.append((_cell(4, r), f"凭证号“{row[4]}”重复。"))
        vouchers.add(row[4])
    return sum((m[0] for m in amounts), Decimal("0.00"))


def to_csv(columns: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    w.writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(title: str, columns: list[str], rows: list[list[str]], money: list[int]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None  # noqa: S101
    ws.title = "公开表"
    ws.append(columns)
    for row in rows:
        ws.append([Decimal(v) if i in money and v else v for i, v in enumerate(row)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
