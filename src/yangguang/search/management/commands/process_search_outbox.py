from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yangguang.search.indexing import process_outbox


class Command(BaseCommand):
    help = "投递待处理的检索索引更新消息（search.reindex）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="持续运行，每隔数秒检查一次")
        parser.add_argument("--interval", type=float, default=2.0, help="检查间隔（秒，默认 2）")
        parser.add_argument("--limit", type=int, default=500, help="每批消息数（默认 500）")

    def handle(self, *args: Any, **options: Any) -> None:
        limit, interval = options["limit"], options["interval"]
        # A batch of 0 never ends the inner loop below (0 < 0 is false: it spun forever on the
        # database); a negative one or a negative pause ended in an English traceback.
        if limit < 1:
            raise CommandError("--limit 须为正整数（每批投递的消息数）。")
        if not interval >= 0:  # also NaN
            raise CommandError("--interval 须为不小于 0 的秒数。")
        while True:
            total = 0
            while True:
                n = process_outbox(limit=limit)
                total += n
                if n < limit:
                    break
            if total or not options["loop"]:
                self.stdout.write(f"已处理 {total} 条索引更新消息。")
            if not options["loop"]:
                return
            time.sleep(interval)
