"""Small helpers shared by the aggregate modules: scope, dates, the `asOf` default, and the
described arguments that several fields take (`areaCode`, `nameContains`, `asOf`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers.scope import scope_of
from schema.context import Context

AreaCodeArg = Annotated[
    str | None,
    strawberry.argument(
        description="Only what lies in this area's subtree (the area and every area below it), "
        "by administrative code, e.g. 370303. An unknown code gives an empty list; for a caller "
        "limited to an area, only what lies in both."
    ),
]
"""`areaCode` of the lists filtered by area subtree."""

NameContainsArg = Annotated[
    str | None,
    strawberry.argument(
        description="Only those whose name contains this text (one character is enough)."
    ),
]
"""`nameContains` of the lists filtered by a name fragment."""

AsOfArg = Annotated[
    date | None,
    strawberry.argument(
        description="Appointments count when in force on this date (since ≤ date ≤ until); "
        "default today."
    ),
]
"""`asOf` of the fields that count appointments on one date (default today)."""

AppointmentsAsOfArg = Annotated[
    date | None,
    strawberry.argument(
        description="Only the appointments in force on this date (since ≤ date ≤ until); "
        "omitted: the whole history, ended appointments included."
    ),
]
"""`asOf` of the appointment lists, which list the whole history without it."""


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
