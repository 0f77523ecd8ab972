"""Data-driven first draft of the text sections 一、五、六 (pure: facts in, text out).

Staff edit the draft in the console; the numbers quoted here come from the same data as the
tables, so the text and tables agree when the draft is made.
"""

from __future__ import annotations

from typing import Any

from yangguang.reports import national as nat
from yangguang.reports.compute import ReportTables, fmt_amount

# What the draft leaves for the office to write: finalising refuses a text that still holds it.
TO_FILL_IN = "（请结合实际填写存在的主要问题）"
TO_FILL_IN_MARK = "请结合实际填写"


def _pct(rate: float | None) -> str:
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}%"


def draft_sections(
    body_name: str, year: int, facts: dict[str, Any], tables: ReportTables
) -> dict[str, str]:
    t3 = tables.table3
    t4 = tables.table4
    by_cat = facts.get("publications_by_category", [])
    cat_text = ("，其中" + "、".join(f"{name}{n}条" for name, n in by_cat)) if by_cat else ""
    reg = tables.table2["regulation"]
    norm = tables.table2["normative"]
    overview = (
        f"{year}年，{body_name}认真贯彻落实《中华人民共和国政府信息公开条例》，"
        f"坚持以公开为常态、不公开为例外，扎实推进政府信息公开工作。\n"
        f"（一）主动公开。全年通过政府信息公开平台主动公开政府信息"
        f"{facts.get('publications_total', 0)}条{cat_text}。"
        f"本年制发规章{reg['issued']}件、行政规范性文件{norm['issued']}件，"
        f"废止规章{reg['repealed']}件、行政规范性文件{norm['repealed']}件；"
        f"截至{year}年12月31日，现行有效规章{reg['in_force']}件、行政规范性文件{norm['in_force']}件。\n"
        f"（二）依申请公开。全年新收政府信息公开申请{t3[nat.ROW_NEW]['total']}件，"
        f"上年结转{t3[nat.ROW_CARRIED_IN]['total']}件，本年度办结{t3[nat.ROW_TOTAL]['total']}件，"
        f"结转下年度继续办理{t3[nat.ROW_CARRIED_OUT]['total']}件。"
        f"本年答复{facts.get('applications_replied', 0)}件，"
        f"按期答复率{_pct(facts.get('on_time_rate'))}。\n"
        f"（三）行政复议和行政诉讼。全年因政府信息公开被申请行政复议"
        f"{t4['reconsideration']['total']}件，被提起行政诉讼"
        f"{t4['litigation_direct']['total'] + t4['litigation_after']['total']}件。\n"
        f"（四）平台建设和监督保障。依托政府信息公开平台统一发布信息、受理申请，"
        f"严格执行保密审查制度。"
    )
    problems = (
        f"{year}年政府信息公开工作取得了一定成效，但仍存在一些不足：{TO_FILL_IN}。\n"
        f"下一步，{body_name}将进一步规范依申请公开办理流程，提升答复质量和时效，"
        f"加强政策解读和信息发布审查。"
    )
    fees_yuan = int(facts.get("fees_total_yuan", 0))
    if fees_yuan:
        fee_text = (
            f"本年度依据《政府信息公开信息处理费管理办法》收取信息处理费"
            f"{fees_yuan}元（{fmt_amount(fees_yuan / 10000)}万元），共{facts.get('fees_count', 0)}笔。"
        )
    else:
        fee_text = "本年度未收取信息处理费。"
    other = fee_text + "\n无其他需要报告的事项。"
    return {"overview": overview, "problems": problems, "other_matters": other}
