"""`python manage.py issue_api_token <username> [--name 用途]` — print a new staff API token."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yangguang.orgs.models import User
from yangguang.orgs.tokens import token_issue


class Command(BaseCommand):
    help = "为工作人员签发 API 令牌（只显示一次，数据库仅保存其 SHA-256）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="工作人员用户名")
        parser.add_argument("--name", default="", help="令牌用途，例如“数据对接”")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户“{username}”不存在。")
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用，不能签发令牌。")
        issued = token_issue(actor=None, user=user, name=options["name"])
        self.stderr.write(
            f"已为 {user.username} 签发令牌（前缀 {issued.token.prefix}）。"
            "令牌只显示这一次，请妥善保存；请求时使用 Authorization: Bearer <令牌>。"
        )
        self.stdout.write(issued.secret)
