"""`gridgraph load` end to end: read → validate everything → write in batches → record the load.

All or nothing: every file of the command is read and validated before anything of it is
written; one invalid row and the command writes nothing (unless `skip_invalid`). Each kind of
roster is a `RosterKind` of `loaders.kinds` (how a row is parsed and registered); each batch is
written by `loaders.writer.apply_batch`. A file is written in one of three ways:

- **one pass** (`_stream_unit`): a command of one file whose sheet says it has at most
  `tx_rows` rows (not a dry run, not `skip_invalid`) is written while it is validated, in ONE
  open transaction committed only once every row proved valid: one read of the file, and
  nothing written if any row is invalid. A transient server error retries it the usual way;
  a sheet that turns out longer than its bound is validated and written the usual way;
- **one transaction per file** (`_write_in_one_transaction`), the usual way: every file of the
  command is validated first, then each is written in ONE managed transaction (its batches, the
  complete-roster step and its `(:Load)` record together), so a failure part-way — a lost
  connection, a constraint violation — rolls the whole file back and leaves nothing
  half-written;
- **batched** (`_write_batched`), for a validated file of more than `tx_rows` valid rows, too
  big for one transaction: each batch commits on its own, with an undo journal, and a failure
  rolls the load back (`loaders.undo`).

Files are read twice (validate, then write) and only keys are kept in memory in between, so
memory stays flat on very large files; files up to `CACHE_ROWS` rows keep their parsed records
to skip the second read.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from neo4j import Driver, ManagedTransaction, Transaction, unit_of_work
from neo4j.exceptions import DriverError, Neo4jError

from core.identity import IdentityKey
from core.validation import find_control_character, normalise_text
from loaders import cypher, undo
from loaders.errors import FileProblem, LoadFailed, LoadRefused, Problem, RowRefusal, RulesBroken
from loaders.headers import (
    HEADER_SCAN_ROWS,
    Aliases,
    Header,
    column_letter,
    detect_header,
    load_aliases,
)
from loaders.kinds import KINDS, REQUIRED_FIELDS
from loaders.kinds.base import Counts, Roster, RosterKind, WriteOptions
from loaders.kinds.rows import Memo, Record, RowContext
from loaders.limits import FileLimits
from loaders.readers import RawRow, Sheet, open_sheets
from loaders.registry import Registry, quiet_session
from loaders.streaming import BatchWriter
from loaders.writer import apply_batch

BATCH_ROWS = 5000
FILE_TX_TIMEOUT = 3600.0
"""Seconds one file's transaction may take (the server's default of 120 s is too short for a
large roster on a busy machine)."""
BATCH_TX_TIMEOUT = 600.0
"""Seconds one batch's transaction may take in batched mode."""
TX_ROWS = 25_000
"""Files with more valid rows than this are written in batches of separate transactions, with
an undo journal (`loaders.undo`), instead of one transaction."""
CACHE_ROWS = 100_000
"""Sheets up to this many rows keep their parsed records between the two passes; larger ones
are read again, so memory stays flat."""
TOTAL_WORDS = ("合计", "总计", "小计", "total")

Progress = Callable[[str, int, int | None], None]
"""progress(description, rows done, total rows or None)."""


@dataclass
class LoadOptions:
    kind: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    dry_run: bool = False
    skip_invalid: bool = False
    complete_roster: bool = False
    aliases: Path | None = None
    as_of: date | None = None
    by: str | None = None
    batch_rows: int = BATCH_ROWS
    tx_rows: int = TX_ROWS
    cache_rows: int = CACHE_ROWS
    stream: bool = True
    """Write a lone file of up to `tx_rows` rows while it is validated (`_stream_unit`)."""
    limits: FileLimits = field(default_factory=FileLimits)
    """What a file may cost before it is refused (size, cells, rows, ...: `loaders.limits`)."""


@dataclass
class Unit:
    """One sheet of one file with its header, and what validation found in it."""

    path: Path
    sheet: Sheet
    header: Header
    checksum: str
    rows: int = 0
    invalid_rows: set[int] = field(default_factory=set)
    records: list[Record] | None = None
    unreadable: bool = False
    """Reading stopped part-way (bytes not in the file's encoding): nothing of it is written."""

    @property
    def kind(self) -> str:
        return self.header.kind

    @property
    def roster_kind(self) -> RosterKind:
        return KINDS[self.header.kind]


@dataclass
class FileResult:
    path: Path
    sheet: str
    kind: str
    load_id: str | None
    rows: int
    skipped: int
    counts: Counts
    streamed: bool = False
    """Written while it was validated, in the same open transaction."""
    refused: list[Problem] = field(default_factory=list)
    """Rows a rule of the graph refused and that were skipped (`skip_invalid`)."""


@dataclass
class LoadResult:
    files: list[FileResult]
    problems: list[Problem]

    @property
    def counts(self) -> Counts:
        total = Counts()
        for f in self.files:
            total.merge(f.counts)
        return total


@dataclass(frozen=True)
class _Run:
    """What every file of one `load_files` call is written with."""

    driver: Driver
    database: str
    registry: Registry
    options: LoadOptions
    progress: Progress | None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _is_total(texts: list[str]) -> bool:
    first = next((t for t in texts if t), "")
    return first.replace(" ", "").lower() in TOTAL_WORDS


def find_units(
    paths: list[Path], options: LoadOptions, aliases: Aliases
) -> tuple[list[Unit], list[Problem]]:
    """Open every file, find each sheet's header and kind; file-level problems are returned."""
    units: list[Unit] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            if not path.is_file():
                raise FileProblem("FILE_MISSING", "文件不存在", "no such file")
            sheets = open_sheets(path, options.sheet, options.encoding, options.limits)
            checksum = sha256_file(path)
            found = False
            for sheet in sheets:
                head = _first_rows(sheet)
                header = detect_header(head, aliases, REQUIRED_FIELDS, options.kind)
                if header is None:
                    continue
                found = True
                if header.duplicates:
                    raise _duplicate_columns(header, sheet.name)
                units.append(Unit(path, sheet, header, checksum))
            if not found:
                wanted = f"“{options.kind}”" if options.kind else ""
                raise FileProblem(
                    "NO_HEADER",
                    f"前 {HEADER_SCAN_ROWS} 行中找不到{wanted}表头"
                    "（请检查列名，或用 --kind 指定类型）",
                    f"no {options.kind or 'known'} header row in the first "
                    f"{HEADER_SCAN_ROWS} rows (check the column headings, or give --kind)",
                )
        except FileProblem as error:
            problems.append(error.problem(path.name))
    order = list(KINDS)
    units.sort(key=lambda u: order.index(u.kind))
    return units, problems


def _duplicate_columns(header: Header, sheet: str) -> FileProblem:
    """Two columns of the header that mean the same field: which one holds it is a guess."""
    pairs = [
        f"{header.headings[a]} ({column_letter(a)}) / {header.headings[b]} ({column_letter(b)})"
        for _, a, b in header.duplicates
    ]
    return FileProblem(
        "DUPLICATE_COLUMN",
        f"表头中有含义相同的列：{'；'.join(pairs)}（请删除或改名其中一列）",
        f"the header has columns that mean the same: {'; '.join(pairs)} (delete or rename "
        "one of each)",
        header.row,
        sheet=sheet,
        column=", ".join(pairs),
    )


def _first_rows(sheet: Sheet) -> list[tuple[int, list[Any]]]:
    """Rows 1 to HEADER_SCAN_ROWS of a sheet (an xlsx leaves out the rows without a value)."""
    rows: list[tuple[int, list[Any]]] = []
    for raw in sheet.rows():
        if raw.number > HEADER_SCAN_ROWS:
            break
        rows.append((raw.number, raw.cells))
    return rows


def _data_rows(unit: Unit) -> Iterator[tuple[RawRow, list[str]]]:
    """Data rows below the header, each cell normalised once; blank and total rows skipped (a
    row whose formulas have no value is not blank: it is reported)."""
    below = unit.header.row
    for raw in unit.sheet.rows():
        if raw.number <= below:
            continue
        texts = [normalise_text(c) for c in raw.cells]
        if (not any(texts) and not raw.formulas) or _is_total(texts):
            continue
        yield raw, texts


def _visible(text: str) -> str:
    """`text` with each character that may not be stored shown as `<U+XXXX>`."""
    out = []
    for char in text:
        out.append(f"<U+{ord(char):04X}>" if find_control_character(char) else char)
    return "".join(out)


def check_cells(context: RowContext, raw: RawRow) -> None:
    """The problems of a row that no parser sees: a control or invisible character in a
    column that is stored, and a formula without a cached value (its value is unknown)."""
    columns = context.columns
    texts = context.texts
    for name, index in columns.items():
        if index < len(texts) and find_control_character(texts[index]):
            context.fail(
                name,
                _visible(texts[index]),
                "CONTROL_CHARACTER",
                "含有控制字符或不可见字符（如 NUL、双向文本控制符、零宽字符），不能保存",
                "holds a control or invisible character (NUL, a bidi override, a zero-width "
                "space ...), which is never stored",
            )
    if raw.formulas:
        fields = {index: name for name, index in columns.items()}
        for index in raw.formulas:
            if index in fields:
                context.fail(
                    fields[index],
                    "",
                    "FORMULA_NO_VALUE",
                    f"单元格 {column_letter(index)}{raw.number} 是没有计算结果的公式"
                    "（请在 Excel 中打开并保存，或复制后粘贴为数值）",
                    f"cell {column_letter(index)}{raw.number} is a formula without a computed "
                    "value (open the file in Excel and save it, or paste it as values)",
                )


def validate_unit(
    unit: Unit,
    registry: Registry,
    progress: Progress | None,
    cache_rows: int = CACHE_ROWS,
    sink: Callable[[list[Record]], None] | None = None,
    sink_rows: int = BATCH_ROWS,
) -> list[Problem]:
    """Read every row of a sheet; collect the problems; make its keys known to later files.

    Only keys are kept (for duplicates and references), plus the parsed records when the sheet
    has at most `cache_rows` rows; a larger sheet is read again by the write pass. With `sink`,
    valid records are also handed over in batches of `sink_rows` as they are read, until the
    first problem (the last batch only if the whole sheet is valid)."""
    problems: list[Problem] = []
    batch: list[Record] = []
    seen: dict[str, int] = {}
    kind = unit.roster_kind
    records: list[Record] | None = []
    deferred = []
    file = unit.path.name
    memo = Memo()
    try:
        for raw, texts in _data_rows(unit):
            number, cells = raw.number, raw.cells
            unit.rows += 1
            context = RowContext(
                file, unit.sheet.name, unit.header, number, cells, registry, texts, memo
            )
            check_cells(context, raw)
            record = kind.parse(context)
            if record is not None and record.key in seen:
                context.fail(
                    kind.duplicate_field or next(iter(unit.header.columns)),
                    cells[unit.header.columns.get("name", 0)] if cells else "",
                    "DUPLICATE",
                    f"同一{kind.row_noun.zh}在第 {seen[record.key]} 行已出现",
                    f"the same {kind.row_noun.en} is already in row {seen[record.key]}",
                )
            if context.problems:
                problems.extend(context.problems)
                unit.invalid_rows.add(number)
            elif record is not None:
                seen[record.key] = number
                kind.register(record, registry)
                if records is not None:
                    records.append(record)
                    if len(records) > cache_rows:
                        records = None
                if sink is not None and not problems:
                    batch.append(record)
                    if len(batch) >= sink_rows:
                        sink(batch)
                        batch = []
            deferred.extend(context.deferred)
            if progress and unit.rows % 5000 == 0:
                progress(
                    f"{'loading' if sink else 'checking'} {file}",
                    unit.rows,
                    unit.sheet.row_bound if sink else None,
                )
    except FileProblem as error:  # e.g. bytes far down a CSV that are not in its encoding
        unit.unreadable = True
        problems.append(error.problem(file, unit.sheet.name))
    for item in deferred:
        known = (
            item.value in registry.areas
            if item.label == "Area"
            else registry.has_unit(item.label, item.value)
        )
        if not known:
            column = (
                unit.header.heading(item.field) if item.field in unit.header.columns else item.field
            )
            problems.append(
                Problem(
                    file,
                    unit.sheet.name,
                    item.row,
                    column,
                    item.value,
                    "UNKNOWN_REFERENCE",
                    "图中和本次导入中都没有这个上级",
                    f"no such {item.label} in the graph or in this load",
                )
            )
            unit.invalid_rows.add(item.row)
    if records is not None:
        records = [r for r in records if r.row not in unit.invalid_rows]
    unit.records = records
    if sink is not None and batch and not problems:
        sink(batch)
    return problems


def _records(unit: Unit, registry: Registry) -> Iterator[Record]:
    if unit.records is not None:
        yield from unit.records
        return
    kind = unit.roster_kind
    memo = Memo()
    for raw, texts in _data_rows(unit):
        if raw.number in unit.invalid_rows:
            continue
        record = kind.parse(
            RowContext(
                unit.path.name,
                unit.sheet.name,
                unit.header,
                raw.number,
                raw.cells,
                registry,
                texts,
                memo,
            )
        )
        if record is not None:
            yield record


def _batches(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_files(
    driver: Driver,
    database: str,
    paths: list[Path],
    options: LoadOptions | None = None,
    progress: Progress | None = None,
    *,
    identity: IdentityKey,
) -> LoadResult:
    """Validate every file, then (if all is well, or `skip_invalid`) write them, one
    transaction per file. Raises `LoadRefused` with every problem when nothing was written.

    `identity` is the deployment's key (`core.migrations.prepare_graph`) that people's keys
    are derived with."""
    options = options or LoadOptions()
    aliases = load_aliases(options.aliases)
    units, problems = find_units(paths, options, aliases)
    if problems and not options.skip_invalid:
        raise LoadRefused(problems)
    needs_persons = any(u.roster_kind.needs_persons for u in units)
    registry = Registry.from_graph(driver, database, needs_persons, identity)
    run = _Run(driver, database, registry, options, progress)
    if _streams(units, options):
        [unit] = units
        with _rules_checked(unit, []):
            try:
                streamed = _stream_unit(run, unit)
            except _OverBound:  # more rows than the sheet's bound said: validate, then batches
                _reset(unit)
            else:
                if streamed is not None:
                    return LoadResult([streamed], [])
                return LoadResult([_write_unit(run, unit)], [])
    for unit in units:
        problems.extend(validate_unit(unit, registry, progress, options.cache_rows))
    if problems and not options.skip_invalid:
        raise LoadRefused(problems)
    results: list[FileResult] = []
    for unit in units:
        if unit.unreadable:
            continue
        with _rules_checked(unit, [f"{r.path.name} ({r.load_id})" for r in results]):
            results.append(_write_unit(run, unit))
        problems.extend(results[-1].refused)
    return LoadResult(results, problems)


@contextmanager
def _rules_checked(unit: Unit, written: list[str]) -> Iterator[None]:
    """Rows the graph's rules refused while `unit` was written (`RulesBroken`, also behind a
    rolled-back batched load) become the problems of a refused load."""
    try:
        yield
    except (RulesBroken, LoadFailed) as error:
        broken = error.error if isinstance(error, LoadFailed) else error
        if not isinstance(broken, RulesBroken):
            raise
        raise LoadRefused(_rule_problems(unit, broken.refusals), written) from error


def _rule_problems(unit: Unit, refusals: list[RowRefusal]) -> list[Problem]:
    header = unit.header
    return [
        Problem(
            unit.path.name,
            unit.sheet.name,
            r.row,
            header.heading(r.field) if r.field in header.columns else r.field,
            r.value,
            r.code,
            r.zh,
            r.en,
        )
        for r in refusals
    ]


def _write_unit(run: _Run, unit: Unit) -> FileResult:
    """Write one validated file: batched (`_write_batched`) when it has more than `tx_rows`
    valid rows and it is not a dry run, else in one transaction (`_write_in_one_transaction`)."""
    write = _write_options(unit, run.options, run.registry)
    if not run.options.dry_run and unit.rows - len(unit.invalid_rows) > run.options.tx_rows:
        return _write_batched(run, unit, write)
    return _write_in_one_transaction(run, unit, write)


def _write_options(unit: Unit, options: LoadOptions, registry: Registry) -> WriteOptions:
    at = datetime.now(UTC)
    return WriteOptions(
        load_id=f"L-{at:%Y%m%dT%H%M%S}-{unit.checksum[:8]}-{uuid.uuid4().hex[:6]}",
        as_of=options.as_of or at.date(),
        dry_run=options.dry_run,
        complete_roster=options.complete_roster and unit.roster_kind.complete_rosters,
        skip_refused=options.skip_invalid,
        running=registry.running_loads,
        at=at,
    )


def _load_props(unit: Unit, options: LoadOptions, write: WriteOptions) -> dict[str, Any]:
    """The `(:Load)` record of a file, once it has been validated."""
    return {
        "name": unit.path.name,
        "file": str(unit.path.resolve()),
        "sheet": unit.sheet.name,
        "checksum": unit.checksum,
        "kind": unit.kind,
        "at": write.at,
        "by": options.by or getpass.getuser(),
        "rows": unit.rows - len(unit.invalid_rows),
        "skipped": len(unit.invalid_rows),
        "completeRoster": write.complete_roster,
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }


def _finish_unit(
    tx: Transaction | ManagedTransaction,
    unit: Unit,
    write: WriteOptions,
    roster: Roster,
    counts: Counts,
    props: dict[str, Any],
) -> None:
    """After a file's last batch, in its transaction: end what a complete roster no longer
    lists, and record the load."""
    if write.complete_roster:
        counts.merge(unit.roster_kind.end_missing(tx, roster, write, journal=False))  # type: ignore[arg-type]
    if not write.dry_run:
        tx.run(
            cypher.RECORD_LOAD,
            id=write.load_id,
            props={**props, **_count_props(counts), "status": "COMPLETE"},
        ).consume()


def _count_props(counts: Counts) -> dict[str, int]:
    return {
        outcome: counts.total(outcome) for outcome in ("created", "updated", "unchanged", "ended")
    }


def _result(
    unit: Unit, load_id: str | None, counts: Counts, roster: Roster, streamed: bool = False
) -> FileResult:
    return FileResult(
        unit.path,
        unit.sheet.name,
        unit.kind,
        load_id,
        unit.rows - len(unit.invalid_rows),
        len(unit.invalid_rows),
        counts,
        streamed=streamed,
        refused=_rule_problems(unit, roster.refused),
    )


# --- the three ways to write a file ---------------------------------------------------------


def _write_in_one_transaction(run: _Run, unit: Unit, write: WriteOptions) -> FileResult:
    """The usual way: a validated file in ONE managed transaction — its batches, the
    complete-roster step and its `(:Load)` record — retried by the driver on transient errors.
    A failure part-way rolls the whole file back. A dry run reads in a read transaction and
    writes nothing."""
    valid = unit.rows - len(unit.invalid_rows)
    props = _load_props(unit, run.options, write)
    kind = unit.roster_kind

    def work(tx: ManagedTransaction) -> tuple[Counts, Roster]:
        counts = Counts()
        roster = Roster()
        done = 0
        for batch in _batches(_records(unit, run.registry), run.options.batch_rows):
            counts.merge(apply_batch(tx, kind, batch, write, roster))
            done += len(batch)
            if run.progress:
                run.progress(f"loading {unit.path.name}", done, valid)
        _finish_unit(tx, unit, write, roster, counts, props)
        return counts, roster

    timed = unit_of_work(timeout=FILE_TX_TIMEOUT)(work)
    with quiet_session(run.driver, run.database) as session:
        execute = session.execute_read if run.options.dry_run else session.execute_write
        counts, roster = execute(timed)
    return _result(unit, None if run.options.dry_run else write.load_id, counts, roster)


class _OverBound(Exception):
    """A streamed sheet has more rows than one transaction takes, whatever its bound said."""


def _reset(unit: Unit) -> None:
    """Forget what a stopped pass over a unit found, so it can be validated again."""
    unit.rows = 0
    unit.invalid_rows = set()
    unit.records = None
    unit.unreadable = False


def _streams(units: list[Unit], options: LoadOptions) -> bool:
    """Whether the load is one file small enough for one transaction, so it can be written
    while it is validated (`_stream_unit`)."""
    if not options.stream or len(units) != 1 or options.dry_run or options.skip_invalid:
        return False
    bound = units[0].sheet.row_bound
    return bound is not None and bound <= options.tx_rows


def _stream_unit(run: _Run, unit: Unit) -> FileResult | None:
    """One pass: validate one file while its valid rows are written, in ONE open transaction
    that is committed only once every row has proved valid: one problem and it is rolled back,
    so nothing is written, exactly as if validation had come first. The writes run in a thread
    of their own (`BatchWriter`) while the next rows are read.

    None when the server failed in a way worth retrying (a transient error, a lost leader):
    the file is then written again from its validated records with the driver's retries."""
    write = _write_options(unit, run.options, run.registry)
    roster = Roster()
    kind = unit.roster_kind
    with quiet_session(run.driver, run.database) as session:
        tx = session.begin_transaction(timeout=FILE_TX_TIMEOUT)
        writer: BatchWriter[list[Record]] = BatchWriter(
            lambda batch: apply_batch(tx, kind, batch, write, roster)
        )

        def submit(batch: list[Record]) -> None:
            # The bound the one-pass choice was made on is checked against the rows read, so
            # a bound that was wrong can cost time but never a transaction too big.
            if unit.rows > run.options.tx_rows:
                raise _OverBound
            writer.submit(batch)

        try:
            problems = validate_unit(
                unit,
                run.registry,
                run.progress,
                run.options.cache_rows,
                submit,
                run.options.batch_rows,
            )
            error = writer.wait()
            if problems:
                raise LoadRefused(problems)
            if error is not None:
                raise error
            counts = writer.counts
            _finish_unit(tx, unit, write, roster, counts, _load_props(unit, run.options, write))
            tx.commit()
        except (Neo4jError, DriverError) as error:
            if not error.is_retryable():
                raise
            return None
        finally:
            writer.close()
            if not tx.closed():
                with suppress(Neo4jError, DriverError):  # a lost server rolls back by itself
                    tx.rollback()
    return _result(unit, write.load_id, counts, roster, streamed=True)


def _write_batched(run: _Run, unit: Unit, write: WriteOptions) -> FileResult:
    """Batched: a file too big for one transaction. The `(:Load)` is RUNNING while each batch
    commits on its own, journaling what it overwrites and creates (`loaders.journal`); on any
    failure the load is rolled back (`undo.roll_back`) and FAILED, and `LoadFailed` says what
    the roll-back had to keep. Other writers may change what a batch wrote before the load
    ends: the roll-back undoes only what still carries the load's `source`."""
    load_id = write.load_id
    kind = unit.roster_kind
    props = _load_props(unit, run.options, write)
    roster = Roster()
    counts = Counts()
    valid = props["rows"]
    with quiet_session(run.driver, run.database) as session:
        session.execute_write(lambda tx: tx.run(undo.START_LOAD, id=load_id, props=props).consume())
        try:
            done = 0
            for batch in _batches(_records(unit, run.registry), run.options.batch_rows):
                refused = len(roster.refused)

                def one(
                    tx: ManagedTransaction, batch: list[Record] = batch, refused: int = refused
                ) -> Counts:
                    del roster.refused[refused:]  # a retried batch reports its rows once
                    return apply_batch(tx, kind, batch, write, roster, journal=True)

                kept = {
                    pair: {u: list(ids) for u, ids in units.items()}
                    for pair, units in roster.keep.items()
                }
                try:
                    counts.merge(session.execute_write(unit_of_work(timeout=BATCH_TX_TIMEOUT)(one)))
                except BaseException:
                    roster.keep.clear()
                    roster.keep.update(kept)
                    raise
                done += len(batch)
                if run.progress:
                    run.progress(f"loading {unit.path.name}", done, valid)
            if write.complete_roster:
                counts.merge(
                    session.execute_write(
                        unit_of_work(timeout=BATCH_TX_TIMEOUT)(
                            lambda tx: kind.end_missing(tx, roster, write, journal=True)
                        )
                    )
                )
        except BaseException as error:
            report = undo.roll_back(
                run.driver, run.database, load_id, f"{type(error).__name__}: {error}"
            )
            raise LoadFailed(load_id, error, [str(k) for k in report.kept]) from error
    undo.finish(run.driver, run.database, load_id, _count_props(counts))
    return _result(unit, load_id, counts, roster)
