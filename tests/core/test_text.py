"""core.text: one definition of control characters for the API's parser, the address check and
search (a NUL cannot be stored in PostgreSQL; tab, line feed and carriage return are text)."""

from __future__ import annotations

import pytest

from yangguang.core.text import CONTROL_RE, CONTROL_TABLE, strip_control


def test_the_table_and_the_pattern_name_the_same_characters() -> None:
    assert set(CONTROL_TABLE) == {c for c in range(0x10000) if CONTROL_RE.match(chr(c))}


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("低\x00保", "低保"),
        ("\x1b[31m红\x1b[0m", "[31m红[0m"),
        ("a\x7fb\x85c\x9fd", "abcd"),  # DEL and C1
        ("第一行\n第二行\t列\r", "第一行\n第二行\t列\r"),  # text, not control
        ("\u200b低保", "\u200b低保"),  # a format character is search's business (segment)
    ],
)
def test_strip_control(typed: str, kept: str) -> None:
    assert strip_control(typed) == kept
