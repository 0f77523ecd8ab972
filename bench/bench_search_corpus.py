"""Deterministic synthetic corpus of Chinese government-like documents for the search bench, and
a labelled relevance set built over it (no run(): used by bench_search.py).

Documents are ~1,500 characters: a title "<place><body>关于<verb><topic>的<type>", a document
number "<abbr><kind>发〔<year>〕<n>号", and a body of boilerplate sentences with topic words drawn
from a Zipf distribution (so posting lists range from a handful to most documents, like real
government text). The relevance corpus plants, for each labelled topic, a few documents titled
about it (one repealed) among many that only mention it in passing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

PLACES = [
    "示范市",
    "示范县",
    "东区",
    "西区",
    "北山县",
    "南湖区",
    "城关镇",
    "河口镇",
    "青石乡",
    "白马镇",
    "红旗街道",
    "新城街道",
    "临河县",
    "云台县",
    "柳林镇",
    "杏花乡",
    "石门镇",
    "长岭县",
    "高新区",
    "开发区",
]
ABBRS = [
    "示政",
    "示政办",
    "东政",
    "西政办",
    "北政",
    "南政办",
    "城政",
    "河政",
    "青政",
    "白政",
    "红办",
    "新办",
    "临政",
    "云政办",
    "柳政",
    "杏政",
    "石政",
    "长政办",
    "高管",
    "开管",
]
BODIES = [
    "人民政府",
    "人民政府办公室",
    "人力资源和社会保障局",
    "民政局",
    "财政局",
    "教育局",
    "卫生健康局",
    "住房和城乡建设局",
    "自然资源局",
    "生态环境局",
    "农业农村局",
    "水利局",
    "交通运输局",
    "市场监督管理局",
    "医疗保障局",
    "应急管理局",
    "行政审批服务局",
    "退役军人事务局",
    "税务局",
    "统计局",
]
KINDS = [
    "",
    "人社",
    "民",
    "财",
    "教",
    "卫",
    "建",
    "自然资",
    "环",
    "农",
    "水",
    "交",
    "市监",
    "医保",
    "应急",
]
VERBS = [
    "加强",
    "规范",
    "做好",
    "推进",
    "开展",
    "调整",
    "进一步做好",
    "深化",
    "落实",
    "完善",
    "印发",
]
SUFFIXES = [
    "工作",
    "管理",
    "实施方案",
    "有关事项",
    "标准",
    "政策",
    "专项行动",
    "试点工作",
    "管理办法",
]
DOCTYPES = ["通知", "意见", "办法", "方案", "公告", "通告", "批复", "决定", "规定", "实施细则"]
CATEGORIES = [
    "政策文件",
    "政策解读",
    "规划计划",
    "财政信息",
    "人事信息",
    "行政执法",
    "工作动态",
    "公示公告",
]
THEMES = [f"t{i:02d}" for i in range(1, 23)]

# (topic, synonym that never appears in documents or None)
TOPICS: list[tuple[str, str | None]] = [
    ("最低生活保障", "低保"),
    ("医疗保障", "医保"),
    ("住房公积金", "公积金"),
    ("社会保险", "社保"),
    ("特困供养", "五保"),
    ("简政放权", "放管服"),
    ("残疾人证", "残疾证"),
    ("养老保险", None),
    ("失业保险", None),
    ("工伤保险", None),
    ("营业执照", None),
    ("不动产登记", None),
    ("乡村振兴", None),
    ("人居环境整治", None),
    ("高标准农田", None),
    ("河长制", None),
    ("林长制", None),
    ("安全生产", None),
    ("防汛抗旱", None),
    ("森林防火", None),
    ("秸秆禁烧", None),
    ("大气污染防治", None),
    ("义务教育", None),
    ("学前教育", None),
    ("职业技能培训", None),
    ("创业担保贷款", None),
    ("就业补助资金", None),
    ("高龄津贴", None),
    ("临时救助", None),
    ("孤儿基本生活费", None),
    ("优抚对象", None),
    ("退役军人", None),
    ("城乡居民医保", None),
    ("家庭医生签约", None),
    ("疫苗接种", None),
    ("食品安全", None),
    ("药品监管", None),
    ("价格监督检查", None),
    ("消费者权益保护", None),
    ("招商引资", None),
    ("营商环境", None),
    ("政府采购", None),
    ("财政预算", None),
    ("财政决算", None),
    ("三公经费", None),
    ("专项债券", None),
    ("国有资产", None),
    ("土地征收", None),
    ("房屋征收", None),
    ("棚户区改造", None),
    ("老旧小区改造", None),
    ("保障性住房", None),
    ("农村危房改造", None),
    ("饮水安全", None),
    ("农村公路", None),
    ("公交线路", None),
    ("网约车", None),
    ("交通安全", None),
    ("消防安全", None),
    ("燃气安全", None),
    ("地质灾害", None),
    ("应急物资", None),
    ("统计调查", None),
    ("人口普查", None),
    ("一网通办", None),
    ("证照联办", None),
    ("并联审批", None),
    ("最多跑一次", None),
    ("政务公开", None),
    ("行政复议", None),
]
EXTRA_WORDS = [
    "资金",
    "项目",
    "补贴",
    "标准",
    "审批",
    "监管",
    "服务",
    "改革",
    "试点",
    "考核",
    "检查",
    "督查",
    "整改",
    "申报",
    "公示",
    "招标",
    "验收",
    "培训",
    "宣传",
    "统计",
    "规划",
    "预算",
    "绩效",
    "信用",
    "风险",
    "隐患",
    "排查",
    "治理",
    "保护",
    "救助",
    "帮扶",
    "就业",
    "创业",
    "医疗",
    "教育",
    "住房",
    "交通",
    "水利",
    "环境",
    "农业",
    "工业",
    "商贸",
    "旅游",
    "文化",
    "体育",
    "科技",
    "人才",
    "社区",
    "村庄",
    "企业",
    "个体工商户",
    "合作社",
    "家庭农场",
    "老年人",
    "儿童",
    "妇女",
    "残疾人",
    "学生",
]
FILLER = [
    "为深入贯彻落实党中央、国务院决策部署，结合本地实际，制定本{t}。",
    "各乡镇人民政府、街道办事处，县直各部门：现将有关事项通知如下。",
    "请各单位高度重视，加强组织领导，明确责任分工，确保各项工作落到实处。",
    "{w}工作由县{b}牵头，相关部门按照职责分工做好配合。",
    "对{w}中发现的问题，要建立台账，限期整改，整改情况及时报送。",
    "本{t}自印发之日起施行，有效期五年。",
    "进一步规范{w}程序，提高{w}效率，切实减轻群众负担。",
    "要加大{w}宣传力度，通过政府网站、政务新媒体等渠道及时发布信息。",
    "申请人应当提交身份证明、申请表及相关证明材料，受理机关应当当场出具受理凭证。",
    "对符合条件的申请人，在二十个工作日内办结；情况复杂的，经负责人批准可以延长。",
    "各地要统筹安排{w}资金，严格资金管理，确保专款专用，不得挤占挪用。",
    "加强监督检查，对工作不力、造成不良影响的，依规依纪追究相关人员责任。",
    "执行中遇到的问题，请及时与县{b}联系。",
    "{w}是保障和改善民生的重要举措，事关群众切身利益。",
    "到{y}年底，基本建立覆盖城乡、规范高效的{w}体系。",
    "建立健全{w}长效机制，推动{w}工作制度化、规范化、常态化。",
    "坚持以人民为中心的发展思想，着力解决群众急难愁盼问题。",
    "加强部门协同，推进信息共享，实现数据多跑路、群众少跑腿。",
]


def _zipf_weights(n: int, s: float = 1.05) -> list[float]:
    return [1.0 / (i + 1) ** s for i in range(n)]


@dataclass
class GenDoc:
    id: int
    title: str
    text: str
    doc_number: str
    index_number: str
    body: int
    category: str
    theme: str
    published_on: dt.date
    validity: str = "valid"
    topic: str = ""


@dataclass
class Generator:
    seed: int = 2026
    words: list[str] = field(default_factory=list)
    cum: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        rng = random.Random(self.seed + 1)
        self.words = [t for t, _ in TOPICS] + EXTRA_WORDS
        rng.shuffle(self.words)
        weights = _zipf_weights(len(self.words))
        total = 0.0
        self.cum = []
        for w in weights:
            total += w
            self.cum.append(total)
        self.seq: dict[tuple[int, int], int] = {}

    def word(self) -> str:
        return self.rng.choices(self.words, cum_weights=self.cum)[0]

    def body_sentences(self, topic: str, topic_mentions: int, chars: int) -> str:
        rng = self.rng
        parts: list[str] = []
        n = 0
        mentions = 0
        while n < chars or not parts:
            tpl = rng.choice(FILLER)
            w = (
                topic
                if (topic and mentions < topic_mentions and rng.random() < 0.5)
                else self.word()
            )
            if w == topic:
                mentions += 1
            s = tpl.format(
                t=rng.choice(DOCTYPES), w=w, b=rng.choice(BODIES), y=rng.randint(2020, 2030)
            )
            if "{" not in tpl or rng.random() < 0.3:
                s += self.word() + "等方面的" + self.word() + "要求同步落实。"
            parts.append(s)
            n += len(s)
        return "".join(parts)

    def doc(
        self,
        i: int,
        *,
        topic: str | None = None,
        chars: int = 1500,
        validity: str | None = None,
        place: int | None = None,
        year: int | None = None,
        mentions: int = 3,
    ) -> GenDoc:
        rng = self.rng
        topic = topic or self.word()
        p = rng.randrange(len(PLACES)) if place is None else place
        b = rng.randrange(len(BODIES))
        year = year or rng.randint(2010, 2025)
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        key = (p, year)
        self.seq[key] = self.seq.get(key, 0) + 1
        n = self.seq[key]
        kind = KINDS[b % len(KINDS)]
        doc_number = f"{ABBRS[p]}{kind}发〔{year}〕{n}号"
        title = f"{PLACES[p]}{BODIES[b]}关于{rng.choice(VERBS)}{topic}{rng.choice(SUFFIXES)}的{rng.choice(DOCTYPES)}"
        text = self.body_sentences(topic, mentions, chars)
        if validity is None:
            r = rng.random()
            validity = "repealed" if r < 0.07 else ("expired" if r < 0.10 else "valid")
        return GenDoc(
            id=i,
            title=title,
            text=text,
            doc_number=doc_number,
            index_number=f"11{p:04d}{b:02d}MB{year}/{year}-{n:05d}",
            body=p * 100 + b,
            category=CATEGORIES[rng.randrange(len(CATEGORIES))],
            theme=THEMES[rng.randrange(len(THEMES))],
            published_on=day,
            validity=validity,
            topic=topic,
        )

    def corpus(self, n: int, chars: int = 1500) -> Iterator[GenDoc]:
        """The performance corpus: bodies assembled from a pool of 50,000 generated sentences
        (fast enough for a million documents), each with the document's topic mixed in."""
        rng = self.rng
        pool = [self.body_sentences("", 0, 1) for _ in range(50_000)]
        for i in range(1, n + 1):
            d = self.doc(i, chars=0)
            parts = [d.title + "。"]
            size = 0
            while size < chars:
                s = pool[rng.randrange(50_000)]
                if rng.random() < 0.12:
                    s = f"{d.topic}{s}"
                parts.append(s)
                size += len(s)
            d.text = "".join(parts)
            yield d


# -- the labelled relevance set --------------------------------------------------------------------


@dataclass
class Judged:
    query: str
    kind: str
    grades: dict[int, int]  # doc id → grade (3 exact, 2 on topic and in force, 1 repealed/partial)


def relevance_corpus(noise: int = 5000, seed: int = 7) -> tuple[list[GenDoc], list[Judged]]:
    """A corpus with planted on-topic documents and ≥100 judged queries over it."""
    gen = Generator(seed=seed)
    docs: list[GenDoc] = []
    next_id = 1
    # Noise: documents on other things that may mention any topic in passing (once).
    extra_topics = [w for w in EXTRA_WORDS]
    for _ in range(noise):
        d = gen.doc(next_id, topic=gen.rng.choice(extra_topics), mentions=2)
        if gen.rng.random() < 0.3:
            t = gen.rng.choice(TOPICS)[0]
            d.text = d.text[:600] + f"同时做好{t}相关衔接工作。" + d.text[600:]
        docs.append(d)
        next_id += 1
    judged: list[Judged] = []
    planted: dict[str, list[GenDoc]] = {}
    for topic, synonym in TOPICS:
        group = []
        for k in range(4):
            d = gen.doc(
                next_id, topic=topic, validity="repealed" if k == 3 else "valid", mentions=4
            )
            if k == 3:
                d.published_on = d.published_on.replace(year=2011)
            group.append(d)
            docs.append(d)
            next_id += 1
        planted[topic] = group

        def grades_of(g: list[GenDoc]) -> dict[int, int]:
            return {d.id: (1 if d.validity == "repealed" else 2) for d in g}

        judged.append(Judged(topic, "topic", grades_of(group)))
        if synonym:
            judged.append(Judged(synonym, "synonym", grades_of(group)))
    # Place + topic: the document of that place is the answer, the others partial.
    for topic, _ in TOPICS[7:27]:
        group = planted[topic]
        target = group[0]
        place = next(p for p in PLACES if target.title.startswith(p))
        grades = {d.id: 1 for d in group}
        grades[target.id] = 3
        for d in group:
            if d.title.startswith(place):
                grades[d.id] = 3 if d.validity != "repealed" else 1
        judged.append(Judged(f"{place} {topic}", "place+topic", grades))
    # Document numbers in the bracket variants citizens type.
    variants = [
        "{a}〔{y}〕{n}号",
        "{a}[{y}]{n}号",
        "{a}({y}){n}号",
        "{a}（{y}）{n}号",
        "{a}【{y}】{n}号",
    ]
    for k, (topic, _) in enumerate(TOPICS[:25]):
        target = planted[topic][1]
        head, rest = target.doc_number.split("〔")
        year, tail = rest.split("〕")
        q = variants[k % len(variants)].format(a=head, y=year, n=tail.removesuffix("号"))
        judged.append(Judged(q, "doc_number", {target.id: 3}))
    # Quoted phrases.
    for topic, _ in TOPICS[30:45]:
        judged.append(
            Judged(
                f'"{topic}"',
                "phrase",
                {d.id: (1 if d.validity == "repealed" else 2) for d in planted[topic]},
            )
        )
    return docs, judged
