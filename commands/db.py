"""`gridgraph db migrate`: the identity key, constraints, indexes, data migrations, and Zibo's
area registry (`loaders.area_registry`: loaded once per edition of the data file)."""

from __future__ import annotations

import typer

from commands.common import console, err_console, load_settings
from core.database import create_sync_driver
from core.identity import IdentityKeyError
from core.migrations import prepare_graph
from loaders.area_registry import RegistryError, load_area_registry, read_registry

app = typer.Typer(help="Graph-schema maintenance.")


@app.command()
def migrate(
    areas: bool = typer.Option(
        True, "--areas/--no-areas", help="Also load Zibo's area registry (data/zibo-areas.csv)."
    ),
) -> None:
    """Apply the migrations that have not run yet (safe to repeat); check the identity key;
    load the area registry unless this edition of it is loaded already."""
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
        if not areas:
            return
        try:
            registry = read_registry()
        except RegistryError as error:
            err_console.print(str(error), markup=False)
            raise typer.Exit(1) from error
        done = load_area_registry(driver, settings.neo4j_database, registry, by="gridgraph db")
    source = f"{registry.package}, NBS {registry.edition} as of {registry.as_of}"
    if done.skipped:
        console.print(f"Area registry ({source}) is loaded: {done.rows} areas.")
    else:
        console.print(
            f"Area registry ({source}): {done.created} areas created, {done.updated} updated, "
            f"{done.closed} no longer listed closed."
        )
