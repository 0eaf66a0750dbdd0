"""Create and update grids, women's councils and venues."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from core.model import Label
from resolvers.mutations import unit as resolvers
from resolvers.mutations.common import Checks
from schema.context import Context
from schema.council import Council
from schema.grid import Grid, GridKind
from schema.mutations.common import CHANGES, write_of
from schema.mutations.results import (
    ConflictResult,
    ForbiddenResult,
    NotFoundResult,
    ValidationErrorResult,
    result_of,
)
from schema.venue import Venue, VenueKind

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


def _households(value: int | None, checks: Checks) -> None:
    if value is not None and value < 0:
        checks.fail("households", "NEGATIVE", "households cannot be negative", "户数不能为负")


@strawberry.type
class UnitMutation:
    @strawberry.mutation(description="Create a grid in a community.")
    async def create_grid(
        self,
        info: Info[Context, None],
        input: Annotated[CreateGridInput, strawberry.argument(description="The new grid.")],
    ) -> GridResult:
        async def work() -> dict:
            checks = Checks()
            resolvers.check_grid_code(input.code, input.community_code, checks)
            _households(input.households, checks)
            fields = resolvers.UnitFields(
                name=input.name,
                props={
                    "kind": input.kind.value if input.kind else None,
                    "households": input.households,
                },
            )
            return await resolvers.create_unit(
                info.context.db,
                write_of(info),
                Label.GRID,
                input.code,
                input.community_code,
                fields,
                community_only=True,
                checks=checks,
                area_field="communityCode",
            )

        return await result_of(work, Grid.from_row)

    @strawberry.mutation(description="Change a grid's name, kind or households.")
    async def update_grid(
        self,
        info: Info[Context, None],
        code: Annotated[
            str, strawberry.argument(description="Code of the grid, e.g. 370303006001-007.")
        ],
        input: Annotated[UpdateGridInput, strawberry.argument(description=CHANGES)],
    ) -> GridResult:
        async def work() -> dict:
            checks = Checks()
            _households(input.households, checks)
            checks.done()
            fields = resolvers.UnitFields(
                name=input.name,
                props={
                    "kind": input.kind.value if input.kind else None,
                    "households": input.households,
                },
            )
            return await resolvers.update_unit(
                info.context.db, write_of(info), Label.GRID, code, fields
            )

        return await result_of(work, Grid.from_row)

    @strawberry.mutation(description="Create the women's council of a community (`WC-<code>`).")
    async def create_council(
        self,
        info: Info[Context, None],
        input: Annotated[CreateCouncilInput, strawberry.argument(description="The new council.")],
    ) -> CouncilResult:
        async def work() -> dict:
            fields = resolvers.UnitFields(name=input.name, props={"founded": input.founded})
            return await resolvers.create_unit(
                info.context.db,
                write_of(info),
                Label.COUNCIL,
                f"WC-{input.community_code}",
                input.community_code,
                fields,
                community_only=True,
                area_field="communityCode",
            )

        return await result_of(work, Council.from_row)

    @strawberry.mutation(description="Change a council's name or founding date.")
    async def update_council(
        self,
        info: Info[Context, None],
        code: Annotated[
            str, strawberry.argument(description="Code of the council, `WC-<community code>`.")
        ],
        input: Annotated[UpdateCouncilInput, strawberry.argument(description=CHANGES)],
    ) -> CouncilResult:
        async def work() -> dict:
            fields = resolvers.UnitFields(name=input.name, props={"founded": input.founded})
            return await resolvers.update_unit(
                info.context.db, write_of(info), Label.COUNCIL, code, fields
            )

        return await result_of(work, Council.from_row)

    @strawberry.mutation(description="Create a venue in an area.")
    async def create_venue(
        self,
        info: Info[Context, None],
        input: Annotated[CreateVenueInput, strawberry.argument(description="The new venue.")],
    ) -> VenueResult:
        async def work() -> dict:
            fields = resolvers.UnitFields(
                name=input.name, props={"kind": input.kind.value, "address": input.address}
            )
            return await resolvers.create_unit(
                info.context.db,
                write_of(info),
                Label.VENUE,
                input.code,
                input.area_code,
                fields,
                community_only=False,
            )

        return await result_of(work, Venue.from_row)

    @strawberry.mutation(description="Change a venue's name, kind or address.")
    async def update_venue(
        self,
        info: Info[Context, None],
        code: Annotated[
            str, strawberry.argument(description="Code of the venue, e.g. V-MED-370303.")
        ],
        input: Annotated[UpdateVenueInput, strawberry.argument(description=CHANGES)],
    ) -> VenueResult:
        async def work() -> dict:
            fields = resolvers.UnitFields(
                name=input.name,
                props={"kind": input.kind.value if input.kind else None, "address": input.address},
            )
            return await resolvers.update_unit(
                info.context.db, write_of(info), Label.VENUE, code, fields
            )

        return await result_of(work, Venue.from_row)
