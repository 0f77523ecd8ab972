"""Where the annual report reads its numbers: the only module that queries the `foi` and
`disclosure` apps. Each function runs one GROUP BY query for any number of bodies at once, so a
region overview over hundreds of bodies costs the same handful of queries as one report.

Definitions (DOMAIN.md §5): an application is *finished* when it is closed (已答复 / 已终止) on its
`replied_on` date; a review case is *decided* when it has a decision date and a result other than
尚未审结.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from yangguang.disclosure.models import Publication, Validity
from yangguang.disclosure.models import State as PubState
from yangguang.foi.models import (
    CLOSED_STATES,
    ApplicantKind,
    Application,
    FeeNotice,
    FeeStatus,
    OrgKind,
    ReviewCase,
    ReviewResult,
    State,
)
from yangguang.foi.outcomes import OUTCOMES
from yangguang.reports import national as nat
from yangguang.reports.compute import ApplicationCount, PublicationCount, ReviewCount
from yangguang.reports.models import Table2Entry

# Applicant kind / sub-kind (foi) → table-三 column key.
COLUMN_OF_ORG_KIND: dict[str, str] = {
    OrgKind.BUSINESS: "commercial",
    OrgKind.RESEARCH: "research",
    OrgKind.NONPROFIT: "public_interest",
    OrgKind.LEGAL: "legal_service",
    OrgKind.OTHER: "other",
}


def _outcome_rows() -> dict[str, str]:
    """foi outcome code → table-三 row key, matched by the exact national labels."""
    by_label: dict[tuple[str, str], str] = {}
    parents = {r.key: r.label for r in nat.TABLE3_ROWS_2021}
    for key in nat.OUTCOME_ROW_KEYS:
        row = nat.TABLE3_ROWS_2021[[r.key for r in nat.TABLE3_ROWS_2021].index(key)]
        if row.level == 2:
            by_label[(parents[row.parent], row.label)] = key
        else:
            by_label[(row.label, "")] = key
    out: dict[str, str] = {}
    for code, d in OUTCOMES.items():
        lookup = (d.group_label, d.item_label) if d.item else (d.group_label, "")
        if lookup not in by_label:
            raise RuntimeError(f"foi outcome {code} matches no national row: {lookup}")
        out[code] = by_label[lookup]
    if sorted(out.values()) != sorted(nat.OUTCOME_ROW_KEYS):
        raise RuntimeError("foi outcomes and table-三 rows are not one-to-one")
    return out


OUTCOME_ROW: dict[str, str] = _outcome_rows()

CLOSED = [str(s) for s in CLOSED_STATES]


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def column_of(applicant_kind: str, org_kind: str) -> str:
    if applicant_kind == ApplicantKind.PERSON:
        return "natural"
    if applicant_kind == ApplicantKind.ORG:
        return COLUMN_OF_ORG_KIND.get(org_kind, "")
    return ""


def _app_conditions(year: int) -> dict[str, Q]:
    jan1, dec31 = year_bounds(year)
    closed = Q(state__in=CLOSED, replied_on__isnull=False)
    not_closed = ~Q(state__in=CLOSED) | Q(replied_on__isnull=True)
    return {
        "scope": Q(received_on__lte=dec31) & (not_closed | Q(replied_on__gte=jan1)),
        "new": Q(received_on__gte=jan1),
        "carried_in": Q(received_on__lt=jan1),
        "finished": closed & Q(replied_on__gte=jan1, replied_on__lte=dec31),
        "carried_out": not_closed | Q(replied_on__gt=dec31),
    }


def application_counts(body_ids: Sequence[int], year: int) -> list[ApplicationCount]:
    """Table 三 counts per (body, applicant column, outcome): one GROUP BY query."""
    c = _app_conditions(year)
    rows = (
        Application.objects.filter(c["scope"], body_id__in=list(body_ids))
        .order_by()
        .values("body_id", "applicant_kind", "org_kind", "outcome")
        .annotate(
            n_new=Count("id", filter=c["new"]),
            n_carried_in=Count("id", filter=c["carried_in"]),
            n_finished=Count("id", filter=c["finished"]),
            n_carried_out=Count("id", filter=c["carried_out"]),
        )
    )
    return [
        ApplicationCount(
            column=column_of(r["applicant_kind"], r["org_kind"]),
            outcome=OUTCOME_ROW.get(r["outcome"] or "", ""),
            new=r["n_new"],
            carried_in=r["n_carried_in"],
            finished=r["n_finished"],
            carried_out=r["n_carried_out"],
            body_id=r["body_id"],
        )
        for r in rows
    ]


def breaking_applications(body_id: int, year: int) -> QuerySet[Application]:
    """Applications that make 一 + 二 ≠ 三（七） + 四 (or escape the table): finished in the year
    without a known outcome, closed without a reply date, replied before they were received, or
    without an applicant column."""
    c = _app_conditions(year)
    jan1, dec31 = year_bounds(year)
    known = list(OUTCOME_ROW)
    bad = (
        (c["finished"] & ~Q(outcome__in=known))
        | Q(state__in=CLOSED, replied_on__isnull=True)
        | Q(replied_on__lt=F("received_on"))
        | ~Q(applicant_kind__in=[ApplicantKind.PERSON, ApplicantKind.ORG])
        | Q(applicant_kind=ApplicantKind.ORG) & ~Q(org_kind__in=list(COLUMN_OF_ORG_KIND))
    )
    scope = Q(received_on__lte=dec31) & (
        ~Q(state__in=CLOSED) | Q(replied_on__isnull=True) | Q(replied_on__gte=jan1)
    )
    # Replied before received across the year boundary: received in the year, replied earlier.
    return (
        Application.objects.filter(body_id=body_id)
        .filter(
            (scope & bad) | Q(received_on__gte=jan1, received_on__lte=dec31, replied_on__lt=jan1)
        )
        .order_by("received_on", "id")
    )


def breaking_reason(app: Application, year: int) -> str:
    jan1, dec31 = year_bounds(year)
    if column_of(app.applicant_kind, app.org_kind) == "":
        return "申请人类型不完整，无法归入任何一列"
    if app.state in CLOSED and app.replied_on is None:
        return "已办结但没有答复日期"
    if app.replied_on is not None and app.replied_on < app.received_on:
        return "答复日期早于收到申请日期"
    if app.outcome not in OUTCOME_ROW:
        return "本年已办结但办理结果不对应表三任何一行"
    return "数据不一致"


def review_counts(body_ids: Sequence[int], year: int) -> list[ReviewCount]:
    """Table 四 counts per (body, kind, result): one GROUP BY query."""
    jan1, dec31 = year_bounds(year)
    decided = Q(decided_on__isnull=False) & ~Q(result=ReviewResult.PENDING)
    decided_in_year = decided & Q(decided_on__gte=jan1, decided_on__lte=dec31)
    pending_at_end = ~decided | Q(decided_on__gt=dec31)
    rows = (
        ReviewCase.objects.filter(application__body_id__in=list(body_ids), filed_on__lte=dec31)
        .filter(pending_at_end | Q(decided_on__gte=jan1))
        .order_by()
        .values("application__body_id", "kind", "result")
        .annotate(
            n_decided=Count("id", filter=decided_in_year),
            n_pending=Count("id", filter=pending_at_end),
        )
    )
    return [
        ReviewCount(
            group=r["kind"],
            result=r["result"],
            decided=r["n_decided"],
            pending=r["n_pending"],
            body_id=r["application__body_id"],
        )
        for r in rows
    ]


# Catalogue node names (disclosure.taxonomy.DEFAULT_CATALOGUE) → table-二 rows.
CATEGORY_ROWS: dict[str, str] = {"规章": "regulation", "行政规范性文件": "normative"}
ANNUAL_REPORT_CATEGORY = "年度报告"


def publication_counts(body_ids: Sequence[int], year: int) -> list[PublicationCount]:
    """Table 二 第二十条第（一）项: published 规章 / 行政规范性文件 — issued in the year, repealed
    (废止) in the year, and in force on 31 December."""
    jan1, dec31 = year_bounds(year)
    issued = Q(published_on__gte=jan1, published_on__lte=dec31)
    repealed = Q(
        validity=Validity.REPEALED, validity_changed_on__gte=jan1, validity_changed_on__lte=dec31
    )
    in_force = Q(published_on__lte=dec31) & (
        Q(validity=Validity.VALID) | Q(validity_changed_on__gt=dec31)
    )
    rows = (
        Publication.objects.filter(
            body_id__in=list(body_ids),
            state=PubState.PUBLISHED,
            category__name__in=list(CATEGORY_ROWS),
            published_on__isnull=False,
        )
        .order_by()
        .values("body_id", "category__name")
        .annotate(
            n_issued=Count("id", filter=issued),
            n_repealed=Count("id", filter=repealed),
            n_in_force=Count("id", filter=in_force),
        )
    )
    return [
        PublicationCount(
            row=CATEGORY_ROWS[r["category__name"]],
            issued=r["n_issued"],
            repealed=r["n_repealed"],
            in_force=r["n_in_force"],
            body_id=r["body_id"],
        )
        for r in rows
    ]


def staff_entries(body_ids: Sequence[int], year: int) -> dict[int, dict[str, Decimal]]:
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for body_id, item, value in Table2Entry.objects.filter(
        body_id__in=list(body_ids), year=year
    ).values_list("body_id", "item", "value"):
        out[body_id][item] = value
    return out


# ---------------------------------------------------------------------------------------------
# Facts for the data-driven first draft of the text sections.


def draft_facts(body_id: int, year: int) -> dict[str, Any]:
    jan1, dec31 = year_bounds(year)
    by_category = list(
        Publication.objects.filter(
            body_id=body_id,
            state=PubState.PUBLISHED,
            published_on__gte=jan1,
            published_on__lte=dec31,
        )
        .order_by()
        .values("category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "category__name")
    )
    published_total = sum(r["n"] for r in by_category)
    replied = Application.objects.filter(
        body_id=body_id, state=State.REPLIED, replied_on__gte=jan1, replied_on__lte=dec31
    ).aggregate(n=Count("id"), late=Count("id", filter=Q(replied_late=True)))
    received = Application.objects.filter(
        body_id=body_id, received_on__gte=jan1, received_on__lte=dec31
    ).count()
    fees = FeeNotice.objects.filter(
        application__body_id=body_id,
        status=FeeStatus.PAID,
        paid_on__gte=jan1,
        paid_on__lte=dec31,
    ).aggregate(total=Sum("amount"), n=Count("id"))
    on_time = None
    if replied["n"]:
        on_time = (replied["n"] - replied["late"]) / replied["n"]
    return {
        "publications_by_category": [
            (r["category__name"] or "未分类", r["n"]) for r in by_category
        ],
        "publications_total": published_total,
        "applications_received": received,
        "applications_replied": replied["n"],
        "applications_late": replied["late"],
        "on_time_rate": on_time,
        "fees_total_yuan": int(fees["total"] or 0),
        "fees_count": fees["n"],
    }
