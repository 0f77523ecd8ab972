"""FOI fixtures: an intake clerk in body A, valid applicant inputs, a helper to register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from tests.conftest import World
from tests.factories import UserFactory, grant
from yangguang.foi.models import Application
from yangguang.foi.services import ApplicantInput, application_assign, application_register
from yangguang.orgs.models import Role, User

VALID_ID = "370921199001011234"
VALID_ID_2 = "11010519491231002X"


def person(**over: Any) -> ApplicantInput:
    values: dict[str, Any] = {
        "applicant_kind": "person",
        "applicant_name": "王小明",
        "id_type": "resident",
        "id_number": VALID_ID,
        "phone": "13800138000",
        "email": "wxm@example.cn",
        "address": "示范县城关镇东关村 1 号",
        "description": "请公开 2025 年度示范县城乡居民养老保险基金收支情况",
        "delivery": "email",
        "form": "electronic",
    }
    values.update(over)
    return ApplicantInput(**values)


def org(credit_code: str, **over: Any) -> ApplicantInput:
    values: dict[str, Any] = {
        "applicant_kind": "org",
        "org_kind": "legal",
        "applicant_name": "示范律师事务所",
        "credit_code": credit_code,
        "contact_person": "赵律师",
        "phone": "0531-88886666",
        "description": "请公开某项目的环境影响评价批复文件",
        "delivery": "post",
        "form": "paper",
        "address": "示范市人民路 8 号",
    }
    values.update(over)
    return ApplicantInput(**values)


@pytest.fixture
def intake_a(world: World) -> User:
    return grant(
        UserFactory(username="intake_a", full_name="陈受理"), Role.INTAKE, body=world.body_a
    )


@pytest.fixture
def frozen() -> Iterator[Any]:
    """Travel helper: frozen(date) moves the frozen clock (Asia/Shanghai noon)."""
    with time_machine.travel(dt.datetime(2026, 1, 5, 4, 0, tzinfo=dt.UTC), tick=False) as t:

        def go(day: dt.date) -> None:
            t.move_to(dt.datetime(day.year, day.month, day.day, 4, 0, tzinfo=dt.UTC))

        yield go


def register(
    world: World,
    on: dt.date,
    data: ApplicantInput | None = None,
    *,
    assign: bool = True,
    **kw: Any,
) -> Application:
    """Register an in-person application in body A on `on` (time must be frozen at `on`) and,
    unless `assign` is false, assign it to 承办人 handler_a (who may handle only what is
    assigned to them)."""
    result = application_register(
        actor=world.head_a,
        body=world.body_a,
        data=data or person(),
        channel=kw.pop("channel", "in_person"),
        today=on,
        **kw,
    )
    if not assign:
        return result.application
    return application_assign(
        actor=world.head_a, application=result.application, handler=world.handler_a
    )


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    """Query codes are hashed with argon2 in production; tests need not pay for it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
