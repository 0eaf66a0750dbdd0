"""Grids (网格), their buildings, `grid(code:)` and `grids(...)`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from core.model import Label
from resolvers import grid as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row
from schema.common import AppointmentsAsOfArg, AreaCodeArg, NameContainsArg, scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.enums import GridKind
from schema.node import Node, load_node, require_node, to_global_id
from schema.person import Appointment, RolesArg, unit_appointments
from schema.refs import AreaRef, FamilyRef, SistersGroupRef


@strawberry.type(description="A governance grid (网格) in a community.")
class Grid(Node):
    code: str = strawberry.field(
        description="Community code + `-` + number, e.g. 370303006001-007."
    )
    name: str = strawberry.field(description="Name of the grid.")
    kind: GridKind | None = strawberry.field(description="Comprehensive or dedicated.")
    households: int | None = strawberry.field(description="Number of households, when known.")
    community_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Grid:
        kind = row.get("kind")
        return cls(
            id=to_global_id("Grid", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            kind=GridKind(kind) if kind in GridKind._value2member_map_ else None,
            households=row.get("households"),
            community_code=row.get("communityCode"),
        )

    @strawberry.field(description="The community the grid is in.")
    async def community(self, info: Info[Context, None]) -> AreaRef | None:
        return await load_node(info, Label.AREA, self.community_code)

    @strawberry.field(
        description="Appointments in the grid (head, workers, building heads): with `asOf`, "
        "those in force that day; without, all of them."
    )
    async def appointments(
        self,
        info: Info[Context, None],
        as_of: AppointmentsAsOfArg = None,
        roles: RolesArg = None,
    ) -> list[Appointment]:
        return await unit_appointments(info, "Grid", self.code, as_of, roles)

    @strawberry.field(description="The sisters groups covering the grid.")
    async def sisters_groups(self, info: Info[Context, None]) -> list[SistersGroupRef]:
        from schema.sisters_group import SistersGroup

        rows = await info.context.loaders.related(resolvers.GRID_SISTERS_GROUPS).load(self.code)
        return [SistersGroup.from_row(row) for row in rows]

    @strawberry.field(description="The families (households) of the grid.")
    async def families(self, info: Info[Context, None]) -> list[FamilyRef]:
        from schema.family import Family

        rows = await info.context.loaders.related(resolvers.GRID_FAMILIES).load(self.code)
        return [Family.from_row(row) for row in rows]

    @strawberry.field(description="Buildings of the grid named by rosters.")
    async def buildings(self, info: Info[Context, None]) -> list[Building]:
        rows = await info.context.loaders.related(resolvers.GRID_BUILDINGS).load(self.code)
        return [Building.from_row(row) for row in rows]


@strawberry.type(description="A building (楼栋) of a grid, as named by a roster.")
class Building(Node):
    code: str = strawberry.field(description="Grid code + `/` + building name.")
    name: str = strawberry.field(description="Building name, e.g. 3号楼.")
    grid_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Building:
        return cls(
            id=to_global_id("Building", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            grid_code=row.get("gridCode"),
        )

    @strawberry.field(description="The grid the building is in.")
    async def grid(self, info: Info[Context, None]) -> Grid | None:
        return await load_node(info, Label.GRID, self.grid_code)


@strawberry.type
class GridQuery:
    @strawberry.field(description="One grid by code. NOT_FOUND when unknown.")
    async def grid(
        self,
        info: Info[Context, None],
        code: Annotated[
            str,
            strawberry.argument(
                description="Grid code: community code + `-` + number, e.g. 370303006001-007."
            ),
        ],
    ) -> Grid:
        return await require_node(info, Label.GRID, code)

    @strawberry.field(
        description="Grids by code, filtered by area subtree, kind, name fragment and whether "
        "a sisters group covers them."
    )
    async def grids(
        self,
        info: Info[Context, None],
        area_code: AreaCodeArg = None,
        kind: Annotated[
            GridKind | None, strawberry.argument(description="Only grids of this kind.")
        ] = None,
        name_contains: NameContainsArg = None,
        covered_by_sisters_group: Annotated[
            bool | None,
            strawberry.argument(
                description="true: only grids a sisters group covers; false: only grids none "
                "covers; omitted: both."
            ),
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[Grid]:
        page = await resolvers.list_grids(
            info.context.db,
            scope(info),
            PageRequest.of("Grid", first, after, count=wants_total(info)),
            area_code=area_code,
            kind=kind.value if kind else None,
            name_contains=name_contains,
            covered=covered_by_sisters_group,
        )
        return connection(page, Grid.from_row)
