"""The public deadline calculator (办理期限计算器) and GET /api/v1/calendar/due-date.

DOMAIN.md §1: day 0 is the day of receipt; the period ends at the close of the N-th working day
after it; every skipped day is explained and years without a known schedule are warned about.
Public: anonymous users may use both; bad input is a Chinese message, never a 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from yangguang.core import calendar as stored
from yangguang.core.models import CalendarOverride, CalendarYear
from yangguang.core.workdays import Override

PAGE = "/tools/deadline/"
API = "/api/v1/calendar/due-date"


@pytest.fixture(autouse=True)
def _fresh_calendar(db: None) -> Iterator[None]:
    stored.invalidate()
    yield
    stored.invalidate()


# --- API -----------------------------------------------------------------------------------------


def test_api_spring_festival_2026(client: Client) -> None:
    """20 working days from Fri 2026-02-13 (春节 02-15..02-23, 02-14 and 02-28 worked)."""
    r = client.get(API, {"start": "2026-02-13", "workdays": "20"})
    assert r.status_code == 200
    data = r.json()
    assert data["start"] == "2026-02-13"
    assert data["workdays"] == 20
    assert data["due_date"] == "2026-03-19"
    assert data["due_weekday"] == "星期四"
    assert data["calendar_days"] == 34
    assert data["warnings"] == []
    festival = [d["date"] for d in data["skipped_days"] if d["reason"] == "春节"]
    assert festival == [f"2026-02-{d}" for d in range(15, 24)]
    assert all(d["kind"] == "holiday" for d in data["skipped_days"] if d["reason"] == "春节")
    weekends = [d for d in data["skipped_days"] if d["kind"] == "weekend"]
    assert [d["reason"] for d in weekends] == ["周末"] * 5
    assert data["makeup_workdays"] == [
        {"date": "2026-02-14", "kind": "makeup", "reason": "春节调休上班", "source": "calendar"},
        {"date": "2026-02-28", "kind": "makeup", "reason": "春节调休上班", "source": "calendar"},
    ]


def test_api_national_day_2026(client: Client) -> None:
    data = client.get(API, {"start": "2026-09-30", "workdays": "3"}).json()
    assert data["due_date"] == "2026-10-10"  # Sat 10-10 is worked
    assert [d["date"] for d in data["skipped_days"]] == [f"2026-10-0{d}" for d in range(1, 8)]
    assert {d["reason"] for d in data["skipped_days"]} == {"国庆节"}
    assert [d["date"] for d in data["makeup_workdays"]] == ["2026-10-10"]


def test_api_zero_days_and_accepted_date_forms(client: Client) -> None:
    data = client.get(API, {"start": "2026/10/3", "workdays": "0"}).json()
    assert data["due_date"] == "2026-10-03"
    assert data["skipped_days"] == [] and data["calendar_days"] == 0


def test_api_warns_for_an_unknown_year(client: Client) -> None:
    data = client.get(API, {"start": "2026-12-20", "workdays": "20"}).json()
    assert data["due_date"] == "2027-01-15"
    assert (
        len(data["warnings"]) == 1 and "2027 年的节假日安排尚未公布或未录入" in data["warnings"][0]
    )
    assumed = [d for d in data["skipped_days"] if d["date"].startswith("2027")]
    assert assumed and all(d["source"] == "assumed" for d in assumed)


def test_api_uses_administrator_overrides(client: Client) -> None:
    CalendarOverride.objects.create(day=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    CalendarYear.objects.create(year=2027, complete=True)
    data = client.get(API, {"start": "2026-12-31", "workdays": "1"}).json()
    assert data["due_date"] == "2027-01-04"
    assert data["skipped_days"][0] == {
        "date": "2027-01-01",
        "kind": "holiday",
        "reason": "元旦",
        "source": "override",
    }
    assert data["warnings"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "请填写起算日"),
        ({"start": "2026-02-13"}, "请填写期限"),
        ({"start": "2026-02-30", "workdays": "5"}, "不是有效日期"),
        ({"start": "tomorrow", "workdays": "5"}, "不是有效日期"),
        ({"start": "2026-02-13", "workdays": "-1"}, "负数"),
        ({"start": "2026-02-13", "workdays": "abc"}, "不是整数"),
        ({"start": "2026-02-13", "workdays": "2.5"}, "不是整数"),
        ({"start": "2026-02-13", "workdays": "1001"}, "最多 1000 个工作日"),
        ({"start": "2026-02-13", "workdays": "9" * 30}, "不是整数"),
        ({"start": "1999-12-31", "workdays": "5"}, "超出日历范围"),
        ({"start": "2100-12-20", "workdays": "100"}, "超出日历范围"),
    ],
)
def test_api_bad_input_is_a_4xx_with_a_chinese_detail(
    client: Client,
    params: dict,  # type: ignore[type-arg]
    message: str,
) -> None:
    r = client.get(API, params)
    assert r.status_code == 400
    assert r["Content-Type"].startswith("application/json")
    assert message in r.json()["detail"]


def test_api_is_in_the_openapi_schema(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/calendar/due-date" in schema["paths"]


# --- the page ------------------------------------------------------------------------------------


def test_page_blank_form(client: Client) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 21, 2, 0, tzinfo=dt.UTC), tick=False):
        r = client.get(PAGE)
    assert r.status_code == 200
    body = r.content.decode()
    assert "<h1>办理期限计算器</h1>" in body
    assert 'name="start" value="2026-11-21"' in body  # today, prefilled
    assert 'name="workdays" value="20"' in body
    assert '<label for="id_start">' in body and '<label for="id_workdays">' in body
    assert "到期日" not in body.split("calc-result")[1]  # no result yet


def test_page_result_lists_every_skipped_day(client: Client) -> None:
    r = client.get(PAGE, {"start": "2026-02-13", "workdays": "20"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "2026年3月19日" in body and "星期四" in body
    assert "跨越自然日</dt><dd>34 天" in body
    assert body.count("<td>春节</td>") == 9
    assert body.count("<td>周末</td>") == 5
    assert "春节调休上班" in body
    assert 'value="2026-02-13"' in body  # the form keeps what was asked


def test_page_warns_for_an_unknown_year(client: Client) -> None:
    body = client.get(PAGE, {"start": "2027-03-01", "workdays": "10"}).content.decode()
    assert "2027 年的节假日安排尚未公布或未录入" in body
    assert 'role="alert"' in body


@pytest.mark.parametrize(
    ("params", "message", "field"),
    [
        ({"start": "2026-02-30", "workdays": "5"}, "不是有效日期", "start"),
        ({"start": "", "workdays": "5"}, "请填写起算日", "start"),
        ({"start": "2026-02-13", "workdays": "-3"}, "不能为负数", "workdays"),
        ({"start": "2026-02-13", "workdays": "二十"}, "不是整数", "workdays"),
        ({"start": "2026-02-13", "workdays": "5000"}, "最多 1000 个工作日", "workdays"),
        ({"start": "1900-01-01", "workdays": "5"}, "超出日历范围", "start"),
    ],
)
def test_page_bad_input_is_explained_next_to_the_field(
    client: Client,
    params: dict,  # type: ignore[type-arg]
    message: str,
    field: str,
) -> None:
    r = client.get(PAGE, params)
    assert r.status_code == 400
    body = r.content.decode()
    assert message in body
    assert f'id="{field}-error"' in body and 'aria-invalid="true"' in body
    assert f'value="{params[field]}"' in body  # redisplayed as typed


def test_page_beyond_the_calendar_is_not_a_500(client: Client) -> None:
    r = client.get(PAGE, {"start": "2100-12-20", "workdays": "100"})
    assert r.status_code == 400
    assert "超出日历范围" in r.content.decode()


def test_page_htmx_swaps_the_calculator_errors_included(client: Client) -> None:
    """htmx swaps only 2xx responses: an enhanced request gets its errors with a 200."""
    hx = {"HX-Request": "true", "HX-Target": "calculator"}
    r = client.get(PAGE, {"start": "2026-09-30", "workdays": "3"}, headers=hx)
    assert r.status_code == 200
    body = r.content.decode()
    assert '<div id="calculator">' in body and 'hx-select="#calculator"' in body
    assert "2026年10月10日" in body
    r = client.get(PAGE, {"start": "2026-09-30", "workdays": "-3"}, headers=hx)
    assert r.status_code == 200 and "不能为负数" in r.content.decode()


def test_page_offers_common_legal_periods(client: Client) -> None:
    body = client.get(PAGE).content.decode()
    assert "条例第三十三条" in body and "workdays=20" in body


def test_calendar_reflects_override_changes_without_restart(client: Client) -> None:
    """current_calendar() rebuilds when the stored overrides change (version check)."""
    assert client.get(API, {"start": "2026-03-02", "workdays": "1"}).json()["due_date"] == (
        "2026-03-03"
    )
    CalendarOverride.objects.create(day=dt.date(2026, 3, 3), is_workday=False, name="地方节日")
    data = client.get(API, {"start": "2026-03-02", "workdays": "1"}).json()
    assert data["due_date"] == "2026-03-04"
    assert data["skipped_days"][0]["reason"] == "地方节日"
    assert stored.current_calendar().day_info(dt.date(2026, 3, 3)) is not None
    assert Override(dt.date(2026, 3, 3), False, "地方节日")  # the pure form of the row


# --- GET /api/v1/calendar/days -------------------------------------------------------------------


def test_api_year_days_2026(client: Client) -> None:
    data = client.get("/api/v1/calendar/days", {"year": "2026"}).json()
    assert data["year"] == 2026 and data["known"] is True and data["warnings"] == []
    by_date = {d["date"]: d for d in data["days"]}
    assert by_date["2026-02-15"]["reason"] == "春节"
    assert by_date["2026-10-10"] == {
        "date": "2026-10-10",
        "kind": "makeup",
        "reason": "国庆节调休上班",
        "source": "calendar",
    }
    assert "2026-03-07" not in by_date  # ordinary weekends are not listed


def test_api_year_days_unknown_year_and_overrides(client: Client) -> None:
    data = client.get("/api/v1/calendar/days", {"year": "2027"}).json()
    assert data["known"] is False and data["days"] == [] and "2027" in data["warnings"][0]
    CalendarOverride.objects.create(day=dt.date(2027, 2, 6), is_workday=False, name="春节")
    data = client.get("/api/v1/calendar/days", {"year": "2027"}).json()
    assert data["days"] == [
        {"date": "2027-02-06", "kind": "holiday", "reason": "春节", "source": "override"}
    ]


@pytest.mark.parametrize("year", ["", "abc", "1999", "2101", "-5", "2026.5", "²⁰²⁶", "9" * 40])
def test_api_year_days_bad_year(client: Client, year: str) -> None:
    r = client.get("/api/v1/calendar/days", {"year": year})
    assert r.status_code == 400 and "年份应为" in r.json()["detail"]
