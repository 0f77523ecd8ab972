"""Precision and recall of the privacy and secrecy pre-check on the generated corpus with
planted findings (tests/disclosure/privacy_corpus.py), and its speed on a 20-page text.

    .venv/bin/python bench/bench_privacy.py [--docs 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangguang.config.settings")


def main() -> None:
    import django

    django.setup()
    from tests.disclosure.privacy_corpus import corpus, measure
    from yangguang.disclosure.privacy import scan

    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=2000)
    args = parser.parse_args()
    docs = corpus(args.docs)
    result = measure(docs)
    print(
        f"privacy corpus docs={args.docs} planted={result['tp'] + result['fn']} "
        f"tp={result['tp']} fp={result['fp']} fn={result['fn']} "
        f"precision={result['precision']:.4f} recall={result['recall']:.4f}"
    )
    # 20 pages ≈ 20 × 1,500 characters of ordinary text with a few findings.
    text = "".join(t for t, _ in docs)[:30000]
    t0 = time.perf_counter()
    for _ in range(20):
        scan(text)
    ms = (time.perf_counter() - t0) / 20 * 1000
    print(f"privacy scan 20-page text ({len(text)} chars): {ms:.1f} ms")


if __name__ == "__main__":
    main()


def run() -> list[dict[str, object]]:
    """bench/run.py entry point: precision/recall on the planted corpus, scan speed."""
    from bench.run import django_setup, scaled, timed

    django_setup()
    from tests.disclosure.privacy_corpus import HARD, corpus, measure, measure_hard
    from yangguang.disclosure.privacy import scan

    hard = measure_hard()
    docs = corpus(scaled(2000))
    result = measure(docs)
    planted = int(result["tp"] + result["fn"])
    note = (
        f"{len(docs)} generated documents, {planted} planted findings "
        f"(tp {result['tp']}, fp {result['fp']}, fn {result['fn']}) + hard negatives"
    )
    text = "".join(t for t, _ in corpus(400))[:30000]
    wall, cpu = timed(lambda i: scan(text), scaled(20))
    return [
        {
            "name": "privacy check precision",
            "value": round(result["precision"] * 100, 2),
            "unit": "%",
            "target": 98,
            "better": "higher",
            "note": note,
        },
        {
            "name": "privacy check recall",
            "value": round(result["recall"] * 100, 2),
            "unit": "%",
            "target": 95,
            "better": "higher",
            "note": note,
        },
        {
            "name": "privacy check precision, hand-written hard cases",
            "value": round(hard["precision"] * 100, 2),
            "unit": "%",
            "better": "higher",
            "note": f"{len(HARD)} cases; tp {hard['tp']}, fp {hard['fp']}, fn {hard['fn']} "
            "(miss: obfuscated e-mail; false hit: e-mail with a space)",
        },
        {
            "name": "privacy check recall, hand-written hard cases",
            "value": round(hard["recall"] * 100, 2),
            "unit": "%",
            "better": "higher",
        },
        {
            "name": "privacy scan of a 20-page text",
            "value": round(wall / 1000, 2),
            "cpu": round(cpu / 1000, 2),
            "unit": "ms",
            "calls": scaled(20),
            "note": f"{len(text):,} characters",
        },
    ]
