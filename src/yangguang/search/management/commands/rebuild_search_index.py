from __future__ import annotations

import os
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yangguang.search.backends import backend_name, get_backend
from yangguang.search.indexing import RebuildInterrupted, rebuild


class Command(BaseCommand):
    help = "从数据库重建全文检索索引（全部公开信息）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="分词进程数（默认为 CPU 核数，最多 2）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:  # was taken as 1 without a word
            raise CommandError("--workers 须为正整数（分词进程数）。")
        started = time.perf_counter()
        out = self.stdout
        tty = hasattr(out, "isatty") and out.isatty() or sys.stdout.isatty()

        def progress(done: int, total: int) -> None:
            width = 30
            frac = done / total if total else 1.0
            bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
            rate = done / max(1e-6, time.perf_counter() - started)
            line = f"[{bar}] {done}/{total} ({frac:.0%}) {rate:.0f} 条/秒"
            if tty:
                out.write("\r" + line, ending="")
                out.flush()
            else:
                out.write(line)

        # More processes than cores only add memory (a tantivy rebuild process takes up to
        # REBUILD_HEAP, 1 GB): at most one per core.
        cores = os.cpu_count() or 1
        workers = min(options["workers"], cores)
        if workers < options["workers"]:
            out.write(f"本机只有 {cores} 个 CPU 核，分词进程数按 {workers} 个执行。")
        out.write(f"重建检索索引（引擎：{backend_name()}）…")

        def busy() -> None:
            out.write(
                "另一个进程正在写入检索索引（可能是另一次重建），等待其结束后开始重建……"
                "（可按 Ctrl-C 取消，原有索引不受影响）"
            )

        try:
            n = rebuild(progress=progress, workers=workers, on_busy=busy)
        except RebuildInterrupted as stop:
            if tty:
                out.write("")  # off the progress bar's line
            # 130 = 128 + SIGINT: shells and systemd read it as "interrupted".
            raise CommandError(_interrupted_message(stop.replaced), returncode=130) from None
        if tty:
            out.write("")
        took = time.perf_counter() - started
        out.write(
            self.style.SUCCESS(
                f"完成：已索引 {n} 条，用时 {took:.1f} 秒；索引共 {get_backend().count()} 条。"
            )
        )


def _interrupted_message(replaced: bool) -> str:
    """What Ctrl-C left behind, instead of a Python traceback (one per indexing process)."""
    if replaced:
        return (
            "已中断：新索引已经启用；重建期间写入的索引更新消息留在队列中，"
            "由 process_search_outbox 投递。"
        )
    return "已中断：索引未重建，检索仍使用原有索引。可随时重新运行 rebuild_search_index。"
