"""`gridgraph loads list|roll-back`: the `(:Load)` records of roster loads, and the roll-back
of a batched load that never finished (its process was killed, or its own roll-back failed)."""

from __future__ import annotations

import os
import socket
from enum import StrEnum
from typing import Any, LiteralString

import typer
from rich.markup import escape
from rich.table import Column, Table

from commands.common import console, err_console, load_settings
from core.database import create_sync_driver
from loaders import undo

app = typer.Typer(
    help="Roster loads: list them; roll back a batched load that did not finish.",
    no_args_is_help=True,
)


class LoadStatus(StrEnum):
    """The statuses `loaders.pipeline` and `loaders.undo` give a `(:Load)`."""

    RUNNING = "RUNNING"  # a batched load under way, or one whose process died
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"  # a batched load that failed; `rolledBack` once it is undone


# Loads recorded before statuses existed were written in one transaction: complete.
LIST_LOADS: LiteralString = """
MATCH (l:Load)
WITH l, coalesce(l.status, 'COMPLETE') AS status
WHERE $statuses IS NULL OR status IN $statuses
RETURN l.id AS id, l.name AS name, l.kind AS kind, status, l.rolledBack AS rolledBack,
       l.at AS at, l.by AS by, l.rows AS rows, l.created AS created, l.updated AS updated,
       l.unchanged AS unchanged, l.ended AS ended
ORDER BY l.at DESC, l.id DESC
LIMIT $limit
"""

COUNT_LOADS: LiteralString = """
MATCH (l:Load)
WHERE $statuses IS NULL OR coalesce(l.status, 'COMPLETE') IN $statuses
RETURN count(l) AS loads
"""

GET_LOAD_STATE: LiteralString = """
MATCH (l:Load {id: $id})
RETURN l.id AS id, l.name AS name, l.kind AS kind, coalesce(l.status, 'COMPLETE') AS status,
       l.rolledBack AS rolledBack, l.at AS at, l.by AS by, l.rows AS rows, l.host AS host,
       l.pid AS pid,
       COUNT { MATCH (u:LoadUndo) WHERE u._load = $id } AS journal
"""


def _at(value: Any) -> str:
    return f"{value.to_native():%Y-%m-%d %H:%M:%S}" if value is not None else ""


def _number(value: Any) -> str:
    return "" if value is None else str(value)


def _status(row: dict[str, Any]) -> str:
    return row["status"] + (" (rolled back)" if row["rolledBack"] else "")


@app.command("list")
def list_(
    status: list[LoadStatus] | None = typer.Option(None, help="Only this status (repeatable)."),
    limit: int = typer.Option(20, min=1, help="At most this many, the most recent first."),
) -> None:
    """List roster loads, the most recent first: file, kind, status, counts."""
    settings = load_settings()
    statuses = [s.value for s in status] if status else None
    db = settings.neo4j_database
    with create_sync_driver(settings) as driver:
        rows = driver.execute_query(
            LIST_LOADS, statuses=statuses, limit=limit, database_=db, routing_="r"
        )[0]
        total = driver.execute_query(COUNT_LOADS, statuses=statuses, database_=db, routing_="r")
    if not rows:
        console.print("No loads" + (f" with status {', '.join(statuses)}." if statuses else "."))
        return
    numbers = ("rows", "created", "updated", "unchanged", "ended")
    table = Table(
        Column("id", no_wrap=True), Column("file", min_width=10, overflow="fold"),
        Column("kind", min_width=8), Column("status", no_wrap=True),
        Column("at (UTC)", no_wrap=True), "by",
        *(Column(title, justify="right", min_width=6) for title in numbers),
    )  # fmt: skip
    for row in rows:
        table.add_row(
            row["id"],
            escape(str(row["name"])),
            row["kind"],
            _status(row),
            _at(row["at"]),
            escape(str(row["by"])),
            *(_number(row[name]) for name in numbers),
        )
    console.print(table)
    found = total[0][0]["loads"]
    if found > len(rows):
        console.print(f"The {len(rows)} most recent of {found} loads; --limit shows more.")


def _still_running(load: dict[str, Any]) -> bool:
    """Whether the process that started a load (recorded since loads record `host` and `pid`)
    is alive on this machine."""
    if load["host"] != socket.gethostname() or load["pid"] is None:
        return False
    try:
        os.kill(load["pid"], 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True


@app.command("roll-back")
def roll_back(
    load_id: str = typer.Argument(..., help="Id from `gridgraph loads list`."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    force: bool = typer.Option(
        False, "--force", help="Roll back even though its loader process seems alive."
    ),
) -> None:
    """Undo a batched load left RUNNING (its process died) or FAILED, from its undo journal."""
    settings = load_settings()
    db = settings.neo4j_database
    with create_sync_driver(settings) as driver:
        found = driver.execute_query(GET_LOAD_STATE, id=load_id, database_=db)[0]
        if not found:
            err_console.print(
                f"[bold red]error:[/] no load with id {escape(load_id)}", highlight=False
            )
            raise typer.Exit(1)
        load = found[0].data()
        what = escape(
            f"{load['id']} ({load['name']}, {load['kind']}, {_number(load['rows'])} rows)"
        )
        if load["status"] == LoadStatus.COMPLETE:
            err_console.print(
                f"[bold red]error:[/] load {what} is COMPLETE; only a load left RUNNING or "
                "FAILED can be rolled back. A completed load is undone by loading the previous "
                "roster again (with --complete-roster for people, to end the appointments it "
                "added).",
                highlight=False,
            )
            raise typer.Exit(1)
        if load["status"] == LoadStatus.FAILED and load["rolledBack"]:
            console.print(
                f"Load {what} failed and was rolled back already; nothing to do.", highlight=False
            )
            return
        if load["status"] == LoadStatus.RUNNING and _still_running(load) and not force:
            err_console.print(
                f"[bold red]error:[/] load {what} is still being written by process "
                f"{load['pid']} on this machine; stop it first (Ctrl-C rolls it back itself), "
                "or pass --force if that process is not the loader any more.",
                highlight=False,
            )
            raise typer.Exit(1)
        console.print(
            f"Load {what}, started {_at(load['at'])} UTC by {escape(str(load['by']))}, "
            f"is {load['status']} with {load['journal']} undo journal entries.",
            highlight=False,
        )
        if not yes:
            typer.confirm(
                "Roll it back? Only if the process that ran it has ended: rolling back a load "
                "that is still writing leaves its later batches in the graph",
                abort=True,
            )
        report = undo.roll_back(
            driver, db, load_id, f"rolled back by `gridgraph loads roll-back` ({load['status']})"
        )
    console.print(
        f"Rolled back load {load_id}: {report.restored} restored, {report.deleted} deleted; "
        "it is now FAILED (rolled back).",
        highlight=False,
    )
    if report.kept:
        console.print(
            f"{len(report.kept)} thing(s) it wrote were changed or linked to by others since, "
            "and are kept as they are:",
            highlight=False,
        )
        for kept in report.kept:
            console.print(f"  {escape(str(kept))}", highlight=False)
