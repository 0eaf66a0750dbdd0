"""`gridgraph load FILE...`: validate roster files, then load them all or nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import typer
from neo4j.exceptions import DriverError, Neo4jError
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from commands.common import console, err_console, load_settings
from core.database import create_sync_driver
from core.identity import IdentityKeyError
from core.migrations import prepare_graph
from core.settings import PROJECT_ROOT
from loaders.errors import LoadFailed, LoadRefused, Problem
from loaders.kinds import KINDS
from loaders.pipeline import LoadOptions, LoadResult, load_files
from loaders.report import format_problem, write_report

MAX_PRINTED = 200
DRIVER_LOG = PROJECT_ROOT / ".data" / "logs" / "load.log"
"""Where the Neo4j driver's own log lines (a transaction retried after a deadlock, a lost
connection) go during `gridgraph load`: the terminal shows the load's output only."""


class _DriverLog(logging.FileHandler):
    """The driver's log lines, appended to a file and counted."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(path, encoding="utf-8", delay=True)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        super().emit(record)


@contextmanager
def driver_log(path: Path) -> Iterator[_DriverLog]:
    """Send the `neo4j` logger's lines to `path` instead of the terminal (with no handler of
    its own, Python prints its warnings on stderr), for the time of a load."""
    logger = logging.getLogger("neo4j")
    saved = (logger.handlers[:], logger.propagate)
    handler = _DriverLog(path)
    logger.handlers = [handler]
    logger.propagate = False
    try:
        yield handler
    finally:
        handler.close()
        logger.handlers, logger.propagate = saved


def _print_problems(problems: list[Problem]) -> None:
    for p in problems[:MAX_PRINTED]:
        err_console.print(format_problem(p), highlight=False, markup=False)
    if len(problems) > MAX_PRINTED:
        err_console.print(f"... and {len(problems) - MAX_PRINTED} more (use --report to see all)")


def _print_write_failure(error: LoadFailed | Neo4jError | DriverError) -> None:
    """Writing failed after every row was valid (the server refused, the connection broke)."""
    if isinstance(error, DriverError):
        err_console.print(
            f"[bold red]error:[/] the connection to Neo4j failed: {escape(str(error))}\n"
            "Nothing uncommitted is kept. A batched load (over 25,000 rows) under way may be "
            "left RUNNING: see `gridgraph loads list --status RUNNING`, then `gridgraph loads "
            "roll-back ID`.",
            highlight=False,
        )
        return
    if isinstance(error, LoadFailed):
        cause, undone = error.error, f"Load {error.load_id} was rolled back (FAILED)"
    else:
        cause, undone = error, "The file being written was rolled back"
    what = (
        f"{cause.code}: {cause.message}" if isinstance(cause, Neo4jError) else str(cause)
    ) or type(cause).__name__
    kept = error.kept if isinstance(error, LoadFailed) else []
    left = (
        f"nothing of it is in the graph but {len(kept)} thing(s) others changed or linked to "
        "since, kept as they are:\n" + "\n".join(f"  {escape(k)}" for k in kept)
        if kept
        else "nothing of it is in the graph."
    )
    err_console.print(
        f"[bold red]error:[/] writing stopped: {escape(what)}\n{undone}: {left}\nFiles of the "
        "same command written before it stay (`gridgraph loads list`).",
        highlight=False,
    )


def print_summary(result: LoadResult, dry_run: bool) -> None:
    """The created / updated / unchanged table of a load, per kind."""
    for f in result.files:
        where = f.path.name + (f" [{f.sheet}]" if f.sheet != f.path.name else "")
        note = " (dry run: nothing written)" if dry_run else f" → {f.load_id}"
        skipped = f", {f.skipped} invalid rows skipped" if f.skipped else ""
        console.print(f"{where}: {f.kind}, {f.rows} rows{skipped}{note}", highlight=False)
    table = Table("kind", "created", "updated", "unchanged", "ended", title="Summary")
    for kind, created, updated, unchanged, ended in result.counts.as_rows():
        table.add_row(kind, str(created), str(updated), str(unchanged), str(ended))
    console.print(table)


def load(
    files: list[Path] = typer.Argument(..., help="Roster files: .xlsx, .xls or .csv."),
    kind: str | None = typer.Option(
        None, help=f"Kind of roster ({'|'.join(KINDS)}); inferred from the headers if absent."
    ),
    sheet: str | None = typer.Option(None, help="Only this sheet of a workbook."),
    encoding: str | None = typer.Option(None, help="CSV encoding; detected when absent."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and count; write nothing."),
    report: Path | None = typer.Option(None, help="Write every problem to this .csv or .xlsx."),
    skip_invalid: bool = typer.Option(
        False, "--skip-invalid", help="Load the valid rows; report the invalid ones."
    ),
    complete_roster: bool = typer.Option(
        False,
        "--complete-roster",
        help="The file is the full roster of its units: end appointments it no longer lists.",
    ),
    aliases: Path | None = typer.Option(None, help="Extra header aliases (TOML)."),
    as_of: str | None = typer.Option(
        None, help="Date for new appointments and ended ones (YYYY-MM-DD); default today."
    ),
) -> None:
    """Load roster files into the graph: all or nothing, idempotent, recorded as (:Load)."""
    if kind is not None and kind not in KINDS:
        err_console.print(f"[red]error:[/] unknown kind {kind!r}; one of {', '.join(KINDS)}")
        raise typer.Exit(2)
    settings = load_settings()
    options = LoadOptions(
        kind=kind,
        sheet=sheet,
        encoding=encoding,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        complete_roster=complete_roster,
        aliases=aliases,
        as_of=date.fromisoformat(as_of) if as_of else None,
    )
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with (
        driver_log(DRIVER_LOG) as log,
        create_sync_driver(settings) as driver,
        Progress(*columns, console=err_console, transient=True) as bar,
    ):
        tasks: dict[str, int] = {}

        def progress(description: str, done: int, total: int | None) -> None:
            if description not in tasks:
                tasks[description] = bar.add_task(description, total=total)
            bar.update(tasks[description], completed=done, total=total)

        try:
            driver.verify_connectivity()  # at once, not after the driver's retries
            identity, _ = prepare_graph(settings, driver)
            result = load_files(
                driver, settings.neo4j_database, list(files), options, progress, identity=identity
            )
        except IdentityKeyError as error:
            bar.stop()
            err_console.print(f"[bold red]{error.message}[/]")
            raise typer.Exit(1) from error
        except LoadRefused as refused:
            bar.stop()
            _print_problems(refused.problems)
            if report:
                write_report(refused.problems, report)
                err_console.print(f"Report written to {report}")
            if refused.written:
                err_console.print(
                    f"[bold red]{len(refused.problems)} problem(s) in a later file; nothing of "
                    f"it was written.[/] Written before it, each a load of its own: "
                    + ", ".join(refused.written),
                    markup=True,
                )
            else:
                err_console.print(
                    f"[bold red]{len(refused.problems)} problem(s); nothing was written.[/]"
                )
            raise typer.Exit(1) from refused
        except (LoadFailed, Neo4jError, DriverError) as error:
            bar.stop()
            _print_write_failure(error)
            _print_driver_log(log)
            raise typer.Exit(1) from error
    print_summary(result, dry_run)
    _print_driver_log(log)
    if result.problems:
        _print_problems(result.problems)
        if report:
            write_report(result.problems, report)
            err_console.print(f"Report written to {report}")
        refused = sorted({p.file for p in result.problems if p.whole_file})
        skipped = [p for p in result.problems if not p.whole_file]
        if skipped:
            err_console.print(f"{len(skipped)} invalid row(s) skipped and reported.")
        if refused:
            err_console.print(
                f"[bold red]{len(refused)} file(s) refused, nothing of them was written: "
                f"{escape(', '.join(refused))}[/]",
                highlight=False,
            )
            raise typer.Exit(1)


def _print_driver_log(log: _DriverLog) -> None:
    if log.count:
        err_console.print(
            f"[dim]The Neo4j driver logged {log.count} line(s) (retries after a transient "
            f"error, reconnections): see {escape(str(log.baseFilename))}[/]",
            highlight=False,
        )
