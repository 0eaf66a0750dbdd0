"""`gridgraph db migrate`: constraints and indexes, idempotently."""

from __future__ import annotations

import typer

from commands.common import console, load_settings
from core.database import create_sync_driver
from core.migrations import apply_migrations

app = typer.Typer(help="Graph-schema maintenance.")


@app.command()
def migrate() -> None:
    """Apply the graph-schema migrations that have not run yet (safe to repeat)."""
    settings = load_settings()
    with create_sync_driver(settings) as driver:
        applied = apply_migrations(driver, settings.neo4j_database)
    if applied:
        console.print("Applied migrations: " + ", ".join(applied))
    else:
        console.print("Graph schema is up to date.")
