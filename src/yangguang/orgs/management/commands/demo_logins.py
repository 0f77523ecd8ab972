"""`python manage.py demo_logins` — print the demo staff accounts (username, password, role)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from yangguang.orgs import demo
from yangguang.orgs.models import Role, User


class Command(BaseCommand):
    help = "列出演示账号（用户名、密码、角色、所属机构或范围）。"

    def handle(self, *args: Any, **options: Any) -> None:
        autodiscover_modules("demo")
        staff = demo.logins()
        existing = set(
            User.objects.filter(username__in=[s.username for s in staff]).values_list(
                "username", flat=True
            )
        )
        rows = [s for s in staff if s.username in existing]
        if not rows:
            self.stdout.write("尚未加载演示数据：请先运行 python manage.py load_demo。")
            return
        self.stdout.write("演示账号（仅供演示，请勿在生产环境使用）：")
        width = max(len(s.username) for s in rows)
        for s in rows:
            scope = s.body or ("全部区划" if not s.region else demo.region_name(s.region))
            if s.window:
                scope += f" {s.window} 窗口"
            self.stdout.write(
                f"  {s.username.ljust(width)}  {s.password:<16}  {Role(s.role).label}（{scope}）"
            )
