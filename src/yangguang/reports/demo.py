"""Demo annual reports (registered with orgs.demo.extend, so `manage.py load_demo` loads them):
last year's report of the city government office taken through the real workflow — drafted,
finalised by the head, published by the editor and approved by the reviewer into the 年度报告
category — drafts for the other bodies with applications, and imported earlier years (2019
trial format and 2021 format) so the year-on-year charts have something to show.
Idempotent: nothing is added when demo reports exist."""

from __future__ import annotations

import logging
import random

from django.db.models import Count
from django.utils import timezone

from yangguang.foi.models import Application
from yangguang.orgs import demo
from yangguang.orgs.models import Body, User
from yangguang.reports import national as nat
from yangguang.reports import services
from yangguang.reports.drafting import TO_FILL_IN
from yangguang.reports.models import AnnualReport, HistoricReport

DEMO_PROBLEMS = (
    "一是部分政策文件解读形式单一，图解、视频等解读较少；二是个别依申请公开答复书说理不够充分"
    "。下一步将丰富解读形式，加强答复书审核"
)

logger = logging.getLogger(__name__)


def _historic(rng: random.Random, fmt: str) -> dict[str, object]:
    spec = nat.FORMATS[fmt]
    table3: dict[str, dict[str, int]] = {}
    outcome_rows = [
        r.key for r in spec.table3_value_rows() if r.key.startswith("3.") and r.key != "3.7"
    ]
    carried_in = [rng.randint(0, 3), 0, 0, 0, rng.randint(0, 1), 0]
    new = [
        rng.randint(20, 60),
        rng.randint(2, 8),
        0,
        rng.randint(0, 2),
        rng.randint(1, 5),
        rng.randint(0, 3),
    ]
    carried_out = [min(n, rng.randint(0, 4)) for n in new]
    finished = [n + c - o for n, c, o in zip(new, carried_in, carried_out, strict=True)]
    for key in outcome_rows:
        table3[key] = dict.fromkeys(nat.TABLE3_COLUMN_KEYS, 0)
    for col, count in zip(nat.TABLE3_COUNTED_COLUMNS, finished, strict=True):
        for _ in range(count):
            key = "3.1" if rng.random() < 0.55 else rng.choice(outcome_rows)
            table3[key][col] += 1
    for key, values in (("1", new), ("2", carried_in), ("3.7", finished), ("4", carried_out)):
        table3[key] = dict(zip(nat.TABLE3_COUNTED_COLUMNS, values, strict=True))
    for row in table3.values():
        row["total"] = sum(row[c] for c in nat.TABLE3_COUNTED_COLUMNS)
    first = "issued" if fmt == "2021" else "made"
    table2 = {
        "regulation": {first: "0"},
        "normative": {first: str(rng.randint(2, 9))},
    }
    upheld, pending = rng.randint(0, 3), rng.randint(0, 1)
    table4 = {
        g: {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0}
        for g, _, _ in nat.TABLE4_GROUPS
    }
    table4["reconsideration"] = {
        "upheld": upheld,
        "corrected": 0,
        "other": 0,
        "pending": pending,
        "total": upheld + pending,
    }
    return {"format": fmt, "table2": table2, "table3": table3, "table4": table4, "consistent": True}


def load() -> int:
    if AnnualReport.objects.exists() or HistoricReport.objects.exists():
        return 0
    office = Body.objects.filter(name=f"{demo.CITY_NAME}人民政府办公室").first()
    if office is None:
        return 0
    year = timezone.localdate().year - 1
    users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    head, editor, reviewer = (
        users.get("demo_head"),
        users.get("demo_editor"),
        users.get("demo_reviewer"),
    )
    created = 0
    rng = random.Random(2019)  # noqa: S311 — demo data, not security
    # Earlier years, imported as data: the 2019 trial format for 2020, the 2021 format after.
    for past in range(year - 5, year):
        fmt = "2019" if past <= 2020 else "2021"
        if past < 2019:
            continue
        HistoricReport.objects.create(
            body=office, year=past, format=fmt, data=_historic(rng, fmt), source_name="演示数据"
        )
        created += 1
    if head is None or editor is None or reviewer is None:
        return created
    # Drafts for every body with applications in the year.
    bodies = (
        Application.objects.filter(received_on__year=year)
        .values_list("body_id", flat=True)
        .annotate(n=Count("id"))
        .order_by()
    )
    for body in Body.objects.filter(pk__in=list(bodies)).select_related("region"):
        services._create(actor=None, body=body, year=year)
        created += 1
    report = services._create(actor=None, body=office, year=year)
    services.table2_entries_set(
        actor=head,
        body=office,
        year=year,
        values={"licensing": "126", "penalty": "0", "coercion": "0", "fees": "0"},
    )
    from yangguang.disclosure import services as disclosure

    # What the office writes in place of the draft's prompt (finalising refuses the prompt).
    report = services.report_update_text(
        actor=head,
        report=report,
        overview=report.overview,
        problems=report.problems.replace(TO_FILL_IN, DEMO_PROBLEMS),
        other_matters=report.other_matters,
    )
    try:
        report = services.report_finalise(actor=head, report=report)
        report = services.report_publish(actor=editor, report=report)
        if report.publication is not None:
            disclosure.publication_approve(actor=reviewer, publication=report.publication)
            disclosure.publication_publish(actor=reviewer, publication=report.publication)
    except (services.ReportError, disclosure.DisclosureError) as exc:
        # The demo keeps whatever state it reached (e.g. a draft whose identity check fails).
        logger.warning("演示年度报告未能发布：%s", exc)
    return created + 1


demo.extend(load)
