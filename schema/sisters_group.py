"""Sisters groups (巾帼网格"姊妹团") and `sistersGroups(...)`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from core.model import Label
from resolvers import sisters_group as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row
from schema.common import AppointmentsAsOfArg, AreaCodeArg, scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.node import Node, load_node, to_global_id
from schema.person import Appointment, RolesArg, unit_appointments
from schema.refs import AreaRef, FederationRef, GridRef


@strawberry.type(description="A sisters group (姊妹团) attached to governance grids.")
class SistersGroup(Node):
    code: str = strawberry.field(description="`SG-<area code>`.")
    name: str = strawberry.field(description="Name of the group.")
    founded: date | None = strawberry.field(description="Founding date.")
    pilot: bool = strawberry.field(description="Whether it was one of the pilots (试点).")
    area_code: strawberry.Private[str | None]
    parent_code: strawberry.Private[str | None]
    federation_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> SistersGroup:
        return cls(
            id=to_global_id("SistersGroup", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            founded=row.get("founded"),
            pilot=bool(row.get("pilot")),
            area_code=row.get("areaCode"),
            parent_code=row.get("parentCode"),
            federation_code=row.get("federationCode"),
        )

    @strawberry.field(description="The area the group belongs to.")
    async def area(self, info: Info[Context, None]) -> AreaRef | None:
        return await load_node(info, Label.AREA, self.area_code)

    @strawberry.field(description="The district group this community group is part of.")
    async def parent(self, info: Info[Context, None]) -> SistersGroup | None:
        return await load_node(info, Label.SISTERS_GROUP, self.parent_code)

    @strawberry.field(description="The community groups of this district group.")
    async def children(self, info: Info[Context, None]) -> list[SistersGroup]:
        rows = await info.context.loaders.related(resolvers.SISTERS_GROUP_CHILDREN).load(self.code)
        return [SistersGroup.from_row(row) for row in rows]

    @strawberry.field(description="The federation that runs the group.")
    async def federation(self, info: Info[Context, None]) -> FederationRef | None:
        return await load_node(info, Label.FEDERATION, self.federation_code)

    @strawberry.field(description="The grids the group covers.")
    async def grids(self, info: Info[Context, None]) -> list[GridRef]:
        from schema.grid import Grid

        rows = await info.context.loaders.related(resolvers.SISTERS_GROUP_GRIDS).load(self.code)
        return [Grid.from_row(row) for row in rows]

    @strawberry.field(
        description="Memberships (leader, members): with `asOf`, those in force that day; "
        "without, all of them."
    )
    async def members(
        self,
        info: Info[Context, None],
        as_of: AppointmentsAsOfArg = None,
        roles: RolesArg = None,
    ) -> list[Appointment]:
        return await unit_appointments(info, "SistersGroup", self.code, as_of, roles)


@strawberry.type
class SistersGroupQuery:
    @strawberry.field(description="Sisters groups by code, by area subtree and pilot status.")
    async def sisters_groups(
        self,
        info: Info[Context, None],
        area_code: AreaCodeArg = None,
        pilot: Annotated[
            bool | None,
            strawberry.argument(
                description="true: only the pilot groups (试点); false: only the others; "
                "omitted: both."
            ),
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[SistersGroup]:
        page = await resolvers.list_sisters_groups(
            info.context.db,
            scope(info),
            PageRequest.of("SistersGroup", first, after, count=wants_total(info)),
            area_code=area_code,
            pilot=pilot,
        )
        return connection(page, SistersGroup.from_row)
