"""Validation of 统一社会信用代码 (GB 32100-2015) and administrative division codes (GB/T 2260,
extended to 9/12 digits by the statistical division codes; DOMAIN.md §7)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# GB 32100-2015: 31 characters — digits and capital letters without I, O, Z, S, V.
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$")


def credit_check_char(first17: str) -> str:
    """The 18th (check) character for the first 17 characters (GB 32100-2015 §4.3)."""
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """A Chinese explanation of what is wrong with `code`, or None when it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，当前为 {len(code)} 位。"
    if not _CREDIT_RE.match(code):
        return "统一社会信用代码含有不允许的字符（只允许数字和除 I、O、Z、S、V 以外的大写字母，第 3–8 位为行政区划码）。"
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第 18 位应为 {expected}，实际为 {code[17]}。"
    return None


def validate_credit_code(code: str) -> None:
    error = credit_code_error(code)
    if error:
        raise ValidationError(error, code="credit_code")


DIVISION_LENGTHS = {"city": 6, "county": 6, "township": 9, "village": 12}


def division_code_error(code: str, level: str, parent_code: str | None) -> str | None:
    """Division code rules: 6 digits for 市/县, 9 for 乡镇/街道, 12 for 村/社区, each starting
    with its parent's code (a county shares its city's first four digits)."""
    want = DIVISION_LENGTHS.get(level)
    if want is None:
        return "未知的区划层级。"
    if not code.isdigit() or not code.isascii():
        return "区划代码只能由数字组成。"
    if len(code) != want:
        return f"该层级的区划代码应为 {want} 位数字，当前为 {len(code)} 位。"
    if level == "city":
        if code[4:] != "00" or code[2:4] == "00":
            return "市级区划代码应形如 370900（第 3–4 位非 00，第 5–6 位为 00）。"
        return None
    if parent_code is None:
        return "必须指定上级区划。"
    prefix = parent_code[:4] if level == "county" else parent_code
    if not code.startswith(prefix):
        return f"区划代码应以上级区划代码 {prefix} 开头。"
    if level == "county" and code[4:] == "00":
        return "县级区划代码的第 5–6 位不能为 00。"
    return None
