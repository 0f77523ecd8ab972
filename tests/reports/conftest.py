"""Annual-report fixtures: applications, review cases and publications created directly through
the ORM (the tables count rows; the foi/disclosure workflows are tested in their own apps)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from tests.conftest import World
from tests.factories import UserFactory, grant
from yangguang.core.models import TrackingTicket
from yangguang.foi.models import Application, ReviewCase
from yangguang.orgs.models import Body, Role, User

_seq = itertools.count(1)

CLOSED = {"replied", "terminated"}


def app_row(
    body: Body,
    received_on: dt.date,
    *,
    kind: str = "person",
    org_kind: str = "",
    outcome: str = "",
    replied_on: dt.date | None = None,
    state: str | None = None,
    number: str | None = None,
) -> Application:
    """An unsaved Application with its (saved) ticket; state follows the outcome."""
    n = next(_seq)
    number = number or f"YS{received_on.year}{n:07d}"
    if state is None:
        if outcome:
            state = "terminated" if outcome.startswith("other_") else "replied"
        else:
            state = "processing"
    ticket = TrackingTicket.objects.create(number=number, kind="foi", code_hash="x")
    return Application(
        number=number,
        ticket=ticket,
        body=body,
        applicant_kind=kind,
        org_kind=org_kind if kind == "org" else "",
        applicant_name="测试申请人",
        applicant_key=f"k{n}",
        description="请公开某信息",
        delivery="email",
        form="electronic",
        channel="in_person",
        received_on=received_on,
        state=state,
        outcome=outcome,
        replied_on=replied_on,
    )


def make_app(body: Body, received_on: dt.date, **kw: Any) -> Application:
    app = app_row(body, received_on, **kw)
    app.save()
    return app


def make_case(
    app: Application,
    kind: str,
    filed_on: dt.date,
    *,
    result: str = "pending",
    decided_on: dt.date | None = None,
) -> ReviewCase:
    return ReviewCase.objects.create(
        application=app, kind=kind, filed_on=filed_on, result=result, decided_on=decided_on
    )


@pytest.fixture
def staff(world: World) -> dict[str, User]:
    """editor_a also publishes; head_a finalises."""
    return {
        "head": world.head_a,
        "editor": world.editor_a,
        "reviewer": world.reviewer_a,
        "other_head": grant(
            UserFactory(username="head_b", full_name="吴负责"), Role.HEAD, body=world.body_b
        ),
    }


def written(actor: User, report: Any) -> Any:
    """The draft with its prompt to the office (drafting.TO_FILL_IN) written, as finalising
    requires."""
    from yangguang.reports.drafting import TO_FILL_IN
    from yangguang.reports.services import report_update_text

    return report_update_text(
        actor=actor,
        report=report,
        overview=report.overview,
        problems=report.problems.replace(TO_FILL_IN, "个别答复书说理不够充分"),
        other_matters=report.other_matters,
    )
