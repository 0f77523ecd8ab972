"""Snippets under a result's title (search.highlight)."""

from __future__ import annotations

import pytest

from yangguang.search.highlight import snippet

TITLE = "关于调整城乡低保标准的通知"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A summary that is the title, then the body: the snippet starts with the body.
        (
            f"{TITLE}。\n各乡镇：现将低保标准调整如下。",
            "各乡镇：现将<mark>低保</mark>标准调整如下。",
        ),
        # The title twice (summary and the body's heading).
        (f"{TITLE} {TITLE}\n各乡镇：低保标准。", "各乡镇：<mark>低保</mark>标准。"),
        # The title later in the text is kept: only a leading repetition is dropped.
        (
            f"各乡镇：现将{TITLE}转发。",
            "各乡镇：现将关于调整城乡<mark>低保</mark>标准的通知转发。",
        ),
        # Nothing but the title: shown rather than an empty snippet.
        (f"{TITLE}。", "关于调整城乡<mark>低保</mark>标准的通知。"),
        # A text that merely starts like the title is not cut.
        ("关于调整城乡低保标准的意见", "关于调整城乡<mark>低保</mark>标准的意见"),
    ],
)
def test_snippet_does_not_repeat_the_title(text: str, expected: str) -> None:
    assert str(snippet(text, ["低保"], title=TITLE)) == expected


def test_snippet_without_title_is_unchanged() -> None:
    text = f"{TITLE}。各乡镇：低保。"
    assert str(snippet(text, ["低保"])).startswith("关于调整城乡<mark>低保</mark>")
