"""`python manage.py load_demo [--force]` — load the demo region 示范市 (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import autodiscover_modules

from yangguang.orgs import demo


class Command(BaseCommand):
    help = "加载演示数据（示范市：区划、机构、窗口、各角色演示账号）。可重复运行，不会重复添加。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="在生产环境（YANGGUANG_ENV=production）中也加载演示数据。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.YANGGUANG.get("ALLOW_DEMO") and not options["force"]:
            raise CommandError(
                "当前为生产环境，拒绝加载演示数据（演示账号的密码是公开的）。"
                "如确需加载，请使用 --force。"
            )
        autodiscover_modules("demo")  # lets each app's demo.py register its loader
        counts = demo.load()
        total = sum(counts.values())
        if total:
            detail = "，".join(f"{demo.label(k)} {v}" for k, v in counts.items() if v)
            self.stdout.write(self.style.SUCCESS(f"演示数据已加载：新增 {detail}。"))
        else:
            self.stdout.write("演示数据已存在，无需重复加载。")
