"""`python manage.py recompute_foi_deadlines` — after the holiday calendar changed, recompute
the due date of every open application from its events (DOMAIN.md §1)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from yangguang.foi.services import recompute_open


class Command(BaseCommand):
    help = "节假日日历调整后，按办理记录重新计算所有未办结申请的答复期限。"

    def handle(self, *args: Any, **options: Any) -> None:
        t0 = time.perf_counter()
        changed = recompute_open()
        self.stdout.write(
            f"已重新计算，{changed} 件申请的答复期限有变化（用时 {time.perf_counter() - t0:.1f} 秒）。"
        )
