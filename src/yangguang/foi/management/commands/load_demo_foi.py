"""`python manage.py load_demo_foi` — a year of demo applications (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yangguang.foi import demo


class Command(BaseCommand):
    help = "加载依申请公开演示数据（约一年的申请，经真实办理流程生成）。可重复运行，不会重复添加。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=240)
        parser.add_argument("--force", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.YANGGUANG.get("ALLOW_DEMO") and not options["force"]:
            raise CommandError("当前为生产环境，拒绝加载演示数据。如确需加载，请使用 --force。")
        n = demo.load(count=options["count"])
        if n:
            self.stdout.write(self.style.SUCCESS(f"已加载 {n} 件依申请公开演示申请。"))
        else:
            self.stdout.write("依申请公开演示数据已存在（或尚未加载机构演示数据），未作改动。")
