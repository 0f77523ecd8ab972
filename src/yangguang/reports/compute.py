"""Computing the annual-report tables (DOMAIN.md §5, 国办公开办函〔2021〕30号).

The pure part turns grouped counts into tables: no database here. `reports.sources` produces
the counts with a few GROUP BY queries (one per table, for any number of bodies at once), and
`compute_tables()` glues both together.

Table 三 definitions for year Y (column = applicant kind):
  一  received in Y;
  二  received before Y and not finished by 1 January Y;
  三  finished in Y, by outcome row; （七）总计 = （一）+（二）+ every numbered sub-row of （三）–（六）;
  四  received by 31 December Y and not finished on 31 December Y.
Consistency rule printed on the table: 一 + 二 = 三（七） + 四 in every column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from yangguang.reports import national as nat

Cells = dict[str, dict[str, int]]


@dataclass(frozen=True)
class ApplicationCount:
    """Applications of one body, applicant column and outcome row, counted per table-三 row."""

    column: str  # a key of nat.TABLE3_COUNTED_COLUMNS, or "" when the applicant kind is unknown
    outcome: str  # a key of nat.OUTCOME_ROW_KEYS, or "" (unfinished / unknown outcome)
    new: int = 0
    carried_in: int = 0
    finished: int = 0
    carried_out: int = 0
    body_id: int = 0


@dataclass(frozen=True)
class ReviewCount:
    """Review cases (行政复议/行政诉讼) of one body, group and result."""

    group: str  # "reconsideration" | "litigation_direct" | "litigation_after"
    result: str  # "upheld" | "corrected" | "other" | "pending"
    decided: int = 0  # decided in the year with this result
    pending: int = 0  # filed by 31 December and not decided on 31 December
    body_id: int = 0


@dataclass(frozen=True)
class PublicationCount:
    row: str  # "regulation" | "normative"
    issued: int = 0
    repealed: int = 0
    in_force: int = 0
    body_id: int = 0


def _empty_table3() -> Cells:
    return {
        r.key: dict.fromkeys(nat.TABLE3_COLUMN_KEYS, 0)
        for r in nat.TABLE3_ROWS_2021
        if r.has_values
    }


def _empty_table4() -> Cells:
    return {g: {r: 0 for r, _ in nat.TABLE4_RESULTS} for g, _, _ in nat.TABLE4_GROUPS}


def _empty_table2() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for section in nat.TABLE2_2021:
        for row in section.rows:
            out[row.key] = {
                c.key: (Decimal(0) if c.key == "amount" else 0) for c in section.columns
            }
    return out


@dataclass
class ReportTables:
    """Tables 二, 三, 四 of one report (or the sum over a region)."""

    table2: dict[str, dict[str, Any]] = field(default_factory=_empty_table2)
    table3: Cells = field(default_factory=_empty_table3)
    table4: Cells = field(default_factory=_empty_table4)
    unclassified: int = 0  # applications whose applicant kind maps to no column
    format: str = "2021"

    # -- consistency ---------------------------------------------------------------------------
    def identity_failures(self) -> list[str]:
        """Columns where 一 + 二 ≠ 三（七） + 四 (DOMAIN.md §5)."""
        t = self.table3
        return [
            col
            for col in nat.TABLE3_COLUMN_KEYS
            if t[nat.ROW_NEW][col] + t[nat.ROW_CARRIED_IN][col]
            != t[nat.ROW_TOTAL][col] + t[nat.ROW_CARRIED_OUT][col]
        ]

    @property
    def consistent(self) -> bool:
        return not self.identity_failures() and self.unclassified == 0

    # -- arithmetic ----------------------------------------------------------------------------
    def add(self, other: ReportTables) -> None:
        for row, cols in other.table3.items():
            for col, n in cols.items():
                self.table3[row][col] += n
        for group, results in other.table4.items():
            for res, n in results.items():
                self.table4[group][res] += n
        for row, cols in other.table2.items():
            for col, v in cols.items():
                self.table2[row][col] += v
        self.unclassified += other.unclassified

    # -- serialisation -------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "table2": {
                row: {col: (str(v) if isinstance(v, Decimal) else v) for col, v in cols.items()}
                for row, cols in self.table2.items()
            },
            "table3": self.table3,
            "table4": self.table4,
            "unclassified": self.unclassified,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReportTables:
        t = cls()
        for row, cols in data.get("table2", {}).items():
            target = t.table2.setdefault(row, {})
            for col, v in cols.items():
                target[col] = Decimal(str(v)) if col == "amount" else int(v)
        for row, cols in data.get("table3", {}).items():
            t.table3.setdefault(row, {}).update({c: int(v) for c, v in cols.items()})
        for group, results in data.get("table4", {}).items():
            t.table4.setdefault(group, {}).update({r: int(v) for r, v in results.items()})
        t.unclassified = int(data.get("unclassified", 0))
        t.format = str(data.get("format", "2021"))
        return t


# ---------------------------------------------------------------------------------------------
# Pure builders.


def fill_table3(tables: ReportTables, counts: Iterable[ApplicationCount]) -> None:
    """Add application counts into table 三 and recompute the total row and column."""
    t = tables.table3
    for c in counts:
        if c.column not in nat.TABLE3_COUNTED_COLUMNS:
            tables.unclassified += c.new + c.carried_in
            continue
        t[nat.ROW_NEW][c.column] += c.new
        t[nat.ROW_CARRIED_IN][c.column] += c.carried_in
        t[nat.ROW_CARRIED_OUT][c.column] += c.carried_out
        if c.finished and c.outcome in nat.OUTCOME_LABELS:
            t[c.outcome][c.column] += c.finished
        # A finished application without a known outcome lands in no row of 三: the identity
        # check then fails in its column, and the console lists it.
    finish_table3(t)


def finish_table3(t: Cells) -> None:
    """（七）总计 = （一）+（二）+ all numbered sub-rows of （三）–（六）; 总计 column = sum."""
    for col in nat.TABLE3_COUNTED_COLUMNS:
        t[nat.ROW_TOTAL][col] = sum(t[k][col] for k in nat.OUTCOME_ROW_KEYS)
    for row in t.values():
        row["total"] = sum(row[c] for c in nat.TABLE3_COUNTED_COLUMNS)


def fill_table4(tables: ReportTables, counts: Iterable[ReviewCount]) -> None:
    """Decided in the year by result; 尚未审结 = filed and not decided on 31 December."""
    t = tables.table4
    for c in counts:
        if c.group not in t:
            continue
        if c.result in ("upheld", "corrected", "other"):
            t[c.group][c.result] += c.decided
        t[c.group]["pending"] += c.pending
    for results in t.values():
        results["total"] = sum(results[r] for r, _ in nat.TABLE4_RESULTS if r != "total")


def fill_table2(
    tables: ReportTables,
    publications: Iterable[PublicationCount],
    staff_entries: Mapping[str, Decimal],
) -> None:
    """规章 / 行政规范性文件 from the publications; the other cells from staff entries."""
    for p in publications:
        if p.row in ("regulation", "normative"):
            cell = tables.table2[p.row]
            cell["issued"] += p.issued
            cell["repealed"] += p.repealed
            cell["in_force"] += p.in_force
    for row, col in nat.TABLE2_STAFF_CELLS:
        value = staff_entries.get(row)
        if value is None:
            continue
        tables.table2[row][col] += value if col == "amount" else int(value)


# ---------------------------------------------------------------------------------------------
# Rendering helpers shared by the page, docx, xlsx and the API.


def fmt_amount(value: Any) -> str:
    """万元 with up to four decimals, no trailing zeros ("0" for nothing)."""
    d = Decimal(str(value)).quantize(Decimal("0.0001"))
    text = format(d, "f").rstrip("0").rstrip(".")
    return text or "0"


def table2_layout(tables: ReportTables) -> list[dict[str, Any]]:
    """Sections of table 二 with labels and values, in national order."""
    out = []
    for section in nat.TABLE2_2021:
        rows = []
        for row in section.rows:
            values = tables.table2.get(row.key, {})
            cells = []
            for col in section.columns:
                v = values.get(col.key, 0)
                cells.append(fmt_amount(v) if col.key == "amount" else int(v))
            rows.append({"key": row.key, "label": row.label, "values": cells})
        out.append(
            {
                "key": section.key,
                "label": section.label,
                "columns": [c.label for c in section.columns],
                "rows": rows,
            }
        )
    return out


def table3_layout(tables: ReportTables) -> list[dict[str, Any]]:
    out = []
    for row in nat.TABLE3_ROWS_2021:
        values = (
            [tables.table3[row.key][c] for c in nat.TABLE3_COLUMN_KEYS] if row.has_values else []
        )
        out.append(
            {
                "key": row.key,
                "label": row.label,
                "level": row.level,
                "parent": row.parent,
                "has_values": row.has_values,
                "values": values,
            }
        )
    return out


def table4_values(tables: ReportTables) -> list[int]:
    return [tables.table4[g][r] for g, _, _ in nat.TABLE4_GROUPS for r, _ in nat.TABLE4_RESULTS]
