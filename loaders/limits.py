"""What a roster file may cost before it is refused, and the guarded zip that enforces it.

A roster is read by one process that also validates and writes, so a hostile or broken file
must not be able to take the machine's memory or an afternoon: every limit below is checked
before the work it bounds is done, and refused with a one-line `FileProblem` naming the file
and the limit. An `.xlsx` is a zip of XML: its members' sizes are checked as declared in the
central directory, and again while they are inflated (a declared size can lie), and nothing of
it is read by a parser that holds more than one row, one shared-strings table or one small part
in memory (`loaders.xlsx`). Each default keeps the loader within 512 MiB; docs/loading.md
lists them with the peak memory measured for each kind of hostile file.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from loaders.errors import FileProblem

MiB = 1 << 20
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
EXCEL_MAX_CELL_CHARS = 32_767
"""Excel's own limits: a sheet's rows and columns, and the characters a cell holds."""


@dataclass(frozen=True)
class FileLimits:
    """The limits of one roster file (`LoadOptions.limits`)."""

    max_file_bytes: int = 100 * MiB
    """The file as it is on disk, whatever its format."""
    max_unzipped_bytes: int = 512 * MiB
    """An xlsx's members inflated, together and each (declared and counted while inflating)."""
    max_part_bytes: int = 64 * MiB
    """An xlsx part read whole rather than row by row: the shared strings, styles, workbook."""
    max_ratio: int = 200
    """Inflated / compressed size of an xlsx member larger than 1 MiB (rosters are ~10)."""
    max_members: int = 10_000
    """Members of an xlsx (a workbook has a dozen or so)."""
    max_cell_chars: int = EXCEL_MAX_CELL_CHARS
    """Characters in one cell: Excel's own limit."""
    max_line_bytes: int = 1 * MiB
    """Bytes in one line of a CSV file."""
    max_rows: int = 500_000
    """Rows holding data, per sheet."""
    max_columns: int = 1_024
    """The last column holding data, per sheet."""
    max_merged_ranges: int = 100_000
    """Merged ranges per sheet."""


def _bytes(count: int) -> str:
    return f"{count / MiB:,.0f} MiB" if count >= MiB else f"{count:,} bytes"


def check_file_size(path: Path, limits: FileLimits) -> int:
    """The file's size in bytes, or a refusal when it is over `max_file_bytes`."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise FileProblem(
            "FILE_TOO_LARGE",
            f"文件有 {_bytes(size)}，超过上限 {_bytes(limits.max_file_bytes)}（请拆分后分别导入）",
            f"the file is {_bytes(size)}, over the limit of {_bytes(limits.max_file_bytes)} "
            "(split it and load the parts)",
        )
    return size


# --- zip ------------------------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_CENTRAL_ENTRY_BYTES = 256
"""Generous bytes per central-directory entry (46 + an xlsx member's short name)."""
_RATIO_FLOOR = 1 * MiB


def _unreadable(what: str, error: BaseException | str) -> FileProblem:
    return FileProblem(
        "FILE_UNREADABLE",
        f"无法读取 xlsx 文件（{what}）：{error}",
        f"cannot read the xlsx file ({what}): {error}",
    )


def _central_directory(path: Path) -> tuple[int, int]:
    """(entries, bytes) of a zip's central directory, from its end record, read before
    `zipfile` parses (and keeps in memory) every entry."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        start = max(0, size - (22 + 0xFFFF))
        handle.seek(start)
        tail = handle.read()
        at = tail.rfind(_EOCD)
        if at < 0 or len(tail) - at < 22:
            raise _unreadable("zip", "no end of central directory record")
        entries, cd_bytes = struct.unpack("<HI", tail[at + 10 : at + 16])
        locator = at - 20
        zip64 = entries == 0xFFFF or cd_bytes == 0xFFFFFFFF
        if zip64 and locator >= 0 and tail[locator : locator + 4] == _EOCD64_LOCATOR:
            (offset,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
            handle.seek(offset)
            record = handle.read(56)
            if len(record) == 56:
                entries, cd_bytes = struct.unpack("<QQ", record[32:48])
    return entries, cd_bytes


def _refuse_size(member: str, size: int, limit: int, what_zh: str, what_en: str) -> FileProblem:
    return FileProblem(
        "UNZIPPED_TOO_LARGE",
        f"xlsx 中的 {member} 解压后有 {_bytes(size)}，超过{what_zh}上限 {_bytes(limit)}",
        f"{member} inside the xlsx inflates to {_bytes(size)}, over the {what_en} limit of "
        f"{_bytes(limit)} (a zip bomb, or a workbook too big to load at once)",
    )


class GuardedZip:
    """A zip archive whose members are inflated only within `FileLimits`.

    Opening it checks the central directory (members, declared sizes and ratios); `open`
    counts the bytes of a member as they are inflated and stops at its limit."""

    def __init__(self, path: Path, limits: FileLimits) -> None:
        self.path = path
        self.limits = limits
        entries, cd_bytes = _central_directory(path)
        if entries > limits.max_members or cd_bytes > limits.max_members * _CENTRAL_ENTRY_BYTES:
            raise FileProblem(
                "ZIP_MEMBERS",
                f"xlsx 中的文件数超过上限 {limits.max_members:,} 个（正常的工作簿只有几十个）",
                f"the xlsx holds more members than the limit of {limits.max_members:,} "
                "(a workbook has a few dozen)",
            )
        try:
            with zipfile.ZipFile(path) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise _unreadable("zip", error) from None
        total = 0
        for info in infos:
            size = info.file_size
            if size > limits.max_unzipped_bytes:
                raise _refuse_size(
                    info.filename, size, limits.max_unzipped_bytes, "单个成员", "member"
                )
            total += size
            if size > _RATIO_FLOOR and size > limits.max_ratio * max(info.compress_size, 1):
                ratio = size // max(info.compress_size, 1)
                raise FileProblem(
                    "ZIP_RATIO",
                    f"xlsx 中的 {info.filename} 压缩比为 {ratio:,}:1，超过上限 "
                    f"{limits.max_ratio}:1（疑似压缩炸弹）",
                    f"{info.filename} inside the xlsx is compressed {ratio:,}:1, over the "
                    f"limit of {limits.max_ratio}:1 (a zip bomb?)",
                )
        if total > limits.max_unzipped_bytes:
            raise _refuse_size("(all members)", total, limits.max_unzipped_bytes, "总", "total")
        self.names = {info.filename for info in infos}
        self.sizes = {info.filename: info.file_size for info in infos}
        self._folded = {name.lower(): name for name in self.names}

    def find(self, name: str) -> str | None:
        """The member called `name`, matched without case if need be (some writers differ)."""
        if name in self.names:
            return name
        return self._folded.get(name.lower())

    @contextmanager
    def open(self, member: str, part: bool = False) -> Iterator[IO[bytes]]:
        """A member's inflated stream, refused past `max_part_bytes` when it is read whole
        (`part`), else past `max_unzipped_bytes`."""
        limit = self.limits.max_part_bytes if part else self.limits.max_unzipped_bytes
        label = ("部件", "part") if part else ("单个成员", "member")
        declared = self.sizes.get(member, 0)
        if declared > limit:
            raise _refuse_size(member, declared, limit, *label)
        archive = zipfile.ZipFile(self.path)
        try:
            raw = archive.open(member)
        except RuntimeError as error:  # zip-level encryption: "password required"
            archive.close()
            raise FileProblem(
                "ENCRYPTED",
                "xlsx 文件已加密（请去掉密码后另存再导入）",
                "the xlsx file is encrypted (remove the password, save it, then load it)",
            ) from error
        except (zipfile.BadZipFile, KeyError, OSError, NotImplementedError) as error:
            archive.close()
            raise _unreadable(member, error) from None
        try:
            yield _Counted(raw, member, limit, label)  # type: ignore[misc]
        finally:
            raw.close()
            archive.close()


class _Counted:
    """An inflating stream that refuses to give more than `limit` bytes."""

    def __init__(self, raw: IO[bytes], member: str, limit: int, label: tuple[str, str]) -> None:
        self.raw, self.member, self.limit, self.label = raw, member, limit, label
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        try:
            data = self.raw.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise _unreadable(self.member, error) from None
        self.count += len(data)
        if self.count > self.limit:
            raise _refuse_size(self.member, self.count, self.limit, *self.label)
        return data
