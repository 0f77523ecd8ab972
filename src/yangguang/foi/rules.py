"""Configurable FOI rules (DOMAIN.md §3 "configurable")."""

from __future__ import annotations

from yangguang.core.rules import define

FEE_STOPS_CLOCK = define(
    "foi.fee_stops_clock",
    True,
    "依申请公开：等待缴费期间是否停止计算答复期限",
    "国办函〔2020〕109号：默认停止计时，自缴费之日起继续计算。",
)
CORRECTION_PERIOD = define(
    "foi.correction_period_days",
    15,
    "依申请公开：默认补正期限（工作日）",
    "条例第三十条：合理的补正期限。",
)
YELLOW_LEFT = define("foi.light_yellow_left", 5, "依申请公开：黄灯阈值（剩余工作日）")
RED_LEFT = define("foi.light_red_left", 2, "依申请公开：红灯阈值（剩余工作日）")
