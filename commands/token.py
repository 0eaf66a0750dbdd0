"""`gridgraph token create|list|revoke`: API tokens for the GraphQL service."""

from __future__ import annotations

import typer
from rich.table import Column, Table

from commands.common import console, err_console, load_settings
from core.auth import AccessRole, area_scope, is_area_code
from core.database import create_sync_driver
from core.tokens import area_exists, create_token, list_tokens, revoke_token

app = typer.Typer(help="API tokens: create, list, revoke.", no_args_is_help=True)


@app.command()
def create(
    role: AccessRole = typer.Option(..., help="What the token may do."),
    name: str = typer.Option(..., help="Who or what uses the token (shown in `token list`)."),
    area: str | None = typer.Option(
        None,
        help="Limit the token to this area's subtree (its code); omit it, or give '*', for "
        "all areas.",
    ),
    expires: int | None = typer.Option(None, help="Days until the token stops working."),
) -> None:
    """Create a token and print its secret once; the graph keeps only its hash."""
    try:
        area_code = area_scope(area) if area is not None else None
    except ValueError as error:
        err_console.print(f"[bold red]error:[/] --area {error}, not {area!r}.", highlight=False)
        raise typer.Exit(2) from error
    settings = load_settings()
    with create_sync_driver(settings) as driver:
        if area_code and not area_exists(driver, settings.neo4j_database, area_code):
            err_console.print(
                f"[bold red]error:[/] no area with code {area_code} in the graph; load the areas "
                "first (`gridgraph load`), or check the code.",
                highlight=False,
            )
            raise typer.Exit(2)
        try:
            issued = create_token(
                driver,
                settings.neo4j_database,
                name=name,
                role=role,
                area_code=area_code,
                expires_days=expires,
            )
        except ValueError as error:
            err_console.print(f"[bold red]error:[/] {error}", highlight=False)
            raise typer.Exit(1) from error
    record = issued.record
    scope = "all areas" if record.area_code is None else f"area {record.area_code}"
    until = f", expires {record.expires_at:%Y-%m-%d %H:%M} UTC" if record.expires_at else ""
    err_console.print(
        f"Created token {record.id} '{record.name}' ({record.role.value}, {scope}{until}). "
        "Store the secret now; it is not shown again:",
        highlight=False,
    )
    # The secret alone on stdout, so `$(gridgraph token create ...)` captures just it.
    console.print(issued.secret, highlight=False, soft_wrap=True)


def _area_column(area_code: str | None) -> str:
    if area_code is None:
        return "(all)"
    return area_code if is_area_code(area_code) else repr(area_code)  # '' shows as ''


@app.command("list")
def list_() -> None:
    """List tokens (never their secrets): id, name, role, area, status, dates."""
    settings = load_settings()
    with create_sync_driver(settings) as driver:
        records = list_tokens(driver, settings.neo4j_database)
    table = Table(
        Column("id", no_wrap=True), "name", "role", "area", "status",
        *(Column(title, no_wrap=True) for title in ("created", "expires", "last used")),
    )  # fmt: skip
    for record in records:
        table.add_row(
            record.id,
            record.name,
            record.role.value,
            _area_column(record.area_code),
            record.status,
            f"{record.created_at:%Y-%m-%d %H:%M}",
            f"{record.expires_at:%Y-%m-%d %H:%M}" if record.expires_at else "",
            f"{record.last_used_at:%Y-%m-%d %H:%M}" if record.last_used_at else "",
        )
    console.print(table)


@app.command()
def revoke(token_id: str = typer.Argument(..., help="Id from `gridgraph token list`.")) -> None:
    """Revoke a token; running services refuse it within GRIDGRAPH_TOKEN_CACHE_SECONDS."""
    settings = load_settings()
    with create_sync_driver(settings) as driver:
        record = revoke_token(driver, settings.neo4j_database, token_id)
    if record is None:
        err_console.print(f"[bold red]error:[/] no token with id {token_id}", highlight=False)
        raise typer.Exit(1)
    console.print(
        f"Revoked token {record.id} '{record.name}' at {record.revoked_at:%Y-%m-%d %H:%M:%S} UTC.",
        highlight=False,
    )
