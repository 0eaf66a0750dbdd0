"""Hostile and odd roster files, written byte by byte: xlsx parts with `zipfile` (a sheet's XML
as a raw string, so dimensions, formulas, escapes and bombs are exactly what a test says), an OLE
compound file for an encrypted workbook, CSV files in mixed encodings.

Shared by `tests/loaders/test_hostile_files.py` and `bench/hostile_files.py`.
"""

from __future__ import annotations

import random
import struct
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from html import escape
from pathlib import Path

from loaders.headers import column_letter
from tests.loaders.rosters import COMMUNITY, PEOPLE_HEADER, person_id_number

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
    '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{DOC_RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>'
)
"""Two cell styles: 0 general, 1 a date (`s="1"`)."""


class Raw(str):
    """A cell's XML after its `r`, as given: `Raw(' t="str"><f>A1</f><v>x</v>')`."""


def cell_xml(column: int, row: int, value: object) -> str:
    ref = f"{column_letter(column)}{row}"
    if value is None or value == "":
        return ""
    if isinstance(value, Raw):
        return f'<c r="{ref}"{value}</c>'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value), quote=False)}</t></is></c>'


def row_xml(number: int, cells: list[object]) -> str:
    body = "".join(cell_xml(i, number, v) for i, v in enumerate(cells))
    return f'<row r="{number}">{body}</row>'


def sheet_xml(
    rows: Iterable[str], dimension: str | None = "A1:J2", tail: str = ""
) -> Iterator[str]:
    """A worksheet's XML in pieces: `dimension` as declared (None: no `<dimension>`)."""
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
    if dimension is not None:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    yield from rows
    yield "</sheetData>"
    yield tail
    yield "</worksheet>"


def write_xlsx_parts(
    path: Path,
    sheet: Iterable[str],
    shared: Iterable[str] = (),
    extra: dict[str, bytes] | None = None,
    level: int = 6,
    strings_xml: str | None = None,
) -> Path:
    """A minimal workbook: one sheet (`花名册`) from XML pieces, shared strings (or the
    shared-strings part as given), styles."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            for piece in sheet:
                stream.write(piece.encode())
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as stream:
            if strings_xml is not None:
                stream.write(strings_xml.encode())
            else:
                stream.write(f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode())
                for text in shared:
                    stream.write(f"<si><t>{escape(text, quote=False)}</t></si>".encode())
                stream.write(b"</sst>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def people(count: int, first: int = 1) -> list[list[object]]:
    """`count` valid people rows (PEOPLE_HEADER without 序号), each with its own ID number."""
    rows: list[list[object]] = []
    for n in range(first, first + count):
        born = date(1960, 1, 1) + timedelta(days=n // 500)  # 500 ID numbers a day
        rows.append(
            [
                f"成员{n}（示例）",
                "女",
                f"{born:%Y-%m-%d}",
                person_id_number(n, born),
                "群众",
                f"{COMMUNITY}-001",
                "",
                f"199{n % 100_000_000:08d}",
                "2024-11-01",
            ]
        )
    return rows


HEADER = PEOPLE_HEADER[1:]
"""The people header without 序号: 姓名 (A) 性别 (B) 出生年月 (C) 身份证号 (D) 政治面貌 (E)
所属网格 (F) 网格职务 (G) 联系电话 (H) 任职时间 (I)."""


def people_xlsx(
    path: Path,
    rows: list[list[object]],
    dimension: str | None = "A1:I2",
    tail_rows: Iterable[str] = (),
) -> Path:
    """A people roster as raw sheet XML (inline strings), with the `<dimension>` given."""
    body = (row_xml(n, cells) for n, cells in enumerate([HEADER, *rows], start=1))
    return write_xlsx_parts(path, sheet_xml([*body, *tail_rows], dimension))


def formatted_empty_rows(first: int, last: int = 1_048_576) -> Iterator[str]:
    """Rows with a style and a height but no cell: what formatting a whole column leaves."""
    for number in range(first, last + 1):
        yield f'<row r="{number}" spans="1:9" s="1" customFormat="1" ht="15" customHeight="1"/>'


def shared_string_bomb(path: Path, size: int) -> Path:
    """A roster whose one shared string is `size` characters of one letter (~1,000:1)."""

    def pieces() -> Iterator[str]:
        yield from sheet_xml(
            [
                row_xml(1, HEADER),
                row_xml(2, [Raw(' t="s"><v>0</v>'), *people(1)[0][1:]]),
            ]
        )

    def shared() -> Iterator[str]:
        yield "A" * size

    return write_xlsx_parts(path, pieces(), shared(), level=9)


def random_text(size: int, seed: int = 7) -> str:
    """Text that does not compress much (a cell that is long, not a bomb)."""
    rng = random.Random(seed)
    return "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=size))


def set_declared_size(path: Path, member: str, size: int) -> None:
    """Make the central directory say `member` inflates to `size` bytes (a lie)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = data.rfind(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if data[at + 46 : at + 46 + length] == name:
            extra = struct.unpack("<H", data[at + 30 : at + 32])[0]
            if data[at + 24 : at + 28] == b"\xff\xff\xff\xff":  # zip64: the size is in extra
                start = at + 46 + length
                field = data[start : start + extra]
                assert field[:2] == b"\x01\x00"
                data[start + 4 : start + 12] = struct.pack("<Q", size)
            else:
                data[at + 24 : at + 28] = struct.pack("<I", size)
            path.write_bytes(bytes(data))
            return
        at = data.rfind(b"PK\x01\x02", 0, at)
    raise AssertionError(f"{member} not in {path}")


# --- OLE compound files -----------------------------------------------------------------------

SECTOR = 512
FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _dir_entry(
    name: str, kind: int, start: int, size: int, child: int = -1, right: int = -1
) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    entry = encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
    entry += struct.pack("<iii", -1, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
    entry += struct.pack("<iI", start, size) + b"\0" * 4
    assert len(entry) == 128
    return entry


def ole_file(path: Path, streams: dict[str, bytes]) -> Path:
    """A version-3 OLE compound file holding `streams` (each padded to >= 4,096 bytes, so all
    live in regular sectors and no mini stream is needed)."""
    sectors: list[bytes] = []
    chains: list[tuple[str, int, int]] = []
    for name, data in streams.items():
        data = data.ljust(4096, b"\0")
        start = len(sectors) + 2  # sector 0: the FAT, sector 1: the directory
        for offset in range(0, len(data), SECTOR):
            sectors.append(data[offset : offset + SECTOR].ljust(SECTOR, b"\0"))
        chains.append((name, start, len(data)))
    fat = [FAT_SECTOR, END]
    for _, start, size in chains:
        count = -(-size // SECTOR)
        fat += [start + i + 1 for i in range(count - 1)] + [END]
    assert len(fat) <= SECTOR // 4
    fat += [FREE] * (SECTOR // 4 - len(fat))
    entries = [_dir_entry("Root Entry", 5, -2, 0, child=1)]
    for index, (name, start, size) in enumerate(chains, start=1):
        right = index + 1 if index < len(chains) else -1
        entries.append(_dir_entry(name, 2, start, size, right=right))
    directory = b"".join(entries).ljust(SECTOR * -(-len(entries) * 128 // SECTOR), b"\0")
    assert len(directory) == SECTOR
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIII", 0, 1, 1, 0, 4096, END, 0, END) + struct.pack("<I", 0)
    header += struct.pack("<I", 0) + struct.pack("<I", FREE) * 108
    assert len(header) == SECTOR
    path.write_bytes(header + struct.pack(f"<{SECTOR // 4}I", *fat) + directory + b"".join(sectors))
    return path


def encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a workbook with an open password: an OLE file whose
    EncryptedPackage stream holds the (encrypted) zip, described by EncryptionInfo."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version='1.0'?><encryption/>"
    package = struct.pack("<Q", 8192) + random.Random(3).randbytes(8192)
    return ole_file(
        path,
        {
            "\x06DataSpaces": b"",
            "EncryptionInfo": info,
            "EncryptedPackage": package,
        },
    )


# --- CSV ----------------------------------------------------------------------------------------


def csv_lines(rows: list[list[object]]) -> list[str]:
    return [",".join("" if c is None else str(c) for c in row) + "\r\n" for row in rows]


def mixed_csv(path: Path, first: str, second: str, bom: bool = False) -> Path:
    """Ten people: the header and the first five in `first`, the last five in `second`."""
    rows = [[f"杨帆{n}（示例）", *r[1:]] for n, r in enumerate(people(10), start=1)]
    lines = csv_lines([HEADER, *rows])
    data = b"\xef\xbb\xbf" if bom else b""
    data += "".join(lines[:6]).encode(first) + "".join(lines[6:]).encode(second)
    path.write_bytes(data)
    return path
