"""A publication's text as typed by an office (disclosure.services.sanitize_html)."""

from __future__ import annotations

import pytest

from yangguang.disclosure.services import sanitize_html


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # Lines typed without HTML stay lines (paragraphs), escaped.
        (
            "第一条 为规范管理，制定本办法。\n第二条 本办法适用于全县。\r\n\n第三条 a<b",
            "<p>第一条 为规范管理，制定本办法。</p><p>第二条 本办法适用于全县。</p>"
            "<p>第三条 a&lt;b</p>",
        ),
        # HTML is kept as written (cleaned).
        ("<p>第一条</p>\n<p>第二条</p>", "<p>第一条</p>\n<p>第二条</p>"),
        # Unsafe markup still goes.
        ("<p>正文</p><script>alert(1)</script>", "<p>正文</p>"),
        ("", ""),
    ],
)
def test_typed_text_keeps_its_lines(typed: str, stored: str) -> None:
    assert sanitize_html(typed)[0] == stored
