from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yangguang.search.indexing import process_outbox


class Command(BaseCommand):
    help = "投递待处理的检索索引更新消息（search.reindex）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="持续运行，每隔数秒检查一次")
        parser.add_argument("--interval", type=float, default=2.0)
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            total = 0
            while True:
                n = process_outbox(limit=options["limit"])
                total += n
                if n < options["limit"]:
                    break
            if total or not options["loop"]:
                self.stdout.write(f"已处理 {total} 条索引更新消息。")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
