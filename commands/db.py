"""`gridgraph db migrate`: the identity key, constraints, indexes and data migrations."""

from __future__ import annotations

import typer

from commands.common import console, load_settings
from core.database import create_sync_driver
from core.identity import IdentityKeyError
from core.migrations import prepare_graph

app = typer.Typer(help="Graph-schema maintenance.")


@app.command()
def migrate() -> None:
    """Apply the migrations that have not run yet (safe to repeat); check the identity key."""
    settings = load_settings()
    with create_sync_driver(settings) as driver:
        try:
            _, applied = prepare_graph(settings, driver)
        except IdentityKeyError as error:
            console.print(f"[bold red]{error.message}[/]")
            raise typer.Exit(1) from error
    if applied:
        console.print("Applied migrations: " + ", ".join(applied))
    else:
        console.print("Graph schema is up to date.")
