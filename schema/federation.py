"""Women's federations (妇联) and `federations(...)`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from core.model import Label
from resolvers import federation as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row
from schema.area import AreaLevel
from schema.common import AppointmentsAsOfArg, AreaCodeArg, scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.node import Node, load_node, to_global_id
from schema.person import Appointment, RolesArg, unit_appointments
from schema.refs import AreaRef


def _level(value: str | None) -> AreaLevel | None:
    """The stored level as an `AreaLevel`; None for a federation without a known one."""
    try:
        return AreaLevel(value) if value else None
    except ValueError:
        return None


@strawberry.type(description="A women's federation (妇联) serving an area.")
class Federation(Node):
    code: str = strawberry.field(description="`FED-<area code>`.")
    name: str = strawberry.field(description="Name, e.g. 淄博市妇联.")
    level: AreaLevel | None = strawberry.field(description="Level of the area it serves.")
    area_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Federation:
        return cls(
            id=to_global_id("Federation", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            level=_level(row.get("level")),
            area_code=row.get("areaCode"),
        )

    @strawberry.field(description="The area the federation serves.")
    async def area(self, info: Info[Context, None]) -> AreaRef | None:
        return await load_node(info, Label.AREA, self.area_code)

    @strawberry.field(
        description="Posts (chair, executives, legal-savvy persons): with `asOf`, those in "
        "force that day; without, all of them."
    )
    async def posts(
        self,
        info: Info[Context, None],
        as_of: AppointmentsAsOfArg = None,
        roles: RolesArg = None,
    ) -> list[Appointment]:
        return await unit_appointments(info, "Federation", self.code, as_of, roles)


@strawberry.type
class FederationQuery:
    @strawberry.field(description="Federations by code, by area subtree and level.")
    async def federations(
        self,
        info: Info[Context, None],
        area_code: AreaCodeArg = None,
        level: Annotated[
            AreaLevel | None,
            strawberry.argument(
                description="Only federations at this level (the level of the area served)."
            ),
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[Federation]:
        page = await resolvers.list_federations(
            info.context.db,
            scope(info),
            PageRequest.of("Federation", first, after, count=wants_total(info)),
            area_code=area_code,
            level=level.value if level else None,
        )
        return connection(page, Federation.from_row)
