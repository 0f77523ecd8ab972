"""Demo content for 主动公开 and the bulk generator for benchmarks.

- `load_demo_publications()` (registered with orgs.demo.extend, also the command
  `load_demo_disclosure`): ≥2,000 realistic publications across the demo bodies — policy
  documents with 发文字号, interpretations linked to their policies, some repealed and revised,
  budget and “三公” tables per department, a year of monthly statements per village. Idempotent.
- `generate(count)` (`generate_publications --count N`): bulk_create in batches, scaling to
  1,000,000 rows, with index numbers issued from the same per-body-year sequences.

Bulk paths bypass the per-item services on purpose (speed); they keep the invariants: unique
index numbers from IndexSequence, published items with reviewer ≠ drafter, timeliness computed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yangguang.core.calendar import current_calendar
from yangguang.disclosure.models import (
    CatalogueNode,
    FiscalTable,
    IndexSequence,
    Mode,
    Publication,
    State,
    Theme,
    Validity,
    theme_root_id,
)
from yangguang.disclosure.services import TIMELY_WORKDAYS, catalogue_ensure, format_index_number
from yangguang.orgs import demo as orgs_demo
from yangguang.orgs.models import Body, BodyKind, Role, RoleAssignment, User

DEMO_MARK = "（演示）"
DEMO_TARGET = 2000

TOPICS = [
    ("就业补助资金管理办法", "劳动就业", "行政规范性文件"),
    ("城乡居民基本养老保险实施办法", "社会保障", "行政规范性文件"),
    ("农村危房改造实施方案", "住房保障", "农村危房改造"),
    ("政府采购管理暂行办法", "财政", "政府采购"),
    ("安全生产专项整治三年行动实施方案", "安全生产", "其他文件"),
    ("生态环境保护督察整改工作方案", "环境监测与保护", "生态环境"),
    ("食品安全监督抽检计划", "食品药品监管", "食品安全"),
    ("义务教育阶段招生入学工作意见", "教育", "教育"),
    ("城乡居民医疗保险实施细则", "卫生", "医疗卫生"),
    ("最低生活保障审核确认办法", "社会福利", "社会救助"),
    ("防汛抗旱应急预案", "应急管理", "救灾"),
    ("征地补偿安置标准", "土地", "征地补偿"),
    ("公共资源交易管理办法", "国内贸易", "公共资源交易"),
    ("巩固拓展脱贫攻坚成果同乡村振兴有效衔接实施意见", "扶贫", "扶贫"),
    ("优化营商环境若干措施", "经济体制改革", "其他文件"),
    ("政务公开工作要点", "政务公开", "其他文件"),
    ("高标准农田建设项目管理办法", "农业、农村", "其他文件"),
    ("老旧小区改造实施方案", "城乡建设", "其他文件"),
    ("创业担保贷款实施办法", "劳动就业", "行政规范性文件"),
    ("残疾人两项补贴发放管理办法", "社会福利", "社会救助"),
]
NOTICE_TOPICS = [
    ("{year}年度拟录用公务员名单公示", "人事工作", "人事信息"),
    ("{year}年第{n}批就业见习基地认定结果公示", "劳动就业", "公示公告"),
    ("关于{year}年“双随机、一公开”抽查结果的公告", "市场监管", "行政处罚结果"),
    ("{year}年第{n}季度行政许可事项办理结果", "政务公开", "行政许可结果"),
    ("关于召开{year}年安全生产工作会议的情况", "安全生产", "工作动态"),
    ("{year}年重点工作任务推进情况通报", "政务督查", "工作动态"),
]
PREFIXES = {
    BodyKind.GOVERNMENT: ("政发", "政办发", "政字"),
    BodyKind.DEPARTMENT: ("发", "字", "办发"),
    BodyKind.TOWNSHIP: ("政发", "政字"),
    BodyKind.VILLAGE: ("村发",),
    BodyKind.INSTITUTION: ("发",),
    BodyKind.ENTERPRISE: ("发",),
}
PARAGRAPHS = [
    "为深入贯彻落实党中央、国务院和省委、省政府决策部署，进一步规范工作流程，提高服务效能，结合本地实际，制定本{kind}。",
    "各级各部门要高度重视，加强组织领导，明确责任分工，细化工作措施，确保各项任务按期完成。",
    "本{kind}适用于本行政区域内的相关管理和服务活动。法律、法规、规章另有规定的，从其规定。",
    "符合条件的申请人可通过政务服务网或各级便民服务中心提出申请，经办机构应当在规定时限内办结。",
    "资金实行专账核算、专款专用，任何单位和个人不得截留、挤占、挪用。审计部门依法实施监督。",
    "各单位要及时公开政策执行情况，主动接受社会监督，对群众反映的问题及时回应。",
    "本{kind}自印发之日起施行，有效期五年。此前有关规定与本{kind}不一致的，以本{kind}为准。",
]


def _short(body: Body) -> str:
    name = body.short_name or body.name
    return name.replace("示范市", "示").replace("人民政府", "政")[:4]


def _doc_number(rng: random.Random, body: Body, year: int, n: int) -> str:
    prefix = rng.choice(PREFIXES.get(BodyKind(body.kind), ("发",)))
    return f"{_short(body)}{prefix}〔{year}〕{n}号"


def _html(rng: random.Random, kind: str, n: int) -> str:
    paras = [rng.choice(PARAGRAPHS).format(kind=kind) for _ in range(n)]
    return "".join(f"<p>{p}</p>" for p in paras)


def _plain(html: str) -> str:
    return html.replace("<p>", "").replace("</p>", "\n").strip()


class Serials:
    """Per body-year serials taken from IndexSequence and written back (one batch at a time)."""

    def __init__(self) -> None:
        self.last: dict[tuple[int, int], int] = {}
        self.patterns: dict[int, str] = {}

    def load(self, bodies: list[Body]) -> None:
        from yangguang.core.rules import get_rule
        from yangguang.disclosure.services import INDEX_PATTERN

        for s in IndexSequence.objects.select_for_update().filter(body__in=bodies):
            self.last[(s.body_id, s.year)] = s.last
        for b in bodies:
            self.patterns[b.pk] = str(get_rule(INDEX_PATTERN.key, b.region.path))

    def issue(self, body: Body, day: dt.date) -> str:
        key = (body.pk, day.year)
        self.last[key] = self.last.get(key, 0) + 1
        return format_index_number(
            self.patterns[body.pk],
            credit_code=body.credit_code,
            year=day.year,
            month=day.month,
            serial=self.last[key],
        )

    def save(self) -> None:
        existing = {
            (s.body_id, s.year): s
            for s in IndexSequence.objects.filter(body_id__in={b for b, _ in self.last})
        }
        new, changed = [], []
        for (body_id, year), last in self.last.items():
            row = existing.get((body_id, year))
            if row is None:
                new.append(IndexSequence(body_id=body_id, year=year, last=last))
            elif row.last != last:
                row.last = last
                changed.append(row)
        IndexSequence.objects.bulk_create(new)
        IndexSequence.objects.bulk_update(changed, ["last"])


def _staff(body: Body) -> tuple[User | None, User | None]:
    roles = RoleAssignment.objects.filter(body=body, role__in=[Role.EDITOR, Role.REVIEWER])
    editor = next((r.user for r in roles if r.role == Role.EDITOR), None)
    reviewer = next((r.user for r in roles if r.role == Role.REVIEWER and r.user != editor), None)
    return editor, reviewer


def _build(
    rng: random.Random,
    body: Body,
    serials: Serials,
    *,
    written: dt.date,
    today: dt.date,
    title: str,
    theme: Theme | None,
    category: CatalogueNode | None,
    doc_number: str,
    paragraphs: int,
    drafter: User | None,
    reviewer: User | None,
) -> Publication:
    cal = current_calendar()
    published_on = cal.add_workdays(written, rng.choice([1, 2, 3, 5, 8, 12, 15, 19, 24]))
    if published_on > today:
        published_on = today
    delay = cal.workdays_between(written, published_on)
    kind = "办法" if "办法" in title else "方案" if "方案" in title else "通知"
    html = _html(rng, kind, paragraphs)
    return Publication(
        body=body,
        theme_root_id=theme_root_id(theme),
        index_number=serials.issue(body, written),
        title=title,
        doc_number=doc_number,
        written_on=written,
        published_on=published_on,
        published_at=timezone.make_aware(dt.datetime.combine(published_on, dt.time(9, 30))),
        theme=theme,
        category=category,
        keywords=title[:20],
        summary=f"{title}。",
        mode=Mode.PROACTIVE,
        body_html=html,
        body_text=_plain(html),
        state=State.PUBLISHED,
        drafter=drafter,
        reviewer=reviewer,
        submission_count=1,
        delay_workdays=delay,
        is_late=delay > TIMELY_WORKDAYS,
    )


def load_demo_publications() -> int:
    """Create the demo publications and tables once; returns the number of rows created."""
    bodies = list(
        Body.objects.filter(credit_code__in=[b.credit_code for b in orgs_demo.BODIES])
        .select_related("region")
        .order_by("pk")
    )
    if (
        not bodies
        or Publication.objects.filter(body__in=bodies, title__endswith=DEMO_MARK).exists()
    ):
        return 0
    rng = random.Random(20261121)  # noqa: S311  (demo data, not security)
    today = timezone.localdate()
    themes = {t.name: t for t in Theme.objects.all()}
    created = 0
    with transaction.atomic():
        serials = Serials()
        serials.load(bodies)
        fallback_editor, fallback_reviewer = _staff(
            next(b for b in bodies if b.name == orgs_demo._OFFICE)
        )
        per_body = max(1, DEMO_TARGET // len(bodies) + 1)
        policies: list[Publication] = []
        readings: list[tuple[Publication, Publication]] = []
        for body in bodies:
            catalogue_ensure(body)
            nodes = {n.name: n for n in CatalogueNode.objects.filter(body=body)}
            editor, reviewer = _staff(body)
            editor, reviewer = editor or fallback_editor, reviewer or fallback_reviewer
            batch: list[Publication] = []
            n_doc = 0
            for i in range(per_body):
                year = today.year - rng.choice([0, 0, 0, 1, 1, 2, 3])
                written = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
                if written > today:
                    written = today - dt.timedelta(days=rng.randint(1, 60))
                if i % 3 == 0:
                    name, theme, cat = NOTICE_TOPICS[rng.randrange(len(NOTICE_TOPICS))]
                    title = name.format(year=year, n=rng.randint(1, 4))
                    doc = ""
                else:
                    topic, theme, cat = TOPICS[rng.randrange(len(TOPICS))]
                    n_doc += 1
                    title = f"{body.display_name}关于印发《{topic}》的通知"
                    doc = _doc_number(rng, body, written.year, n_doc)
                pub = _build(
                    rng,
                    body,
                    serials,
                    written=written,
                    today=today,
                    title=title + DEMO_MARK,
                    theme=themes.get(theme),
                    category=nodes.get(cat) or nodes.get("其他文件"),
                    doc_number=doc,
                    paragraphs=rng.randint(3, 7),
                    drafter=editor,
                    reviewer=reviewer,
                )
                batch.append(pub)
            Publication.objects.bulk_create(batch, batch_size=500)
            created += len(batch)
            docs = [p for p in batch if p.doc_number]
            policies.extend(docs[:4])
            # Interpretations of the first two policies of each body.
            for policy in docs[:2]:
                reading = _build(
                    rng,
                    body,
                    serials,
                    written=policy.written_on,
                    today=today,
                    title=f"《{policy.title.split('《')[-1].split('》')[0]}》政策解读{DEMO_MARK}",
                    theme=policy.theme,
                    category=nodes.get("政策解读"),
                    doc_number="",
                    paragraphs=3,
                    drafter=editor,
                    reviewer=reviewer,
                )
                readings.append((reading, policy))
            # One annual report per body.
            report = _build(
                rng,
                body,
                serials,
                written=dt.date(today.year, 1, 15)
                if today.month > 1
                else dt.date(today.year - 1, 1, 15),
                today=today,
                title=f"{body.name}{today.year - 1}年政府信息公开工作年度报告{DEMO_MARK}",
                theme=themes.get("政务公开"),
                category=nodes.get("年度报告"),
                doc_number="",
                paragraphs=6,
                drafter=editor,
                reviewer=reviewer,
            )
            report.save()
            created += 1
        Publication.objects.bulk_create([r for r, _ in readings], batch_size=500)
        created += len(readings)
        through = Publication.interprets.through
        through.objects.bulk_create(
            [through(from_publication_id=r.pk, to_publication_id=p.pk) for r, p in readings]
        )
        Publication.objects.filter(
            pk__in=[r.pk for r, _ in readings] + [p.pk for _, p in readings]
        ).update(has_links=True)
        # Some repealed documents, and some revised ones with their revision as replacement.
        bodies_by_pk = {b.pk: b for b in bodies}
        changed = []
        for i, policy in enumerate(policies[::3]):
            assert policy.published_on is not None  # noqa: S101
            if i % 2 == 0:
                policy.validity = Validity.REPEALED
                gap = max(1, (today - policy.published_on).days)
                policy.validity_changed_on = policy.published_on + dt.timedelta(
                    days=rng.randint(1, gap)
                )
            else:
                if policy.published_on >= today - dt.timedelta(days=10):
                    continue
                body = bodies_by_pk[policy.body_id]
                topic = policy.title.split("《")[-1].split("》")[0]
                written = policy.published_on + dt.timedelta(
                    days=rng.randint(1, max(1, (today - policy.published_on).days - 5))
                )
                revision = _build(
                    rng,
                    body,
                    serials,
                    written=min(written, today),
                    today=today,
                    title=f"{body.display_name}关于印发《{topic}（{written.year}年修订）》的通知"
                    + DEMO_MARK,
                    theme=policy.theme,
                    category=policy.category,
                    doc_number=_doc_number(rng, body, written.year, 900 + i),
                    paragraphs=5,
                    drafter=policy.drafter,
                    reviewer=policy.reviewer,
                )
                revision.save()
                created += 1
                policy.validity = Validity.REVISED
                policy.replaced_by = revision
                policy.validity_changed_on = revision.published_on
            changed.append(policy)
        Publication.objects.bulk_update(changed, ["validity", "replaced_by", "validity_changed_on"])
        issuers = Publication.issuers.through
        issuers.objects.bulk_create(
            [
                issuers(publication_id=p.pk, body_id=p.body_id)
                for p in Publication.objects.filter(
                    body__in=bodies, title__endswith=DEMO_MARK
                ).only("pk", "body_id")
            ],
            ignore_conflicts=True,
        )
        serials.save()
        created += _fiscal_demo(rng, bodies, today)
    return created


def _fiscal_demo(rng: random.Random, bodies: list[Body], today: dt.date) -> int:
    rows: list[FiscalTable] = []
    year = today.year
    for body in bodies:
        if body.kind in {BodyKind.DEPARTMENT, BodyKind.GOVERNMENT}:
            basic = Decimal(rng.randint(200, 900) * 1000)
            project = Decimal(rng.randint(100, 600) * 1000)
            op = (basic * Decimal("0.7")).quantize(Decimal("1"))
            soc = basic - op
            budget_rows = [
                ["201", "一般公共服务支出", basic + project, basic, project],
                ["20103", "政府办公厅（室）及相关机构事务", basic + project, basic, project],
                ["2010301", "行政运行", op, op, Decimal(0)],
                ["2010350", "事业运行", soc, soc, Decimal(0)],
                ["2010399", "其他政府办公厅（室）及相关机构事务支出", project, Decimal(0), project],
            ]
            rows.append(
                FiscalTable(
                    body=body,
                    kind="budget",
                    year=year,
                    title=f"{body.name}{year}年部门预算支出表",
                    columns=["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
                    rows=[
                        [c, n, f"{a:.2f}", f"{b:.2f}", f"{p:.2f}"] for c, n, a, b, p in budget_rows
                    ],
                    total=basic + project,
                    is_published=True,
                    published_at=timezone.now(),
                )
            )
            car_buy, car_run = Decimal(0), Decimal(rng.randint(20, 90) * 1000)
            reception = Decimal(rng.randint(5, 40) * 1000)
            rows.append(
                FiscalTable(
                    body=body,
                    kind="three",
                    year=year,
                    title=f"{body.name}{year}年“三公”经费预算",
                    columns=["项目", "金额"],
                    rows=[
                        ["合计", f"{car_buy + car_run + reception:.2f}"],
                        ["因公出国（境）费", "0.00"],
                        ["公务用车购置及运行费", f"{car_buy + car_run:.2f}"],
                        ["其中：公务用车购置费", f"{car_buy:.2f}"],
                        ["公务用车运行费", f"{car_run:.2f}"],
                        ["公务接待费", f"{reception:.2f}"],
                    ],
                    total=car_buy + car_run + reception,
                    is_published=True,
                    published_at=timezone.now(),
                )
            )
        elif body.kind == BodyKind.VILLAGE:
            for back in range(12):
                month_start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
                y, m = month_start.year, month_start.month - back
                while m <= 0:
                    y, m = y - 1, m + 12
                items = []
                total = Decimal(0)
                for k in range(rng.randint(3, 8)):
                    amount = Decimal(rng.randint(50, 5000))
                    total += amount
                    items.append(
                        [
                            f"{y}-{m:02d}-{rng.randint(1, 28):02d}",
                            rng.choice(
                                [
                                    "村道维修",
                                    "购买办公用品",
                                    "保洁员工资",
                                    "电费",
                                    "水利设施维护",
                                    "党员活动",
                                ]
                            ),
                            f"{amount:.2f}",
                            rng.choice(
                                ["示范县供电公司", "村保洁队", "城关建材店", "示范县文具店"]
                            ),
                            f"记-{m:02d}{k + 1:03d}",
                        ]
                    )
                items.sort()
                rows.append(
                    FiscalTable(
                        body=body,
                        kind="village",
                        year=y,
                        month=m,
                        title=f"{body.name}{y}年{m}月村级财务收支明细",
                        columns=["日期", "事项", "金额", "收款人", "凭证号"],
                        rows=items,
                        total=total,
                        is_published=True,
                        published_at=timezone.now(),
                    )
                )
    FiscalTable.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@orgs_demo.extend
def demo_disclosure() -> int:
    return load_demo_publications()


# -- scale generator -----------------------------------------------------------------------


def _days(rng: random.Random, today: dt.date, years: int) -> Iterator[dt.date]:
    span = years * 365
    while True:
        yield today - dt.timedelta(days=rng.randint(25, span))


def generate(count: int, *, batch: int = 5000, seed: int = 1, progress: bool = False) -> int:
    """Bulk-create `count` published publications spread over all active bodies."""
    bodies = list(Body.objects.filter(is_active=True).select_related("region").order_by("pk"))
    if not bodies:
        raise ValueError("没有机构：请先运行 load_demo。")
    rng = random.Random(seed)  # noqa: S311  (benchmark data)
    today = timezone.localdate()
    themes = list(Theme.objects.filter(parent__isnull=False))
    nodes: dict[int, list[CatalogueNode]] = {}
    for body in bodies:
        catalogue_ensure(body)
    for n in CatalogueNode.objects.filter(body__in=bodies):
        nodes.setdefault(n.body_id, []).append(n)
    cal = current_calendar()
    days = _days(rng, today, 8)
    done = 0
    bodies_by_pk = {b.pk: b for b in bodies}
    while done < count:
        size = min(batch, count - done)
        with transaction.atomic():
            serials = Serials()
            serials.load(bodies)
            rows = []
            for _ in range(size):
                body = bodies_by_pk[bodies[rng.randrange(len(bodies))].pk]
                written = next(days)
                topic, _theme, _cat = TOPICS[rng.randrange(len(TOPICS))]
                published_on = cal.add_workdays(written, rng.randint(1, 25))
                if published_on > today:
                    published_on = today
                delay = cal.workdays_between(written, published_on)
                html = _html(rng, "办法", 2)
                theme = themes[rng.randrange(len(themes))] if themes else None
                rows.append(
                    Publication(
                        body=body,
                        theme_root_id=theme_root_id(theme),
                        index_number=serials.issue(body, written),
                        title=f"{body.display_name}关于印发《{topic}》的通知",
                        doc_number=_doc_number(rng, body, written.year, rng.randint(1, 400)),
                        written_on=written,
                        published_on=published_on,
                        published_at=timezone.make_aware(
                            dt.datetime.combine(published_on, dt.time(9, 0))
                        ),
                        theme=theme,
                        category=rng.choice(nodes[body.pk]),
                        keywords=topic[:20],
                        summary=topic,
                        mode=Mode.PROACTIVE,
                        body_html=html,
                        body_text=_plain(html),
                        state=State.PUBLISHED,
                        submission_count=1,
                        delay_workdays=delay,
                        is_late=delay > TIMELY_WORKDAYS,
                    )
                )
            Publication.objects.bulk_create(rows, batch_size=1000)
            serials.save()
        done += size
        if progress:
            print(f"  {done}/{count}", flush=True)  # noqa: T201
    return done
