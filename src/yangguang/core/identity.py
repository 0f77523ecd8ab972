"""GB 11643-1999 citizen identity numbers: the arithmetic shared by validation of applicants
(foi) and the privacy pre-check of publications (disclosure)."""

from __future__ import annotations

import datetime as dt

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"  # ISO 7064 MOD 11-2


def resident_id_check_char(first17: str) -> str:
    """The 18th (check) character for 17 ASCII digits."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def resident_id_birth_date(number: str) -> dt.date | None:
    """The date of birth in positions 7–14, or None when it is not a real date."""
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
