"""Outcome codes map one-to-one onto the national annual-report rows (DOMAIN.md §5)."""

import pytest

from yangguang.foi.outcomes import OUTCOMES, Outcome, code_for_national_label, national_label


def test_outcomes_are_the_national_rows() -> None:
    groups = [d.group for d in OUTCOMES.values()]
    assert groups.count("refuse") == 8
    assert groups.count("unable") == 3
    assert groups.count("reject") == 5
    assert groups.count("other") == 3
    assert len(OUTCOMES) == 21 == len(Outcome.values)
    labels = [d.national_label for d in OUTCOMES.values()]
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("disclose", "（一）予以公开"),
        ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
        ("refuse_3", "3.危及“三安全一稳定”"),
        ("unable_2", "2.没有现成信息需要另行制作"),
        ("reject_5", "5.要求行政机关确认或重新出具已获取信息"),
        ("other_1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ],
)
def test_national_label(code: str, label: str) -> None:
    assert national_label(code) == label


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("予以公开", "disclose"),
        ("（一）予以公开", "disclose"),
        ("部分公开", "partial"),
        ("不予公开 1.属于国家秘密", "refuse_1"),
        ("（五）不予处理2.重复申请", "reject_2"),
        ("不予处理：重复申请", "reject_2"),
        ("other_3", "other_3"),
        ("瞎写", None),
    ],
)
def test_reverse_mapping(text: str, code: str | None) -> None:
    assert code_for_national_label(text) == code
