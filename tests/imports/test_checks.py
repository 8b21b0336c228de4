import pytest

from caremap.imports.credit_code import is_valid_credit_code
from caremap.imports.phones import normalise_phones


@pytest.mark.parametrize(("cell", "tels", "problems"), [
    ("0755-8888 1234 转 123", ["+86-755-88881234;ext=123"], []),
    ("0755-88881234分机8", ["+86-755-88881234;ext=8"], []),
    ("(010) 6512 3456", ["+86-10-65123456"], []),
    ("138 0013 8000", ["+86-13800138000"], []),
    ("+86 138-0013-8000", ["+86-13800138000"], []),
    ("400-123-4567", ["4001234567"], []),
    ("12355", ["12355"], []),
    ("110", ["110"], []),
    ("8888 1234", ["+86-755-88881234"], [("phone_no_area_code", "8888 1234")]),
    ("75588881234", ["+86-755-88881234"], [("phone_leading_zero", "75588881234")]),
    ("0755-123", [], [("phone_invalid", "0755-123")]),
    ("无", [], [("phone_invalid", "无")]),
    ("0755-88881234；13800138000", ["+86-755-88881234", "+86-13800138000"], []),
])
def test_phone_normalisation(cell, tels, problems):
    result = normalise_phones(cell, "0755")
    assert [p.tel for p in result.phones] == tels
    assert result.problems == problems


def test_phone_display_form_kept():
    assert normalise_phones("0755-8888 1234 转 123").phones[0].number == "0755-8888 1234 转 123"


@pytest.mark.parametrize(("code", "valid"), [
    ("91440300708461136T", True),
    ("52440300MJL1783834", True),
    ("12440300455755400X", True),
    ("91440300708461136A", False),
    ("9144030070846113", False),
    ("91440300708461136I", False),
])
def test_credit_code_check_digit(code, valid):
    assert is_valid_credit_code(code) is valid
