"""依申请公开 bench (issue 5): a body queue with 100,000 applications — queue page p95 ≤ 100 ms;
due-date recomputation of all open applications after a holiday-calendar change ≤ 10 s.

    .venv/bin/python bench/bench_foi.py                 # SQLite file in a temp dir
    .venv/bin/python bench/bench_foi.py --pg postgres://postgres@127.0.0.1:5432/yangguang_bench_foi
    .venv/bin/python bench/run.py foi                   # via the runner (subprocess, SQLite)

The PostgreSQL database is created when missing and dropped afterwards (only that name).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.scratch import print_rows, run_child, scratch_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangguang.config.settings")


def seed(body_id: int, total: int, open_share: float, rnd: random.Random) -> tuple[int, int]:
    from yangguang.core.calendar import current_calendar
    from yangguang.core.models import TrackingTicket
    from yangguang.foi.models import Application, ApplicationEvent

    cal = current_calendar()
    today = dt.date(2026, 11, 20)
    tickets, apps = [], []
    for n in range(total):
        number = f"YSQ-2026-{n + 1:06d}"
        tickets.append(TrackingTicket(number=number, kind="YSQ", code_hash="x"))
        is_open = rnd.random() < open_share
        received = today - dt.timedelta(
            days=rnd.randrange(0, 40) if is_open else rnd.randrange(30, 700)
        )
        kind = "person" if rnd.random() < 0.8 else "org"
        apps.append(
            Application(
                number=number,
                body_id=body_id,
                applicant_kind=kind,
                org_kind="business" if kind == "org" else "",
                applicant_name="申请人" + str(n % 997),
                applicant_key=f"k{n % 5000}",
                description="基准测试申请内容描述",
                delivery="email",
                form="electronic",
                channel="online",
                received_on=received,
                state=rnd.choice(
                    ["received", "processing", "processing", "consulting", "correction"]
                )
                if is_open
                else "replied",
                outcome="" if is_open else "disclose",
                replied_on=None if is_open else received + dt.timedelta(days=10),
                due_on=cal.add_workdays(received, 20),
            )
        )
    TrackingTicket.objects.bulk_create(tickets, batch_size=5000)
    ids = dict(TrackingTicket.objects.values_list("number", "id"))
    for a in apps:
        a.ticket_id = ids[a.number]
        a.queue_key = a.compute_queue_key()  # bulk_create does not call save()
    Application.objects.bulk_create(apps, batch_size=5000)
    now = dt.datetime.now(dt.UTC)
    events = []
    open_n = 0
    for pk, received, state in Application.objects.values_list("id", "received_on", "state"):
        events.append(ApplicationEvent(application_id=pk, kind="registered", on=received, at=now))
        if state != "replied":
            open_n += 1
            if state == "consulting":
                events.append(
                    ApplicationEvent(
                        application_id=pk,
                        kind="consultation_started",
                        on=received + dt.timedelta(days=3),
                        at=now,
                    )
                )
            elif state == "correction":
                events.append(
                    ApplicationEvent(
                        application_id=pk,
                        kind="correction_requested",
                        on=received + dt.timedelta(days=2),
                        at=now,
                    )
                )
            elif rnd.random() < 0.1:
                events.append(
                    ApplicationEvent(
                        application_id=pk,
                        kind="extended",
                        on=received + dt.timedelta(days=20),
                        at=now,
                        data={"days": 20},
                    )
                )
    ApplicationEvent.objects.bulk_create(events, batch_size=5000)
    return total, open_n


def measure(total: int, open_share: float) -> list[dict[str, Any]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    from django.conf import settings
    from django.test.utils import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()  # no collectstatic manifest needed
    from tests.factories import make_credit_code
    from yangguang.core.models import CalendarOverride
    from yangguang.foi.services import recompute_open
    from yangguang.orgs.models import Body, Region, RegionLevel, Role, RoleAssignment, User

    rnd = random.Random(5)
    city = Region.objects.create(code="379900", name="基准市", level=RegionLevel.CITY)
    body = Body.objects.create(
        name="基准机构", kind="department", region=city, credit_code=make_credit_code("379900", 1)
    )
    user = User.objects.create(username="bench_handler", full_name="基准承办")
    RoleAssignment.objects.create(user=user, role=Role.HANDLER, body=body)
    sup = User.objects.create(username="bench_sup", full_name="基准监督")
    RoleAssignment.objects.create(user=sup, role=Role.SUPERVISOR, region=city)
    t0 = time.perf_counter()
    n, open_n = seed(body.pk, total, open_share, rnd)
    seed_s = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    vendor = connection.vendor
    client = Client()
    client.force_login(user)
    urls = [
        "/console/foi/",
        "/console/foi/?page=2",
        "/console/foi/?page=50",
        "/console/foi/?light=overdue",
        "/console/foi/?state=processing",
        "/console/foi/?scope=all",
        "/console/foi/?scope=all&page=500",
        "/console/foi/?handler=none",
    ]
    for u in urls:  # warm-up (templates, calendar cache)
        r = client.get(u, HTTP_HOST="127.0.0.1")
        if r.status_code != 200:
            sys.exit(f"{u} → {r.status_code}")
    times, cpus = [], []
    for i in range(80):
        u = urls[i % len(urls)]
        t, c = time.perf_counter(), time.process_time()
        client.get(u, HTTP_HOST="127.0.0.1")
        times.append((time.perf_counter() - t) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    p95 = statistics.quantiles(times, n=20)[18]
    cpu95 = statistics.quantiles(cpus, n=20)[18]
    sclient = Client()
    sclient.force_login(sup)
    sclient.get("/console/foi/", HTTP_HOST="127.0.0.1")
    stimes, scpus = [], []
    for _ in range(40):
        t, c = time.perf_counter(), time.process_time()
        sclient.get("/console/foi/", HTTP_HOST="127.0.0.1")
        stimes.append((time.perf_counter() - t) * 1000)
        scpus.append((time.process_time() - c) * 1000)
    sp95 = statistics.quantiles(stimes, n=20)[18]
    scpu95 = statistics.quantiles(scpus, n=20)[18]
    # An administrator adds a local holiday: every open application is recomputed.
    CalendarOverride.objects.create(day=dt.date(2026, 12, 1), is_workday=False, name="基准假日")
    t = time.perf_counter()
    c0 = time.process_time()
    changed = recompute_open()
    recompute_s = time.perf_counter() - t
    recompute_cpu = time.process_time() - c0
    note = f"{vendor}, {n} applications in one body, {open_n} open"
    return [
        {
            "name": "foi queue page p95",
            "value": round(p95, 1),
            "cpu": round(cpu95, 1),
            "unit": "ms",
            "target": 100,
            "calls": len(times),
            "note": note
            + f" (8 URLs incl. page 500 of all; median {statistics.median(times):.1f} ms)",
        },
        {
            "name": "foi supervisor region view p95",
            "value": round(sp95, 1),
            "cpu": round(scpu95, 1),
            "unit": "ms",
            "target": 100,
            "calls": len(stimes),
            "note": note,
        },
        {
            "name": "foi recompute all open due dates",
            "value": round(recompute_s, 2),
            "cpu": round(recompute_cpu, 2),
            "unit": "s",
            "target": 10,
            "calls": open_n,
            "note": note + f", {changed} changed",
        },
        {
            "name": "foi bench seeding",
            "value": round(seed_s, 1),
            "unit": "s",
            "note": "set-up, not a target",
        },
    ]


def run() -> list[dict[str, Any]]:
    """Runner entry point: a subprocess with its own temporary SQLite database."""
    from bench.run import scale

    total = max(1000, int(100_000 * scale()))
    return run_child(str(Path(__file__)), "--apps", str(total))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default="", help="PostgreSQL URL of a scratch database")
    parser.add_argument("--apps", type=int, default=100_000)
    parser.add_argument("--open-share", type=float, default=0.2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with scratch_database(args.pg, "yg-bench-foi-"):
        results = measure(args.apps, args.open_share)
    print_rows(results, args.json)


if __name__ == "__main__":
    main()
