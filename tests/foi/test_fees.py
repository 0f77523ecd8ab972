"""Fee tables (条例 Art. 42; 国办函〔2020〕109号; DOMAIN.md §3)."""

import pytest

from yangguang.foi import fees


@pytest.mark.parametrize(
    ("n", "price"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (35, 200), (40, 200), (41, 300), (51, 400)],
)
def test_item_price_per_band(n: int, price: int) -> None:
    assert fees.item_price(n) == price


@pytest.mark.parametrize(
    ("items", "prior", "fee"),
    [
        (10, 0, 0),
        (11, 0, 100),
        (30, 0, 2000),
        (35, 0, 2000 + 5 * 200),  # the 35th item in a month costs 200
        (1, 34, 200),  # only the 35th item, 34 earlier this month
        (5, 8, 300),  # items 9..13: 9, 10 free; 11, 12, 13 at 100
        (45, 0, 2000 + 10 * 200 + 5 * 300),
    ],
)
def test_per_item_fee_marginal(items: int, prior: int, fee: int) -> None:
    assert fees.per_item_fee(items, prior) == fee
    assert sum(line.amount for line in fees.per_item_breakdown(items, prior)) == fee


@pytest.mark.parametrize(
    ("n", "price"),
    [(1, 0), (30, 0), (31, 10), (100, 10), (101, 20), (150, 20), (200, 20), (201, 40)],
)
def test_page_price_per_band(n: int, price: int) -> None:
    assert fees.page_price(n) == price


@pytest.mark.parametrize(
    ("pages", "fee"),
    [
        (0, 0),
        (30, 0),
        (31, 10),
        (100, 700),
        (150, 700 + 50 * 20),  # the 150th page: 1,700 元 in all
        (200, 700 + 2000),
        (250, 700 + 2000 + 50 * 40),
    ],
)
def test_per_page_fee_marginal(pages: int, fee: int) -> None:
    assert fees.per_page_fee(pages) == fee
    assert sum(fees.page_price(i) for i in range(1, pages + 1)) == fee
    assert sum(line.amount for line in fees.per_page_breakdown(pages)) == fee


def test_negative_rejected() -> None:
    with pytest.raises(ValueError):
        fees.per_page_fee(-1)
    with pytest.raises(ValueError):
        fees.item_price(0)
