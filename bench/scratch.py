"""Shared plumbing for benches that measure in a child process against a throw-away database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@contextmanager
def scratch_database(pg_url: str, prefix: str) -> Iterator[None]:
    """Point DATABASE_URL at a database that exists only for the bench: the PostgreSQL database
    named in `pg_url` (its name must start with yangguang_bench; dropped, created, dropped again)
    or, without `pg_url`, a temporary SQLite file."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    name = ""
    try:
        if pg_url:
            name = pg_url.rsplit("/", 1)[1]
            if not name.startswith("yangguang_bench"):
                sys.exit("--pg database name must start with yangguang_bench")
            _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{name}"')
            _pg_admin(pg_url, f'CREATE DATABASE "{name}"')
            os.environ["DATABASE_URL"] = pg_url
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        yield
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if name:
            from django.db import connections

            connections.close_all()
            _pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{name}"')


def run_child(script: str, *args: str) -> list[dict[str, Any]]:
    """bench/run.py entry point helper: run `script --json ARGS` and read its result rows."""
    out = subprocess.run(
        [sys.executable, script, *args, "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def print_rows(results: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        print(json.dumps(results, ensure_ascii=False))
        return
    for r in results:
        target = f" (target ≤ {r['target']})" if "target" in r else ""
        cpu = f" (cpu {r['cpu']})" if "cpu" in r else ""
        print(f"{r['name']}: {r['value']} {r['unit']}{cpu}{target} — {r.get('note', '')}")
