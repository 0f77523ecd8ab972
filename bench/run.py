"""Run the benchmarks and record them: ``make bench`` (= ``.venv/bin/python bench/run.py``).

Usage::

    .venv/bin/python bench/run.py                 # every bench/bench_*.py that has run()
    .venv/bin/python bench/run.py workdays        # only bench/bench_workdays.py
    .venv/bin/python bench/run.py --no-write      # print the table, write no results file
    .venv/bin/python bench/run.py --strict        # exit status 1 when a target is missed
    BENCH_SCALE=0.01 .venv/bin/python bench/run.py   # quick smoke run (1 % of the calls)

Each run prints one table and writes ``bench/results/<UTC timestamp>-<short commit>.md`` with
the machine (platform, CPU model, nproc, Python, load average), the commit and the table.
Commit that file when the numbers are worth keeping.

The contract for a benchmark script ``bench/bench_<topic>.py``
------------------------------------------------------------------
It defines ``run() -> list[dict]`` (no arguments) and returns one dict per measurement:

=========  ===========================================================================
key        meaning
=========  ===========================================================================
name       required, str — what was measured, e.g. ``"add_workdays"``
value      required, float — the measured figure
unit       required, str — e.g. ``"µs/call"``, ``"ms"``, ``"s"``, ``"%"``
cpu        optional, float — the same figure in CPU time of this process (``time.process_time``),
           in ``unit``; on a shared machine it shows the code's own cost when wall time is
           inflated by other processes
target     optional, float — the target the value should meet
better     optional, ``"lower"`` (default) or ``"higher"``: direction of ``target``
calls      optional, int — how many calls/items the value was averaged over
note       optional, str — anything a reader needs (data size, database, …)
=========  ===========================================================================

Rules for ``run()``:

- Scale the work by ``bench.run.scale()`` (env ``BENCH_SCALE``, default 1.0): ``int(N * scale())``
  calls, at least 1 — tests run every benchmark with a tiny scale.
- Be self-contained: prepare inputs before timing, exclude set-up from the figure, leave nothing
  behind (temporary directories / databases you create and drop yourself).
- Benchmarks that need Django call ``django_setup()`` from this module first (it sets
  ``DJANGO_SETTINGS_MODULE`` and ``sys.path``). Never touch the development database under
  ``./var/``: use a temporary SQLite file or a PostgreSQL database of your own name.
- Use ``timed(fn, calls)`` for micro-benchmarks: it runs ``fn(i)`` for i in range(calls) with
  the garbage collector off (like ``timeit``) and returns (wall µs, CPU µs) per call, loop
  included. Report the wall figure as ``value`` and the CPU figure as ``cpu``.

Scripts without ``run()`` are listed as skipped (they may still have their own ``main()``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.util
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"

for _p in (str(ROOT / "src"), str(ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)


def scale() -> float:
    """Work multiplier from env ``BENCH_SCALE`` (default 1.0)."""
    try:
        value = float(os.environ.get("BENCH_SCALE", "1"))
    except ValueError:
        return 1.0
    return value if value > 0 else 1.0


def scaled(n: int) -> int:
    return max(1, int(n * scale()))


def django_setup() -> None:
    """Make Django usable from a benchmark (settings from the environment, as in production)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangguang.config.settings")
    import django

    django.setup()


def timed(fn: Callable[[int], object], calls: int) -> tuple[float, float]:
    """(wall µs, CPU µs) per call of ``fn(i)`` over ``calls`` calls, garbage collector off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        c0, t0 = time.process_time(), time.perf_counter()
        for i in range(calls):
            fn(i)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        if was_enabled:
            gc.enable()
    return wall / calls * 1e6, cpu / calls * 1e6


# --- machine and commit -----------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def machine_info() -> dict[str, str]:
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "nproc": str(os.cpu_count() or "?"),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "load average (1/5/15 min, at start)": load,
        "commit": (_git("rev-parse", "HEAD") or "unknown")
        + (" (uncommitted changes)" if dirty else ""),
        "scale": str(scale()),
    }


# --- running -----------------------------------------------------------------------------------


def discover(only: list[str]) -> list[Path]:
    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    if only:
        wanted = {o.removeprefix("bench_").removesuffix(".py") for o in only}
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in wanted]
    return scripts


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_scripts.{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def status(row: dict[str, Any]) -> str:
    target = row.get("target")
    if target is None:
        return ""
    if row.get("better", "lower") == "higher":
        return "ok" if row["value"] >= target else "MISSED"
    return "ok" if row["value"] <= target else "MISSED"


def run_all(scripts: list[Path]) -> tuple[list[dict[str, Any]], list[str]]:
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for path in scripts:
        topic = path.stem.removeprefix("bench_")
        try:
            module = _load(path)
            run = getattr(module, "run", None)
            if not callable(run):
                problems.append(f"{path.name}: skipped (no run())")
                continue
            t0 = time.perf_counter()
            result = run()
            took = time.perf_counter() - t0
        except Exception:  # a broken benchmark must not hide the others
            problems.append(f"{path.name}: FAILED\n{traceback.format_exc()}")
            continue
        for row in result:
            missing = {"name", "value", "unit"} - set(row)
            if missing:
                problems.append(f"{path.name}: row without {sorted(missing)}: {row!r}")
                continue
            rows.append({"bench": topic, **row})
        print(f"  {path.name}: {len(result)} rows in {took:.1f} s", file=sys.stderr)
    return rows, problems


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if value == 0 or abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table (readable as plain text too)."""
    head = ["bench", "name", "value", "cpu", "unit", "target", "status", "calls", "note"]
    body = []
    for r in rows:
        target = r.get("target")
        tgt = ""
        if target is not None:
            tgt = ("≥ " if r.get("better", "lower") == "higher" else "≤ ") + _fmt(target)
        body.append(
            [
                r["bench"],
                r["name"],
                _fmt(r["value"]),
                _fmt(r.get("cpu")),
                r["unit"],
                tgt,
                status(r),
                _fmt(r.get("calls")),
                str(r.get("note", "")),
            ]
        )
    widths = [
        max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)
    ]
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    for b in body:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)) + " |")
    return "\n".join(lines)


def report(
    rows: list[dict[str, Any]], info: dict[str, str], problems: list[str], at: dt.datetime
) -> str:
    out = [f"# Benchmarks {at:%Y-%m-%d %H:%M:%S} UTC", "", "## Machine", ""]
    out += [f"- {k}: {v}" for k, v in info.items()]
    out += [
        "",
        "## Results",
        "",
        "`value` is wall-clock time; `cpu` is this process's CPU time for the same work (the",
        "machine is shared: a high load average inflates `value`, not `cpu`).",
        "",
        table(rows),
        "",
    ]
    if problems:
        out += ["## Problems", "", *[f"- {p}" for p in problems], ""]
    return "\n".join(out)


def write(text: str, at: dt.datetime, results_dir: Path = RESULTS_DIR) -> Path:
    short = _git("rev-parse", "--short", "HEAD") or "nocommit"
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{at:%Y%m%dT%H%M%SZ}-{short}.md"
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("only", nargs="*", help="topics to run (bench_<topic>.py); default all")
    parser.add_argument("--no-write", action="store_true", help="do not write a results file")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    at = dt.datetime.now(dt.UTC)
    info = machine_info()
    scripts = discover(args.only)
    if not scripts:
        print("no benchmark scripts found", file=sys.stderr)
        return 2
    rows, problems = run_all(scripts)
    text = report(rows, info, problems, at)
    print(text)
    if not args.no_write:
        print(f"written: {write(text, at).relative_to(ROOT)}", file=sys.stderr)
    failed = any(p.split(": ", 1)[1].startswith("FAILED") for p in problems)
    missed = any(status(r) == "MISSED" for r in rows)
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
