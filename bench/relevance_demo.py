"""The labelled relevance set over the demo corpus (issue 4): loading it and loading the demo it
refers to. No run(): used by bench_search_relevance.py and tests/search/test_relevance_demo.py.

The judgements are in relevance_demo.json (how they were made: its "about" field and
docs/search-relevance.md). Documents are named by their 索引号 (index number).

Why the demo is loaded on a fixed date: `disclosure.demo.load_demo_publications()` draws every
publication's year as "today minus 0–3 years", clamps dates to today (which consumes an extra
random number only when it clamps) and issues index numbers per body and year. So the demo
publications, their 发文字号 and their 索引号 change from one day to the next, and no key
(索引号, 发文字号, title, title + text) is stable across `load_demo` runs on different days. On one
date the load is deterministic (seeded generator, fresh sequences), so the bench and the test load
the demo exactly as `python manage.py load_demo` does, with only the disclosure demo's
`timezone.localdate()` answering DEMO_DATE.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

JUDGEMENTS = Path(__file__).resolve().parent / "relevance_demo.json"
# The day the judgements were made on (the demo as `load_demo` loaded it that day).
DEMO_DATE = dt.date(2026, 11, 21)
KINDS = ("topic", "synonym", "place+topic", "doc_number", "phrase", "words", "question")


@dataclass(frozen=True)
class Judged:
    query: str
    kind: str
    grades: dict[str, int]  # 索引号 → grade 1..3 (unlisted documents are grade 0)
    rule: dict[str, Any]  # how it was judged (bench/relevance_demo_build.py)


def load(path: Path = JUDGEMENTS) -> tuple[dict[str, Any], list[Judged]]:
    """(file header, judged queries)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    judged = [
        Judged(
            q["query"],
            q["kind"],
            {k: int(g) for g, keys in q["grades"].items() for k in keys},
            q.get("rule", {}),
        )
        for q in data["queries"]
    ]
    return data, judged


class _FixedToday:
    """django.utils.timezone as the disclosure demo sees it, with localdate() fixed."""

    def __init__(self, real: Any, day: dt.date) -> None:
        self._real = real
        self._day = day

    def localdate(self, *args: Any, **kwargs: Any) -> dt.date:
        return self._day

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@contextmanager
def demo_date(day: dt.date = DEMO_DATE) -> Iterator[None]:
    """Make the disclosure demo load as it did on `day` (only that module's clock changes)."""
    from yangguang.disclosure import demo

    real = demo.timezone
    demo.timezone = _FixedToday(real, day)  # type: ignore[assignment]
    try:
        yield
    finally:
        demo.timezone = real


def load_demo(day: dt.date = DEMO_DATE) -> None:
    """`manage.py load_demo` with the disclosure demo dated `day`."""
    from django.core.management import call_command

    with demo_date(day):
        call_command("load_demo", stdout=io.StringIO())
