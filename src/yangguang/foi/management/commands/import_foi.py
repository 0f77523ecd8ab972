"""`python manage.py import_foi FILE --user USERNAME` — import historical applications
(xlsx/csv; columns in foi/IMPORT.md). Nothing is imported when any row is invalid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yangguang.foi.importexport import import_applications
from yangguang.orgs.models import User


class Command(BaseCommand):
    help = "导入历史政府信息公开申请（xlsx/csv），逐行校验，任一行有误则全部不导入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="以该工作人员身份导入（须有导入权限）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError("用户不存在。")
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        report = import_applications(path.read_bytes(), filename=path.name, actor=user)
        if not report.ok:
            for row, msg in report.errors:
                self.stderr.write(f"第 {row} 行：{msg}")
            raise CommandError(f"校验未通过（{len(report.errors)} 行有误），未导入任何数据。")
        self.stdout.write(self.style.SUCCESS(f"已导入 {report.created} 条申请。"))
