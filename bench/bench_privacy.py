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
