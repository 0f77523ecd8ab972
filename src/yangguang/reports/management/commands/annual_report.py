"""python manage.py annual_report --body <统一社会信用代码> --year YYYY --format json|docx|xlsx

Writes the body's annual report (finalised tables when finalised, live tables for a draft or when
no report exists yet) to --output, or JSON to standard output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yangguang.orgs.models import Body
from yangguang.reports import exports
from yangguang.reports.models import AnnualReport
from yangguang.reports.selectors import report_tables


class Command(BaseCommand):
    help = "导出政府信息公开工作年度报告（国办公开办函〔2021〕30号格式）：json、docx 或 xlsx。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--body", required=True, help="机构统一社会信用代码")
        parser.add_argument("--year", required=True, type=int, help="报告年度")
        parser.add_argument("--format", default="json", choices=exports.FORMATS)
        parser.add_argument(
            "--output", "-o", default="", help="输出文件（docx/xlsx 默认按机构和年度命名）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = str(options["body"]).strip().upper()
        body = Body.objects.select_related("region").filter(credit_code=code).first()
        if body is None:
            raise CommandError(f"未找到统一社会信用代码为 {code} 的机构。")
        year = int(options["year"])
        if year < 2008 or year > 2100:
            raise CommandError("报告年度有误。")
        report = (
            AnnualReport.objects.filter(body=body, year=year).select_related("body__region").first()
        )
        if report is None:
            report = AnnualReport(body=body, year=year)  # not saved: live tables, empty text
        content, _ctype, name = exports.render(report, report_tables(report), options["format"])
        output = options["output"]
        if not output and options["format"] == "json":
            self.stdout.write(content.decode())
            return
        path = Path(output or name)
        path.write_bytes(content)
        self.stdout.write(f"已写入 {path}（{len(content)} 字节）")
