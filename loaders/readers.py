"""Streaming readers: a roster file as sheets of raw rows, whatever the format.

The format is told by the file's first bytes, not its name: a zip is an `.xlsx` (read by
`loaders.xlsx`, streaming; a merged cell's value is copied into every cell it covers), an OLE
compound file an `.xls` (xlrd) unless it is an encrypted workbook (refused as such), anything
else CSV. A CSV's encoding is detected (BOM, then UTF-8, then charset-normalizer among the
encodings Chinese rosters use; GBK and GB2312 are read as their superset GB18030) and then
holds for every line: a line that does not decode in it, or a line of UTF-8 in a GBK file (which
GB18030 would decode into mojibake), refuses the file naming its row. Every reader works within
`FileLimits` (`loaders.limits`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from struct import error as struct_error
from typing import Any

from charset_normalizer import from_bytes

from loaders.errors import FileProblem
from loaders.headers import column_letter
from loaders.limits import FileLimits, check_file_size

SAMPLE_BYTES = 256 * 1024
CHINESE_FAMILY = {"gbk", "gb2312", "gb18030", "hz", "big5", "cp936"}
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16"]


@dataclass
class RawRow:
    """One row of a sheet: its 1-based row number and cell values (None when empty)."""

    number: int
    cells: list[Any]
    formulas: tuple[int, ...] = ()
    """Columns (0-based) holding a formula without a cached value: not empty, unknown."""


@dataclass
class Sheet:
    """A sheet (a CSV file is one sheet, named after the file) and a way to stream its rows."""

    name: str
    path: Path
    _rows: Any = field(repr=False)
    encoding: str | None = None
    row_bound: int | None = None
    """At least as many rows as the sheet has (None: unknown without reading it); the loader
    uses it to choose between one transaction and batches before reading."""

    def rows(self) -> Iterator[RawRow]:
        return self._rows()


SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".csv": "csv", ".txt": "csv"}
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ENCRYPTED_STREAMS = {"EncryptionInfo", "EncryptedPackage"}
"""The streams of an encrypted OOXML file (ECMA-376 §2.3.4): the zip is inside, encrypted."""
_MARKUP = re.compile(rb"^\s*<(?:!doctype\s+html|html|table|\?xml)", re.IGNORECASE)


def _encrypted() -> FileProblem:
    return FileProblem(
        "ENCRYPTED",
        "工作簿设有打开密码（已加密）：请在 Excel 中去掉密码后另存，再导入",
        "the workbook is password-protected (encrypted): remove the password in Excel, "
        "save it, then load it",
    )


def file_format(path: Path) -> str:
    """`xlsx`, `xls` or `csv`, from the file's content; its name only has to be one of ours."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise FileProblem(
            "FILE_FORMAT",
            f"不支持的文件类型 {suffix}（支持 .xlsx、.xls、.csv）",
            f"unsupported file type {suffix} (use .xlsx, .xls or .csv)",
        )
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        if _ole_streams(path) & ENCRYPTED_STREAMS:
            raise _encrypted()
        return "xls"
    if _MARKUP.match(head):
        raise FileProblem(
            "FILE_FORMAT",
            "文件是网页或 XML（常见于系统导出的“假 xls”），不是 Excel 工作簿："
            "请在 Excel 中打开并另存为 .xlsx",
            "the file is an HTML or XML page (as some systems export a 'fake xls'), not an Excel "
            "workbook: open it in Excel and save it as .xlsx",
        )
    if (
        SUFFIXES[suffix] != "csv"
        and b"\x00" in head
        and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    ):
        raise FileProblem(
            "FILE_FORMAT",
            f"文件名是 {suffix}，内容却不是 Excel 工作簿（文件可能已损坏）",
            f"the file is named {suffix} but is not an Excel workbook (is it damaged?)",
        )
    return "csv"  # text, whatever it is called: a CSV saved under a workbook's name


def _ole_streams(path: Path) -> set[str]:
    """The names in an OLE compound file's directory (empty if it cannot be parsed)."""
    from xlrd.compdoc import CompDoc, CompDocError

    try:
        document = CompDoc(path.read_bytes(), logfile=io.StringIO())
    except (CompDocError, ValueError, IndexError, struct_error):
        return set()
    return {entry.name for entry in document.dirlist}


def open_sheets(
    path: Path,
    sheet: str | None = None,
    encoding: str | None = None,
    limits: FileLimits | None = None,
) -> list[Sheet]:
    """The sheets of a roster file (only `sheet` when given), ready to stream."""
    limits = limits or FileLimits()
    check_file_size(path, limits)
    kind = file_format(path)
    try:
        if kind == "csv":
            return [_guarded(_csv_sheet(path, encoding, limits), kind)]
        sheets = _xlsx_sheets(path, limits) if kind == "xlsx" else _xls_sheets(path, limits)
    except FileProblem:
        raise
    except Exception as error:  # a damaged file can make a library fail in any way
        raise _damaged(kind, error) from error
    sheets = [_guarded(s, kind) for s in sheets]
    if sheet is not None:
        chosen = [s for s in sheets if s.name == sheet]
        if not chosen:
            names = ", ".join(s.name for s in sheets)
            raise FileProblem(
                "SHEET",
                f"找不到工作表 {sheet}（有：{names}）",
                f"no sheet {sheet} (there are: {names})",
            )
        return chosen
    return sheets


def _damaged(kind: str, error: BaseException) -> FileProblem:
    return FileProblem(
        "FILE_UNREADABLE",
        f"无法读取 {kind} 文件（文件可能已损坏）：{type(error).__name__}: {error}",
        f"cannot read the {kind} file (is it damaged?): {type(error).__name__}: {error}",
    )


def _guarded(sheet: Sheet, kind: str) -> Sheet:
    """`sheet`, whose rows fail as a `FileProblem`, whatever fails underneath."""
    rows = sheet._rows

    def guarded() -> Iterator[RawRow]:
        try:
            yield from rows()
        except FileProblem:
            raise
        except Exception as error:
            raise _damaged(kind, error) from error

    sheet._rows = guarded
    return sheet


# --- CSV ----------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """A CSV file's encoding: BOM, else UTF-8 if the sample decodes, else charset-normalizer.

    When the sample does not decode as UTF-8 but its first line of text does, the file is
    UTF-8 (the reader then refuses the first row that is not); when the detector is
    undecided, GB18030 if the first line of text decodes in it."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if len(sample) == SAMPLE_BYTES and error.start >= len(sample) - 4:
            return "utf-8"  # a character cut at the end of the sample
    first_text = next((line for line in sample.split(b"\n") if not line.isascii()), b"")
    if b"\x00" not in first_text and _is_utf8_text(first_text):
        return "utf-8"
    best = from_bytes(sample, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is not None:
        name = best.encoding.lower()
        return "gb18030" if name in CHINESE_FAMILY else name
    # Short, repetitive samples can leave the detector undecided: GB18030 decodes any GBK.
    try:
        first_text.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise FileProblem(
            "ENCODING",
            "无法识别文件编码（请另存为 UTF-8 或 GBK 编码的 CSV）",
            "cannot tell the file's encoding (save it as a UTF-8 or GBK CSV)",
        ) from None


def _csv_sheet(path: Path, encoding: str | None, limits: FileLimits) -> Sheet:
    chosen = encoding or detect_encoding(path)
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise FileProblem(
            "ENCODING", f"未知的编码 {chosen}", f"unknown encoding {chosen}"
        ) from None
    return Sheet(
        name=path.name,
        path=path,
        _rows=lambda: _csv_rows(path, chosen, limits),
        encoding=chosen,
        row_bound=_line_count(path),
    )


_UTF8_MULTIBYTE = re.compile(rb"[\xe0-\xf4]")
"""A lead byte of a 3- or 4-byte UTF-8 sequence: every Chinese character in UTF-8 has one."""


def _is_utf8_text(line: bytes) -> bool:
    """True for a line that is UTF-8 with Chinese (or other 3-byte) characters in it.

    GB18030 decodes most UTF-8 bytes too, into mojibake (`杨帆` → `鏉ㄥ竼`), so a GBK file is
    checked line by line for this; GBK text is almost never valid UTF-8 of that kind."""
    if not _UTF8_MULTIBYTE.search(line):
        return False
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _found(line: bytes, encoding: str) -> str:
    """What a line that is not `encoding` looks like it is."""
    if _is_utf8_text(line):
        return "UTF-8"
    try:
        line.decode("gb18030")
    except UnicodeDecodeError:
        return f"not {encoding}"
    return "GBK"


def _undecodable(row: int, encoding: str, found: str, mixed: bool) -> FileProblem:
    """Row `row` is not in the file's `encoding` (it looks `found`); `mixed` when rows with
    text before it were."""
    found_zh = f"是 {found} 编码" if not found.startswith("not ") else f"不是 {encoding} 编码"
    if not mixed:
        return FileProblem(
            "ENCODING",
            f"第 {row} 行{found_zh}，与声明或检测到的 {encoding} 不符"
            "（请用 UTF-8 或 GBK 重新保存，或用 --encoding 指定）",
            f"row {row} is {found}, not the {encoding} declared or detected (save the file as "
            "UTF-8 or GBK, or give --encoding)",
            row=row,
        )
    return FileProblem(
        "ENCODING_MIXED",
        f"第 {row} 行{found_zh}，而前面的行是 {encoding}：文件混用了编码，"
        "请用一种编码（UTF-8 或 GBK）重新保存",
        f"row {row} is {found} while the rows before it are {encoding}: the file mixes "
        "encodings; save it again in one (UTF-8 or GBK)",
        row=row,
    )


def _csv_rows(path: Path, encoding: str, limits: FileLimits) -> Iterator[RawRow]:
    """A CSV file's rows, decoding it line by line so a line that is not in `encoding` is
    refused by its row number; lines, cells, rows and columns within `limits`."""
    name = codecs.lookup(encoding).name
    utf8 = name in ("utf-8", "utf-8-sig")
    number = 0  # rows read so far: a line read now belongs to row `number + 1`

    def too_long() -> FileProblem:
        return FileProblem(
            "LINE_TOO_LONG",
            f"第 {number + 1} 行超过 {limits.max_line_bytes:,} 字节的上限（单元格上限为 "
            f"{limits.max_cell_chars:,} 个字符）",
            f"row {number + 1} is longer than the limit of {limits.max_line_bytes:,} bytes "
            f"(a cell may hold {limits.max_cell_chars:,} characters)",
            row=number + 1,
        )

    def byte_lines(handle: io.BufferedReader) -> Iterator[str]:
        text_before = False  # a line with non-ASCII bytes was read (and decoded)
        while line := handle.readline(limits.max_line_bytes + 1):
            if len(line) > limits.max_line_bytes:
                raise too_long()
            try:
                text = line.decode(name)
            except UnicodeDecodeError:
                raise _undecodable(number + 1, name, _found(line, name), text_before) from None
            if not line.isascii():
                if not utf8 and _is_utf8_text(line):
                    raise _undecodable(number + 1, name, "UTF-8", text_before)
                text_before = True
            yield text

    def wide_lines(handle: io.BufferedReader) -> Iterator[str]:
        text = io.TextIOWrapper(handle, encoding=name, errors="strict", newline="")
        chars = limits.max_line_bytes // 2
        while True:
            try:
                line = text.readline(chars + 1)
            except UnicodeDecodeError:  # decoded in chunks: the row is where the chunk ends
                raise _undecodable(number + 1, name, f"not {name}", number > 0) from None
            if not line:
                return
            if len(line) > chars:
                raise too_long()
            yield line

    wide = name.startswith(("utf-16", "utf-32"))
    filled = 0
    with path.open("rb") as handle:
        reader = csv.reader(wide_lines(handle) if wide else byte_lines(handle))
        try:
            for number, cells in enumerate(reader, start=1):
                if max(map(len, cells), default=0) > limits.max_cell_chars:
                    column = next(i for i, c in enumerate(cells) if len(c) > limits.max_cell_chars)
                    length = len(cells[column])
                    raise FileProblem(
                        "CELL_TOO_LONG",
                        f"单元格有 {length:,} 个字符，超过上限 {limits.max_cell_chars:,}",
                        f"a cell of {length:,} characters, over the limit of "
                        f"{limits.max_cell_chars:,}",
                        row=number,
                        column=column_letter(column),
                    )
                if len(cells) > limits.max_columns and any(cells[limits.max_columns :]):
                    raise _too_many_columns(limits, number)
                if any(cells):
                    filled += 1
                    if filled > limits.max_rows:
                        raise _too_many_rows(limits, number)
                yield RawRow(number, [c if c != "" else None for c in cells])
        except csv.Error as error:  # a quoted cell over csv's own limit, a stray quote ...
            raise FileProblem(
                "FILE_UNREADABLE",
                f"第 {number + 1} 行无法按 CSV 读取：{error}（单元格上限为 "
                f"{limits.max_cell_chars:,} 个字符）",
                f"row {number + 1} cannot be read as CSV: {error} (a cell may hold "
                f"{limits.max_cell_chars:,} characters)",
                row=number + 1,
            ) from None


def _too_many_rows(limits: FileLimits, row: int | None = None) -> FileProblem:
    return FileProblem(
        "TOO_MANY_ROWS",
        f"数据行超过上限 {limits.max_rows:,} 行（请拆分后分别导入）",
        f"more than {limits.max_rows:,} rows of data, the limit (split the file and load the "
        "parts)",
        row=row,
    )


def _too_many_columns(limits: FileLimits, row: int | None = None) -> FileProblem:
    return FileProblem(
        "TOO_MANY_COLUMNS",
        f"数据超出了第 {limits.max_columns:,} 列（上限）",
        f"data beyond column {limits.max_columns:,}, the limit",
        row=row,
    )


def _line_count(path: Path) -> int:
    """Lines of a file (every CSV row takes at least one)."""
    lines = 1
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


# --- xlsx ---------------------------------------------------------------------------------


def _fill_merged(
    rows: Iterator[RawRow], ranges: list[tuple[int, int, int, int]]
) -> Iterator[RawRow]:
    """Copy each merged range's top-left value into every cell of the range."""
    if not ranges:
        yield from rows
        return
    by_start: dict[int, list[tuple[int, int, int, int]]] = {}
    for item in ranges:
        by_start.setdefault(item[0], []).append(item)
    active: list[tuple[tuple[int, int, int, int], Any]] = []
    for row in rows:
        active = [(r, v) for r, v in active if r[1] >= row.number]
        for item in by_start.get(row.number, []):
            value = row.cells[item[2]] if item[2] < len(row.cells) else None
            active.append((item, value))
        for (_, _, c1, c2), value in active:
            if len(row.cells) <= c2:
                row.cells.extend([None] * (c2 + 1 - len(row.cells)))
            for col in range(c1, c2 + 1):
                row.cells[col] = value
        yield row


def _xlsx_sheets(path: Path, limits: FileLimits) -> list[Sheet]:
    from loaders.xlsx import Workbook

    book = Workbook(path, limits)
    sheets = []
    for title, member in book.sheets:
        sheet = Sheet(name=title, path=path, _rows=None)
        sheet._rows = _xlsx_reader(book, sheet, member)
        sheets.append(sheet)
    return sheets


def _xlsx_reader(book: Any, sheet: Sheet, member: str) -> Any:
    """A sheet's rows, its merged ranges filled in. The first call also scans the sheet for its
    merged ranges and its `row_bound` (`Workbook.scan`)."""
    scanned: list[Any] = []

    def rows() -> Iterator[RawRow]:
        if not scanned:
            ranges, bound = book.scan(member)
            scanned.append(ranges)
            sheet.row_bound = bound
        yield from _fill_merged(book.rows(member, sheet.name, sheet.row_bound), scanned[0])

    return rows


# --- xls ----------------------------------------------------------------------------------


def _xls_sheets(path: Path, limits: FileLimits) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as error:
        if "encrypted" in str(error).lower():  # xlrd: "Workbook is encrypted"
            raise _encrypted() from None
        raise FileProblem(
            "FILE_UNREADABLE", f"无法读取 xls 文件：{error}", f"cannot read the xls file: {error}"
        ) from None
    names = book.sheet_names()

    def reader(title: str) -> Any:
        def rows() -> Iterator[RawRow]:
            sheet = book.sheet_by_name(title)
            if sheet.nrows > limits.max_rows:
                raise _too_many_rows(limits)
            if sheet.ncols > limits.max_columns:
                raise _too_many_columns(limits)
            ranges = [(r1 + 1, r2, c1, c2 - 1) for r1, r2, c1, c2 in sheet.merged_cells]
            yield from _fill_merged(_xls_rows(book, sheet, limits), ranges)

        return rows

    return [
        Sheet(name=title, path=path, _rows=reader(title), row_bound=book.sheet_by_name(title).nrows)
        for title in names
    ]


def _xls_rows(book: Any, sheet: Any, limits: FileLimits) -> Iterator[RawRow]:
    for index in range(sheet.nrows):
        cells = [_xls_value(book, cell) for cell in sheet.row(index)]
        for column, value in enumerate(cells):
            if isinstance(value, str) and len(value) > limits.max_cell_chars:
                raise FileProblem(
                    "CELL_TOO_LONG",
                    f"单元格有 {len(value):,} 个字符，超过上限 {limits.max_cell_chars:,}",
                    f"a cell of {len(value):,} characters, over the limit of "
                    f"{limits.max_cell_chars:,}",
                    row=index + 1,
                    sheet=sheet.name,
                    column=column_letter(column),
                )
        yield RawRow(index + 1, cells)


def _xls_value(book: Any, cell: Any) -> Any:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            parts = xlrd.xldate_as_tuple(cell.value, book.datemode)
        except xlrd.xldate.XLDateError:
            return cell.value  # no date Excel would show (negative, before March 1900): the serial
        if parts[:3] == (0, 0, 0):
            return time(*parts[3:])  # a time-only cell (`14:30`), as openpyxl reads it
        return datetime(*parts)
    if cell.ctype == xlrd.XL_CELL_ERROR:  # xlrd gives the error's code (42); openpyxl its text
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    if cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer():
        value = int(cell.value)
        return float(cell.value) if abs(value) >= 10**15 else value
    return cell.value
