"""The national annual-report format as data (条例 Art. 49–50; DOMAIN.md §5).

New reports use the 2021 format (国办公开办函〔2021〕30号). The 2019 trial format
(国办公开办函〔2019〕60号) is kept only to import earlier years' reports as history.

Every row and column carries a stable `key` (used in stored JSON) and its exact national `label`
(printed on pages, in docx/xlsx and in the API). Labels are copied verbatim from the format:
do not "tidy" them — other systems read the API by label.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    level: int = 0  # 0 = 一、二…; 1 = （一）（二）…; 2 = 1. 2. …
    parent: str = ""
    has_values: bool = True  # heading rows (三、（三）…) carry no numbers of their own


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str = ""  # label of the spanning header above it, if any


@dataclass(frozen=True)
class Table2Section:
    """One block of table 二: an article item, its value columns and its rows."""

    key: str
    label: str  # e.g. "第二十条第（一）项"
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Format:
    code: str  # "2021" | "2019"
    label: str
    table2: tuple[Table2Section, ...]
    table3_rows: tuple[Row, ...]
    table3_columns: tuple[Column, ...] = field(default=())
    table4_columns: tuple[Column, ...] = field(default=())

    def table3_row(self, key: str) -> Row:
        return next(r for r in self.table3_rows if r.key == key)

    def table3_value_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.table3_rows if r.has_values)


# ---------------------------------------------------------------------------------------------
# Table 三 (收到和处理政府信息公开申请情况) — rows in the order of the 2021 format.

TABLE3_HEADER = "申请人情况"
NATURAL_PERSON = "自然人"
LEGAL_PERSON_GROUP = "法人或其他组织"
TOTAL = "总计"

TABLE3_COLUMNS: tuple[Column, ...] = (
    Column("natural", NATURAL_PERSON),
    Column("commercial", "商业企业", LEGAL_PERSON_GROUP),
    Column("research", "科研机构", LEGAL_PERSON_GROUP),
    Column("public_interest", "社会公益组织", LEGAL_PERSON_GROUP),
    Column("legal_service", "法律服务机构", LEGAL_PERSON_GROUP),
    Column("other", "其他", LEGAL_PERSON_GROUP),
    Column("total", TOTAL),
)
TABLE3_COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in TABLE3_COLUMNS)
# The six columns that are counted; "total" is their sum.
TABLE3_COUNTED_COLUMNS: tuple[str, ...] = TABLE3_COLUMN_KEYS[:-1]

ROW_NEW = "1"
ROW_CARRIED_IN = "2"
ROW_RESULTS = "3"
ROW_TOTAL = "3.7"
ROW_CARRIED_OUT = "4"


def _sub(parent: str, labels: list[str]) -> list[Row]:
    return [
        Row(f"{parent}.{i}", f"{i}.{label}", 2, parent) for i, label in enumerate(labels, start=1)
    ]


_NOT_DISCLOSED = [
    "属于国家秘密",
    "其他法律行政法规禁止公开",
    "危及“三安全一稳定”",
    "保护第三方合法权益",
    "属于三类内部事务信息",
    "属于四类过程性信息",
    "属于行政执法案卷",
    "属于行政查询事项",
]
_CANNOT_PROVIDE = [
    "本机关不掌握相关政府信息",
    "没有现成信息需要另行制作",
    "补正后申请内容仍不明确",
]
_NOT_PROCESSED = [
    "信访举报投诉类申请",
    "重复申请",
    "要求提供公开出版物",
    "无正当理由大量反复申请",
    "要求行政机关确认或重新出具已获取信息",
]
_OTHER_2021 = [
    "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "其他",
]

TABLE3_ROWS_2021: tuple[Row, ...] = (
    Row(ROW_NEW, "一、本年新收政府信息公开申请数量"),
    Row(ROW_CARRIED_IN, "二、上年结转政府信息公开申请数量"),
    Row(ROW_RESULTS, "三、本年度办理结果", has_values=False),
    Row("3.1", "（一）予以公开", 1, ROW_RESULTS),
    Row("3.2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, ROW_RESULTS),
    Row("3.3", "（三）不予公开", 1, ROW_RESULTS, has_values=False),
    *_sub("3.3", _NOT_DISCLOSED),
    Row("3.4", "（四）无法提供", 1, ROW_RESULTS, has_values=False),
    *_sub("3.4", _CANNOT_PROVIDE),
    Row("3.5", "（五）不予处理", 1, ROW_RESULTS, has_values=False),
    *_sub("3.5", _NOT_PROCESSED),
    Row("3.6", "（六）其他处理", 1, ROW_RESULTS, has_values=False),
    *_sub("3.6", _OTHER_2021),
    Row(ROW_TOTAL, "（七）总计", 1, ROW_RESULTS),
    Row(ROW_CARRIED_OUT, "四、结转下年度继续办理"),
)

# Rows that are outcomes of finished applications: （一）（二） and every numbered sub-row of
# （三）–（六）. （七）总计 is their sum (DOMAIN.md §5).
OUTCOME_ROW_KEYS: tuple[str, ...] = tuple(
    r.key
    for r in TABLE3_ROWS_2021
    if r.has_values and r.key.startswith("3.") and r.key != ROW_TOTAL
)
OUTCOME_LABELS: dict[str, str] = {
    r.key: r.label for r in TABLE3_ROWS_2021 if r.key in OUTCOME_ROW_KEYS
}

# The 2019 trial format: same rows, except that （六）其他处理 had no sub-rows.
TABLE3_ROWS_2019: tuple[Row, ...] = tuple(
    Row(r.key, r.label, r.level, r.parent, True) if r.key == "3.6" else r
    for r in TABLE3_ROWS_2021
    if not r.key.startswith("3.6.")
)

# ---------------------------------------------------------------------------------------------
# Table 二 (主动公开政府信息情况).

_ITEM_CONTENT = "信息内容"

TABLE2_2021: tuple[Table2Section, ...] = (
    Table2Section(
        "art20_1",
        "第二十条第（一）项",
        (
            Column("issued", "本年制发件数"),
            Column("repealed", "本年废止件数"),
            Column("in_force", "现行有效件数"),
        ),
        (Row("regulation", "规章"), Row("normative", "行政规范性文件")),
    ),
    Table2Section(
        "art20_5",
        "第二十条第（五）项",
        (Column("decisions", "本年处理决定数量"),),
        (Row("licensing", "行政许可"),),
    ),
    Table2Section(
        "art20_6",
        "第二十条第（六）项",
        (Column("decisions", "本年处理决定数量"),),
        (Row("penalty", "行政处罚"), Row("coercion", "行政强制")),
    ),
    Table2Section(
        "art20_8",
        "第二十条第（八）项",
        (Column("amount", "本年收费金额（单位：万元）"),),
        (Row("fees", "行政事业性收费"),),
    ),
)

TABLE2_2019: tuple[Table2Section, ...] = (
    Table2Section(
        "art20_1",
        "第二十条第（一）项",
        (
            Column("made", "本年新制作数量"),
            Column("published", "本年新公开数量"),
            Column("total_published", "对外公开总数量"),
        ),
        (Row("regulation", "规章"), Row("normative", "规范性文件")),
    ),
    Table2Section(
        "art20_5",
        "第二十条第（五）项",
        (
            Column("last_year_items", "上一年项目数量"),
            Column("change", "本年增/减"),
            Column("decisions", "处理决定数量"),
        ),
        (Row("licensing", "行政许可"), Row("other_services", "其他对外管理服务事项")),
    ),
    Table2Section(
        "art20_6",
        "第二十条第（六）项",
        (
            Column("last_year_items", "上一年项目数量"),
            Column("change", "本年增/减"),
            Column("decisions", "处理决定数量"),
        ),
        (Row("penalty", "行政处罚"), Row("coercion", "行政强制")),
    ),
    Table2Section(
        "art20_8",
        "第二十条第（八）项",
        (Column("last_year_items", "上一年项目数量"), Column("change", "本年增/减")),
        (Row("fees", "行政事业性收费"),),
    ),
    Table2Section(
        "art20_9",
        "第二十条第（九）项",
        (Column("procurement_items", "采购项目数量"), Column("procurement_amount", "采购总金额")),
        (Row("procurement", "政府集中采购"),),
    ),
)

# Staff-entered table-二 cells in the 2021 format: (section row key, column key).
TABLE2_STAFF_CELLS: tuple[tuple[str, str], ...] = (
    ("licensing", "decisions"),
    ("penalty", "decisions"),
    ("coercion", "decisions"),
    ("fees", "amount"),
)

# ---------------------------------------------------------------------------------------------
# Table 四 (政府信息公开行政复议、行政诉讼情况).

RECONSIDERATION = "行政复议"
LITIGATION = "行政诉讼"
TABLE4_GROUPS: tuple[tuple[str, str, str], ...] = (
    # key, top header, sub header
    ("reconsideration", RECONSIDERATION, ""),
    ("litigation_direct", LITIGATION, "未经复议直接起诉"),
    ("litigation_after", LITIGATION, "复议后起诉"),
)
TABLE4_RESULTS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
TABLE4_COLUMNS: tuple[Column, ...] = tuple(
    Column(f"{g}.{r}", rlabel, f"{top}{' ' + sub if sub else ''}")
    for g, top, sub in TABLE4_GROUPS
    for r, rlabel in TABLE4_RESULTS
)

# ---------------------------------------------------------------------------------------------
# Text sections and the report skeleton.

SECTION_TITLES: tuple[tuple[str, str], ...] = (
    ("overview", "一、总体情况"),
    ("proactive", "二、主动公开政府信息情况"),
    ("applications", "三、收到和处理政府信息公开申请情况"),
    ("reviews", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
)
SECTION_TITLE: dict[str, str] = dict(SECTION_TITLES)

FORMAT_2021 = Format(
    code="2021",
    label="国办公开办函〔2021〕30号",
    table2=TABLE2_2021,
    table3_rows=TABLE3_ROWS_2021,
    table3_columns=TABLE3_COLUMNS,
    table4_columns=TABLE4_COLUMNS,
)
FORMAT_2019 = Format(
    code="2019",
    label="国办公开办函〔2019〕60号（试行）",
    table2=TABLE2_2019,
    table3_rows=TABLE3_ROWS_2019,
    table3_columns=TABLE3_COLUMNS,
    table4_columns=TABLE4_COLUMNS,
)
FORMATS: dict[str, Format] = {FORMAT_2021.code: FORMAT_2021, FORMAT_2019.code: FORMAT_2019}

ITEM_CONTENT_LABEL = _ITEM_CONTENT
