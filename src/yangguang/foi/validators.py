"""Identity documents and contact details of applicants (validation and masking)."""

from __future__ import annotations

import re

from yangguang.core.identity import resident_id_birth_date, resident_id_check_char

_ID_RE = re.compile(r"^\d{17}[\dX]$")
# A mobile number; a landline with its area code (and extension); a local landline without
# it. Local numbers start with 2–9, so a mobile number cut short (1380000) is not one.
PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?[2-9]\d{6,7}(-\d{1,6})?|[2-9]\d{6,7})$")
POSTCODE_RE = re.compile(r"^\d{6}$")


def resident_id_error(number: str) -> str | None:
    """GB 11643-1999 citizen identity number: 17 digits + check character (ISO 7064 MOD 11-2),
    with a real date of birth in positions 7–14. A Chinese message, or None when valid."""
    n = number.strip().upper()
    if len(n) != 18:
        return f"居民身份证号码应为 18 位，当前为 {len(n)} 位。"
    if not _ID_RE.match(n):
        return "居民身份证号码前 17 位应为数字，最后一位为数字或 X。"
    born = resident_id_birth_date(n)
    if born is None or born.year < 1900:
        return "居民身份证号码中的出生日期无效。"
    expected = resident_id_check_char(n[:17])
    if n[17] != expected:
        return f"居民身份证号码校验位错误：最后一位应为 {expected}，请核对后重新填写。"
    return None


def phone_error(phone: str) -> str | None:
    p = phone.strip().replace(" ", "")
    if not p:
        return None
    if not PHONE_RE.match(p):
        return "联系电话格式不正确：请填写 11 位手机号或带区号的固定电话。"
    return None


def postcode_error(postcode: str) -> str | None:
    if postcode.strip() and not POSTCODE_RE.match(postcode.strip()):
        return "邮政编码应为 6 位数字。"
    return None


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳明华 → 欧***; organisation names keep their first 4 characters."""
    name = name.strip()
    if not name:
        return ""
    if len(name) > 6:
        return name[:4] + "*" * 4
    return name[0] + "*" * max(1, len(name) - 1)


def mask_id(number: str) -> str:
    n = number.strip()
    if len(n) <= 8:
        return "*" * len(n)
    return n[:4] + "*" * (len(n) - 8) + n[-4:]


def mask_phone(phone: str) -> str:
    p = phone.strip()
    if len(p) < 7:
        return "*" * len(p)
    return p[:3] + "*" * (len(p) - 7) + p[-4:]


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    if not domain:
        return mask_name(email)
    return (local[:1] + "***@" + domain) if local else email
