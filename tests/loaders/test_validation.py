"""Unit tests of core.validation: pure functions, no database."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core import validation as v

VALID_ID = v.make_id_number("370303", date(1985, 3, 12), 7, "F")


def test_half_width_and_trimming() -> None:
    assert v.normalise_text("　１３９ ＡＢｃ　") == "139 ABc"
    assert v.normalise_name(" 孟 丹阳 ") == "孟丹阳"
    assert v.normalise_text(13912345678.0) == "13912345678"


def test_resident_id_checksum_birth_date_and_x() -> None:
    parsed = v.parse_id_number(VALID_ID)
    assert parsed.birth_date == date(1985, 3, 12)
    assert parsed.gender == "F"
    with_x = next(
        v.make_id_number("370303", date(1990, 1, 1), n, "M")
        for n in range(500)
        if v.make_id_number("370303", date(1990, 1, 1), n, "M").endswith("X")
    )
    assert v.parse_id_number(with_x.lower()).number == with_x
    assert v.parse_id_number("３７" + VALID_ID[2:]).number == VALID_ID
    wrong = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    with pytest.raises(v.InvalidValue) as error:
        v.parse_id_number(wrong)
    assert error.value.code == "ID_CHECKSUM"
    assert "校验码" in error.value.zh and "check digit" in error.value.en


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("3.70303E+17", "ID_MANGLED"),
        (3.70303198503121e17, "ID_MANGLED"),
        ("370303850312123", "ID_15_DIGITS"),
        ("37030319851332002X", "ID_BIRTH_DATE"),
        ("3703031985", "ID_FORMAT"),
    ],
)
def test_bad_resident_ids(value: object, code: str) -> None:
    with pytest.raises(v.InvalidValue) as error:
        v.parse_id_number(value)
    assert error.value.code == code


def test_phones() -> None:
    assert v.parse_phone("139 1234 5678") == "13912345678"
    assert v.parse_phone("+86 13912345678") == "13912345678"
    assert v.parse_phone("0533－2345678") == "0533-2345678"
    assert v.parse_phone("05332345678") == "0533-2345678"
    assert v.parse_phone(13912345678) == "13912345678"
    for bad, code in (("12912345678", "PHONE_FORMAT"), ("1.39123E+10", "PHONE_MANGLED")):
        with pytest.raises(v.InvalidValue) as error:
            v.parse_phone(bad)
        assert error.value.code == code


def test_codes() -> None:
    assert [v.parse_gender(x) for x in ("女", "男", "F", "m", "2")] == ["F", "M", "F", "M", "F"]
    assert v.parse_political_status("党员") == "中共党员"
    assert v.parse_political_status("1") == "中共党员"
    assert v.parse_political_status("13") == "群众"
    assert v.parse_political_status("共青团员") == "共青团员"
    for parser, bad in ((v.parse_gender, "未知"), (v.parse_political_status, "党外")):
        with pytest.raises(v.InvalidValue):
            parser(bad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1985-03-12", date(1985, 3, 12)),
        ("1985/3/12", date(1985, 3, 12)),
        ("1985.03", date(1985, 3, 1)),
        ("1985年3月", date(1985, 3, 1)),
        ("1985年3月12日", date(1985, 3, 12)),
        ("１９８５．０３", date(1985, 3, 1)),
        (31118, date(1985, 3, 12)),
        ("31118", date(1985, 3, 12)),
        (datetime(1985, 3, 12, 0, 0), date(1985, 3, 12)),
        ("19850312", date(1985, 3, 12)),
        (1985.03, date(1985, 3, 1)),  # 1985.03 typed into a number cell
        (1985.3, date(1985, 3, 1)),
        (2024.12, date(2024, 12, 1)),
    ],
)
def test_dates(value: object, expected: date) -> None:
    assert v.parse_date(value) == expected


@pytest.mark.parametrize("bad", ["1985-13-01", "三月", "1985-02-30", "12/03/1985"])
def test_bad_dates(bad: str) -> None:
    with pytest.raises(v.InvalidValue) as error:
        v.parse_date(bad)
    assert error.value.code == "DATE"


@pytest.mark.parametrize(
    ("number", "code"), [(1985.1, "DATE_AMBIGUOUS"), (1985, "DATE"), (1985.13, "DATE")]
)
def test_year_month_numbers_are_never_read_as_serials(number: float, code: str) -> None:
    """A number cell 1985.10 arrives as 1985.1, and 1985 would be the serial of 1905-06-07."""
    with pytest.raises(v.InvalidValue) as error:
        v.parse_date(number)
    assert error.value.code == code


def test_appointment_keys() -> None:
    assert (
        v.appointment_id("P-0123456789abcdef", "GRID_HEAD", "370303006001-001", date(2024, 11, 1))
        == "P-0123456789abcdef|GRID_HEAD|370303006001-001|2024-11-01"
    )
