"""Small helpers shared by the aggregate modules: scope, dates, the `asOf` default."""

from __future__ import annotations

from datetime import date
from typing import Any

from strawberry.types import Info

from resolvers.scope import scope_of
from schema.context import Context


def scope(info: Info[Context, Any]) -> str | None:
    """The area code the caller is limited to (None: all areas)."""
    return scope_of(info.context.viewer)


def as_of_or_today(as_of: date | None) -> date:
    """`asOf` arguments default to today."""
    return as_of or date.today()


def roles_key(roles: list[Any] | None) -> tuple[str, ...] | None:
    """Role enum values as a hashable, sorted DataLoader key part."""
    if not roles:
        return None
    return tuple(sorted({role.value for role in roles}))
