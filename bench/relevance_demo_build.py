"""How relevance_demo.json was judged, as code: the queries, the grading rule of each kind, and
the demo documents they are applied to. Re-run only when the demo content changes (the test
tests/search/test_relevance_demo.py fails then), and read the diff of the JSON before committing.

    .venv/bin/python bench/relevance_demo_build.py            # writes bench/relevance_demo.json
    .venv/bin/python bench/relevance_demo_build.py --review   # + engine top-20 documents judged 0

Reading the demo first (what the judgements rest on): every publication body is 3–7 sentences
drawn from the same 7 boilerplate paragraphs (none names a subject), so what a demo publication is
about is its title — 关于印发《<one of 20 policies>》的通知, 《<policy>》政策解读, one of 6 kinds of
notice with a year (拟录用公务员名单公示, 就业见习基地认定结果公示, “双随机、一公开”抽查结果,
行政许可事项办理结果, 安全生产工作会议, 重点工作任务推进情况通报) or a 政府信息公开工作年度报告 —
plus its issuing body (and so its place), its validity (有效 / 已废止 / 已修订 with the revision
that replaced it), its 发文字号 and the policy a 解读 interprets. The only longer texts are the
annual reports from the reports app, which list categories (“扶贫1条” …): those are the
“mentions it” documents. So each judgement is a rule over those attributes, applied to every demo
publication (not only to what an engine returned); candidates were also pooled from `grep` over
title + text and from both engines' top 20 (--review lists pooled documents the rules grade 0, to
be read: none of them was relevant when the set was made).

Grades (gain 2^g − 1): 3 = exactly what was asked / the document itself; 2 = relevant, answers
it; 1 = marginal (mentions it, a superseded version, another place); unlisted = 0.

Rules by kind (P = the place named, T = the subject(s) asked for):

- topic, synonym, words, phrase, question (no place): a currently valid policy, notice or report
  whose subject is T → 3 (a subject marked “related”, e.g. 社保 → the 养老保险 and 医疗保险
  policies, → 2); the 政策解读 of a T policy → 2; a repealed or revised (superseded) T policy → 1;
  a document whose text mentions every query word but is not about T → 1. Synonyms are judged by
  meaning, whether or not the built-in synonym list knows them (新农合 → 城乡居民医疗保险 → 3;
  抗洪 → 防汛抗旱应急预案 → 2; 招投标 → 公共资源交易 3, 政府采购 2).
  A year or batch asked for (2025年 拟录用公务员, 第一季度 行政许可): T notices of another year or
  batch → 1. “T 政策解读” / “解读”: the 解读 of T → 3, the T policies → 1. “T 修订”: the
  revision (“（YYYY年修订）”) → 3, other T policies → 1.
- place+topic (and questions or phrases naming a place): the grade above when the issuing body
  sits in P itself; at most 2 when it sits in a place under P (a village of the township, a
  township of the county); otherwise 1 for what would have been 3 (another place) and 0 for the
  rest. 示范县 and 东城区 documents carry the short names 县… / 区… in their titles; the place is
  judged from the body's region, not from the title.
- doc_number (发文字号 typed with other brackets or none; 索引号): the document → 3; its 政策解读 and
  the revision that replaced it → 2; the version it replaced → 1.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
for _p in (str(BENCH_DIR.parent / "src"), str(BENCH_DIR.parent), str(BENCH_DIR)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

M, R, L = "main", "related", "marginal"
TOPICS = {
    "dibao": "最低生活保障审核确认办法",
    "yanglao": "城乡居民基本养老保险实施办法",
    "yiliao": "城乡居民医疗保险实施细则",
    "weifang": "农村危房改造实施方案",
    "caigou": "政府采购管理暂行办法",
    "anquan": "安全生产专项整治三年行动实施方案",
    "shengtai": "生态环境保护督察整改工作方案",
    "shipin": "食品安全监督抽检计划",
    "zhaosheng": "义务教育阶段招生入学工作意见",
    "fangxun": "防汛抗旱应急预案",
    "zhengdi": "征地补偿安置标准",
    "jiaoyi": "公共资源交易管理办法",
    "xiangcun": "巩固拓展脱贫攻坚成果同乡村振兴有效衔接实施意见",
    "yingshang": "优化营商环境若干措施",
    "gongkai": "政务公开工作要点",
    "nongtian": "高标准农田建设项目管理办法",
    "xiaoqu": "老旧小区改造实施方案",
    "chuangye": "创业担保贷款实施办法",
    "canji": "残疾人两项补贴发放管理办法",
    "jiuye": "就业补助资金管理办法",
}
NOTICES = {
    "n_gwy": "拟录用公务员名单公示",
    "n_jianxi": "就业见习基地认定结果公示",
    "n_shuang": "“双随机、一公开”抽查结果",
    "n_xuke": "行政许可事项办理结果",
    "n_huiyi": "安全生产工作会议",
    "n_zhongdian": "重点工作任务推进情况通报",
    "report": "政府信息公开工作年度报告",
}
PLACES = {
    "示范市": "370900",
    "东城区": "370902",
    "示范县": "370921",
    "东城街道": "370902001",
    "西关街道": "370902002",
    "河口镇": "370902101",
    "城关镇": "370921100",
    "柳林镇": "370921101",
    "石桥乡": "370921200",
    "东门社区": "370902001001",
    "南关社区": "370902001002",
    "西关社区": "370902002001",
    "北园社区": "370902002002",
    "河口村": "370902101201",
    "王家庄村": "370902101202",
    "东关村": "370921100201",
    "西街村": "370921100202",
    "柳林村": "370921101201",
    "张家湾村": "370921101202",
    "石桥村": "370921200201",
    "李家寨村": "370921200202",
}

# (query, kind, rule): t = {subject: main | related | marginal}; place; want = reading |
# revision; year / nth = the year or batch asked for; number = the 索引号 of the document whose
# 发文字号 or 索引号 is typed.
QUERIES: list[tuple[str, str, dict[str, Any]]] = [
    # -- topic
    ("养老保险", "topic", {"t": {"yanglao": "main"}}),
    ("危房改造", "topic", {"t": {"weifang": "main"}}),
    ("政府采购", "topic", {"t": {"caigou": "main"}}),
    ("安全生产", "topic", {"t": {"anquan": "main", "n_huiyi": "main"}}),
    ("食品安全", "topic", {"t": {"shipin": "main"}}),
    ("义务教育", "topic", {"t": {"zhaosheng": "main"}}),
    ("医疗保险", "topic", {"t": {"yiliao": "main"}}),
    ("防汛抗旱", "topic", {"t": {"fangxun": "main"}}),
    ("征地补偿", "topic", {"t": {"zhengdi": "main"}}),
    ("公共资源交易", "topic", {"t": {"jiaoyi": "main"}}),
    ("乡村振兴", "topic", {"t": {"xiangcun": "main"}}),
    ("营商环境", "topic", {"t": {"yingshang": "main"}}),
    ("政务公开", "topic", {"t": {"gongkai": "main", "report": "related"}}),
    ("高标准农田", "topic", {"t": {"nongtian": "main"}}),
    ("老旧小区", "topic", {"t": {"xiaoqu": "main"}}),
    ("创业担保贷款", "topic", {"t": {"chuangye": "main"}}),
    ("残疾人", "topic", {"t": {"canji": "main"}}),
    ("就业补助", "topic", {"t": {"jiuye": "main"}}),
    ("生态环境", "topic", {"t": {"shengtai": "main"}}),
    ("行政许可", "topic", {"t": {"n_xuke": "main"}}),
    ("公务员", "topic", {"t": {"n_gwy": "main"}}),
    ("见习基地", "topic", {"t": {"n_jianxi": "main"}}),
    ("年度报告", "topic", {"t": {"report": "main"}}),
    ("重点工作", "topic", {"t": {"n_zhongdian": "main"}}),
    ("应急预案", "topic", {"t": {"fangxun": "main"}}),
    ("脱贫攻坚", "topic", {"t": {"xiangcun": "main"}}),
    ("食品抽检", "topic", {"t": {"shipin": "main"}}),
    ("招生入学", "topic", {"t": {"zhaosheng": "main"}}),
    ("就业", "topic", {"t": {"jiuye": "main", "n_jianxi": "main", "chuangye": "related"}}),
    ("抽查结果", "topic", {"t": {"n_shuang": "main"}}),
    ("政策解读", "topic", {"t": {"reading": "main"}}),
    # -- synonym
    ("低保", "synonym", {"t": {"dibao": "main"}}),
    ("最低生活保障", "synonym", {"t": {"dibao": "main"}}),
    ("医保", "synonym", {"t": {"yiliao": "main"}}),
    ("医疗保障", "synonym", {"t": {"yiliao": "main"}}),
    ("新农合", "synonym", {"t": {"yiliao": "main"}}),
    ("城乡居民医保", "synonym", {"t": {"yiliao": "main"}}),
    ("社保", "synonym", {"t": {"yanglao": "related", "yiliao": "related"}}),
    ("社会保险", "synonym", {"t": {"yanglao": "related", "yiliao": "related"}}),
    ("养老金", "synonym", {"t": {"yanglao": "main"}}),
    ("两项补贴", "synonym", {"t": {"canji": "main"}}),
    ("扶贫", "synonym", {"t": {"xiangcun": "main"}}),
    ("上学", "synonym", {"t": {"zhaosheng": "main"}}),
    ("入学报名", "synonym", {"t": {"zhaosheng": "main"}}),
    ("旧改", "synonym", {"t": {"xiaoqu": "main"}}),
    ("营商", "synonym", {"t": {"yingshang": "main"}}),
    ("高标农田", "synonym", {"t": {"nongtian": "main"}}),
    ("防汛", "synonym", {"t": {"fangxun": "main"}}),
    ("抗洪", "synonym", {"t": {"fangxun": "related"}}),
    ("拆迁补偿", "synonym", {"t": {"zhengdi": "related"}}),
    ("征收补偿", "synonym", {"t": {"zhengdi": "main"}}),
    ("创业贷款", "synonym", {"t": {"chuangye": "main"}}),
    ("就业补贴", "synonym", {"t": {"jiuye": "main"}}),
    ("公务员录用", "synonym", {"t": {"n_gwy": "main"}}),
    ("双随机", "synonym", {"t": {"n_shuang": "main"}}),
    ("信息公开年报", "synonym", {"t": {"report": "main"}}),
    ("环保督察", "synonym", {"t": {"shengtai": "main"}}),
    ("残疾人补贴", "synonym", {"t": {"canji": "main"}}),
    ("困难残疾人生活补贴", "synonym", {"t": {"canji": "main"}}),
    ("危房", "synonym", {"t": {"weifang": "main"}}),
    ("招投标", "synonym", {"t": {"jiaoyi": "main", "caigou": "related"}}),
    # -- place+topic
    ("城关镇 低保", "place+topic", {"place": "城关镇", "t": {"dibao": "main"}}),
    ("柳林镇 危房改造", "place+topic", {"place": "柳林镇", "t": {"weifang": "main"}}),
    ("石桥乡 高标准农田", "place+topic", {"place": "石桥乡", "t": {"nongtian": "main"}}),
    ("河口镇 防汛", "place+topic", {"place": "河口镇", "t": {"fangxun": "main"}}),
    ("东城街道 老旧小区改造", "place+topic", {"place": "东城街道", "t": {"xiaoqu": "main"}}),
    ("西关街道 低保", "place+topic", {"place": "西关街道", "t": {"dibao": "main"}}),
    ("示范县 义务教育招生", "place+topic", {"place": "示范县", "t": {"zhaosheng": "main"}}),
    ("东城区 最低生活保障", "place+topic", {"place": "东城区", "t": {"dibao": "main"}}),
    ("示范市 营商环境", "place+topic", {"place": "示范市", "t": {"yingshang": "main"}}),
    ("示范市 政府采购", "place+topic", {"place": "示范市", "t": {"caigou": "main"}}),
    ("东门社区 养老保险", "place+topic", {"place": "东门社区", "t": {"yanglao": "main"}}),
    ("柳林镇 医保", "place+topic", {"place": "柳林镇", "t": {"yiliao": "main"}}),
    ("柳林村 征地补偿", "place+topic", {"place": "柳林村", "t": {"zhengdi": "main"}}),
    ("河口镇 乡村振兴", "place+topic", {"place": "河口镇", "t": {"xiangcun": "main"}}),
    (
        "示范县 政务公开",
        "place+topic",
        {"place": "示范县", "t": {"gongkai": "main", "report": "related"}},
    ),
    ("东关村 低保", "place+topic", {"place": "东关村", "t": {"dibao": "main"}}),
    ("李家寨村 危房", "place+topic", {"place": "李家寨村", "t": {"weifang": "main"}}),
    ("西关社区 食品安全", "place+topic", {"place": "西关社区", "t": {"shipin": "main"}}),
    ("石桥乡 年度报告", "place+topic", {"place": "石桥乡", "t": {"report": "main"}}),
    ("城关镇 公务员", "place+topic", {"place": "城关镇", "t": {"n_gwy": "main"}}),
    (
        "东城区 安全生产",
        "place+topic",
        {"place": "东城区", "t": {"anquan": "main", "n_huiyi": "main"}},
    ),
    ("示范县 残疾人两项补贴", "place+topic", {"place": "示范县", "t": {"canji": "main"}}),
    ("王家庄村 乡村振兴", "place+topic", {"place": "王家庄村", "t": {"xiangcun": "main"}}),
    ("西街村 残疾人补贴", "place+topic", {"place": "西街村", "t": {"canji": "main"}}),
    ("北园社区 招生", "place+topic", {"place": "北园社区", "t": {"zhaosheng": "main"}}),
    ("南关社区 低保", "place+topic", {"place": "南关社区", "t": {"dibao": "main"}}),
    ("河口村 医疗保险", "place+topic", {"place": "河口村", "t": {"yiliao": "main"}}),
    ("示范市 就业补助资金", "place+topic", {"place": "示范市", "t": {"jiuye": "main"}}),
    # -- phrase
    ("“最低生活保障”", "phrase", {"t": {"dibao": "main"}}),
    ('"两项补贴"', "phrase", {"t": {"canji": "main"}}),
    ("“招生入学”", "phrase", {"t": {"zhaosheng": "main"}}),
    ('"公共资源交易"', "phrase", {"t": {"jiaoyi": "main"}}),
    ("“专项整治”", "phrase", {"t": {"anquan": "main"}}),
    ("“拟录用公务员名单”", "phrase", {"t": {"n_gwy": "main"}}),
    ('"营商环境" 措施', "phrase", {"t": {"yingshang": "main"}}),
    ("“应急预案”", "phrase", {"t": {"fangxun": "main"}}),
    ("“城关镇” 危房改造", "phrase", {"t": {"weifang": "main"}, "place": "城关镇"}),
    ("“政策解读” 低保", "phrase", {"t": {"dibao": "main"}, "want": "reading"}),
    ("“督察整改”", "phrase", {"t": {"shengtai": "main"}}),
    ("“抽检计划”", "phrase", {"t": {"shipin": "main"}}),
    # -- words
    ("残疾人 补贴 发放", "words", {"t": {"canji": "main"}}),
    ("农村 危房 改造", "words", {"t": {"weifang": "main"}}),
    ("政府 采购 办法", "words", {"t": {"caigou": "main"}}),
    ("医疗保险 细则", "words", {"t": {"yiliao": "main"}}),
    ("征地 补偿 标准", "words", {"t": {"zhengdi": "main"}}),
    ("创业 贷款", "words", {"t": {"chuangye": "main"}}),
    ("农田 建设", "words", {"t": {"nongtian": "main"}}),
    ("小区 改造", "words", {"t": {"xiaoqu": "main"}}),
    ("养老 保险 办法", "words", {"t": {"yanglao": "main"}}),
    ("食品 抽检", "words", {"t": {"shipin": "main"}}),
    ("低保 政策解读", "words", {"t": {"dibao": "main"}, "want": "reading"}),
    ("老旧小区改造 解读", "words", {"t": {"xiaoqu": "main"}, "want": "reading"}),
    ("两项补贴 修订", "words", {"t": {"canji": "main"}, "want": "revision"}),
    ("2025年 拟录用公务员", "words", {"t": {"n_gwy": "main"}, "year": 2025}),
    ("2024 双随机 抽查", "words", {"t": {"n_shuang": "main"}, "year": 2024}),
    ("第一季度 行政许可 办理结果", "words", {"t": {"n_xuke": "main"}, "nth": 1}),
    ("安全生产 会议", "words", {"t": {"n_huiyi": "main", "anquan": "marginal"}}),
    ("就业见习 认定", "words", {"t": {"n_jianxi": "main"}}),
    ("重点工作 推进 通报", "words", {"t": {"n_zhongdian": "main"}}),
    ("政府信息公开 年度报告 2025", "words", {"t": {"report": "main"}}),
    ("脱贫 乡村振兴 衔接", "words", {"t": {"xiangcun": "main"}}),
    ("生态环境 督察", "words", {"t": {"shengtai": "main"}}),
    # -- question
    ("城关镇的低保怎么申请", "question", {"t": {"dibao": "main"}, "place": "城关镇"}),
    ("残疾人两项补贴怎么发放", "question", {"t": {"canji": "main"}}),
    ("孩子上小学怎么报名", "question", {"t": {"zhaosheng": "main"}}),
    ("农村危房改造有什么补助政策", "question", {"t": {"weifang": "main"}}),
    ("城乡居民养老保险怎么交", "question", {"t": {"yanglao": "main"}}),
    ("我想申请创业担保贷款需要什么条件", "question", {"t": {"chuangye": "main"}}),
    ("今年拟录用公务员名单在哪里公示", "question", {"t": {"n_gwy": "main"}, "year": 2026}),
    ("征地补偿的标准是多少", "question", {"t": {"zhengdi": "main"}}),
    ("柳林镇老旧小区改造方案", "question", {"t": {"xiaoqu": "main"}, "place": "柳林镇"}),
    ("医保报销有哪些规定", "question", {"t": {"yiliao": "main"}}),
    (
        "示范县政府信息公开工作年度报告在哪里看",
        "question",
        {"t": {"report": "main"}, "place": "示范县"},
    ),
    ("最低生活保障的审核确认办法是什么", "question", {"t": {"dibao": "main"}}),
    # -- doc_number
    ("市政府政办发[2026]1号", "doc_number", {"number": "11370900410000011Y/2026-00001"}),
    ("市政府政发(2025)2号", "doc_number", {"number": "11370900410000011Y/2025-00002"}),
    ("市政府政办发〔2024〕4号", "doc_number", {"number": "11370900410000011Y/2024-00001"}),
    ("市民政局办发【2026】1号", "doc_number", {"number": "113709004100000627/2026-00002"}),
    ("市民政局发（2026）2号", "doc_number", {"number": "113709004100000627/2026-00003"}),
    ("市人社局发[2023]2号", "doc_number", {"number": "11370900410000097R/2023-00001"}),
    ("东城区政政办发［2026］12号", "doc_number", {"number": "11370902410001014C/2026-00010"}),
    ("县政府办字(2025)2号", "doc_number", {"number": "113709214100020258/2025-00001"}),
    ("城关镇政发[2026]3号", "doc_number", {"number": "11370921410003044E/2026-00004"}),
    ("城关镇政字【2026】943号", "doc_number", {"number": "11370921410003044E/2026-00017"}),
    ("柳林镇政字2026年1号", "doc_number", {"number": "113709214100030529/2026-00001"}),
    ("东门社区村发[2025]2号", "doc_number", {"number": "54370902410004012E/2025-00002"}),
    ("河口村村村发〔2025〕953号", "doc_number", {"number": "54370902410004055U/2025-00011"}),
    ("县教育局办发(2026)16号", "doc_number", {"number": "11370921410002041X/2026-00013"}),
    ("石桥乡政字〔2026〕2号 低保", "doc_number", {"number": "113709214100030604/2026-00002"}),
    ("市教育局发〔2026〕1号", "doc_number", {"number": "11370900410000046H/2026-00001"}),
    ("李家寨村村发(2024)1号", "doc_number", {"number": "543709214100041275/2024-00001"}),
    ("市自来水发[2023]4号", "doc_number", {"number": "91370900410000193T/2023-00002"}),
    ("11370921410003044E/2026-00004", "doc_number", {"number": "11370921410003044E/2026-00004"}),
    ("1137090041000002xn/2026-00005", "doc_number", {"number": "1137090041000002XN/2026-00005"}),
]


_TOPIC_CODE = {v: k for k, v in TOPICS.items()}


def classify(d: dict[str, Any]) -> None:
    """Subject, kind, year and batch of a demo publication, from its title."""
    t = d["title"].removesuffix("（演示）")
    d["year"] = d["nth"] = None
    m = re.search(r"关于印发《(.+?)》的通知$", t)
    if m:
        r = re.match(r"(.+)（\d{4}年修订）$", m.group(1))
        d["kind"] = "revision" if r else "policy"
        d["code"] = _TOPIC_CODE[r.group(1) if r else m.group(1)]
        return
    m = re.match(r"《(.+?)》政策解读$", t)
    if m:
        d["kind"], d["code"] = "reading", _TOPIC_CODE[m.group(1)]
        return
    y = re.search(r"(\d{4})年", t)
    n = re.search(r"第(\d)[批季]", t)
    d["year"] = int(y.group(1)) if y else None
    d["nth"] = int(n.group(1)) if n else None
    for code, name in NOTICES.items():
        if name in t:
            d["kind"], d["code"] = "notice", code
            return
    raise ValueError(f"unknown demo title: {t}")


def _base(d: dict[str, Any], rule: dict[str, Any]) -> int:
    t, want = rule.get("t", {}), rule.get("want", "doc")
    if "reading" in t:  # 政策解读 as such
        return 3 if d["kind"] == "reading" else 0
    tier = t.get(d["code"])
    if tier is None:
        return 0
    if want in ("reading", "revision"):
        if tier != M:
            return 0
        return 3 if d["kind"] == want else 1
    if d["kind"] in ("policy", "revision"):
        return 1 if d["superseded"] else {M: 3, R: 2, L: 1}[tier]
    if d["kind"] == "reading":
        return {M: 2, R: 1, L: 0}[tier]
    g = {M: 3, R: 2, L: 1}[tier]  # notices and reports
    if rule.get("year") and d["year"] != rule["year"]:
        g = min(g, 1)
    if rule.get("nth") and d["nth"] != rule["nth"]:
        g = min(g, 1)
    return g


def grade(d: dict[str, Any], rule: dict[str, Any], by_idx: dict[str, Any]) -> int:
    if "number" in rule:
        target = rule["number"]
        if d["idx"] == target:
            return 3
        if target in d["interprets"] or by_idx[target]["replaced_by"] == d["idx"]:
            return 2
        return 1 if d["replaced_by"] == target else 0
    g = _base(d, rule)
    if not g or "place" not in rule:
        return g
    code = PLACES[rule["place"]]
    if d["region"] == code:
        return g
    if f"/{code}/" in d["rpath"]:
        return min(g, 2)
    return 1 if g == 3 else 0


def judge(query: str, rule: dict[str, Any], docs: list[dict[str, Any]]) -> dict[str, int]:
    by_idx = {d["idx"]: d for d in docs}
    out = {d["idx"]: g for d in docs if (g := grade(d, rule, by_idx))}
    if "number" not in rule and "place" not in rule:
        words = [w for w in re.split(r"[\s“”\"]+", query) if len(w) >= 2]
        for d in docs:
            if d["idx"] not in out and all(w in d["title"] + d["text"] for w in words):
                out[d["idx"]] = 1  # mentions it
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def demo_documents() -> list[dict[str, Any]]:
    from yangguang.disclosure.selectors import publications_public

    docs = []
    qs = (
        publications_public()
        .select_related("body__region", "replaced_by")
        .prefetch_related("interprets")
    )
    for p in qs.order_by("pk"):
        d = {
            "idx": p.index_number,
            "title": p.title,
            "text": p.body_text,
            "region": p.body.region.code,
            "rpath": p.body.region.path,
            "superseded": p.validity in ("repealed", "revised"),
            "replaced_by": p.replaced_by.index_number if p.replaced_by else "",
            "interprets": [x.index_number for x in p.interprets.all()],
        }
        classify(d)
        docs.append(d)
    return docs


def build(docs: list[dict[str, Any]]) -> dict[str, Any]:
    from relevance_demo import DEMO_DATE

    queries, judged_titles = [], {}
    titles = {d["idx"]: d["title"] for d in docs}
    for query, kind, rule in QUERIES:
        grades = judge(query, rule, docs)
        if not any(g >= 2 for g in grades.values()):
            raise ValueError(f"{query}: nothing relevant in the demo")
        queries.append({"query": query, "kind": kind, "rule": rule, "grades": grades})
        judged_titles.update({k: titles[k] for k in grades})
    doc = (__doc__ or "").split("Reading the demo first", 1)[1]
    return {
        "about": "Judged queries over the demo corpus (python manage.py load_demo, disclosure "
        "demo dated demo_date); documents are named by 索引号. Bench: "
        "bench/bench_search_relevance.py; how it was judged: bench/relevance_demo_build.py "
        "and docs/search-relevance.md.",
        "demo_date": DEMO_DATE.isoformat(),
        "judging": "Reading the demo first" + doc.rstrip(),
        "counts": dict(Counter(q["kind"] for q in queries)),
        "queries": queries,
        "titles": dict(sorted(judged_titles.items())),
    }


def dumps(data: dict[str, Any]) -> str:
    """JSON with one line per query's grade and one per title (readable diffs)."""

    def j(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False)

    out = ["{"]
    for key in ("about", "demo_date", "judging", "counts"):
        out.append(f" {j(key)}: {j(data[key])},")
    out.append(' "queries": [')
    for i, q in enumerate(data["queries"]):
        by_grade = {
            str(g): [k for k, v in q["grades"].items() if v == g]
            for g in (3, 2, 1)
            if g in q["grades"].values()
        }
        lines = [f"   {j(str(g))}: {j(keys)}" for g, keys in by_grade.items()]
        out.append(
            f'  {{"query": {j(q["query"])}, "kind": {j(q["kind"])}, "rule": {j(q["rule"])},\n'
            + '   "grades": {\n'
            + ",\n".join(lines)
            + "}}"
            + ("," if i < len(data["queries"]) - 1 else "")
        )
    out.append(" ],")
    out.append(' "titles": {')
    items = list(data["titles"].items())
    out += [
        f"  {j(k)}: {j(t)}" + ("," if i < len(items) - 1 else "") for i, (k, t) in enumerate(items)
    ]
    out.append(" }")
    out.append("}")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--review", action="store_true", help="list engine top-20 judged 0")
    args = parser.parse_args()
    from bench_search_relevance import prepare
    from relevance_demo import JUDGEMENTS
    from scratch import scratch_database

    with (
        scratch_database("", "yg-relevance-build-"),
        tempfile.TemporaryDirectory(prefix="yg-relevance-build-") as index_dir,
    ):
        prepare("tantivy", Path(index_dir))
        docs = demo_documents()
        data = build(docs)
        JUDGEMENTS.write_text(dumps(data), encoding="utf-8")
        print(f"{JUDGEMENTS.name}: {len(data['queries'])} queries {data['counts']}")
        if args.review:
            from bench_search_relevance import ranked_keys

            titles = {d["idx"]: d["title"] for d in docs}
            for q in data["queries"]:
                for k in ranked_keys(q["query"], 20):
                    if k not in q["grades"]:
                        print(f"  {q['query']}: judged 0: {titles.get(k, k)}")


if __name__ == "__main__":
    main()
