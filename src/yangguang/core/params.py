"""Query-string parsing that never raises: user-typed parameters are hostile input.

`str.isdigit()` is not enough before `int()`: it accepts superscripts and other Unicode digits
("²", "²⁰²⁶") that `int()` rejects, and `int()` refuses strings over 4,300 digits.
"""

from __future__ import annotations

import re

_ASCII_INT = re.compile(r"[0-9]{1,18}")


def int_param(
    raw: str | None, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    """The integer in `raw` when it is plain ASCII digits within the bounds, otherwise None."""
    if raw is None:
        return None
    raw = raw.strip()
    if not _ASCII_INT.fullmatch(raw):
        return None
    value = int(raw)
    if minimum is not None and value < minimum:
        return None
    if maximum is not None and value > maximum:
        return None
    return value
