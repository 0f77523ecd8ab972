"""The per-document rank multiplier both engines apply (issue 4, point 5: a mild recency
boost, repealed documents lower; a policy before its interpretation)."""

from __future__ import annotations

import datetime as dt

import pytest

from yangguang.search.backends.base import rank_multiplier

TODAY = dt.date(2026, 11, 21)


@pytest.mark.parametrize(
    "published, validity, category, expected",
    [
        (TODAY, "valid", "", 1.2),  # +20 % today
        (TODAY - dt.timedelta(days=round(3 * 365.25)), "valid", "", 1.1),  # halved after 3 years
        (TODAY - dt.timedelta(days=round(30 * 365.25)), "valid", "", 1.0002),  # fades out
        (None, "valid", "", 1.0),  # no date: no boost
        (TODAY + dt.timedelta(days=10), "valid", "", 1.2),  # a future date is not more
        (TODAY, "repealed", "", 0.6),  # repealed ×0.5
        (None, "expired", "", 0.5),
        (None, "已废止", "", 0.5),
        (None, "valid", "政策解读", 0.7),  # the policy before its interpretation
        (TODAY, "repealed", "政策解读", 0.42),
        (None, "valid", "政策文件", 1.0),
    ],
)
def test_rank_multiplier(
    published: dt.date | None, validity: str, category: str, expected: float
) -> None:
    assert rank_multiplier(published, validity, TODAY, category) == pytest.approx(
        expected, abs=5e-4
    )
