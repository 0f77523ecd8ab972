from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

from yangguang.search.backends import backend_name, get_backend
from yangguang.search.indexing import rebuild


class Command(BaseCommand):
    help = "从数据库重建全文检索索引（全部公开信息）。"

    def handle(self, *args: Any, **options: Any) -> None:
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

        out.write(f"重建检索索引（引擎：{backend_name()}）…")
        n = rebuild(progress=progress)
        if tty:
            out.write("")
        took = time.perf_counter() - started
        out.write(
            self.style.SUCCESS(
                f"完成：已索引 {n} 条，用时 {took:.1f} 秒；索引共 {get_backend().count()} 条。"
            )
        )
