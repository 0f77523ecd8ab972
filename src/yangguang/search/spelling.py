"""您是不是要找: homophone corrections of what a citizen typed with a pinyin input method.

Most misspellings in Chinese queries are not letters out of place but the wrong character of
the right reading, picked from the input method's list: 低宝 for 低保, 残急人 for 残疾人, 政物 for
政务, 医宝 for 医保. A fixed list of them (segment.SPELLING_VARIANTS) cannot keep up; this
finds them from the readings: a stretch of the query that is not a dictionary word becomes one
when one of its characters is replaced by a character read the same way (tones ignored).

Only common characters are candidates (GB 2312 level 1: 3,755 characters): an input method
offers those first, and the rarer ones would turn 低宝 into dictionary words nobody means.
The service offers a correction only when it finds something (with the same filters).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
WORD_SIZES = (4, 3, 2)  # longer stretches first: 残急人 → 残疾人 before 残急 → 残疾


def _common(ch: str) -> bool:
    """GB 2312 level 1 (rows 16–55): the 3,755 most common characters."""
    try:
        code = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xB0 <= code[0] <= 0xD7


def _toneless(reading: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))


@cache
def _by_reading() -> dict[str, str]:
    """Toneless reading → the common characters read so (every reading of a 多音字)."""
    from pypinyin.constants import PINYIN_DICT

    out: dict[str, list[str]] = {}
    for code, readings in PINYIN_DICT.items():
        ch = chr(code)
        if 0x4E00 <= code <= 0x9FFF and _common(ch):
            for reading in {_toneless(r) for r in readings.split(",")}:
                out.setdefault(reading, []).append(ch)
    return {reading: "".join(chars) for reading, chars in out.items()}


@cache
def homophones(ch: str) -> str:
    """The common characters read like `ch` in any of its readings, `ch` excluded."""
    from pypinyin.constants import PINYIN_DICT

    readings = {_toneless(r) for r in PINYIN_DICT.get(ord(ch), "").split(",") if r}
    by_reading = _by_reading()
    return "".join(dict.fromkeys(c for r in readings for c in by_reading.get(r, "") if c != ch))


def _suspect_characters(
    run: str, is_word: Callable[[str], bool], cut: Callable[[str], list[str]]
) -> set[int]:
    """Offsets in `run` of the characters the precise cut leaves on their own (住房 / 工 / 积金)
    or in a piece that is no dictionary word (jieba's HMM joins what it does not know: 低宝,
    残急, 职照) — where a wrong character is: the right word would have been cut whole. Empty
    when the cut does not spell `run` back."""
    words = cut(run)
    if "".join(words) != run:
        return set()
    suspect: set[int] = set()
    at = 0
    for word in words:
        if len(word) == 1 or not is_word(word):
            suspect.update(range(at, at + len(word)))
        at += len(word)
    return suspect


def corrections(
    text: str, is_word: Callable[[str], bool], cut: Callable[[str], list[str]]
) -> Iterator[str]:
    """`text` with one character replaced by a homophone so that a stretch of 2–4 Chinese
    characters that is not a word (`is_word`) becomes one — longer stretches first, each
    correction once. Only stretches holding a suspect character (_suspect_characters) are
    tried: 房屋征收 土地征收, cut into dictionary words, is typed right. Each correction the
    page checks is a search: of the 300 bench queries, 189 had candidates when every stretch
    was tried, 18 now (杏花 / 乡 is cut so, typed right)."""
    seen: set[str] = set()
    for run in _HAN_RUN.finditer(text):
        suspect = {run.start() + i for i in _suspect_characters(run.group(), is_word, cut)}
        if not suspect:
            continue
        for size in WORD_SIZES:
            for start in range(run.start(), run.end() - size + 1):
                stretch = text[start : start + size]
                if suspect.isdisjoint(range(start, start + size)) or is_word(stretch):
                    continue
                for i, ch in enumerate(stretch):
                    for other in homophones(ch):
                        word = stretch[:i] + other + stretch[i + 1 :]
                        if is_word(word):
                            fixed = text[:start] + word + text[start + size :]
                            if fixed not in seen:
                                seen.add(fixed)
                                yield fixed
