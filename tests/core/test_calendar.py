"""The stored holiday calendar: services, the console page 节假日日历 and its banner.

DOMAIN.md §1: next year's schedule is published each November and must be enterable by an
administrator the day it is published; until then the console warns administrators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.http import Http404
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.factories import UserFactory, grant
from yangguang.core import calendar as stored
from yangguang.core.models import AuditEvent, CalendarOverride, CalendarYear, RuleSetting
from yangguang.core.rules import clock_thresholds
from yangguang.core.services import (
    calendar_override_delete,
    calendar_override_set,
    calendar_schedule_import,
    calendar_year_mark_complete,
)
from yangguang.core.workdays import CalendarError, DayKind, Thresholds
from yangguang.orgs.models import Role

D = dt.date.fromisoformat
URL = "/console/calendar/"
SCHEDULE_2027 = """2027-01-01 休 元旦
2027-02-06 休 春节
2027-02-07 休 春节
2027-02-08 休 春节
2027-02-14 班 春节调休
"""
# The other national holidays: with them the year can be marked complete.
REST_OF_2027 = """2027-04-05 休 清明节
2027-05-01 休 劳动节
2027-06-09 休 端午节
2027-09-15 休 中秋节
2027-10-01 休 国庆节
"""


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """The `world` users get a password; argon2 makes that seconds per test on this machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    stored.invalidate()
    yield
    stored.invalidate()


@pytest.fixture
def at_2026_11_21() -> Iterator[None]:
    """Today in the story: 2027's schedule is not published yet."""
    with time_machine.travel(dt.datetime(2026, 11, 21, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


# --- services ------------------------------------------------------------------------------------


def test_override_set_update_delete_are_audited(world: World) -> None:
    row = calendar_override_set(
        actor=world.admin, day=D("2027-02-06"), is_workday=False, name="春节"
    )
    assert row.created_by == world.admin
    assert stored.current_calendar().day_info(D("2027-02-06")).reason == "春节"

    calendar_override_set(actor=world.admin, day=D("2027-02-06"), is_workday=False, name="春节 ")
    assert AuditEvent.objects.filter(action="calendar.override_set").count() == 1  # no change
    calendar_override_set(actor=world.admin, day=D("2027-02-06"), is_workday=True, name="春节")
    events = AuditEvent.objects.filter(action="calendar.override_set").order_by("id")
    assert events.count() == 2
    assert events.last().changes == {"is_workday": [False, True]}  # type: ignore[union-attr]
    assert CalendarOverride.objects.get(day=D("2027-02-06")).is_workday

    calendar_override_delete(actor=world.admin, day=D("2027-02-06"), reason="录错")
    assert not CalendarOverride.objects.exists()
    deleted = AuditEvent.objects.get(action="calendar.override_delete")
    assert deleted.actor == world.admin and deleted.reason == "录错"
    assert stored.current_calendar().day_info(D("2027-02-06")).kind is DayKind.WEEKEND


@pytest.mark.parametrize("who", ["handler_a", "head_a", "county_supervisor", "anonymous"])
def test_only_admins_change_the_calendar(world: World, who: str) -> None:
    """orgs.access: `calendar.change` is for administrators; others get the same 404."""
    user = getattr(world, who)
    with pytest.raises(Http404):
        calendar_override_set(actor=user, day=D("2027-02-06"), is_workday=False, name="春节")
    with pytest.raises(Http404):
        calendar_year_mark_complete(actor=user, year=2027)
    with pytest.raises(Http404):
        calendar_schedule_import(actor=user, text=SCHEDULE_2027)
    assert not CalendarOverride.objects.exists()


def test_region_admin_cannot_change_the_installation_wide_calendar(world: World) -> None:
    county_admin = grant(UserFactory(username="county_admin"), Role.ADMIN, region=world.county)
    with pytest.raises(Http404):
        calendar_override_set(actor=county_admin, day=D("2027-02-06"), is_workday=False)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"day": D("2003-12-31")}, "超出日历范围"),
        ({"day": D("2101-01-01")}, "超出日历范围"),
        ({"name": "春" * 101}, "名称过长"),
        ({"note": "注" * 201}, "备注过长"),
    ],
)
def test_override_set_rejects_bad_input(world: World, kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    args = {"day": D("2027-02-06"), "is_workday": False, "name": "春节", **kwargs}
    with pytest.raises(CalendarError, match=message):
        calendar_override_set(actor=world.admin, **args)
    assert not CalendarOverride.objects.exists()


def test_delete_missing_override(world: World) -> None:
    with pytest.raises(CalendarError, match="没有录入"):
        calendar_override_delete(actor=world.admin, day=D("2027-02-06"))


def test_schedule_import_is_all_or_nothing(world: World) -> None:
    with pytest.raises(CalendarError) as info:
        calendar_schedule_import(actor=world.admin, text=SCHEDULE_2027 + "2027-02-31 休 春节\n")
    assert "第 6 行" in str(info.value)
    assert not CalendarOverride.objects.exists()
    with pytest.raises(CalendarError, match="没有可录入"):
        calendar_schedule_import(actor=world.admin, text="\n# 只有注释\n")

    assert calendar_schedule_import(actor=world.admin, text=SCHEDULE_2027) == 5
    assert CalendarOverride.objects.count() == 5
    assert AuditEvent.objects.filter(action="calendar.override_set").count() == 5
    assert calendar_schedule_import(actor=world.admin, text=SCHEDULE_2027) == 0  # idempotent
    cal = stored.current_calendar()
    assert cal.add_workdays(D("2027-02-05"), 1) == D("2027-02-09")
    assert cal.day_info(D("2027-02-14")).reason == "春节调休上班"


def test_schedule_import_refuses_dates_of_another_year(world: World) -> None:
    """On the 2027 page a 2026 line is a typo: it would turn 2026's 劳动节 into a working day
    and move that year's deadlines. Refused, with its line, and nothing is entered."""
    with pytest.raises(CalendarError) as info:
        calendar_schedule_import(
            actor=world.admin, text=SCHEDULE_2027 + "2026-05-01 班 别的年份\n", year=2027
        )
    assert "第 6 行：2026-05-01 不在 2027 年" in str(info.value)
    assert not CalendarOverride.objects.exists()
    assert calendar_schedule_import(actor=world.admin, text=SCHEDULE_2027, year=2027) == 5


def test_mark_year_complete(world: World) -> None:
    with pytest.raises(CalendarError, match="尚未录入任何"):
        calendar_year_mark_complete(actor=world.admin, year=2027)
    with pytest.raises(CalendarError, match="超出日历范围"):
        calendar_year_mark_complete(actor=world.admin, year=1999)
    calendar_schedule_import(actor=world.admin, text=SCHEDULE_2027)
    assert stored.current_calendar().unknown_years(D("2027-01-01"), D("2027-12-31")) == [2027]
    # Not with 元旦 and 春节 only: every national holiday needs its rest day.
    with pytest.raises(CalendarError, match="还缺少：清明、劳动、端午、中秋、国庆"):
        calendar_year_mark_complete(actor=world.admin, year=2027)
    calendar_schedule_import(actor=world.admin, text=REST_OF_2027)

    row = calendar_year_mark_complete(actor=world.admin, year=2027, source="国办发明电〔2026〕x号")
    assert row.complete and row.updated_by == world.admin
    assert stored.current_calendar().is_known_year(2027)
    assert stored.year_status(2027).label == "已完整录入"
    assert AuditEvent.objects.filter(action="calendar.year_complete").count() == 1

    calendar_year_mark_complete(actor=world.admin, year=2027, complete=False)
    assert not CalendarYear.objects.get(year=2027).complete
    assert not stored.current_calendar().is_known_year(2027)
    assert stored.year_status(2027).label == "录入中（尚未标记完整）"


def test_year_status(db: None) -> None:
    assert stored.year_status(2026).label == "已发布（系统内置）"
    assert stored.year_status(2028).label == "未录入"


# --- configurable light thresholds (rules clock.yellow_left / clock.red_left) ------------------


def test_clock_thresholds_from_rules(world: World) -> None:
    assert clock_thresholds() == Thresholds(5, 1)
    RuleSetting.objects.create(scope_path=world.county.path, key="clock.yellow_left", value=8)
    RuleSetting.objects.create(scope_path="", key="clock.red_left", value=2)
    assert clock_thresholds(world.county.path) == Thresholds(8, 2)
    assert clock_thresholds(world.county2.path) == Thresholds(5, 2)
    RuleSetting.objects.create(scope_path=world.county2.path, key="clock.yellow_left", value="x")
    assert clock_thresholds(world.county2.path) == Thresholds(5, 1)  # bad value: defaults


# --- the console page ----------------------------------------------------------------------------


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_console_calendar_lists_a_year(world: World, at_2026_11_21: None) -> None:
    calendar_schedule_import(actor=world.admin, text=SCHEDULE_2027)
    r = _client(world.admin).get(URL)  # default: the first year without a known schedule
    assert r.status_code == 200
    body = r.content.decode()
    assert "节假日日历 · 2027 年" in body
    assert "2027-02-14" in body and "调休上班" in body
    assert "录入中（尚未标记完整）" in body
    r = _client(world.admin).get(URL + "?year=2026")
    body = r.content.decode()
    assert "已发布（系统内置）" in body
    assert "春节调休上班" in body and "国庆节" in body  # the built-in schedule, for reference
    assert _client(world.admin).get(URL + "?year=abc").status_code == 200


@pytest.mark.parametrize("who", ["handler_a", "handler_b", "head_a", "county_supervisor"])
def test_console_calendar_is_404_for_non_admins(world: World, who: str) -> None:
    c = _client(getattr(world, who))
    assert c.get(URL).status_code == 404
    assert c.post(URL, {"action": "add", "day": "2027-02-06", "kind": "rest"}).status_code == 404
    assert not CalendarOverride.objects.exists()


def test_console_calendar_anonymous_goes_to_login(world: World) -> None:
    r = Client().get(URL)
    assert r.status_code == 302 and "/console/login/" in r["Location"]


def test_console_add_and_delete(world: World) -> None:
    c = _client(world.admin)
    r = c.post(URL, {"action": "add", "day": "2027-02-06", "kind": "rest", "name": "春节"})
    assert r.status_code == 302 and r["Location"].endswith("?year=2027")
    assert CalendarOverride.objects.get(day=D("2027-02-06")).name == "春节"
    r = c.post(URL, {"action": "add", "day": "2027/2/14", "kind": "work", "name": "春节"})
    assert CalendarOverride.objects.get(day=D("2027-02-14")).is_workday
    r = c.post(URL, {"action": "delete", "day": "2027-02-06"})
    assert r.status_code == 302
    assert not CalendarOverride.objects.filter(day=D("2027-02-06")).exists()


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (None, ("rest", "春节"), "已保存 2027-02-06 的安排：休息（春节）。"),
        # Entering a date again changes it: the message says from what, so a mistyped date
        # that overwrote another day's entry does not go unnoticed.
        (("work", "春节调休"), ("rest", "春节"), "由“上班（春节调休）”改为“休息（春节）”"),
        (("rest", "春节"), ("work", ""), "由“休息（春节）”改为“上班”"),
        (("rest", "春节"), ("rest", "春节"), "2027-02-06 已是这样安排（休息（春节）），未作改动"),
    ],
)
def test_console_add_says_what_it_replaced(
    world: World, first: tuple[str, str] | None, second: tuple[str, str], message: str
) -> None:
    c = _client(world.admin)
    for entry in (first, second):
        if entry is not None:
            data = {"action": "add", "day": "2027-02-06", "kind": entry[0], "name": entry[1]}
            r = c.post(URL, data, follow=True)
    assert message in r.content.decode()
    assert CalendarOverride.objects.get(day=D("2027-02-06")).is_workday == (second[0] == "work")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "add", "day": "2027-02-30", "kind": "rest", "name": "春节"}, "日期无法识别"),
        ({"action": "add", "day": "", "kind": "rest"}, "日期无法识别"),
        ({"action": "add", "day": "1990-01-01", "kind": "rest"}, "超出日历范围"),
        ({"action": "add", "day": "2027-02-06", "kind": "maybe"}, "请选择"),
        ({"action": "add", "day": "2027-02-06", "kind": "rest", "name": "长" * 101}, "名称过长"),
        ({"action": "delete", "day": "2027-02-06"}, "没有录入的调整"),
        ({"action": "delete", "day": "x"}, "日期无法识别"),
        ({"action": "bulk", "schedule": "2027-02-06 休 春节\n2027-02-06 班"}, "重复"),
        ({"action": "bulk", "schedule": ""}, "没有可录入"),
        ({"action": "complete", "year": "2028"}, "尚未录入任何"),
        ({"action": "explode"}, "无法识别的操作"),
    ],
)
def test_console_bad_input_is_shown_in_chinese(world: World, data: dict, message: str) -> None:  # type: ignore[type-arg]
    r = _client(world.admin).post(URL, data)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert not CalendarOverride.objects.exists()


def test_console_bad_input_keeps_what_was_typed(world: World) -> None:
    c = _client(world.admin)
    r = c.post(URL, {"action": "add", "day": "2027-02-30", "kind": "work", "name": "我的节日"})
    body = r.content.decode()
    assert 'value="2027-02-30"' in body and 'value="我的节日"' in body
    assert 'value="work" checked' in body
    text = "2027-02-06 休 春节\n2027-02-07 歇 春节"
    r = c.post(URL, {"action": "bulk", "schedule": text})
    body = r.content.decode()
    assert "第 2 行" in body and "2027-02-07 歇 春节</textarea>" in body


def test_console_bulk_then_mark_complete(world: World) -> None:
    c = _client(world.admin)
    schedule = SCHEDULE_2027 + REST_OF_2027
    r = c.post(URL + "?year=2027", {"action": "bulk", "schedule": schedule, "year": "2027"})
    assert r.status_code == 302
    assert CalendarOverride.objects.filter(day__year=2027).count() == 10
    # The page's year bounds the bulk entry: a 2026 line is refused, the text kept.
    r = c.post(URL + "?year=2027", {"action": "bulk", "schedule": "2026-05-01 班 别的年份"})
    assert "不在 2027 年" in r.content.decode() and "2026-05-01 班 别的年份" in r.content.decode()
    assert not CalendarOverride.objects.filter(day__year=2026).exists()
    r = c.post(URL + "?year=2027", {"action": "complete", "year": "2027", "source": "国办通知"})
    assert r.status_code == 302
    assert CalendarYear.objects.get(year=2027).source == "国办通知"
    body = c.get(URL + "?year=2027").content.decode()
    assert "已完整录入" in body and "取消“已完整录入”标记" in body
    c.post(URL + "?year=2027", {"action": "incomplete", "year": "2027"})
    assert not CalendarYear.objects.get(year=2027).complete


# --- the console banner (core.context_processors) ------------------------------------------------


def test_banner_warns_admins_when_next_years_schedule_is_missing(
    world: World, at_2026_11_21: None
) -> None:
    """2026-11-21: 2027 lies within 366 days and is unknown → banner for administrators."""
    body = _client(world.admin).get(reverse("console:home")).content.decode()
    assert "节假日日历提醒" in body and "2027 年的节假日安排尚未公布或未录入" in body
    assert reverse("console:calendar") in body


def test_banner_not_shown_to_other_staff(world: World, at_2026_11_21: None) -> None:
    body = _client(world.handler_a).get(reverse("console:home")).content.decode()
    assert "节假日日历提醒" not in body


def test_banner_gone_once_the_year_is_entered_and_marked_complete(
    world: World, at_2026_11_21: None
) -> None:
    calendar_schedule_import(actor=world.admin, text=SCHEDULE_2027 + REST_OF_2027)
    body = _client(world.admin).get(reverse("console:home")).content.decode()
    assert "节假日日历提醒" in body  # entered, but not declared complete
    calendar_year_mark_complete(actor=world.admin, year=2027)
    body = _client(world.admin).get(reverse("console:home")).content.decode()
    assert "节假日日历提醒" not in body


def test_no_banner_when_the_horizon_is_known(world: World) -> None:
    with time_machine.travel(dt.datetime(2025, 6, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        body = _client(world.admin).get(reverse("console:home")).content.decode()
    assert "节假日日历提醒" not in body


def test_console_menu_links_the_calendar_for_admins(world: World) -> None:
    body = _client(world.admin).get(reverse("console:home")).content.decode()
    assert f'href="{URL}"' in body and "节假日日历" in body
    body = _client(world.handler_a).get(reverse("console:home")).content.decode()
    assert f'href="{URL}"' not in body


def test_banner_not_shown_to_region_admins(world: World, at_2026_11_21: None) -> None:
    """The calendar is installation-wide: only whole-installation admins may change it."""
    county_admin = grant(UserFactory(username="county_admin"), Role.ADMIN, region=world.county)
    c = _client(county_admin)
    assert "节假日日历提醒" not in c.get(reverse("console:home")).content.decode()
    assert c.get(URL).status_code == 404
