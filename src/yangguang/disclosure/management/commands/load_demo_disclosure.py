from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yangguang.disclosure.demo import load_demo_publications


class Command(BaseCommand):
    help = "加载主动公开演示内容（约2,000条公开信息、政策解读、预决算与“三公”经费表、村级财务月报）。可重复运行。"

    def handle(self, *args: Any, **options: Any) -> None:
        n = load_demo_publications()
        if n:
            self.stdout.write(self.style.SUCCESS(f"主动公开演示内容已加载：新增 {n} 条。"))
        else:
            self.stdout.write("主动公开演示内容已存在（或尚未加载机构：请先运行 load_demo）。")
