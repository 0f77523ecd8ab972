"""Annual-report bench (issue 6): the report of a body with 100,000 applications in the year
(≤ 1 s) and the region overview over 500 bodies (≤ 5 s).

    .venv/bin/python bench/run.py reports                        # via the runner (SQLite)
    .venv/bin/python bench/bench_reports.py                      # SQLite file in a temp dir
    .venv/bin/python bench/bench_reports.py --pg postgres://postgres@127.0.0.1:5432/yangguang_bench_reports

The PostgreSQL database is created when missing and dropped afterwards (only that one name).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.scratch import print_rows, run_child, scratch_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangguang.config.settings")

YEAR = 2025
OUTCOMES = [
    "disclose",
    "partial",
    "refuse_1",
    "refuse_4",
    "refuse_6",
    "unable_1",
    "unable_2",
    "reject_1",
    "reject_2",
    "other_1",
    "other_2",
    "other_3",
]
ORG_KINDS = ["business", "research", "nonprofit", "legal", "other"]


def seed_apps(body_ids: list[int], per_body: int, rnd: random.Random) -> int:
    from yangguang.core.models import TrackingTicket
    from yangguang.foi.models import Application, ReviewCase

    tickets = []
    rows = []
    n = TrackingTicket.objects.count()
    for body_id in body_ids:
        for _ in range(per_body):
            n += 1
            number = f"B{n:010d}"
            tickets.append(TrackingTicket(number=number, kind="foi", code_hash="x"))
            received = dt.date(YEAR, 1, 1) + dt.timedelta(days=rnd.randrange(-60, 365))
            kind = "person" if rnd.random() < 0.7 else "org"
            closed = rnd.random() < 0.9
            outcome = rnd.choice(OUTCOMES) if closed else ""
            replied = received + dt.timedelta(days=rnd.randrange(0, 40)) if closed else None
            rows.append(
                Application(
                    number=number,
                    body_id=body_id,
                    applicant_kind=kind,
                    org_kind=rnd.choice(ORG_KINDS) if kind == "org" else "",
                    applicant_name="申请人",
                    applicant_key=f"k{n}",
                    description="bench",
                    delivery="email",
                    form="electronic",
                    channel="online",
                    received_on=received,
                    state=("terminated" if outcome.startswith("other") else "replied")
                    if closed
                    else "processing",
                    outcome=outcome,
                    replied_on=replied,
                )
            )
    TrackingTicket.objects.bulk_create(tickets, batch_size=5000)  # sets pks (SQLite ≥ 3.35, PG)
    for app, ticket in zip(rows, tickets, strict=True):
        app.ticket_id = ticket.pk
    Application.objects.bulk_create(rows, batch_size=5000)
    apps = list(
        Application.objects.filter(body_id__in=body_ids).values_list("id", "received_on")[
            : max(1, len(rows) // 100)
        ]
    )
    ReviewCase.objects.bulk_create(
        [
            ReviewCase(
                application_id=pk,
                kind=rnd.choice(["reconsideration", "litigation_direct", "litigation_after"]),
                filed_on=received + dt.timedelta(days=30),
                result=rnd.choice(["upheld", "corrected", "other", "pending"]),
            )
            for pk, received in apps
        ],
        batch_size=5000,
    )
    # Decided cases need a decision date.
    ReviewCase.objects.exclude(result="pending").update(decided_on=dt.date(YEAR, 12, 1))
    return len(rows)


def measure(apps: int, n_bodies: int, per_body: int) -> list[dict[str, Any]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    from tests.factories import make_credit_code
    from yangguang.orgs.models import Body, Region, RegionLevel
    from yangguang.reports.models import AnnualReport, ReportStatus
    from yangguang.reports.selectors import compute_tables, region_overview

    rnd = random.Random(6)
    city = Region.objects.create(code="379900", name="基准市", level=RegionLevel.CITY)
    county = Region.objects.create(
        code="379901", name="基准县", level=RegionLevel.COUNTY, parent=city
    )
    big = Body.objects.create(
        name="基准大机构", kind="department", region=city, credit_code=make_credit_code("379900", 1)
    )
    bodies = Body.objects.bulk_create(
        [
            Body(
                name=f"基准机构{i}",
                kind="department",
                region=county,
                credit_code=make_credit_code("379901", 100 + i),
            )
            for i in range(n_bodies)
        ]
    )
    t0 = time.perf_counter()
    n_big = seed_apps([big.pk], apps, rnd)
    n_region = seed_apps([b.pk for b in bodies], per_body, rnd)
    seed_s = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    vendor = connection.vendor

    def best(fn: Any, runs: int = 3) -> tuple[float, float]:
        walls, cpus = [], []
        for _ in range(runs):
            t, c = time.perf_counter(), time.process_time()
            fn()
            walls.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        return min(walls) * 1000, min(cpus) * 1000

    in_year = compute_tables([big.pk], YEAR)[big.pk]
    if not in_year.consistent:
        sys.exit(f"identity fails: {in_year.identity_failures()}")
    report_ms, report_cpu = best(lambda: compute_tables([big.pk], YEAR))
    AnnualReport.objects.create(body=big, year=YEAR, status=ReportStatus.PUBLISHED)
    client = Client()
    api_url = f"/api/v1/reports/annual?body={big.credit_code}&year={YEAR}"
    api_ms, api_cpu = best(lambda: client.get(api_url, HTTP_HOST="127.0.0.1"))
    today = dt.date(YEAR + 1, 2, 1)
    rows, total = region_overview(county, YEAR, today)
    if len(rows) != n_bodies or not total.consistent:
        sys.exit("region overview is wrong")
    overview_ms, overview_cpu = best(lambda: region_overview(county, YEAR, today))
    connection.close()
    note = f"{vendor}"
    return [
        {
            "name": "annual report tables, 1 body",
            "value": round(report_ms, 1),
            "cpu": round(report_cpu, 1),
            "unit": "ms",
            "target": 1000.0,
            "note": f"{note}, {n_big} applications ({in_year.table3['1']['total']} new in {YEAR})",
        },
        {
            "name": "annual report API (tables + JSON)",
            "value": round(api_ms, 1),
            "cpu": round(api_cpu, 1),
            "unit": "ms",
            "note": f"{note}, same body",
        },
        {
            "name": "annual report region overview",
            "value": round(overview_ms, 1),
            "cpu": round(overview_cpu, 1),
            "unit": "ms",
            "target": 5000.0,
            "note": f"{note}, {n_bodies} bodies, {n_region} applications",
        },
        {
            "name": "reports bench seeding",
            "value": round(seed_s, 1),
            "unit": "s",
            "note": "set-up, not a target",
        },
    ]


def run() -> list[dict[str, Any]]:
    """Runner entry point: a subprocess with its own temporary SQLite database."""
    from bench.run import scale

    apps = max(1000, int(100_000 * scale()))
    bodies = max(5, int(500 * scale()))
    return run_child(str(Path(__file__)), "--apps", str(apps), "--bodies", str(bodies))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default="", help="PostgreSQL URL of a scratch database")
    parser.add_argument("--apps", type=int, default=100_000)
    parser.add_argument("--bodies", type=int, default=500)
    parser.add_argument("--per-body", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with scratch_database(args.pg, "yg-bench-reports-"):
        results = measure(args.apps, args.bodies, args.per_body)
    print_rows(results, args.json)


if __name__ == "__main__":
    main()
