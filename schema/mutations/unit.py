"""Create and update grids, women's councils and venues.

Each mutation maps its input to a plain command of `resolvers.mutations.unit` (`NewGrid`,
`GridChanges` ...); every check, and the input field it names, is the resolver's.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers.mutations import unit as resolvers
from schema.context import Context
from schema.council import Council
from schema.enums import GridKind, VenueKind
from schema.grid import Grid
from schema.mutations.common import CHANGES, write_of
from schema.mutations.results import (
    ConflictResult,
    ForbiddenResult,
    NotFoundResult,
    ValidationErrorResult,
    result_of,
)
from schema.venue import Venue

_REFUSALS = ValidationErrorResult | NotFoundResult | ForbiddenResult | ConflictResult

GridResult = Annotated[
    Grid | _REFUSALS, strawberry.union("GridResult", description="The grid, or why not.")
]
CouncilResult = Annotated[
    Council | _REFUSALS, strawberry.union("CouncilResult", description="The council, or why not.")
]
VenueResult = Annotated[
    Venue | _REFUSALS, strawberry.union("VenueResult", description="The venue, or why not.")
]


@strawberry.input(description="A new grid (网格) in a community.")
class CreateGridInput:
    code: str = strawberry.field(description="Community code + `-` + 3 digits.")
    name: str = strawberry.field(description="Name of the grid.")
    community_code: str = strawberry.field(description="The community it lies in.")
    kind: GridKind | None = strawberry.field(default=None, description="Comprehensive/dedicated.")
    households: int | None = strawberry.field(default=None, description="Households, ≥ 0.")


@strawberry.input(description="Changes to a grid; only the fields given change.")
class UpdateGridInput:
    name: str | None = strawberry.field(default=None, description="Name of the grid.")
    kind: GridKind | None = strawberry.field(default=None, description="Comprehensive/dedicated.")
    households: int | None = strawberry.field(default=None, description="Households, ≥ 0.")


@strawberry.input(description="A new women's council (妇女议事会), one per community.")
class CreateCouncilInput:
    community_code: str = strawberry.field(description="The community; the code is `WC-<it>`.")
    name: str = strawberry.field(description="Name, e.g. 柳毅社区妇女解忧议事会.")
    founded: date | None = strawberry.field(default=None, description="Founding date.")


@strawberry.input(description="Changes to a council; only the fields given change.")
class UpdateCouncilInput:
    name: str | None = strawberry.field(default=None, description="Name.")
    founded: date | None = strawberry.field(default=None, description="Founding date.")


@strawberry.input(description="A new venue (阵地).")
class CreateVenueInput:
    code: str = strawberry.field(description="Natural key, e.g. V-MED-370303.")
    name: str = strawberry.field(description="Name.")
    kind: VenueKind = strawberry.field(description="What the venue is.")
    area_code: str = strawberry.field(description="The area it serves / lies in.")
    address: str | None = strawberry.field(default=None, description="Street address.")


@strawberry.input(description="Changes to a venue; only the fields given change.")
class UpdateVenueInput:
    name: str | None = strawberry.field(default=None, description="Name.")
    kind: VenueKind | None = strawberry.field(default=None, description="What the venue is.")
    address: str | None = strawberry.field(default=None, description="Street address.")


@strawberry.type
class UnitMutation:
    @strawberry.mutation(description="Create a grid in a community.")
    async def create_grid(
        self,
        info: Info[Context, None],
        input: Annotated[CreateGridInput, strawberry.argument(description="The new grid.")],
    ) -> GridResult:
        new = resolvers.NewGrid(
            code=input.code,
            name=input.name,
            community_code=input.community_code,
            kind=input.kind,
            households=input.households,
        )
        return await result_of(
            lambda: resolvers.create_grid(info.context.db, write_of(info), new), Grid.from_row
        )

    @strawberry.mutation(description="Change a grid's name, kind or households.")
    async def update_grid(
        self,
        info: Info[Context, None],
        code: Annotated[
            str, strawberry.argument(description="Code of the grid, e.g. 370303006001-007.")
        ],
        input: Annotated[UpdateGridInput, strawberry.argument(description=CHANGES)],
    ) -> GridResult:
        changes = resolvers.GridChanges(
            name=input.name, kind=input.kind, households=input.households
        )
        return await result_of(
            lambda: resolvers.update_grid(info.context.db, write_of(info), code, changes),
            Grid.from_row,
        )

    @strawberry.mutation(description="Create the women's council of a community (`WC-<code>`).")
    async def create_council(
        self,
        info: Info[Context, None],
        input: Annotated[CreateCouncilInput, strawberry.argument(description="The new council.")],
    ) -> CouncilResult:
        new = resolvers.NewCouncil(
            community_code=input.community_code, name=input.name, founded=input.founded
        )
        return await result_of(
            lambda: resolvers.create_council(info.context.db, write_of(info), new),
            Council.from_row,
        )

    @strawberry.mutation(description="Change a council's name or founding date.")
    async def update_council(
        self,
        info: Info[Context, None],
        code: Annotated[
            str, strawberry.argument(description="Code of the council, `WC-<community code>`.")
        ],
        input: Annotated[UpdateCouncilInput, strawberry.argument(description=CHANGES)],
    ) -> CouncilResult:
        changes = resolvers.CouncilChanges(name=input.name, founded=input.founded)
        return await result_of(
            lambda: resolvers.update_council(info.context.db, write_of(info), code, changes),
            Council.from_row,
        )

    @strawberry.mutation(description="Create a venue in an area.")
    async def create_venue(
        self,
        info: Info[Context, None],
        input: Annotated[CreateVenueInput, strawberry.argument(description="The new venue.")],
    ) -> VenueResult:
        new = resolvers.NewVenue(
            code=input.code,
            name=input.name,
            kind=input.kind,
            area_code=input.area_code,
            address=input.address,
        )
        return await result_of(
            lambda: resolvers.create_venue(info.context.db, write_of(info), new), Venue.from_row
        )

    @strawberry.mutation(description="Change a venue's name, kind or address.")
    async def update_venue(
        self,
        info: Info[Context, None],
        code: Annotated[
            str, strawberry.argument(description="Code of the venue, e.g. V-MED-370303.")
        ],
        input: Annotated[UpdateVenueInput, strawberry.argument(description=CHANGES)],
    ) -> VenueResult:
        changes = resolvers.VenueChanges(name=input.name, kind=input.kind, address=input.address)
        return await result_of(
            lambda: resolvers.update_venue(info.context.db, write_of(info), code, changes),
            Venue.from_row,
        )
