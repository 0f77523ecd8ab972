"""The tables read what the real 依申请公开 workflow writes (foi services, not hand-made rows):
补正 never answered across New Year, a withdrawal on 31 December, a reply on 5 January."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from tests.conftest import World
from tests.foi.conftest import person, register
from yangguang.foi import services as s
from yangguang.reports.selectors import body_tables

D = dt.date


def _at(t: Any, day: dt.date) -> None:
    t.move_to(dt.datetime(day.year, day.month, day.day, 4, 0, tzinfo=dt.UTC))


def test_tables_from_the_foi_workflow(world: World, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(dt.datetime(2025, 12, 22, 4, 0, tzinfo=dt.UTC), tick=False) as t:
        lapsing = register(world, D(2025, 12, 22), person())
        _at(t, D(2025, 12, 23))
        s.correction_request(
            actor=world.handler_a, application=lapsing, items="请明确所需信息的范围", period_days=5
        )
        _at(t, D(2025, 12, 29))
        withdrawn = register(world, D(2025, 12, 29), person(applicant_name="李四"))
        _at(t, D(2025, 12, 30))
        replied = register(world, D(2025, 12, 30), person(applicant_name="王五"))
        _at(t, D(2025, 12, 31))
        s.application_withdraw(actor=world.handler_a, application=withdrawn)
        _at(t, D(2026, 1, 5))
        s.application_reply(
            actor=world.handler_a, application=replied, outcome="disclose", released="已提供。"
        )
        _at(t, D(2026, 1, 20))
        assert lapsing.number in s.propose_lapses()
        lapsing.refresh_from_db()
        s.application_close(actor=world.handler_a, application=lapsing)
    lapsing.refresh_from_db()
    assert lapsing.outcome == "other_1" and lapsing.replied_on is not None
    assert lapsing.replied_on.year == 2026

    t2025 = body_tables(world.body_a, 2025).table3
    assert t2025["1"]["natural"] == 3
    assert t2025["3.6.3"]["natural"] == 1  # withdrawn on 31 December
    assert t2025["3.7"]["natural"] == 1
    assert t2025["4"]["natural"] == 2  # the lapsing one and the one replied on 5 January
    t2026 = body_tables(world.body_a, 2026).table3
    assert t2026["2"]["natural"] == 2
    assert t2026["3.1"]["natural"] == 1
    assert t2026["3.6.1"]["natural"] == 1  # 补正 never answered
    assert t2026["4"]["natural"] == 0
    for year in (2025, 2026):
        assert body_tables(world.body_a, year).identity_failures() == []
