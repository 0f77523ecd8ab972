"""Annual-report bench (issue 6): the report of a body with 100,000 applications in the year
(≤ 1 s) and the region overview over 500 bodies (≤ 5 s).

    .venv/bin/python bench/bench_reports.py                      # SQLite file in a temp dir
    .venv/bin/python bench/bench_reports.py --pg postgres://postgres@127.0.0.1:5432/yangguang_bench_reports

The PostgreSQL database is created when missing and dropped afterwards (only that one name).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
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


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


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
    TrackingTicket.objects.bulk_create(tickets, batch_size=5000)
    ids = dict(
        TrackingTicket.objects.filter(number__in=[t.number for t in tickets]).values_list(
            "number", "id"
        )
    )
    for app in rows:
        app.ticket_id = ids[app.number]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default="", help="PostgreSQL URL of a scratch database")
    parser.add_argument("--apps", type=int, default=100_000)
    parser.add_argument("--bodies", type=int, default=500)
    parser.add_argument("--per-body", type=int, default=200)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="yg-bench-reports-")
    if args.pg:
        name = args.pg.rsplit("/", 1)[1]
        if not name.startswith("yangguang_bench"):
            sys.exit("--pg database name must start with yangguang_bench")
        _pg_admin(args.pg, f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(args.pg, f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.pg
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    from tests.factories import make_credit_code
    from yangguang.orgs.models import Body, Region, RegionLevel
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
            for i in range(args.bodies)
        ]
    )
    t0 = time.perf_counter()
    n_big = seed_apps([big.pk], args.apps, rnd)
    n_region = seed_apps([b.pk for b in bodies], args.per_body, rnd)
    seed_s = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    vendor = connection.vendor

    def best(fn, runs: int = 3) -> float:  # type: ignore[no-untyped-def]
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times)

    in_year = compute_tables([big.pk], YEAR)[big.pk]
    if not in_year.consistent:
        sys.exit(f"identity fails: {in_year.identity_failures()}")
    report_s = best(lambda: compute_tables([big.pk], YEAR))
    client = Client()
    from yangguang.reports.models import AnnualReport, ReportStatus

    AnnualReport.objects.create(body=big, year=YEAR, status=ReportStatus.PUBLISHED)
    api_url = f"/api/v1/reports/annual?body={big.credit_code}&year={YEAR}"
    api_s = best(lambda: client.get(api_url, HTTP_HOST="127.0.0.1"))
    rows, total = region_overview(county, YEAR, dt.date(YEAR + 1, 2, 1))
    if len(rows) != args.bodies or not total.consistent:
        sys.exit("region overview is wrong")
    overview_s = best(lambda: region_overview(county, YEAR, dt.date(YEAR + 1, 2, 1)))
    print(
        f"[{vendor}] seeded {n_big} + {n_region} applications in {seed_s:.1f}s; "
        f"new in {YEAR}: {in_year.table3['1']['total']}"
    )
    print(
        f"[{vendor}] report tables, 1 body with {n_big} applications: {report_s * 1000:.0f} ms (≤ 1000)"
    )
    print(f"[{vendor}] API /reports/annual (tables + JSON): {api_s * 1000:.0f} ms")
    print(
        f"[{vendor}] region overview, {args.bodies} bodies / {n_region} applications: "
        f"{overview_s * 1000:.0f} ms (≤ 5000)"
    )
    connection.close()
    shutil.rmtree(tmp, ignore_errors=True)
    if args.pg:
        _pg_admin(args.pg, f'DROP DATABASE IF EXISTS "{args.pg.rsplit("/", 1)[1]}"')


if __name__ == "__main__":
    main()
