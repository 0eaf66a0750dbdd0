"""Helpers shared by the CLI commands: settings, console, one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from core.errors import LocalServerError
from core.settings import Settings

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def load_settings() -> Settings:
    return Settings()


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Turn an operator-facing error into a one-line message and exit code 1."""
    try:
        yield
    except LocalServerError as error:
        err_console.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(1) from error
