"""统一社会信用代码 (GB 32100-2015) and division codes (GB/T 2260 + statistical 9/12 digits;
DOMAIN.md §7), table-driven."""

import pytest

from yangguang.orgs.validators import credit_code_error, division_code_error

pytestmark = pytest.mark.usefixtures("fast_hasher")


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # real-world enterprise code (福建)
        "91110000802100433B",  # real-world enterprise code (北京)
        "12100000400000624D",  # 事业单位-style code (registration authority 1, category 2)
    ],
)
def test_valid_credit_codes(code: str) -> None:
    assert credit_code_error(code) is None


def test_demo_and_factory_codes_are_valid() -> None:
    from tests.factories import make_credit_code
    from yangguang.orgs import demo

    for spec in demo.BODIES:
        assert credit_code_error(spec.credit_code) is None, spec.name
    for serial in range(200):
        assert credit_code_error(make_credit_code("370921", serial)) is None


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91350100M000100Y44", "校验位错误：第 18 位应为 3"),  # wrong check character
        ("91350100M000100Y4", "应为 18 位，当前为 17 位"),
        ("91350100M000100Y433", "应为 18 位，当前为 19 位"),
        ("", "应为 18 位，当前为 0 位"),
        ("91350100M000100I43", "不允许的字符"),  # I is not used (GB 32100 §4.2)
        ("91350100M000100O43", "不允许的字符"),  # O
        ("91350100M000100Z43", "不允许的字符"),  # Z
        ("91350100M000100S43", "不允许的字符"),  # S
        ("91350100M000100V43", "不允许的字符"),  # V
        ("91350100m000100y43", "不允许的字符"),  # lower case
        ("91A50100M000100Y43", "不允许的字符"),  # characters 3–8 are the division code (digits)
    ],
)
def test_invalid_credit_codes(code: str, fragment: str) -> None:
    error = credit_code_error(code)
    assert error is not None and fragment in error


@pytest.mark.parametrize(
    ("code", "level", "parent", "ok"),
    [
        ("370900", "city", None, True),
        ("370000", "city", None, False),  # a province, not a city
        ("370901", "city", None, False),
        ("370921", "county", "370900", True),
        ("370902", "county", "370900", True),
        ("370900", "county", "370900", False),  # 5th–6th digits 00 are the city itself
        ("380921", "county", "370900", False),  # not under the parent
        ("37092", "county", "370900", False),
        ("370921100", "township", "370921", True),
        ("370921100", "township", "370902", False),
        ("37092110", "township", "370921", False),
        ("370921100201", "village", "370921100", True),
        ("370921100201", "village", "370921101", False),
        ("37092110020", "village", "370921100", False),
        ("37092110020a", "village", "370921100", False),
        ("３７０９２１", "county", "370900", False),  # full-width digits
        ("370921100", "township", None, False),
        ("370921", "district", "370900", False),
    ],
)
def test_division_codes(code: str, level: str, parent: str | None, ok: bool) -> None:
    assert (division_code_error(code, level, parent) is None) is ok


@pytest.mark.parametrize("code", ["9135010０M000100Y43", "９1350100M000100Y43"])
def test_full_width_characters_get_a_message_not_a_crash(code: str) -> None:
    """The services check the character set first (the validator's regex accepts full-width
    digits, which the check-character table does not know)."""
    from yangguang.orgs.services import body_field_errors

    errors = body_field_errors(
        name="某机构",
        short_name="",
        kind="department",
        credit_code=code,
        address="",
        phone="",
        office_hours="",
    )
    assert "全角" in errors["credit_code"]


def test_full_width_digits_are_rejected_not_crashing() -> None:
    """GB 32100: only ASCII digits; full-width ０ must give a message, not a ValueError."""
    from yangguang.orgs.validators import credit_code_error

    code = "91350100M000100Y43".replace("0", "０", 1)
    message = credit_code_error(code)
    assert message is not None and "不允许的字符" in message
