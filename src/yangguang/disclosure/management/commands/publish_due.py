from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yangguang.disclosure.services import publication_publish_due


class Command(BaseCommand):
    help = "发布已到定时发布时间的公开信息（建议每分钟由定时任务调用）。"

    def handle(self, *args: Any, **options: Any) -> None:
        n = publication_publish_due()
        self.stdout.write(f"已发布 {n} 条定时信息。")
