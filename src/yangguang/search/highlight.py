"""Snippets with the query's words marked, computed from the stored text (engine-independent,
HTML-escaped; only <mark> is added).

Escaping uses `html.escape` directly: Django's `escape` is the same function behind a wrapper
that checks every argument for lazy strings, and a results page escapes a few hundred pieces
(about a tenth of the page's CPU under load)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape  # what django.utils.html.escape calls (see above)

from django.utils.safestring import SafeString, mark_safe

from yangguang.search.backends.base import CONTEXT_MARK

SNIPPET_CHARS = 120


def _pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    terms = [t for t in terms if t.strip()]
    if not terms:
        return None
    ordered = sorted(set(terms), key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE)


def mark(text: str, terms: Sequence[str]) -> SafeString:
    """The whole `text`, escaped, with every term wrapped in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 — escaped just now
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece escaped


_AFTER_TITLE = " 。．.，,：:"  # what may follow a title repeated at the start of a text


def _without_title(text: str, title: str) -> str:
    """`text` without its leading repetitions of `title`: a document's text (its summary, its
    body) often starts with its title, which the result already shows right above."""
    title = " ".join(title.split())
    while title and text.startswith(title):
        rest = text[len(title) :].lstrip(_AFTER_TITLE)
        if not rest:
            break  # nothing but the title: keep it
        text = rest
    return text


def snippet(
    text: str, terms: Sequence[str], size: int = SNIPPET_CHARS, *, title: str = ""
) -> SafeString:
    """About `size` characters around the densest cluster of matches, marked; from the text
    before CONTEXT_MARK (what follows is there for matching, not to be read), not repeating
    `title` at its start."""
    text = _without_title(" ".join(text.split(CONTEXT_MARK, 1)[0].split()), title)
    pattern = _pattern(terms)
    if pattern is None or not text:
        cut = text[:size]
        return mark_safe(escape(cut) + ("…" if len(text) > size else ""))  # noqa: S308
    starts = [m.start() for m in pattern.finditer(text)]
    if not starts:
        cut = text[:size]
        return mark_safe(escape(cut) + ("…" if len(text) > size else ""))  # noqa: S308
    best, best_n = starts[0], 0
    j = 0
    for i, s in enumerate(starts):
        while starts[j] < s - size // 2:
            j += 1
        if i - j + 1 > best_n:
            best, best_n = starts[j], i - j + 1
    begin = max(0, best - size // 4)
    end = min(len(text), begin + size)
    begin = max(0, end - size)
    piece = str(mark(text[begin:end], terms))
    return mark_safe(("…" if begin > 0 else "") + piece + ("…" if end < len(text) else ""))  # noqa: S308
