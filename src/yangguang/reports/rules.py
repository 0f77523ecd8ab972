"""Configurable rules of the annual report (DOMAIN.md: ship the default, let an administrator
change it per region)."""

from yangguang.core.rules import define

# 条例 Art. 49 obliges administrative organs (各级人民政府及其工作部门，乡镇人民政府/街道办事处).
# Public institutions and enterprises report under their own rules; a region may add them.
REPORTING_KINDS = define(
    "reports.reporting_body_kinds",
    ["government", "department", "township"],
    "须编制政府信息公开工作年度报告的机构类型",
    "机构类型代码列表：government 人民政府，department 政府工作部门，township 乡镇人民政府/街道办事处，"
    "village 村(居)民委员会，institution 事业单位，enterprise 国有企业（条例第四十九条）",
)
