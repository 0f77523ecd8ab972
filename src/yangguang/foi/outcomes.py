"""Outcomes of an application (条例 Art. 36–39) as stable codes, mapped one-to-one onto the rows
of table 三 of the national annual-report format (国办公开办函〔2021〕30号; DOMAIN.md §5).

This module is the single place that knows the exact national wording; the annual report imports
`OUTCOMES` / `national_label()` from here. Codes never change once stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class OutcomeDef:
    code: str
    group: str  # disclose | partial | refuse | unable | reject | other
    group_label: str  # exact national row, e.g. "（三）不予公开"
    item: int  # 0 for rows without numbered sub-rows, else 1..n
    item_label: str  # exact national sub-row, e.g. "1.属于国家秘密" ("" when item == 0)
    short: str  # short Chinese label for lists
    articles: str  # 条例 articles cited in the reply
    reason_required: bool  # the reply must state reasons (条例 Art. 36(3))

    @property
    def national_label(self) -> str:
        """The national row label: the numbered sub-row where there is one, else the group."""
        return self.item_label or self.group_label


GROUP_LABELS: dict[str, str] = {
    "disclose": "（一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "refuse": "（三）不予公开",
    "unable": "（四）无法提供",
    "reject": "（五）不予处理",
    "other": "（六）其他处理",
}

_ROWS: list[tuple[str, str, int, str, str, str]] = [
    # code, group, item, item label (national), short label, articles
    ("disclose", "disclose", 0, "", "予以公开", "第三十六条第（一）项、第（二）项"),
    ("partial", "partial", 0, "", "部分公开", "第三十七条"),
    ("refuse_1", "refuse", 1, "1.属于国家秘密", "不予公开：国家秘密", "第十四条"),
    ("refuse_2", "refuse", 2, "2.其他法律行政法规禁止公开", "不予公开：法律法规禁止", "第十四条"),
    ("refuse_3", "refuse", 3, "3.危及“三安全一稳定”", "不予公开：危及三安全一稳定", "第十四条"),
    ("refuse_4", "refuse", 4, "4.保护第三方合法权益", "不予公开：第三方合法权益", "第十五条"),
    ("refuse_5", "refuse", 5, "5.属于三类内部事务信息", "不予公开：内部事务信息", "第十六条第一款"),
    ("refuse_6", "refuse", 6, "6.属于四类过程性信息", "不予公开：过程性信息", "第十六条第二款"),
    ("refuse_7", "refuse", 7, "7.属于行政执法案卷", "不予公开：行政执法案卷", "第十六条第二款"),
    (
        "refuse_8",
        "refuse",
        8,
        "8.属于行政查询事项",
        "不予公开：行政查询事项",
        "第三十六条第（七）项",
    ),
    (
        "unable_1",
        "unable",
        1,
        "1.本机关不掌握相关政府信息",
        "无法提供：本机关不掌握",
        "第三十六条第（四）项、第（五）项",
    ),
    ("unable_2", "unable", 2, "2.没有现成信息需要另行制作", "无法提供：需另行制作", "第三十八条"),
    (
        "unable_3",
        "unable",
        3,
        "3.补正后申请内容仍不明确",
        "无法提供：补正后仍不明确",
        "第二十九条、第三十条",
    ),
    ("reject_1", "reject", 1, "1.信访举报投诉类申请", "不予处理：信访举报投诉", "第三十九条第一款"),
    ("reject_2", "reject", 2, "2.重复申请", "不予处理：重复申请", "第三十六条第（六）项"),
    ("reject_3", "reject", 3, "3.要求提供公开出版物", "不予处理：公开出版物", "第三十九条第二款"),
    ("reject_4", "reject", 4, "4.无正当理由大量反复申请", "不予处理：大量反复申请", "第三十五条"),
    (
        "reject_5",
        "reject",
        5,
        "5.要求行政机关确认或重新出具已获取信息",
        "不予处理：确认或重新出具",
        "第三十八条",
    ),
    (
        "other_1",
        "other",
        1,
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "其他处理：逾期不补正",
        "第三十条",
    ),
    (
        "other_2",
        "other",
        2,
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "其他处理：逾期未缴费",
        "第四十二条",
    ),
    ("other_3", "other", 3, "3.其他", "其他处理：其他", "第三十三条"),
]

OUTCOMES: dict[str, OutcomeDef] = {
    code: OutcomeDef(
        code=code,
        group=group,
        group_label=GROUP_LABELS[group],
        item=item,
        item_label=item_label,
        short=short,
        articles=articles,
        reason_required=code != "disclose",
    )
    for code, group, item, item_label, short, articles in _ROWS
}

# Outcomes that end the application without a substantive reply (state 已终止).
TERMINATING = frozenset({"other_1", "other_2", "other_3"})


class Outcome(models.TextChoices):
    DISCLOSE = "disclose", "予以公开"
    PARTIAL = "partial", "部分公开"
    REFUSE_1 = "refuse_1", "不予公开：属于国家秘密"
    REFUSE_2 = "refuse_2", "不予公开：其他法律行政法规禁止公开"
    REFUSE_3 = "refuse_3", "不予公开：危及“三安全一稳定”"
    REFUSE_4 = "refuse_4", "不予公开：保护第三方合法权益"
    REFUSE_5 = "refuse_5", "不予公开：属于三类内部事务信息"
    REFUSE_6 = "refuse_6", "不予公开：属于四类过程性信息"
    REFUSE_7 = "refuse_7", "不予公开：属于行政执法案卷"
    REFUSE_8 = "refuse_8", "不予公开：属于行政查询事项"
    UNABLE_1 = "unable_1", "无法提供：本机关不掌握相关政府信息"
    UNABLE_2 = "unable_2", "无法提供：没有现成信息需要另行制作"
    UNABLE_3 = "unable_3", "无法提供：补正后申请内容仍不明确"
    REJECT_1 = "reject_1", "不予处理：信访举报投诉类申请"
    REJECT_2 = "reject_2", "不予处理：重复申请"
    REJECT_3 = "reject_3", "不予处理：要求提供公开出版物"
    REJECT_4 = "reject_4", "不予处理：无正当理由大量反复申请"
    REJECT_5 = "reject_5", "不予处理：要求行政机关确认或重新出具已获取信息"
    OTHER_1 = "other_1", "其他处理：申请人无正当理由逾期不补正"
    OTHER_2 = "other_2", "其他处理：申请人逾期未按收费通知要求缴纳费用"
    OTHER_3 = "other_3", "其他处理：其他"


def national_label(code: str) -> str:
    """Exact national sub-row (or row) wording for an outcome code."""
    return OUTCOMES[code].national_label


def code_for_national_label(label: str) -> str | None:
    """Reverse mapping for imports: accepts the sub-row label ("1.属于国家秘密"), the sub-row
    with its group ("不予公开 1.属于国家秘密", "（三）不予公开1.属于国家秘密"), the group label for
    rows without sub-rows, or the short Chinese label / choice label / code."""
    text = "".join(label.split())
    if not text:
        return None
    if text in OUTCOMES:
        return text
    for d in OUTCOMES.values():
        group = d.group_label
        group_bare = group.split("）", 1)[1] if "）" in group else group
        candidates = {d.short, Outcome(d.code).label}
        if d.item:
            candidates |= {
                d.item_label,
                group + d.item_label,
                group_bare + d.item_label,
                group_bare + ":" + d.item_label,
                group_bare + "：" + d.item_label,
            }
        else:
            candidates |= {group, group_bare, group_bare.split("（", 1)[0]}
        if text in {"".join(c.split()) for c in candidates}:
            return d.code
    return None


def _check() -> None:
    if set(OUTCOMES) != set(Outcome.values):
        raise RuntimeError("Outcome choices and OUTCOMES drifted apart")


_check()
