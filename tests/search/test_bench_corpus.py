"""The bench's corpus generator and labelled relevance set (issue 4, point 5)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from bench_search_corpus import Generator, relevance_corpus  # noqa: E402


def test_generator_is_deterministic_and_government_like() -> None:
    a = [(d.title, d.doc_number, len(d.text)) for d in Generator().corpus(50)]
    b = [(d.title, d.doc_number, len(d.text)) for d in Generator().corpus(50)]
    assert a == b
    assert all(1400 <= n <= 1800 for _, _, n in a)
    assert all("〔" in num and num.endswith("号") for _, num, _ in a)


def test_relevance_set_has_at_least_100_judged_queries() -> None:
    docs, judged = relevance_corpus(noise=200)
    assert len(judged) >= 100
    ids = {d.id for d in docs}
    assert all(set(j.grades) <= ids and j.grades for j in judged)
    assert {j.kind for j in judged} == {"topic", "synonym", "place+topic", "doc_number", "phrase"}
