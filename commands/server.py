"""`gridgraph neo4j start|stop|status|provision`: the project's own local Neo4j."""

from __future__ import annotations

import time

import typer

from commands.common import console, load_settings, one_line_errors
from core.local_neo4j import LocalNeo4j

app = typer.Typer(help="Run the project's own local Neo4j (ignored when NEO4J_URI is set).")


def _local() -> LocalNeo4j:
    settings = load_settings()
    if not settings.uses_local_neo4j:
        console.print(
            f"NEO4J_URI is set ({settings.neo4j_uri}): gridgraph uses that server and does not "
            "run its own."
        )
        raise typer.Exit(0)
    return LocalNeo4j(settings)


@app.command()
def provision() -> None:
    """Resolve the Neo4j jars with Maven and copy them into the local lib folder (once)."""
    with one_line_errors():
        server = _local()
        started = time.monotonic()
        fetched = server.provision()
        size = server.lib_bytes() / 1024 / 1024
        verb = f"downloaded in {time.monotonic() - started:.1f}s" if fetched else "already there"
        console.print(f"Neo4j jars {verb}: {server.lib} ({size:.0f} MiB)")


@app.command()
def start() -> None:
    """Start the local Neo4j and wait until Bolt answers (a no-op when it is running)."""
    with one_line_errors():
        server = _local()
        began = time.monotonic()
        pid, started_now = server.start()
        if started_now:
            console.print(
                f"Neo4j started (pid {pid}) in {time.monotonic() - began:.1f}s: "
                f"bolt://127.0.0.1:{server.settings.neo4j_bolt_port}, "
                f"http://127.0.0.1:{server.settings.neo4j_http_port}/browser/"
            )
        else:
            console.print(f"Neo4j is already running (pid {pid}).")


@app.command()
def stop() -> None:
    """Stop the local Neo4j cleanly (SIGTERM, wait, then report)."""
    with one_line_errors():
        server = _local()
        pid = server.stop()
        console.print(f"Neo4j (pid {pid}) stopped." if pid else "Neo4j was not running.")


@app.command()
def status() -> None:
    """Print pid, ports, version and store size of the local Neo4j."""
    with one_line_errors():
        server = _local()
        for line in server.status().lines():
            console.print(line, highlight=False)
