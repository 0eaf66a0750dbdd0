"""Domain validation shared by the roster loaders and the mutation API: pure functions, no I/O.

Each `parse_*` function takes a raw value as a roster or a form gives it (a string, a number, a
date from a spreadsheet cell) and returns the normalised value, or raises `InvalidValue` with a
stable `code` and a reason in Chinese and in English. A person's key is derived under the
deployment's identity key (`core.identity`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import mul
from typing import Any

# --- errors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvalidValue(Exception):
    """A value that cannot be accepted, with a reason in plain words (Chinese and English)."""

    code: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


def _invalid(code: str, zh: str, en: str) -> InvalidValue:
    return InvalidValue(code=code, zh=zh, en=en)


# --- normalisation ------------------------------------------------------------------------

_FULL_WIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},  # ０-９
    **{0xFF21 + i: 0x41 + i for i in range(26)},  # Ａ-Ｚ
    **{0xFF41 + i: 0x61 + i for i in range(26)},  # ａ-ｚ
    0x3000: 0x20,  # ideographic space
    0x00A0: 0x20,  # no-break space
}
_FULL_WIDTH_PUNCTUATION = {
    0xFF0D: 0x2D,  # －
    0xFF0E: 0x2E,  # ．
    0xFF0F: 0x2F,  # ／
    0xFF0B: 0x2B,  # ＋
    0xFF1A: 0x3A,  # ：
    0x2014: 0x2D,  # —
    0x2013: 0x2D,  # –
}


def half_width(text: str, punctuation: bool = False) -> str:
    """Full-width digits, letters and spaces to ASCII; with `punctuation`, also － ． ／ ＋ ：."""
    table = _FULL_WIDTH_ALNUM | _FULL_WIDTH_PUNCTUATION if punctuation else _FULL_WIDTH_ALNUM
    return text.translate(table)


def normalise_text(value: Any) -> str:
    """A cell as clean text: half-width digits/letters/spaces, trimmed, inner runs of space one."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = half_width(text)
    return " ".join(text.split())


def normalise_name(value: Any) -> str:
    """A person's or place's name: normalised text without any spaces (`孟 丹阳` → `孟丹阳`)."""
    return normalise_text(value).replace(" ", "")


def is_blank(value: Any) -> bool:
    return normalise_text(value) == ""


_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def find_control_character(text: str) -> str | None:
    """The first character of `text` that must never be stored, or None: a control character
    (NUL, ESC, C1 controls ...), an invisible format character (bidi overrides such as U+202E,
    zero-width spaces, a BOM) or a lone surrogate (Unicode categories Cc, Cf, Cs). White space
    is not one of them: `normalise_text` folds tabs, line breaks and the like into a space."""
    if text.isprintable():
        return None
    for char in text:
        if not char.isspace() and unicodedata.category(char) in _HIDDEN_CATEGORIES:
            return char
    return None


# --- formulas -----------------------------------------------------------------------------

FORMULA_STARTS = frozenset("=+-@\t\r\n\0＝＋－＠")
"""First characters that make a spreadsheet (Excel, WPS, LibreOffice) read a cell as a formula
(or, for tab, CR, LF and NUL, let one follow), in half and full width."""


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet could take `text` for a formula: it starts, after any spaces,
    with one of `FORMULA_STARTS`."""
    return text.lstrip(" \u3000\xa0")[:1] in FORMULA_STARTS


def _formula(
    what_zh: str, what_en: str, exception_zh: str = "", exception_en: str = ""
) -> InvalidValue:
    return _invalid(
        "FORMULA",
        f"{what_zh}不能以 = + - @ 开头{exception_zh}：电子表格会把它当作公式执行",
        f"{what_en} cannot start with =, +, - or @{exception_en}: a spreadsheet would run it "
        "as a formula",
    )


def parse_name(value: Any) -> str:
    """A person's name (`normalise_name`); FORMULA when it looks like a spreadsheet formula.

    Blank gives `""`: whether a name is required is the caller's to say.
    """
    name = normalise_name(value)
    if looks_like_formula(name):
        raise _formula("姓名", "a name")
    return name


# --- resident identity numbers (GB 11643) -------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MANGLED = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_RECENT_YEAR = date.today().year - 1
"""Birth years before this cannot be in the future: `date.today()` is only asked for later ones."""


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    if len(first17) != 17:
        raise ValueError("17 digits expected")
    total = sum(map(mul, map(int, first17), _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def is_mangled_number(value: Any) -> bool:
    """True for a long number Excel turned into a float or scientific notation (`3.70303E+17`)."""
    if isinstance(value, float):
        return abs(value) >= 1e15
    text = normalise_text(value).replace(" ", "")
    return bool(_MANGLED.match(text))


@dataclass(frozen=True)
class ResidentId:
    """A valid 18-character resident identity number and what it encodes."""

    number: str
    birth_date: date
    gender: str  # "F" or "M" (17th digit: odd = male)
    area_code: str


def parse_id_number(value: Any) -> ResidentId:
    """Validate a resident ID: shape, embedded birth date and check character (trailing x → X)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if is_mangled_number(value):
        raise _invalid(
            "ID_MANGLED",
            "身份证号被 Excel 转成了科学计数法或数字，后几位已丢失；请将该列设为文本后重新录入",
            "the ID number was turned into a number by Excel (e.g. 3.70303E+17) and its last "
            "digits are lost; format the column as text and enter it again",
        )
    text = normalise_text(value).replace(" ", "").upper()
    if looks_like_formula(text):
        raise _formula("身份证号", "an ID number")
    if len(text) == 15 and text.isdigit():
        raise _invalid(
            "ID_15_DIGITS",
            "15 位旧身份证号不再接受，请填写 18 位号码",
            "15-digit first-generation ID numbers are not accepted; give the 18-digit number",
        )
    if not _ID_SHAPE.match(text):
        raise _invalid(
            "ID_FORMAT",
            "身份证号应为 17 位数字加 1 位校验码（数字或 X）",
            "an ID number is 17 digits followed by a check digit or X",
        )
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise _invalid(
            "ID_BIRTH_DATE",
            "身份证号中的出生日期不存在",
            "the birth date inside the ID number does not exist",
        ) from None
    if born.year < 1900 or (born.year >= _RECENT_YEAR and born > date.today()):
        raise _invalid(
            "ID_BIRTH_DATE",
            "身份证号中的出生日期不合理",
            "the birth date inside the ID number is out of range",
        )
    if id_check_digit(text[:17]) != text[17]:
        raise _invalid(
            "ID_CHECKSUM",
            "身份证号校验码错误（可能有数字录错）",
            "the ID number's check digit is wrong (a digit was probably mistyped)",
        )
    gender = "M" if int(text[16]) % 2 else "F"
    return ResidentId(number=text, birth_date=born, gender=gender, area_code=text[:6])


def make_id_number(area_code: str, born: date, sequence: int, gender: str) -> str:
    """Compose a checksum-valid ID number (for synthetic data and tests only)."""
    order = sequence % 500 * 2 + (1 if gender == "M" else 0)
    first17 = f"{area_code}{born:%Y%m%d}{order:03d}"
    return first17 + id_check_digit(first17)


# --- phones -------------------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3})-?(\d{7,8})$")
_COUNTRY_PREFIX = re.compile(r"^(\+86|0086)-?")


def parse_phone(value: Any) -> str:
    """A mobile (`13912345678`) or a landline (`0533-2345678`); spaces, dashes, +86 removed.

    The country code (`+86`, `0086`, also full-width `＋86`) is the one thing a phone may start
    with besides digits: it is dropped, and anything else a spreadsheet would take for a
    formula (`=`, `-`, `@`, another `+`) is FORMULA.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = half_width(normalise_text(value), punctuation=True).replace(" ", "")
    if _MANGLED.match(text):
        raise _invalid(
            "PHONE_MANGLED",
            "电话号码被 Excel 转成了科学计数法，请将该列设为文本",
            "the phone number was turned into scientific notation by Excel; format it as text",
        )
    text = _COUNTRY_PREFIX.sub("", text)
    if looks_like_formula(text):
        raise _formula(
            "电话号码",
            "a phone number",
            "（国家代码 +86 除外）",
            " (other than the country code +86)",
        )
    if _MOBILE.match(text.replace("-", "")):
        return text.replace("-", "")
    landline = _LANDLINE.match(text)
    if landline:
        return f"{landline.group(1)}-{landline.group(2)}"
    raise _invalid(
        "PHONE_FORMAT",
        "电话号码格式不对：手机号为 11 位（1 开头），座机如 0533-2345678",
        "not a phone number: a mobile has 11 digits starting with 1[3-9], "
        "a landline looks like 0533-2345678",
    )


# --- codes --------------------------------------------------------------------------------

_GENDERS = {
    "女": "F",
    "f": "F",
    "female": "F",
    "2": "F",
    "男": "M",
    "m": "M",
    "male": "M",
    "1": "M",
}


def parse_gender(value: Any) -> str:
    """`F` or `M` from 女/男, F/M, female/male or the GB/T 2261.1 codes 2/1."""
    text = normalise_text(value).lower()
    if text in _GENDERS:
        return _GENDERS[text]
    raise _invalid("GENDER", "性别应为 女 或 男", "gender must be 女 (female) or 男 (male), F or M")


POLITICAL_STATUSES: dict[str, str] = {
    "01": "中共党员",
    "02": "中共预备党员",
    "03": "共青团员",
    "04": "民革党员",
    "05": "民盟盟员",
    "06": "民建会员",
    "07": "民进会员",
    "08": "农工党党员",
    "09": "致公党党员",
    "10": "九三学社社员",
    "11": "台盟盟员",
    "12": "无党派人士",
    "13": "群众",
}
"""GB/T 4762 political-status codes and names."""

_POLITICAL_ALIASES = {
    "党员": "中共党员",
    "共产党员": "中共党员",
    "中国共产党党员": "中共党员",
    "预备党员": "中共预备党员",
    "团员": "共青团员",
    "无党派": "无党派人士",
    "群众": "群众",
    "party member": "中共党员",
    "masses": "群众",
}
PARTY_MEMBER_STATUSES = frozenset({"中共党员", "中共预备党员"})


def parse_political_status(value: Any) -> str:
    """The GB/T 4762 name of a political status, from its code, its name or a common alias."""
    text = normalise_text(value).replace(" ", "")
    if text.isdigit() and len(text) <= 2:
        text = text.zfill(2)
    if text in POLITICAL_STATUSES:
        return POLITICAL_STATUSES[text]
    if text in POLITICAL_STATUSES.values():
        return text
    alias = _POLITICAL_ALIASES.get(text.lower())
    if alias:
        return alias
    raise _invalid(
        "POLITICAL_STATUS",
        "政治面貌无法识别（如 中共党员、共青团员、群众，或代码 01-13）",
        "unknown political status (e.g. 中共党员, 共青团员, 群众, or a GB/T 4762 code 01-13)",
    )


# --- dates --------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)
_MIDNIGHT = re.compile(r"[T ]?00:00(:00)?$")
_SERIAL = re.compile(r"\d{5}(\.\d+)?")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})[-/.](\d{1,2})()$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?()$"),
    re.compile(r"^(\d{4})(\d{2})()$"),
)


def _not_a_date() -> InvalidValue:
    return _invalid(
        "DATE",
        "日期无法识别（可写 1985-03-12、1985/3/12、1985.03、1985年3月）",
        "not a date (write 1985-03-12, 1985/3/12, 1985.03 or 1985年3月)",
    )


def parse_date(value: Any) -> date:
    """A date from `1985-03-12`, `1985/3/12`, `1985.03`, `1985年3月`, a cell date or an Excel
    serial number. Month-only dates become the first of the month."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if YEAR_NUMBERS[0] <= value < YEAR_NUMBERS[1]:
            return _year_month_number(float(value))
        return _excel_serial(float(value))
    text = half_width(normalise_text(value), punctuation=True).replace(" ", "")
    text = _MIDNIGHT.sub("", text)
    if _SERIAL.fullmatch(text):
        return _excel_serial(float(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = match.groups()
            try:
                return date(int(year), int(month), int(day or 1))
            except ValueError:
                break
    raise _not_a_date()


YEAR_NUMBERS = (1900, 2101)
"""A number cell in this range is a year, or a year.month typed into a number cell (1985.03),
not an Excel serial: those serials are days of 1905-1910, no roster's date."""


def _year_month_number(number: float) -> date:
    """`1985.03` / `1985.3` → 1985-03-01. `1985.1` is refused: Excel keeps 1985.10 as 1985.1,
    so January and October cannot be told apart; a year alone is not a date."""
    year, _, fraction = repr(number).partition(".")
    if fraction == "0":
        raise _invalid(
            "DATE",
            f"{year} 只是年份，请写出月份（如 {year}.03）",
            f"{year} is a year alone; give the month too (e.g. {year}.03)",
        )
    if fraction == "1":
        raise _invalid(
            "DATE_AMBIGUOUS",
            f"日期存成了数字 {year}.1，分不清是 1 月还是 10 月；请把该列设为文本后写成 "
            f"{year}.01 或 {year}.10",
            f"the date was stored as the number {year}.1: January or October cannot be told "
            f"apart; format the column as text and write {year}.01 or {year}.10",
        )
    if len(fraction) <= 2 and 1 <= int(fraction) <= 12:
        return date(int(year), int(fraction), 1)
    raise _not_a_date()


def _excel_serial(serial: float) -> date:
    if not 1 <= serial < 2958466:
        raise _invalid("DATE", "日期数字超出范围", "the date number is out of range")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


# --- keys ---------------------------------------------------------------------------------


GRID_CODE = re.compile(r"(\d{12})-(\d{3})")
"""A grid code: its community's 12-digit code, a dash and a 3-digit number (370303006001-007)."""


def grid_code_community(code: str) -> str | None:
    """The community code a well-formed grid code starts with, or None when malformed."""
    match = GRID_CODE.fullmatch(code)
    return match.group(1) if match else None


def appointment_id(person: str, role: str, unit_code: str, since: date) -> str:
    """Appointment ids per docs/data-model.md: `<person id>|<role>|<unit code>|<since>`."""
    return f"{person}|{role}|{unit_code}|{since.isoformat()}"
