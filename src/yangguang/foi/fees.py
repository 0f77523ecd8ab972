"""Information-processing fees (条例 Art. 42; 国办函〔2020〕109号 《政府信息公开信息处理费管理办法》;
DOMAIN.md §3) — pure functions, amounts in whole yuan.

Two methods, never both on one application:
- per item (按件): counted per applicant per calendar month across all their applications to the
  same body. Items 1–10 free; 11–30 at 100 元/件; from the 31st, each further block of 10 items
  costs 100 元/件 more than the previous block (31–40: 200, 41–50: 300, …).
- per page (按量): counted per application. Pages 1–30 free; 31–100 at 10 元/页; 101–200 at
  20 元/页; 201 and above at 40 元/页.
Both are marginal (超额累进): each unit is charged at the rate of its own band.
"""

from __future__ import annotations

from dataclasses import dataclass

# Upper bounds of one fee notice. 10,000 items or pages is far beyond any real request (at
# 40 元/页 it is already 40 万元), so a larger number is a typing error; the bound also keeps
# the per-item pricing loop short. The amount is stored in a PositiveIntegerField, whose
# largest value on PostgreSQL is 2,147,483,647: an amount above it is refused, not stored.
MAX_UNITS = 10_000
MAX_AMOUNT = 2_147_483_647

PAGE_BANDS: tuple[tuple[int, int | None, int], ...] = (
    (1, 30, 0),
    (31, 100, 10),
    (101, 200, 20),
    (201, None, 40),
)


def item_price(n: int) -> int:
    """Price in 元 of the n-th item (1-based) of one applicant in one calendar month."""
    if n < 1:
        raise ValueError("件数从 1 开始计算。")
    if n <= 10:
        return 0
    if n <= 30:
        return 100
    return 100 + 100 * ((n - 31) // 10 + 1)


def page_price(n: int) -> int:
    """Price in 元 of the n-th page (1-based) of one application."""
    if n < 1:
        raise ValueError("页数从 1 开始计算。")
    for low, high, price in PAGE_BANDS:
        if n >= low and (high is None or n <= high):
            return price
    raise AssertionError("unreachable")


def per_item_fee(items: int, prior_items: int = 0) -> int:
    """Fee for `items` new items when the applicant already had `prior_items` this month."""
    if items < 0 or prior_items < 0:
        raise ValueError("件数不能为负数。")
    return sum(item_price(n) for n in range(prior_items + 1, prior_items + items + 1))


def per_page_fee(pages: int) -> int:
    if pages < 0:
        raise ValueError("页数不能为负数。")
    # Closed form per band, so a 100,000-page request costs nothing to price.
    total = 0
    for low, high, price in PAGE_BANDS:
        top = pages if high is None else min(pages, high)
        if top >= low:
            total += (top - low + 1) * price
    return total


@dataclass(frozen=True)
class FeeLine:
    label: str
    units: int
    unit_price: int

    @property
    def amount(self) -> int:
        return self.units * self.unit_price


def per_item_breakdown(items: int, prior_items: int = 0) -> list[FeeLine]:
    """The fee notice's lines: consecutive items at the same price grouped together."""
    lines: list[FeeLine] = []
    start = prior_items + 1
    for n in range(prior_items + 1, prior_items + items + 1):
        price = item_price(n)
        if n == prior_items + items or item_price(n + 1) != price:
            lines.append(FeeLine(f"本月第 {start}–{n} 件", n - start + 1, price))
            start = n + 1
    return lines


def per_page_breakdown(pages: int) -> list[FeeLine]:
    lines = []
    for low, high, price in PAGE_BANDS:
        top = pages if high is None else min(pages, high)
        if top >= low:
            lines.append(FeeLine(f"第 {low}–{top} 页", top - low + 1, price))
    return lines
