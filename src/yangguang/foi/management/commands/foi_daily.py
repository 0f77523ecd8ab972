"""`python manage.py foi_daily` — run once a day: propose 其他处理 1 / 2 for applications whose
correction or payment period has expired (the handler confirms; nothing is closed silently), and
forget wrong-query-code records that no longer count (core.tracking.prune_failures)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yangguang.core.tracking import prune_failures
from yangguang.foi.services import propose_lapses


class Command(BaseCommand):
    help = "每日任务：补正期限、缴费期限届满的申请，生成“不再处理”的办结建议，待承办人确认。"

    def handle(self, *args: Any, **options: Any) -> None:
        numbers = propose_lapses()
        self.stdout.write(
            f"生成办结建议 {len(numbers)} 件"
            + (f"：{'、'.join(numbers[:50])}" if numbers else "。")
        )
        self.stdout.write(f"清理过期的查询失败记录 {prune_failures()} 条。")
