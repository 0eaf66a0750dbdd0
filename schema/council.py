"""Women's councils (妇女议事会) and `councils(...)`."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from core.model import Label
from resolvers import council as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row
from schema.common import AppointmentsAsOfArg, AreaCodeArg, scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.node import Node, load_node, to_global_id
from schema.person import Appointment, RolesArg, unit_appointments
from schema.refs import AreaRef, ServiceBrandRef


@strawberry.type(description="A women's council (妇女议事会, branded 妇女解忧议事会).")
class Council(Node):
    code: str = strawberry.field(description="`WC-<community code>`.")
    name: str = strawberry.field(description="Name of the council.")
    founded: date | None = strawberry.field(description="Founding date.")
    area_code: strawberry.Private[str | None]
    brand_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Council:
        return cls(
            id=to_global_id("Council", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            founded=row.get("founded"),
            area_code=row.get("areaCode"),
            brand_code=row.get("brandCode"),
        )

    @strawberry.field(description="The community of the council.")
    async def area(self, info: Info[Context, None]) -> AreaRef | None:
        return await load_node(info, Label.AREA, self.area_code)

    @strawberry.field(description="The brand the council works under.")
    async def brand(self, info: Info[Context, None]) -> ServiceBrandRef | None:
        return await load_node(info, Label.SERVICE_BRAND, self.brand_code)

    @strawberry.field(
        description="Memberships (convener, members): with `asOf`, those in force that day."
    )
    async def members(
        self,
        info: Info[Context, None],
        as_of: AppointmentsAsOfArg = None,
        roles: RolesArg = None,
    ) -> list[Appointment]:
        return await unit_appointments(info, "Council", self.code, as_of, roles)


@strawberry.type
class CouncilQuery:
    @strawberry.field(description="Women's councils by code, in an area's subtree.")
    async def councils(
        self,
        info: Info[Context, None],
        area_code: AreaCodeArg = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[Council]:
        page = await resolvers.list_councils(
            info.context.db,
            scope(info),
            PageRequest.of("Council", first, after, count=wants_total(info)),
            area_code=area_code,
        )
        return connection(page, Council.from_row)
