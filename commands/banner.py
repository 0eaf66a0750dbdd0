"""Printed by `make serve` before the service starts: where everything is and how to log in."""

from __future__ import annotations

from commands.common import console
from core.settings import DEV_PASSWORD, Settings


def banner(settings: Settings) -> list[str]:
    base = settings.base_url
    lines = [
        "",
        "[bold]gridgraph[/] is starting",
        f"  GraphQL + GraphiQL  {base}/graphql",
        f"  Health / readiness  {base}/healthz  {base}/readyz",
    ]
    if settings.uses_local_neo4j:
        password = settings.neo4j_password.get_secret_value()
        shown = password if password == DEV_PASSWORD else "(your NEO4J_PASSWORD)"
        lines += [
            f"  Neo4j Browser       http://127.0.0.1:{settings.neo4j_http_port}/browser/",
            f"    connect to bolt://127.0.0.1:{settings.neo4j_bolt_port} "
            f"as {settings.neo4j_username} / {shown}",
            f"    guide: :play {base}/browser/guide",
        ]
    else:
        lines.append(f"  Neo4j               {settings.neo4j_uri} (NEO4J_URI)")
    if settings.dev_mode:
        lines.append("  [yellow]Development mode: requests without a token act as admin.[/]")
    return [*lines, ""]


if __name__ == "__main__":
    for line in banner(Settings()):
        console.print(line, highlight=False)
