"""A generated corpus with planted findings for the privacy pre-check (DOMAIN.md §2, 保密审查):
each document is ordinary government prose with a known set of planted personal data and
secrecy markings, plus hard negatives that must not be flagged (统一社会信用代码, 发文字号,
索引号, dates, amounts, phone landlines, 18-digit numbers with a wrong check digit, 国家秘密 …).

`corpus(n, seed)` → list of (text, {(kind, value), ...}); used by the tests and
bench/bench_privacy.py to measure precision and recall."""

from __future__ import annotations

import random

from tests.factories import make_credit_code
from yangguang.disclosure.privacy import id_check_char

SENTENCES = [
    "为进一步做好就业补助资金管理工作，根据有关规定，结合我县实际，制定本办法。",
    "各乡镇人民政府、街道办事处，县直各部门：现将有关事项通知如下。",
    "本办法自{date}起施行，有效期5年。",
    "2026年全县共发放创业担保贷款{amount}万元，扶持创业{count}人。",
    "申请人应当如实提供材料，不得泄露国家秘密、商业秘密和个人隐私。",
    "行政机关不得公开涉及商业秘密的政府信息，但第三方同意公开的除外。",
    "咨询电话：0539-{landline}，办公时间为工作日上午9:00至下午5:00。",
    "统一社会信用代码：{credit}。",
    "索引号：{index}。",
    "依据《关于进一步加强就业工作的意见》（{docnum}）执行。",
    "项目编号：{project}，合同金额{amount}元。",
    "文件编号 {wrong_id} 已归档。",
    "要揭开农业丰收的秘密，关键在于科技。",
    "各单位要严格执行保密制度，确保国家机密安全。",
    "订单号 {order} 已处理完毕。",
    "截至{date}，全县城镇新增就业{count}人，城镇登记失业率控制在3.2%以内。",
]
DOC_PREFIX = ["示政办发", "示人社发", "泰政办发", "示财预", "示政发"]
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]


def make_id(rng: random.Random) -> str:
    area = rng.choice(["370921", "370902", "110105", "440305", "510107"])
    born = f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = area + born + f"{rng.randint(0, 999):03d}"
    return first17 + id_check_char(first17)


def wrong_id(rng: random.Random) -> str:
    value = make_id(rng)
    bad = [c for c in "0123456789X" if c != value[-1]]
    return value[:17] + rng.choice(bad)


def make_mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}"


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def make_card(rng: random.Random) -> str:
    length = rng.choice([16, 19])
    body = "62" + "".join(rng.choice("0123456789") for _ in range(length - 3))
    return body + luhn_digit(body)


def make_email(rng: random.Random) -> str:
    user = rng.choice(["zhangwei", "wangfang88", "li.na", "liuyang_2020", "chenjing"])
    return f"{user}@{rng.choice(['163.com', 'qq.com', 'example.cn', 'sina.com.cn'])}"


MARKINGS = [
    ("秘密★1年\n", "秘密★"),
    ("机密★5年\n", "机密★"),
    ("密级：秘密\n", "秘密"),
    ("本材料为内部资料，", "内部资料"),
    ("请注意保密，", "注意保密"),
    ("绝密\n", "绝密"),
]


def _negatives(rng: random.Random) -> dict[str, str]:
    credit = make_credit_code(rng.choice(["370921", "370902"]), rng.randint(1, 10**9))
    return {
        "date": f"2026年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        "amount": f"{rng.randint(10, 99999)}.{rng.randint(0, 99):02d}",
        "count": str(rng.randint(10, 9999)),
        "landline": f"{rng.randint(1000000, 8999999)}",
        "credit": credit,
        "index": f"{credit}/{rng.randint(2015, 2026)}-{rng.randint(1, 99999):05d}",
        "docnum": f"{rng.choice(DOC_PREFIX)}〔{rng.randint(2010, 2026)}〕{rng.randint(1, 300)}号",
        "project": f"SFX-{rng.randint(2020, 2026)}-{rng.randint(1000, 9999)}",
        "wrong_id": wrong_id(rng),
        "order": "".join(rng.choice("0123456789") for _ in range(20)),
    }


def corpus(n: int = 400, seed: int = 20261121) -> list[tuple[str, set[tuple[str, str]]]]:
    rng = random.Random(seed)
    docs: list[tuple[str, set[tuple[str, str]]]] = []
    for _ in range(n):
        planted: set[tuple[str, str]] = set()
        parts: list[str] = []
        if rng.random() < 0.15:
            text, value = rng.choice(MARKINGS)
            parts.append(text)
            planted.add(("secrecy", value))
        for _ in range(rng.randint(3, 8)):
            parts.append(rng.choice(SENTENCES).format(**_negatives(rng)))
            roll = rng.random()
            name = rng.choice(NAMES)
            if roll < 0.12:
                v = make_id(rng)
                if rng.random() < 0.05:  # written with spaces: a known miss of the checker
                    v = f"{v[:6]} {v[6:14]} {v[14:]}"
                elif v.endswith("X") and rng.random() < 0.5:
                    v = v[:-1] + "x"
                parts.append(f"{name}，身份证号{v}，")
                planted.add(("id_number", v))
            elif roll < 0.24:
                v = make_mobile(rng)
                if rng.random() < 0.2:
                    v = f"{v[:3]}-{v[3:7]}-{v[7:]}"
                parts.append(f"联系人：{name}，联系电话{v}。")
                planted.add(("mobile", v))
            elif roll < 0.32:
                v = make_card(rng)
                if rng.random() < 0.3:
                    v = " ".join(v[i : i + 4] for i in range(0, len(v), 4))
                parts.append(f"补贴资金打入{name}的银行账户{v}。")
                planted.add(("bank_card", v))
            elif roll < 0.40:
                v = make_email(rng)
                parts.append(f"材料请发送至{v}。")
                planted.add(("email", v))
        docs.append(("".join(parts), planted))
    return docs


def measure(docs: list[tuple[str, set[tuple[str, str]]]]) -> dict[str, float]:
    from yangguang.disclosure.privacy import scan

    tp = fp = fn = 0
    for text, planted in docs:
        found = {(f.kind, f.text) for f in scan(text)}
        tp += len(found & planted)
        fp += len(found - planted)
        fn += len(planted - found)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall}


# Hand-written hard cases: formats the checker does not (yet) understand and look-alikes that
# it may flag. Measured separately so the easy generated corpus does not hide the weak spots.
HARD: list[tuple[str, set[tuple[str, str]]]] = [
    ("联系电话：+86 138 1234 5678。", {("mobile", "138 1234 5678")}),
    ("手机：＋86-13912345678", {("mobile", "13912345678")}),
    (
        "身份证：１１０１０５１９４９１２３１００２Ｘ（全角）",
        {("id_number", "１１０１０５１９４９１２３１００２Ｘ")},
    ),
    ("身份证号码11010519491231002x，", {("id_number", "11010519491231002x")}),
    ("快递单号 6222021234567890128 已签收。", set()),  # Luhn-valid tracking number: a false hit
    ("合同编号：4111111111111111", set()),  # labelled 编号: skipped
    ("项目金额 13812345678 元", set()),  # an amount that looks like a mobile: a false hit
    ("邮箱：zhang san@example.com", set()),  # broken address
    ("请将材料发送至 office(at)example.gov.cn", {("email", "office(at)example.gov.cn")}),
    ("机密★10年\n关于……", {("secrecy", "机密★")}),
    ("本文件属工作秘密，不得公开。", {("secrecy", "工作秘密")}),
    ("此件不公开", {("secrecy", "此件不公开")}),
    ("（此件公开发布）", set()),
    ("卡号：6217 0000 1000 0000 003", {("bank_card", "6217 0000 1000 0000 003")}),
    ("居民身份证号：370921198001011234（校验位错误）", set()),
    ("社会保障卡号370921199002021235", set()),
    ("统一社会信用代码 11370921004100012A", set()),
    ("退役军人优待证号 37092119800101123X", {("id_number", "37092119800101123X")}),
    ("固定电话 0538-8212345，传真 0538-8212346", set()),
    ("工作日 9:00-17:00，邮编 271000", set()),
]


def measure_hard() -> dict[str, float]:
    return measure(HARD)
