from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yangguang.disclosure.demo import generate


class Command(BaseCommand):
    help = "批量生成已发布的公开信息（用于性能测试，可达 1,000,000 条）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["count"]
        if count <= 0:
            raise CommandError("--count 须为正整数。")
        try:
            n = generate(count, batch=options["batch"], seed=options["seed"], progress=True)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"已生成 {n} 条公开信息。"))
