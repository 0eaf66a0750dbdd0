"""Problem reports: printed, or written as CSV (UTF-8 with BOM, opens in Chinese Excel) or XLSX.

A report repeats what a roster held, invalid values above all, and whoever opens it in a
spreadsheet must not run what a roster's author typed: no cell of a report is ever a live
formula. A text cell that a spreadsheet could take for one (`core.validation.
looks_like_formula`: `=`, `+`, `-`, `@`, tab, CR, LF, full-width ＝＋－＠) is written in CSV
with a leading `'` (OWASP's advice; Excel and WPS show the rest as text), and in XLSX every
text cell is a string cell, never a formula cell (openpyxl makes a formula of any string
starting with `=`), those cells also marked `quotePrefix`, the way Excel stores a typed `'`.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from core.validation import looks_like_formula
from loaders.errors import Problem

REPORT_HEADINGS = (
    "文件 file",
    "工作表 sheet",
    "行 row",
    "列 column",
    "值 value",
    "代码 code",
    "原因 reason (中文)",
    "reason (English)",
)


def problem_row(p: Problem) -> list[str | int]:
    return [
        p.file,
        p.sheet,
        p.row if p.row is not None else "",
        p.column,
        p.value,
        p.code,
        p.zh,
        p.en,
    ]


def csv_cell(value: str | int) -> str | int:
    """A CSV cell no spreadsheet runs: formula-like text gets a leading `'`."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def _xlsx_row(sheet: Any, values: list[str | int]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cells = []
    for value in values:
        if not isinstance(value, str):
            cells.append(WriteOnlyCell(sheet, value=value))
            continue
        # Control characters cannot be stored in XLSX at all (openpyxl refuses them).
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
        cell.data_type = "s"  # never a formula ('f') nor an error ('#N/A' would be 'e')
        if looks_like_formula(value):
            cell.quotePrefix = True
        cells.append(cell)
    return cells


def write_report(problems: list[Problem], path: Path) -> None:
    """Write every problem to `path`: `.xlsx` as a workbook, anything else as CSV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("problems")
        sheet.append(_xlsx_row(sheet, list(REPORT_HEADINGS)))
        for p in problems:
            sheet.append(_xlsx_row(sheet, problem_row(p)))
        book.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_HEADINGS)
        writer.writerows([csv_cell(cell) for cell in problem_row(p)] for p in problems)


def format_problem(p: Problem) -> str:
    where = p.file + (f" [{p.sheet}]" if p.sheet and p.sheet != p.file else "")
    if p.row is not None:
        where += f" row {p.row}"
    if p.column:
        where += f", {p.column}"
    value = f" = {p.value!r}" if p.value else ""
    return f"{where}{value}: {p.zh} / {p.en}"
