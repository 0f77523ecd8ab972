"""Search rebuild from the database (issue 4): what `manage.py rebuild_search_index` does in a
deployment — read every public publication through the search source, segment and index it —
over generated publications in a scratch database. bench_search.py feeds the engines from
memory; this is the path that also pays for reading the database, in the one process every
document passes through.

    .venv/bin/python bench/run.py search_rebuild                 # via the runner (SQLite)
    .venv/bin/python bench/bench_search_rebuild.py --pubs 100000
    .venv/bin/python bench/bench_search_rebuild.py --pg postgres://postgres@127.0.0.1:5432/yangguang_bench_rebuild --engine postgres

The generated publications are short (about 280 characters of text): the figure is the rate
of the reading side more than of segmentation, which bench_search.py measures at 1,500
characters.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.scratch import print_rows, run_child, scratch_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangguang.config.settings")


def measure(pubs: int, workers: int) -> list[dict[str, Any]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from yangguang.search.backends import backend_name, get_backend
    from yangguang.search.backends.base import pack_document
    from yangguang.search.indexing import rebuild
    from yangguang.search.sources import PublicationSource

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    call_command("generate_publications", count=pubs, batch=10000, stdout=io.StringIO())
    source = PublicationSource()
    n = source.count()
    sample = [d for _, d in zip(range(2000), source.documents(), strict=False)]
    chars = statistics.mean(len(d.title) + len(d.text) for d in sample)
    note = f"{connection.vendor}, {n:,} public publications of ~{chars:.0f} characters"

    # The reading process alone: rows → SearchDocuments → what is sent to the workers.
    started = time.process_time()
    for doc in source.documents():
        pack_document(doc)
    read_us = (time.process_time() - started) / n * 1e6

    started = time.perf_counter()
    indexed = rebuild(workers=workers)
    took = time.perf_counter() - started
    if indexed != n or get_backend().count() != n:
        raise RuntimeError(f"indexed {indexed} of {n}")
    return [
        {
            "name": f"{backend_name()}: rebuild_search_index from the database",
            "value": round(n / took),
            "unit": "docs/s",
            "target": 5000,
            "better": "higher",
            "calls": n,
            "note": f"{note}; {workers} segmenting processes; {took:.1f} s",
        },
        {
            "name": "reading publications for the index (one process)",
            "value": round(read_us, 1),
            "unit": "µs/doc",
            "cpu": round(read_us, 1),
            "calls": n,
            "note": note,
        },
    ]


def run() -> list[dict[str, Any]]:
    """Runner entry point: a subprocess with its own temporary SQLite database."""
    from bench.run import scale

    return run_child(str(Path(__file__)), "--pubs", str(max(500, int(100_000 * scale()))))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default="", help="PostgreSQL URL of a scratch database")
    parser.add_argument("--pubs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--engine", default="tantivy", choices=["tantivy", "postgres"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="yg-bench-rebuild-") as var:
        # The index, media and secret key of this run only, never ./var/.
        os.environ["YANGGUANG_VAR_DIR"] = var
        os.environ["SEARCH_INDEX_DIR"] = str(Path(var) / "search")
        os.environ["SEARCH_BACKEND"] = args.engine
        with scratch_database(args.pg, "yg-bench-rebuild-"):
            results = measure(args.pubs, args.workers)
    print_rows(results, args.json)


if __name__ == "__main__":
    main()
