"""Text rules every app shares: which characters are control characters, and how a 发文字号's
year is bracketed (GB/T 9704)."""

from __future__ import annotations

import re

# C0 controls but tab, line feed and carriage return (ordinary text), DEL and C1: never text a
# person typed — terminal escapes, binary garbage, and a NUL PostgreSQL cannot store.
CONTROL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
CONTROL_RE = re.compile(f"[{CONTROL_CHARS}]")
CONTROL_TABLE: dict[int, None] = {
    c: None for c in range(0xA0) if c < 0x20 and c not in (9, 10, 13) or c >= 0x7F
}


def strip_control(text: str) -> str:
    """`text` without control characters (for echoing or searching what was typed)."""
    return text.translate(CONTROL_TABLE)


# Every bracket a 发文字号's year is typed in; GB/T 9704 writes 〔〕.
BRACKETS_OPEN = "〔[(【［（﹝〖{｛<《〈"
BRACKETS_CLOSE = "〕])】］）﹞〗}｝>》〉"
# Exactly four digits between the brackets: (一) or [附件] are not years.
_YEAR_BRACKETS = re.compile(
    f"[{re.escape(BRACKETS_OPEN)}]([0-9]{{4}})[{re.escape(BRACKETS_CLOSE)}]"
)
_FULLWIDTH_DIGITS = {0xFF10 + i: str(i) for i in range(10)}


def tidy_number(text: str) -> str:
    """A 发文字号 as it is stored and shown: full-width digits as ASCII and the year's brackets as
    〔〕 — 示政办发[2026]13号 and 示政办发（２０２６）１３号 → 示政办发〔2026〕13号. Nothing else
    changes (case, spaces and other punctuation are the office's to write): unlike
    search.segment.normalize_number, which is for matching, this is text people read."""
    return _YEAR_BRACKETS.sub(r"〔\1〕", text.translate(_FULLWIDTH_DIGITS))
