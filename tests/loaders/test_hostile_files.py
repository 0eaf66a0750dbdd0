"""Hostile and odd roster files, each generated here: every one is loaded correctly or refused
with a one-line reason (no traceback), exit status 1 and nothing written.

Row counts that lie (`<dimension>`), mixed encodings, zip bombs and oversized cells or lines,
encrypted and misnamed workbooks, duplicate headings, control characters, formulas without a
cached value, and the driver's own log lines in the loader's output.
"""

from __future__ import annotations

import codecs
import socket
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from pathlib import Path

import pytest
from neo4j import Driver
from openpyxl import Workbook
from typer.testing import CliRunner

import commands.load
import loaders.pipeline
import loaders.readers
from core.identity import identity_key
from core.settings import Settings
from loaders.errors import LoadRefused
from loaders.limits import FileLimits
from loaders.pipeline import LoadOptions, LoadResult, load_files
from loaders.readers import open_sheets
from main import _build_cli
from tests.loaders.hostile import (
    HEADER,
    Raw,
    csv_lines,
    encrypted_xlsx,
    formatted_empty_rows,
    mixed_csv,
    people,
    people_xlsx,
    random_text,
    row_xml,
    set_declared_size,
    shared_string_bomb,
    sheet_xml,
    write_xlsx_parts,
)
from tests.loaders.rosters import dump_graph, write_base, write_csv, write_xls

COUNT_LOADS = "MATCH (l:Load) RETURN count(l) AS loads"
GET_NAMES = "MATCH (p:Person) RETURN p.name AS name, p.idNumberHash AS id, p.phone AS phone"
LOAD_STATUS = "MATCH (l:Load {id: $id}) RETURN l.status AS status, l.rows AS rows"


def _load(driver: Driver, settings: Settings, paths: list[Path], **options: object) -> LoadResult:
    values: dict[str, object] = {"as_of": date(2025, 1, 1), "by": "test", **options}
    identity = identity_key(settings, driver)
    return load_files(
        driver,
        settings.neo4j_database,
        paths,
        LoadOptions(**values),  # type: ignore[arg-type]
        identity=identity,
    )


def _names(driver: Driver, settings: Settings) -> dict[str, dict]:
    found = driver.execute_query(GET_NAMES, database_=settings.neo4j_database)[0]
    return {r["name"]: r.data() for r in found}


def _state(driver: Driver, settings: Settings) -> tuple[object, int]:
    loads = driver.execute_query(COUNT_LOADS, database_=settings.neo4j_database)[0][0]["loads"]
    return dump_graph(driver, settings), loads


@pytest.fixture
def base(tmp_path: Path, empty_graph: Driver, settings: Settings) -> Path:
    """Areas and grids loaded, so the people rosters below are valid but for what they test."""
    _load(empty_graph, settings, write_base(tmp_path))
    return tmp_path


@pytest.fixture
def refused(cli: Callable, empty_graph: Driver, settings: Settings) -> Callable[..., list[str]]:
    """`refused(path, *args)`: `gridgraph load` exits 1 without a traceback, writes nothing,
    and prints one line per problem plus the closing line; the problem lines are returned."""

    def run(path: Path, *args: str) -> list[str]:
        before = _state(empty_graph, settings)
        result = cli("load", str(path), *args)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines[-1].endswith("nothing was written."), lines
        assert _state(empty_graph, settings) == before
        return lines[:-1]

    return run


# --- 2. row counts that lie ------------------------------------------------------------------


def test_understated_dimension_loses_no_row_and_switches_to_batches(
    base: Path, empty_graph: Driver, settings: Settings
) -> None:
    """30,000 rows declared as A1:I2: every row is loaded, in batched mode (over 25,000)."""
    path = people_xlsx(base / "people.xlsx", people(30_000), dimension="A1:I2")
    [sheet] = open_sheets(path)
    assert sum(1 for _ in sheet.rows()) == 30_001 and sheet.row_bound == 30_001
    [result] = _load(empty_graph, settings, [path]).files
    assert (result.rows, result.streamed) == (30_000, False)
    [status] = empty_graph.execute_query(LOAD_STATUS, id=result.load_id)[0]
    assert (status["status"], status["rows"]) == ("COMPLETE", 30_000)
    assert len(_names(empty_graph, settings)) == 30_000


@pytest.mark.parametrize("dimension", ["A1:I2", "A1:XFD1048576", None])
def test_declared_dimension_decides_nothing(
    base: Path, empty_graph: Driver, settings: Settings, dimension: str | None
) -> None:
    """Understated, overstated or missing: the rows are counted, and a small sheet is written
    in one pass while it is validated, a larger one in batches."""
    path = people_xlsx(base / "people.xlsx", people(40), dimension=dimension)
    [small] = _load(empty_graph, settings, [path], tx_rows=50).files
    assert (small.rows, small.streamed) == (40, True)
    bigger = people_xlsx(base / "bigger.xlsx", people(60, first=41), dimension=dimension)
    [big] = _load(empty_graph, settings, [bigger], tx_rows=50, batch_rows=20).files
    assert (big.rows, big.streamed) == (60, False)
    assert len(_names(empty_graph, settings)) == 100


def test_more_rows_than_the_bound_fall_back_to_batches(
    base: Path, empty_graph: Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If a sheet's bound were wrong, the one-pass write stops when the rows read pass it,
    and the file is validated and written in batches instead: no row lost, no transaction
    bigger than `tx_rows`."""
    path = write_csv(base / "people.csv", [HEADER, *people(12)], "utf-8")
    monkeypatch.setattr(loaders.readers, "_line_count", lambda _: 2)
    [result] = _load(empty_graph, settings, [path], tx_rows=5, batch_rows=2).files
    assert (result.rows, result.streamed) == (12, False)
    [status] = empty_graph.execute_query(LOAD_STATUS, id=result.load_id)[0]
    assert status["status"] == "COMPLETE" and len(_names(empty_graph, settings)) == 12


# --- 3. encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "bom"),
    [("gbk", "utf-8", False), ("utf-8", "gbk", False), ("utf-8", "gbk", True)],
    ids=["gbk-then-utf8", "utf8-then-gbk", "bom-utf8-then-gbk"],
)
def test_mixed_encodings_are_refused_at_the_first_row_that_differs(
    base: Path, empty_graph: Driver, settings: Settings, first: str, second: str, bom: bool
) -> None:
    path = mixed_csv(base / "people.csv", first, second, bom)
    before = _state(empty_graph, settings)
    with pytest.raises(LoadRefused) as refused:
        _load(empty_graph, settings, [path])
    [problem] = refused.value.problems
    assert (problem.code, problem.row, problem.file) == ("ENCODING_MIXED", 7, "people.csv")
    assert "row 7" in problem.en and "mixes encodings" in problem.en
    assert _state(empty_graph, settings) == before


@pytest.mark.parametrize(
    ("encoding", "names"),
    [
        ("gb18030", ["刘𠀀（示例）", "张㐀（示例）"]),  # 4-byte GB18030 sequences
        ("utf-16", ["杨帆（示例）", "李红（示例）"]),  # with its BOM
        ("gbk", ["杨帆（示例）", "女（示例）"]),
    ],
)
def test_one_encoding_throughout_loads_exactly(
    base: Path, empty_graph: Driver, settings: Settings, encoding: str, names: list[str]
) -> None:
    rows = [[name, *row[1:]] for name, row in zip(names, people(2), strict=True)]
    path = base / "people.csv"
    path.write_bytes("".join(csv_lines([HEADER, *rows])).encode(encoding))
    assert open_sheets(path)[0].encoding in {encoding, "gb18030", "utf-16"}
    _load(empty_graph, settings, [path])
    assert sorted(_names(empty_graph, settings)) == sorted(names)


# --- 9, 10. bombs and oversized cells ----------------------------------------------------


def test_zip_bomb_is_refused_before_it_is_inflated(base: Path, refused: Callable) -> None:
    """One shared string of 100 MB (compressed ~1,000:1) is refused from the zip's directory."""
    path = shared_string_bomb(base / "bomb.xlsx", 100 << 20)
    assert path.stat().st_size < 1 << 20
    started = time.monotonic()
    [line] = refused(path)
    assert time.monotonic() - started < 10
    assert line.startswith("bomb.xlsx: ") and "sharedStrings.xml" in line and "200:1" in line


def test_a_declared_size_that_lies_is_caught_while_inflating(base: Path, refused: Callable) -> None:
    path = people_xlsx(base / "liar.xlsx", people(2000))
    set_declared_size(path, "xl/worksheets/sheet1.xml", 10_000)
    [line] = refused(path)
    assert "cannot read the xlsx file" in line and "sheet1.xml" in line


@pytest.mark.parametrize("where", ["inline", "shared"])
def test_a_10_mb_cell_is_refused_naming_the_cell(base: Path, refused: Callable, where: str) -> None:
    big = random_text(10 << 20)
    rows = [row_xml(1, HEADER), row_xml(2, people(1)[0])]
    if where == "inline":
        rows.append(row_xml(3, [*people(1, first=2)[0][:7], big]))
        shared: list[str] = []
    else:
        rows.append(row_xml(3, [*people(1, first=2)[0][:7], Raw(' t="s"><v>0</v>')]))
        shared = [big]
    path = write_xlsx_parts(base / "long.xlsx", sheet_xml(rows), shared)
    [line] = refused(path)
    assert line.startswith("long.xlsx [花名册] row 3, H: ")
    assert "cell H3: " in line and "characters, over the limit of 32,767" in line
    if where == "shared":  # read whole: its length is known
        assert "10,485,760 characters" in line


@pytest.mark.parametrize("shape", ["line", "quoted"])
def test_a_10_mb_csv_line_or_cell_is_refused(base: Path, refused: Callable, shape: str) -> None:
    lines = csv_lines([HEADER, *people(3)])
    if shape == "line":
        lines.insert(2, "x" * (10 << 20) + "\r\n")
        reason = "row 3 is longer than the limit of 1,048,576 bytes"
    else:
        lines.insert(2, '"' + ("y" * 99 + "\n") * 100_000 + '",女\r\n')
        reason = "row 3 cannot be read as CSV: field larger than field limit"
    path = base / "long.csv"
    path.write_bytes("".join(lines).encode("utf-8"))
    [line] = refused(path)
    assert line.startswith("long.csv row 3: ") and reason in line


def test_a_cell_over_excels_limit_is_refused_in_csv(base: Path, refused: Callable) -> None:
    row = [*people(1)[0][:8], "z" * 40_000]
    csv_path = write_csv(base / "cell.csv", [HEADER, row], "utf-8")
    [line] = refused(csv_path)
    assert "row 2, I" in line and "a cell of 40,000 characters, over the limit of 32,767" in line


def test_a_million_formatted_empty_rows_load_quickly(
    base: Path, empty_graph: Driver, settings: Settings
) -> None:
    path = people_xlsx(
        base / "formatted.xlsx",
        people(3),
        dimension="A1:I1048576",
        tail_rows=formatted_empty_rows(5),
    )
    started = time.monotonic()
    [result] = _load(empty_graph, settings, [path]).files
    assert result.rows == 3 and time.monotonic() - started < 60


@pytest.mark.parametrize(
    ("limits", "code"),
    [
        (FileLimits(max_file_bytes=10_000), "FILE_TOO_LARGE"),
        (FileLimits(max_rows=100), "TOO_MANY_ROWS"),
        (FileLimits(max_columns=5), "TOO_MANY_COLUMNS"),
        (FileLimits(max_members=10), "ZIP_MEMBERS"),
        (FileLimits(max_part_bytes=1000), "UNZIPPED_TOO_LARGE"),
        (FileLimits(max_unzipped_bytes=10_000), "UNZIPPED_TOO_LARGE"),
    ],
)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_limits_refuse_early_naming_the_limit(
    base: Path, empty_graph: Driver, settings: Settings, limits: FileLimits, code: str, fmt: str
) -> None:
    rows = people(150)
    if fmt == "xlsx":
        extra = {f"xl/media/image{n}.png": b"" for n in range(20)}
        path = write_xlsx_parts(
            base / "people.xlsx",
            sheet_xml(row_xml(n, r) for n, r in enumerate([HEADER, *rows], start=1)),
            ["x" * 2000],
            extra,
        )
    else:
        if code in ("ZIP_MEMBERS", "UNZIPPED_TOO_LARGE"):
            pytest.skip("an xlsx limit")
        path = write_csv(base / "people.csv", [HEADER, *rows], "utf-8")
    before = _state(empty_graph, settings)
    with pytest.raises(LoadRefused) as refused:
        _load(empty_graph, settings, [path], limits=limits)
    [problem] = refused.value.problems
    assert problem.code == code and "limit" in problem.en
    assert _state(empty_graph, settings) == before


def test_skip_invalid_still_exits_1_when_a_file_is_refused_whole(
    base: Path, empty_graph: Driver, settings: Settings, cli: Callable
) -> None:
    good = write_csv(base / "good.csv", [HEADER, *people(2)], "utf-8")
    bomb = shared_string_bomb(base / "bomb.xlsx", 10 << 20)
    result = cli("load", str(good), str(bomb), "--skip-invalid")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "1 file(s) refused, nothing of them was written: bomb.xlsx" in result.stderr
    assert "invalid row(s) skipped" not in result.stderr
    assert len(_names(empty_graph, settings)) == 2


def test_entity_expansion_is_refused(base: Path, refused: Callable) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        "<sst><si><t>&c;</t></si></sst>"
    )
    rows = [row_xml(n, r) for n, r in enumerate([HEADER, *people(2)], start=1)]
    path = write_xlsx_parts(base / "laughs.xlsx", sheet_xml(rows), strings_xml=laughs)
    [line] = refused(path)
    assert "declares a DTD" in line


# --- 11. encrypted, misnamed, duplicate headings, control characters, formulas ---------------


def test_an_encrypted_workbook_is_reported_as_encrypted(base: Path, refused: Callable) -> None:
    path = encrypted_xlsx(base / "locked.xlsx")
    [line] = refused(path)
    assert line.startswith("locked.xlsx: ") and "password-protected (encrypted)" in line


@pytest.mark.parametrize(
    ("real", "named"), [("xlsx", ".xls"), ("xls", ".xlsx"), ("csv", ".xlsx"), ("xlsx", ".csv")]
)
def test_the_content_decides_the_format_not_the_name(
    base: Path, empty_graph: Driver, settings: Settings, real: str, named: str
) -> None:
    rows = people(3)
    path = base / f"people{named}"
    if real == "xlsx":
        book = Workbook()
        for row in [HEADER, *rows]:
            book.active.append(row)
        book.save(path)
    elif real == "xls":
        write_xls(path, HEADER, rows, "花名册")
    else:
        write_csv(path, [HEADER, *rows], "gbk")
    [result] = _load(empty_graph, settings, [path]).files
    assert result.rows == 3


def test_an_html_page_named_xls_is_refused_with_advice(base: Path, refused: Callable) -> None:
    path = base / "export.xls"
    path.write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>")
    [line] = refused(path)
    assert "HTML or XML page" in line and "save it as .xlsx" in line


@pytest.mark.parametrize(
    ("second", "column"),
    [("姓名", "F"), ("姓 名", "F"), ("ｎａｍｅ", "F"), ("手机号", "F")],
    ids=["same", "spaced", "full-width", "alias"],
)
def test_duplicate_headings_are_a_file_problem_naming_both(
    base: Path, refused: Callable, second: str, column: str
) -> None:
    header = [*HEADER]
    header.insert(5, second)  # column F; 联系电话 moves to I
    rows = [[*r[:5], "13900000000" if second == "手机号" else "别名", *r[5:]] for r in people(2)]
    path = write_csv(base / "dup.csv", [header, *rows], "utf-8")
    [line] = refused(path)
    pair = "手机号 (F) / 联系电话 (I)" if second == "手机号" else f"姓名 (A) / {second} ({column})"
    assert line.startswith("dup.csv row 1") and "the header has columns that mean the same" in line
    assert pair in line


CONTROLS = ["\x00", "\x1b", "\x07", "\x9b", "\u202e", "\u200b", "\ufeff", "\u2066"]


@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_control_characters_are_never_stored(
    base: Path, empty_graph: Driver, settings: Settings, refused: Callable, cli: Callable,
    char: str,
) -> None:  # fmt: skip
    rows = people(3)
    rows[1][0] = f"张{char}三（示例）"
    path = write_csv(base / "people.csv", [HEADER, *rows], "utf-8")
    [line] = refused(path)
    assert f"row 3, 姓名 (A) = '张<U+{ord(char):04X}>三（示例）'" in line
    assert "control or invisible character" in line
    result = cli("load", str(path), "--skip-invalid")
    assert result.exit_code == 0, result.output
    names = _names(empty_graph, settings)
    assert len(names) == 2 and not any(char in name for name in names)


def test_control_characters_hidden_in_xlsx_escapes_are_never_stored(
    base: Path, empty_graph: Driver, settings: Settings
) -> None:
    rows = people(3)
    rows[0][0] = "王_x0000_芳（示例）"  # how OOXML writes a NUL
    rows[1][0] = "李\u202e红（示例）"  # a bidi override, as it is in the XML
    rows[2][0] = "赵_x005F_x0000_敏（示例）"  # an escaped underscore: the text `_x0000_`
    path = people_xlsx(base / "people.xlsx", rows)
    result = _load(empty_graph, settings, [path], skip_invalid=True)
    assert [(p.row, p.code) for p in result.problems] == [
        (2, "CONTROL_CHARACTER"),
        (3, "CONTROL_CHARACTER"),
    ]
    assert list(_names(empty_graph, settings)) == ["赵_x0000_敏（示例）"]


def test_formulas_without_a_cached_value_are_reported_by_cell(
    base: Path, empty_graph: Driver, settings: Settings, refused: Callable
) -> None:
    rows: list[list[object]] = people(3)
    rows[0][3] = Raw('><f>CONCATENATE("370399",B2)</f>')  # ID number, never computed
    rows[0][7] = Raw(' t="str"><f>TEXT(A1,"0")</f><v></v>')  # phone, an empty cached value
    rows[1][7] = Raw(' t="str"><f>"139"&amp;"12345678"</f><v>13912345678</v>')  # cached
    rows[2][2] = Raw(' s="1"><f>DATE(1960,1,1)</f><v>21916</v>')  # a cached date
    path = people_xlsx(base / "formulas.xlsx", rows)
    lines = refused(path)
    assert len(lines) == 2
    assert lines[0].startswith("formulas.xlsx [花名册] row 2, 身份证号 (D): ")
    assert "cell D2 is a formula without a computed value" in lines[0]
    assert "row 2, 联系电话 (H)" in lines[1] and "cell H2 is a formula" in lines[1]
    result = _load(empty_graph, settings, [path], skip_invalid=True)
    assert result.files[0].skipped == 1
    names = _names(empty_graph, settings)
    assert set(names) == {"成员2（示例）", "成员3（示例）"}
    assert names["成员2（示例）"]["phone"] == "13912345678"


# --- 11. the driver's log lines -------------------------------------------------------------


class CuttableProxy:
    """A TCP proxy to the test Neo4j whose open connections can be cut, as a network fault
    or a restarted server would cut them."""

    def __init__(self, port: int) -> None:
        self.target = ("127.0.0.1", port)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with self.lock:
            for connection in self.open:
                with suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self.open.clear()

    def close(self) -> None:
        self.server.close()
        self.cut()


def test_driver_retries_stay_out_of_the_loaders_output(
    base: Path,
    empty_graph: Driver,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The connection is cut while the loader's transaction is open: the driver logs its
    warnings and retries the transaction (on a new connection). The user sees the load's own
    output and one line saying where the driver's lines went (the debug log)."""
    path = write_csv(base / "people.csv", [HEADER, *people(5_002)], "utf-8")
    proxy = CuttableProxy(settings.neo4j_bolt_port)
    proxied = settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{proxy.port}"})
    monkeypatch.setattr(commands.load, "load_settings", lambda: proxied)
    log = base / "load.log"
    monkeypatch.setattr(commands.load, "DRIVER_LOG", log, raising=False)
    batches: list[int] = []
    apply_batch = loaders.pipeline.apply_batch

    def apply_then_cut(*args: object, **kwargs: object) -> object:
        counts = apply_batch(*args, **kwargs)  # type: ignore[arg-type]
        batches.append(len(args[2]))  # type: ignore[arg-type]
        if len(batches) == 1:
            proxy.cut()
        return counts

    monkeypatch.setattr(loaders.pipeline, "apply_batch", apply_then_cut)
    try:
        result = CliRunner().invoke(
            _build_cli(), ["load", str(path), "--skip-invalid"], env={"COLUMNS": "250"}
        )  # validated, then one managed write
    finally:
        proxy.close()
    assert result.exit_code == 0, result.output
    assert batches == [5000, 5000, 2]  # cut after the first batch, then retried whole
    assert "will be retried" not in result.output and "defunct" not in result.output
    assert "will be retried" in log.read_text()
    assert "The Neo4j driver logged" in result.stderr and str(log) in result.stderr
    assert len(_names(empty_graph, settings)) == 5_002


def test_bom_detection_is_not_fooled_by_utf16_text(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "".join(csv_lines([HEADER])).encode("utf-16-le"))
    [sheet] = open_sheets(path)
    assert next(sheet.rows()).cells[:2] == ["姓名", "性别"]
