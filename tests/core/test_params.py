"""Hostile query parameters never reach int(): Unicode digits, huge numbers, signs."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World
from yangguang.core.params import int_param


@pytest.mark.parametrize(
    ("raw", "bounds", "expected"),
    [
        ("2026", {}, 2026),
        (" 7 ", {}, 7),
        ("²", {}, None),  # str.isdigit() is True, int() raises
        ("²⁰²⁶", {}, None),
        ("٣", {}, None),  # Arabic-Indic digit: int() would accept it; we do not
        ("9" * 5000, {}, None),  # beyond int()'s digit limit
        ("-1", {}, None),
        ("1e3", {}, None),
        ("", {}, None),
        (None, {}, None),
        ("0", {"minimum": 1}, None),
        ("10000", {"maximum": 9999}, None),
    ],
)
def test_int_param(raw: str | None, bounds: dict[str, int], expected: int | None) -> None:
    assert int_param(raw, **bounds) == expected


@pytest.mark.parametrize("value", ["²⁰²⁶", "²", "9" * 5000])
def test_public_and_console_lists_survive_unicode_digits(
    world: World, client: Client, value: str
) -> None:
    assert client.get("/reports/annual/", {"year": value}).status_code == 200
    client.force_login(world.head_a)
    assert client.get("/console/foi/", {"body": value}).status_code == 200
    client.force_login(world.admin)
    assert client.get("/console/reports/", {"year": value}).status_code == 200


@pytest.mark.parametrize("value", ["99999", "0", "²⁰²⁶", "abc"])
def test_region_overview_survives_odd_years(world: World, client: Client, value: str) -> None:
    client.force_login(world.county_supervisor)
    response = client.get("/console/reports/overview/", {"year": value})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("year", "month"), [("12", "10"), ("9999", "12"), ("１２", "1"), ("2026", "13"), ("²", "²")]
)
def test_foi_due_calendar_survives_odd_months(
    world: World, client: Client, year: str, month: str
) -> None:
    client.force_login(world.head_a)
    assert client.get("/console/foi/calendar/", {"year": year, "month": month}).status_code == 200
