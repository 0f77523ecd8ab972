"""Privacy and secrecy pre-check (保密审查, DOMAIN.md §2): pure functions over plain text.

Finds, in title, text and attachment text:
- 18-digit resident ID numbers (公民身份号码) whose check digit passes GB 11643-1999 and whose
  birth date is a real date;
- mobile numbers (1[3-9] + 9 digits, not part of a longer digit run);
- bank card numbers (16–19 digits starting 3/4/5/6/9 — UnionPay 62, Visa, Mastercard … —
  optionally grouped by 4) that pass the Luhn check;
- e-mail addresses;
- secrecy markings (绝密/机密/秘密 used as a marking, 内部资料, 注意保密 …).

It must not flag 统一社会信用代码 (GB 32100), 发文字号 (泰政办发〔2014〕36号) or 索引号
(`<credit code>/2021-00013`): digit runs glued to letters are never taken as numbers, and a run
right after 信用代码/索引号/代码 or right before "/" is skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from yangguang.core.identity import resident_id_birth_date
from yangguang.core.identity import resident_id_check_char as id_check_char

# Alphanumeric boundaries: a number glued to ASCII letters/digits is part of a code.
_B = r"(?<![0-9A-Za-z])"
_E = r"(?![0-9A-Za-z])"
ID_RE = re.compile(_B + r"(\d{17}[\dXx]|\d{6} \d{8} \d{3}[\dXx])" + _E)
MOBILE_RE = re.compile(_B + r"(?<!\d[- ])(1[3-9]\d(?:[- ]?\d{4}){2})" + r"(?![- ]?\d)" + _E)
CARD_RE = re.compile(_B + r"([3-69]\d{3}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?)" + _E)
EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24})"
)
# Always a marking (or a clear instruction not to release).
SECRECY_ALWAYS_RE = re.compile(
    r"(内部资料|内部文件|内部使用|内部发行|注意保密|严禁外传|不得外传|请勿外传|涉密文件|工作秘密★|绝密"
    r"|此件不公开|不宜公开)"
)
# 机密 / 秘密 only as a marking: with ★, 级, a 密级 label, or alone on a line / at the start.
SECRECY_MARK_RE = re.compile(
    r"(?:密级\s*[:：]\s*(?P<a>机密|秘密))"
    r"|(?P<b>(?:机密|秘密)\s*(?:[★☆*]|级))"
    r"|(?:(?:^|\n)[ \t　]*(?P<c>机密|秘密)(?=[ \t　]*(?:\n|$|[★☆*]|\d+年)))"
)
# "本文件属工作秘密" states a classification; "不得泄露工作秘密" does not.
SECRECY_STATEMENT_RE = re.compile(
    r"(?:本文件|本件|此件|本材料|本通知)[^，。；\n]{0,6}?(?:属于|属|系|为)(?P<s>工作秘密|国家秘密)"
)
_CODE_CONTEXT_RE = re.compile(
    r"(信用代码|索引号|代码|编码|编号|税号|注册号|单号|订单号|流水号|合同号|金额)[\s:：]*$"
)
_AMOUNT_AFTER_RE = re.compile(r"^\s*(元|万元|亿元|千元)")
# +86 / ＋86 before a mobile number.
MOBILE_CC_RE = re.compile(r"(?:\+|＋)86[- ]?(1[3-9]\d(?:[- ]?\d{4}){2})(?![- ]?\d)" + _E)
# Full-width digits, letters and signs map one-to-one to ASCII, so positions stay the same.
_FULLWIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})


@dataclass(frozen=True)
class Finding:
    kind: str  # id_number / mobile / bank_card / email / secrecy
    start: int
    end: int
    text: str
    masked: str
    context: str


def is_resident_id(value: str) -> bool:
    """An 18-character resident ID number with a valid birth date and check digit."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    born = resident_id_birth_date(value)
    if born is None or not dt.date(1900, 1, 1) <= born <= dt.date(2100, 1, 1):
        return False
    return id_check_char(value[:17]) == value[17].upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _context(text: str, start: int, end: int, width: int = 30) -> str:
    a = max(0, start - width)
    b = min(len(text), end + width)
    snippet = text[a:start] + "【" + text[start:end] + "】" + text[end:b]
    return ("…" if a else "") + snippet.replace("\n", " ") + ("…" if b < len(text) else "")


def _code_context(text: str, start: int, end: int) -> bool:
    """Right after a code label, or followed by "/" (索引号 前段码), or part of an index number."""
    if _CODE_CONTEXT_RE.search(text[max(0, start - 12) : start]):
        return True
    if _AMOUNT_AFTER_RE.match(text[end : end + 4]):
        return True
    return text[end : end + 1] in {"/", "／"}


def mask(kind: str, value: str) -> str:
    if kind == "id_number":
        value = value.replace(" ", "")
        return value[:3] + "*" * 11 + value[-4:]
    if kind == "mobile":
        digits = re.sub(r"\D", "", value)
        return digits[:3] + "****" + digits[-4:]
    if kind == "bank_card":
        digits = re.sub(r"\D", "", value)
        return "*" * (len(digits) - 4) + digits[-4:]
    if kind == "email":
        local, _, domain = value.partition("@")
        return local[:1] + "***@" + domain
    return "■" * len(value)


def scan(text: str) -> list[Finding]:
    """All findings in `text`, in order of position; overlapping hits are reported once
    (an ID number is not also a bank card)."""
    if not text:
        return []
    original = text
    text = text.translate(_FULLWIDTH)  # same length: positions refer to the original too
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def add(kind: str, a: int, b: int) -> None:
        value = original[a:b]
        masked = mask(kind, text[a:b])
        found.append(Finding(kind, a, b, value, masked, _context(original, a, b)))
        taken.append((a, b))

    for m in ID_RE.finditer(text):
        if is_resident_id(m.group(1).replace(" ", "")) and not _code_context(
            text, m.start(1), m.end(1)
        ):
            add("id_number", m.start(1), m.end(1))
    for m in CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        if not 16 <= len(digits) <= 19 or not free(m.start(1), m.end(1)):
            continue
        if len(digits) == 18 and digits[:17].isdigit() and is_resident_id(digits):
            continue
        if luhn_ok(digits) and not _code_context(text, m.start(1), m.end(1)):
            add("bank_card", m.start(1), m.end(1))
    for m in MOBILE_CC_RE.finditer(text):
        if free(m.start(1), m.end(1)):
            add("mobile", m.start(1), m.end(1))
    for m in MOBILE_RE.finditer(text):
        if free(m.start(1), m.end(1)) and not _code_context(text, m.start(1), m.end(1)):
            add("mobile", m.start(1), m.end(1))
    for m in EMAIL_RE.finditer(text):
        if free(m.start(1), m.end(1)):
            add("email", m.start(1), m.end(1))
    for m in SECRECY_ALWAYS_RE.finditer(text):
        if free(m.start(1), m.end(1)):
            add("secrecy", m.start(1), m.end(1))
    for m in SECRECY_STATEMENT_RE.finditer(text):
        if free(m.start("s"), m.end("s")):
            add("secrecy", m.start("s"), m.end("s"))
    for m in SECRECY_MARK_RE.finditer(text):
        group = next(g for g in ("a", "b", "c") if m.group(g))
        a, b = m.start(group), m.end(group)
        if free(a, b):
            add("secrecy", a, b)
    found.sort(key=lambda f: f.start)
    return found


def scan_fields(fields: dict[str, str]) -> list[tuple[str, Finding]]:
    """Scan several named texts (title, summary, body, attachment:<id>)."""
    out: list[tuple[str, Finding]] = []
    for name, text in fields.items():
        out.extend((name, f) for f in scan(text))
    return out


# Letters and digits, half- and full-width: a hit glued to one of them is part of a longer code.
_ALNUM = "0-9A-Za-z０-９Ａ-Ｚａ-ｚ"


def occurrence_re(text: str) -> re.Pattern[str]:
    """Where a finding's text occurs as a whole token, as `scan` reads numbers: not glued to a
    letter or digit, so masking 13812345678 leaves an order number 2138123456789012 alone."""
    head = f"(?<![{_ALNUM}])" if text[:1].isalnum() else ""
    tail = f"(?![{_ALNUM}])" if text[-1:].isalnum() else ""
    return re.compile(head + re.escape(text) + tail)
