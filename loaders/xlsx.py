"""Streaming `.xlsx` reading on expat, within `FileLimits`.

A worksheet's rows come out of its XML as it is inflated, one row in memory at a time. The
sheet's declared `<dimension>` is never read: writers understate it, overstate it or leave it
out, and rows past it are rows all the same. The shared-strings table is the one thing held
whole (it is under `max_part_bytes`). Values are what openpyxl reads with `data_only=True` (a
formula's cached value; a number as a date when its cell's number format is one), except that:

- a formula cell without a cached value is reported in `RawRow.formulas`, never read as empty;
- `_xHHHH_` escapes (how OOXML writes characters XML cannot hold, control characters among
  them) are decoded, so what they hide is checked like any other character;
- a cell longer than `max_cell_chars`, a row number past Excel's last row, data past
  `max_columns`, more than `max_rows` rows of data, or a DTD (no workbook part has one; an
  entity-expansion bomb needs one) are refused as they are met, naming the cell.
"""

from __future__ import annotations

import posixpath
import re
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601

from loaders.errors import FileProblem
from loaders.headers import column_letter
from loaders.limits import EXCEL_MAX_ROWS, FileLimits, GuardedZip
from loaders.readers import RawRow

CHUNK = 1 << 16
MergedRange = tuple[int, int, int, int]
"""(first row, last row, first column, last column): rows 1-based, columns 0-based."""

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_LETTERS = re.compile(r"[A-Z]{1,3}")
_MERGE = re.compile(
    rb'<(?:\w{1,32}:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"'
)
_ROW_TAG = re.compile(rb"<(?:\w{1,32}:)?row[\s/>]")
_CELL_TAG = re.compile(rb"<(?:\w{1,32}:)?c[\s/>]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_OVERLAP = 200
"""Bytes kept between two chunks of a scan: longer than anything the scan looks for."""


def unescape(text: str) -> str:
    """Decode OOXML's `_xHHHH_` escapes (`_x0000_` is NUL, `_x005F_` a literal underscore)."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


def column_index(letters: str) -> int:
    """`A` → 0, `AB` → 27."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _local(name: str) -> str:
    return name.rpartition(":")[2] if ":" in name else name


def _no_dtd(*_: Any) -> None:
    raise FileProblem(
        "XML_DTD",
        "xlsx 中含有 DTD（正常的工作簿没有，疑似实体膨胀攻击）",
        "a part of the xlsx declares a DTD (no workbook does; an entity-expansion attack?)",
    )


def _parser(
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    chars: Callable[[str], None] | None = None,
) -> Any:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if chars is not None:
        parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    return parser


def _feed(parser: Any, stream: IO[bytes], member: str) -> Iterator[None]:
    """Parse `stream` chunk by chunk, pausing after each chunk."""
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
        yield
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code)
        raise FileProblem(
            "FILE_UNREADABLE",
            f"xlsx 中的 {member} 不是合法的 XML（{reason}，第 {error.lineno} 行）",
            f"{member} inside the xlsx is not well-formed XML ({reason}, line {error.lineno})",
        ) from None


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _resolve(part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def _not_a_workbook(what: str) -> FileProblem:
    return FileProblem(
        "FILE_FORMAT",
        f"文件是 zip 压缩包，但不是 Excel 工作簿（{what}）",
        f"the file is a zip archive but not an Excel workbook ({what})",
    )


class Workbook:
    """An `.xlsx` (or `.xlsm`) file: its worksheets and what their cells need to be read."""

    def __init__(self, path: Path, limits: FileLimits) -> None:
        self.path = path
        self.limits = limits
        self.zip = GuardedZip(path, limits)
        part = "xl/workbook.xml"
        for kind, target in self._relationships("_rels/.rels").values():
            if kind.endswith("/officeDocument"):
                part = _resolve("", target)
        member = self.zip.find(part)
        if member is None:
            raise _not_a_workbook(f"no {part}")
        relations = self._relationships(_rels_of(member))
        names: list[tuple[str, str]] = []
        date1904 = False

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal date1904
            local = _local(name)
            if local == "sheet":
                rid = next((v for k, v in attrs.items() if k == "id" or k.endswith(":id")), "")
                names.append((attrs.get("name", ""), rid))
            elif local == "workbookPr":
                date1904 = attrs.get("date1904", "").lower() in ("1", "true")

        self._parse(member, start)
        self.sheets: list[tuple[str, str]] = []
        """(title, member) of each worksheet, in the workbook's order (chart sheets left out)."""
        for title, rid in names:
            kind, target = relations.get(rid, ("", ""))
            found = self.zip.find(_resolve(member, target)) if target else None
            if kind.endswith("/worksheet") and found is not None:
                self.sheets.append((title, found))
        self.epoch = CALENDAR_MAC_1904 if date1904 else WINDOWS_EPOCH
        self._strings_part = self._styles_part = None
        for kind, target in relations.values():
            if kind.endswith("/sharedStrings"):
                self._strings_part = self.zip.find(_resolve(member, target))
            elif kind.endswith("/styles"):
                self._styles_part = self.zip.find(_resolve(member, target))
        self.date_styles, self.timedelta_styles = self._styles()
        self._strings: SharedStrings | None = None
        self._oversized: dict[int, int] = {}

    # --- parts read whole ------------------------------------------------------------------

    def _parse(
        self,
        member: str,
        start: Callable[[str, dict[str, str]], None],
        end: Callable[[str], None] | None = None,
        chars: Callable[[str], None] | None = None,
    ) -> None:
        parser = _parser(start, end, chars)
        with self.zip.open(member, part=True) as stream:
            for _ in _feed(parser, stream, member):
                pass

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        member = self.zip.find(part)
        found: dict[str, tuple[str, str]] = {}
        if member is None:
            return found

        def start(name: str, attrs: dict[str, str]) -> None:
            if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
                found[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

        self._parse(member, start)
        return found

    def _styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """The cell styles (indexes into cellXfs) whose number format is a date, a duration."""
        if self._styles_part is None:
            return frozenset(), frozenset()
        custom: dict[int, str] = {}
        formats: list[int] = []
        depth = 0

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal depth
            local = _local(name)
            try:
                if local == "numFmt":
                    custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
                elif local == "cellXfs":
                    depth += 1
                elif local == "xf" and depth:
                    formats.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                raise _unreadable_part(self._styles_part or "", "numFmtId") from None

        def end(name: str) -> None:
            nonlocal depth
            if _local(name) == "cellXfs":
                depth -= 1

        self._parse(self._styles_part, start, end)
        dates, durations = set(), set()
        for index, number in enumerate(formats):
            code = custom.get(number) or BUILTIN_FORMATS.get(number)
            if is_date_format(code):
                dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
        return frozenset(dates), frozenset(durations)

    def strings(self) -> SharedStrings:
        """The shared strings (read once). A string over `max_cell_chars` is kept empty and
        remembered, so the first cell that uses it is refused by name."""
        if self._strings is not None:
            return self._strings
        strings = SharedStrings()
        if self._strings_part is None:
            self._strings = strings
            return strings
        cap = self.limits.max_cell_chars
        raw_cap = 8 * cap  # `_xHHHH_` escapes take 7 characters for 1
        pieces: list[str] = []
        length = phonetic = 0
        collect = False

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal length, collect, phonetic
            local = _local(name)
            if local == "si":
                pieces.clear()
                length = 0
            elif local == "rPh":
                phonetic += 1
            elif local == "t" and not phonetic:
                collect = True

        def chars(data: str) -> None:
            nonlocal length
            if collect:
                length += len(data)
                if length <= raw_cap:
                    pieces.append(data)

        def end(name: str) -> None:
            nonlocal collect, phonetic
            local = _local(name)
            if local == "t":
                collect = False
            elif local == "rPh":
                phonetic -= 1
            elif local == "si":
                text = unescape("".join(pieces)) if length <= raw_cap else ""
                if length > raw_cap or len(text) > cap:
                    self._oversized[len(strings)] = max(len(text), length)
                    text = ""
                strings.append(text)
                pieces.clear()

        self._parse(self._strings_part, start, end, chars)
        self._strings = strings
        return strings

    # --- worksheets ------------------------------------------------------------------------

    def scan(self, member: str) -> tuple[list[MergedRange], int]:
        """A worksheet's merged ranges and a bound on its rows, in one pass over the bytes.

        The bound is the number of `<row` tags before the last `<c` (cell) tag of the XML:
        every row with a value has both, so the bound cannot be low; the formatted but empty
        rows after the last cell (a whole column formatted) do not count, and `rows` stops
        reading there."""
        ranges: list[MergedRange] = []
        rows = cell_rows = 0
        last_column = self.limits.max_columns - 1
        tail = b""
        with self.zip.open(member) as stream:
            while True:
                chunk = stream.read(1 << 20)
                data = tail + chunk
                cut = max(0, len(data) - _OVERLAP) if chunk else len(data)
                if _DTD.search(data):
                    _no_dtd()
                last_cell = _last_match(_CELL_TAG, data, cut)
                if last_cell >= 0:
                    cell_rows = rows + _count(_ROW_TAG, data, last_cell)
                rows += _count(_ROW_TAG, data, cut)
                for match in _MERGE.finditer(data):
                    if match.start() >= cut:
                        break
                    c1, r1, c2, r2 = match.groups()
                    first, last = column_index(c1.decode()), column_index(c2.decode())
                    if first > last_column:
                        continue
                    ranges.append(
                        (int(r1), min(int(r2), EXCEL_MAX_ROWS), first, min(last, last_column))
                    )
                    if len(ranges) > self.limits.max_merged_ranges:
                        raise FileProblem(
                            "TOO_MANY_MERGED",
                            f"工作表的合并单元格超过上限 {self.limits.max_merged_ranges:,} 个",
                            "the sheet has more merged ranges than the limit of "
                            f"{self.limits.max_merged_ranges:,}",
                        )
                if not chunk:
                    return ranges, cell_rows
                tail = data[cut:]

    def rows(self, member: str, title: str, stop: int | None = None) -> Iterator[RawRow]:
        """A worksheet's rows that hold something (a value, or a formula without one); with
        `stop` (the bound `scan` found), reading ends after that many row elements."""
        reader = _RowReader(self, title)
        parser = _parser(reader.start, reader.end, reader.chars)
        with self.zip.open(member) as stream:
            for _ in _feed(parser, stream, member):
                if reader.done:
                    done, reader.done = reader.done, []
                    yield from done
                if stop is not None and reader.ended >= stop:
                    return


def _last_match(pattern: re.Pattern[bytes], data: bytes, cut: int) -> int:
    """Where the last match of `pattern` starting before `cut` starts (-1: none), looking
    backwards in windows so a chunk is not matched through when its last match is near its
    end. A match may run past `cut` (the patterns are under 40 bytes)."""
    window = 1 << 16
    stop = cut
    while True:
        start = max(0, stop - window)
        found = -1
        for match in pattern.finditer(data, start, min(len(data), stop + 40)):
            if match.start() < stop:
                found = match.start()
        if found >= 0 or start == 0:
            return found
        stop = start


def _count(pattern: re.Pattern[bytes], data: bytes, cut: int) -> int:
    """Matches of `pattern` starting before `cut` (one may run past it)."""
    whole = len(pattern.findall(data, 0, cut))
    straddling = sum(
        1
        for match in pattern.finditer(data, max(0, cut - 40), min(len(data), cut + 40))
        if match.start() < cut < match.end()
    )
    return whole + straddling


class SharedStrings:
    """A workbook's shared strings, kept as one UTF-8 buffer and the offsets of its strings:
    a Python string per entry would cost ~60 bytes more each, over 200 MB for a table of
    a few million short strings. A string is decoded when a cell uses it."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("Q")

    def append(self, text: str) -> None:
        self._data += text.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._data[start : self._ends[index]].decode("utf-8", "surrogatepass")


def _unreadable_part(member: str, what: str) -> FileProblem:
    return FileProblem(
        "FILE_UNREADABLE",
        f"xlsx 中的 {member} 有无法识别的 {what}",
        f"{member} inside the xlsx has an unreadable {what}",
    )


class _RowReader:
    """expat callbacks that turn a worksheet's XML into `RawRow`s (collected in `done`)."""

    def __init__(self, book: Workbook, title: str) -> None:
        self.book = book
        self.title = title
        self.strings = book.strings()
        self.oversized = book._oversized
        self.dates, self.durations = book.date_styles, book.timedelta_styles
        limits = book.limits
        self.max_chars, self.raw_cap = limits.max_cell_chars, 8 * limits.max_cell_chars
        self.max_columns, self.max_rows = limits.max_columns, limits.max_rows
        self.done: list[RawRow] = []
        self.count = 0
        self.ended = 0
        """Row elements read to their end."""
        self.number = 0
        self.cells: list[Any] = []
        self.formulas: list[int] = []
        self.column = -1
        self.ref = ""
        self.kind = "n"
        self.style = 0
        self.pieces: list[str] = []
        self.length = 0
        self.collect = self.has_value = self.formula = self.inline = False
        self.phonetic = 0

    def _problem(self, code: str, zh: str, en: str) -> FileProblem:
        return FileProblem(
            code,
            f"单元格 {self.ref}：{zh}",
            f"cell {self.ref}: {en}",
            self.number,
            sheet=self.title,
            column=column_letter(self.column),
        )

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2] if ":" in name else name
        if local == "c":
            ref = attrs.get("r")
            if ref:
                letters = _LETTERS.match(ref)
                if letters is None:
                    self.ref = ref
                    raise self._problem("FILE_UNREADABLE", "单元格地址无法识别", "not a cell ref")
                self.column = column_index(letters.group())
                self.ref = ref
            else:
                self.column += 1
                self.ref = f"{column_letter(self.column)}{self.number}"
            self.kind = attrs.get("t", "n")
            style = attrs.get("s")
            self.style = int(style) if style and style.isdigit() else 0
            self.pieces = []
            self.length = 0
            self.has_value = self.formula = self.inline = False
        elif local == "v":
            self.collect = self.has_value = True
        elif local == "f":
            self.formula = True
        elif local == "is":
            self.inline = True
        elif local == "t":
            self.collect = self.inline and not self.phonetic
        elif local == "rPh":
            self.phonetic += 1
        elif local == "row":
            number = attrs.get("r")
            try:
                self.number = int(float(number)) if number else self.number + 1
            except ValueError:
                self.number = 0
            if not 1 <= self.number <= EXCEL_MAX_ROWS:
                raise FileProblem(
                    "FILE_UNREADABLE",
                    f"工作表中的行号 {number} 不在 1 到 {EXCEL_MAX_ROWS:,} 之间",
                    f"the sheet has a row numbered {number}, outside 1 to {EXCEL_MAX_ROWS:,}",
                    sheet=self.title,
                )
            self.cells = []
            self.formulas = []
            self.column = -1

    def chars(self, data: str) -> None:
        if self.collect:
            self.length += len(data)
            if self.length > self.raw_cap:
                raise self._too_long(self.length, exact=False)
            self.pieces.append(data)

    def _too_long(self, length: int, exact: bool = True) -> FileProblem:
        """A cell over the limit (`exact`: of `length` characters; else of more: it was not
        read to its end)."""
        zh, en = ("", "") if exact else ("超过", "more than ")
        return self._problem(
            "CELL_TOO_LONG",
            f"有{zh} {length:,} 个字符，超过上限 {self.max_chars:,}（Excel 单元格的上限）",
            f"{en}{length:,} characters, over the limit of {self.max_chars:,} (Excel's own "
            "for a cell)",
        )

    def end(self, name: str) -> None:
        local = name.rpartition(":")[2] if ":" in name else name
        if local in ("v", "t"):
            self.collect = False
        elif local == "c":
            self._cell()
        elif local == "row":
            self.ended += 1
            if self.cells or self.formulas:
                self.count += 1
                if self.count > self.max_rows:
                    raise FileProblem(
                        "TOO_MANY_ROWS",
                        f"工作表的数据行超过上限 {self.max_rows:,} 行（请拆分后分别导入）",
                        f"the sheet has more than {self.max_rows:,} rows of data, the limit "
                        "(split it and load the parts)",
                        self.number,
                        sheet=self.title,
                    )
                self.done.append(RawRow(self.number, self.cells, tuple(self.formulas)))
            self.cells = []
        elif local == "is":
            self.inline = False
        elif local == "rPh":
            self.phonetic -= 1

    def _cell(self) -> None:
        text = "".join(self.pieces)
        kind = self.kind
        value: Any = None
        try:
            if kind == "inlineStr":
                value = unescape(text) if text else None
            elif not text:
                value = None
            elif kind == "n":
                number = float(text) if "." in text or "e" in text or "E" in text else int(text)
                value = number
                if self.style in self.dates:
                    try:
                        value = from_excel(number, self.book.epoch, self.style in self.durations)
                    except (OverflowError, ValueError):
                        value = "#VALUE!"  # as openpyxl reads a date serial out of range
            elif kind == "s":
                index = int(text)
                if index in self.oversized:
                    raise self._too_long(self.oversized[index])
                if not 0 <= index < len(self.strings):
                    raise IndexError(index)
                value = self.strings[index]
            elif kind == "b":
                value = bool(int(text))
            elif kind == "d":
                value = from_ISO8601(text)
            else:  # "str" (a formula's text), "e" (an error such as #REF!)
                value = unescape(text)
        except (ValueError, IndexError, OverflowError):
            raise self._problem(
                "FILE_UNREADABLE",
                f"值 {text[:40]!r} 无法按类型 {kind} 读取",
                f"the value {text[:40]!r} cannot be read as type {kind}",
            ) from None
        if value is None or value == "":
            if self.formula:
                self.formulas.append(self.column)
            return
        if isinstance(value, str) and len(value) > self.max_chars:
            raise self._too_long(len(value))
        column = self.column
        if column >= self.max_columns:
            raise self._problem(
                "TOO_MANY_COLUMNS",
                f"数据超出了第 {self.max_columns:,} 列（上限）",
                f"data beyond column {self.max_columns:,}, the limit",
            )
        cells = self.cells
        if column >= len(cells):
            cells.extend([None] * (column + 1 - len(cells)))
        cells[column] = value
