"""Search relevance on the demo corpus (issue 4): nDCG@10 and recall@10 of the whole search
service over the judged queries in relevance_demo.json, for both engines.

    .venv/bin/python bench/bench_search_relevance.py                  # both engines when PG answers
    .venv/bin/python bench/bench_search_relevance.py --engines tantivy --failures 15
    .venv/bin/python bench/run.py search_relevance                    # through the bench runner

Each engine runs in a child process with a throw-away database (a temporary SQLite file for
tantivy; PostgreSQL database `yangguang_bench_relevance`, created and dropped, for the postgres
engine) and a temporary index directory: migrate, `load_demo` (the disclosure demo dated
relevance_demo.DEMO_DATE — see that module for why), `rebuild_search_index`, then every judged
query through `yangguang.search.service.run_search` — parse, synonyms, AND → OR fallback, number
pin, ranking, visibility re-check — exactly as the search page calls it (first page of 10).

Figures:

- nDCG@10: gain 2^grade − 1, log2 discount; the ideal ranking is built from every judged
  document of the query (not only those the engine found), so a missed relevant document lowers
  the figure.
- recall@10: relevant documents (grade ≥ 2) in the first 10 / min(10, relevant documents). Topic
  queries have 50–80 relevant documents in the demo (every body issues the same policies); plain
  recall (÷ all relevant) would measure the corpus, not the engine, so it is only in the note.

The set does not depend on BENCH_SCALE: 155 queries take about a second once the demo is in.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
for _p in (str(ROOT / "src"), str(ROOT), str(BENCH_DIR)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

PG_URL = os.environ.get(
    "RELEVANCE_BENCH_PG", "postgres://postgres@127.0.0.1:5432/yangguang_bench_relevance"
)
NDCG_TARGET = 0.8
RECALL_TARGET = 0.9


def ndcg_at_10(got: list[str], grades: dict[str, int]) -> float:
    dcg = sum((2 ** grades.get(k, 0) - 1) / math.log2(i + 2) for i, k in enumerate(got[:10]))
    ideal = sorted(grades.values(), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_10(got: list[str], grades: dict[str, int]) -> tuple[float, float]:
    """(recall ÷ min(10, relevant), recall ÷ relevant) over grade ≥ 2 documents."""
    relevant = {k for k, g in grades.items() if g >= 2}
    if not relevant:
        return 1.0, 1.0
    found = len(relevant & set(got[:10]))
    return found / min(10, len(relevant)), found / len(relevant)


# -- run() for bench/run.py --------------------------------------------------------------------


def run() -> list[dict[str, Any]]:
    engines = ["tantivy"] + (["postgres"] if pg_reachable() else [])
    rows: list[dict[str, Any]] = []
    for engine in engines:
        rows += _child(engine)
    return rows


def pg_reachable() -> bool:
    try:
        import psycopg

        admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001
        return False


def _child(engine: str, *extra: str) -> list[dict[str, Any]]:
    cmd = [sys.executable, str(Path(__file__)), "--child", engine, "--json", *extra]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"relevance bench ({engine}) failed:\n{out.stderr[-4000:]}")
    sys.stderr.write(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# -- the child: one engine -----------------------------------------------------------------------


def prepare(engine: str, tmp: Path) -> float:
    """Django on a scratch database with the demo loaded and indexed; returns seconds taken."""
    os.environ["YANGGUANG_VAR_DIR"] = str(tmp)
    os.environ["SEARCH_INDEX_DIR"] = str(tmp / "search")
    os.environ["SEARCH_BACKEND"] = engine
    os.environ["DJANGO_SETTINGS_MODULE"] = "yangguang.config.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from relevance_demo import load_demo

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_demo()
    call_command("rebuild_search_index", verbosity=0)
    return time.perf_counter() - t0


def ranked_keys(query: str, n: int = 10) -> list[str]:
    """The 索引号 of the first page (n results) of the search service's answer."""
    from yangguang.disclosure.models import Publication
    from yangguang.search.service import run_search

    out = run_search(query, per_page=n, facets=False)
    ids = [h.id for h in out.hits if h.source == "publication"]
    numbers = dict(Publication.objects.filter(pk__in=ids).values_list("pk", "index_number"))
    return [numbers[i] for i in ids if i in numbers]


def measure(engine: str, failures: int = 0) -> list[dict[str, Any]]:
    from relevance_demo import load

    from yangguang.disclosure.models import Publication

    _, judged = load()
    n_docs = Publication.objects.count()
    by_kind: dict[str, list[tuple[float, float, float]]] = {}
    worst: list[tuple[float, str, str, list[str]]] = []
    t0 = time.perf_counter()
    for j in judged:
        got = ranked_keys(j.query)
        nd = ndcg_at_10(got, j.grades)
        rc, plain = recall_at_10(got, j.grades)
        by_kind.setdefault(j.kind, []).append((nd, rc, plain))
        worst.append((nd, j.query, j.kind, got))
    took = time.perf_counter() - t0
    if failures:
        _print_failures(engine, judged, sorted(worst)[:failures])
    every = [v for vs in by_kind.values() for v in vs]
    base = f"{len(judged)} judged queries, demo corpus ({n_docs:,} publications), {engine}"
    rows: list[dict[str, Any]] = [
        {
            "name": f"{engine}: demo relevance nDCG@10",
            "value": round(statistics.mean(x[0] for x in every), 3),
            "unit": "",
            "target": NDCG_TARGET,
            "better": "higher",
            "calls": len(every),
            "note": f"{base}; {took * 1000 / len(every):.1f} ms/query",
        },
        {
            "name": f"{engine}: demo relevance recall@10",
            "value": round(statistics.mean(x[1] for x in every), 3),
            "unit": "",
            "target": RECALL_TARGET,
            "better": "higher",
            "calls": len(every),
            "note": f"{base}; ÷ min(10, relevant); ÷ all relevant: "
            f"{statistics.mean(x[2] for x in every):.3f}",
        },
    ]
    rows.append(_whole_titles(engine, failures))
    for kind, vs in by_kind.items():
        rows.append(
            {
                "name": f"{engine}: demo nDCG@10, {kind}",
                "value": round(statistics.mean(x[0] for x in vs), 3),
                "unit": "",
                "better": "higher",
                "calls": len(vs),
                "note": f"recall@10 {statistics.mean(x[1] for x in vs):.3f}",
            }
        )
    return rows


def _whole_titles(engine: str, failures: int = 0) -> dict[str, Any]:
    """A citizen pastes a document's whole title (from a news item, a forwarded message): is a
    document with that title first? Every distinct public title of the demo, unquoted."""
    from yangguang.disclosure.selectors import publications_public
    from yangguang.search.service import run_search

    titles = sorted(set(publications_public().values_list("title", flat=True)))
    missed = []
    for title in titles:
        hits = run_search(title, per_page=1, facets=False).hits
        if not hits or hits[0].title != title:
            missed.append((title, hits[0].title if hits else ""))
    for title, first in missed[:failures]:
        print(f"[{engine}] whole title {title!r} → first {first!r}", file=sys.stderr)
    return {
        "name": f"{engine}: whole title typed, that document first",
        "value": round(1 - len(missed) / len(titles), 3),
        "unit": "",
        "better": "higher",
        "calls": len(titles),
        "note": f"{len(titles)} distinct demo titles, unquoted; {len(missed)} not first",
    }


def _print_failures(
    engine: str, judged: list[Any], worst: list[tuple[float, str, str, list[str]]]
) -> None:
    from yangguang.disclosure.models import Publication

    grades = {j.query: j.grades for j in judged}
    for nd, q, kind, got in worst:
        titles = dict(
            Publication.objects.filter(index_number__in=got).values_list("index_number", "title")
        )
        print(f"[{engine}] nDCG {nd:.3f}  {kind:12} {q!r}", file=sys.stderr)
        for k in got:
            print(f"      {grades[q].get(k, 0)} {titles.get(k, k)}", file=sys.stderr)


def child(engine: str, failures: int) -> list[dict[str, Any]]:
    from scratch import scratch_database

    tmp = Path(tempfile.mkdtemp(prefix="yg-bench-relevance-"))
    try:
        with scratch_database(PG_URL if engine == "postgres" else "", "yg-bench-relevance-db-"):
            took = prepare(engine, tmp)
            print(f"[{engine}] demo loaded and indexed in {took:.0f} s", file=sys.stderr)
            try:
                return measure(engine, failures)
            finally:
                from yangguang.search.backends import reset_backends

                reset_backends()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engines", default="", help="tantivy,postgres (default: every reachable)")
    parser.add_argument("--failures", type=int, default=0, help="print the N worst queries")
    parser.add_argument("--child", default="")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.child:
        rows = child(args.child, args.failures)
        if args.json:
            print(json.dumps(rows, ensure_ascii=False))
        return
    engines = (
        args.engines.split(",")
        if args.engines
        else ["tantivy"] + (["postgres"] if pg_reachable() else [])
    )
    rows = []
    for engine in engines:
        rows += _child(engine.strip(), "--failures", str(args.failures))
    for r in rows:
        print(f"{r['name']}: {r['value']} {r['unit']}  {r.get('note', '')}")


if __name__ == "__main__":
    main()
