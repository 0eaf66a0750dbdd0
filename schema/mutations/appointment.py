"""`appoint` and `endAppointment` for every role (grid worker, grid head, building head,
federation post, council seat, sisters-group membership, mediation volunteer)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers.mutations import appointment as resolvers
from schema.context import Context
from schema.enums import Role
from schema.mutations.common import key_of, write_of
from schema.mutations.results import (
    ConflictResult,
    ForbiddenResult,
    NotFoundResult,
    ValidationErrorResult,
    result_of,
)
from schema.person import Appointment

AppointmentResult = Annotated[
    Appointment | ValidationErrorResult | NotFoundResult | ForbiddenResult | ConflictResult,
    strawberry.union(
        "AppointmentResult", description="The appointment, or why it was refused (no change)."
    ),
]


@strawberry.input(description="A new appointment (任职).")
class AppointInput:
    person_id: strawberry.ID = strawberry.field(description="The person (id or global ID).")
    role: Role = strawberry.field(
        description="The role; it decides the kind of unit (grid roles: a grid code; federation "
        "posts: `FED-...`; sisters groups: `SG-...`; councils: `WC-...`; mediation volunteers: "
        "a venue code)."
    )
    unit_code: str = strawberry.field(description="Code of the grid, federation, group, ...")
    since: date = strawberry.field(description="First day in the role.")
    until: date | None = strawberry.field(default=None, description="Last day; null: ongoing.")
    building: str | None = strawberry.field(
        default=None, description="For building heads: the building, e.g. 3号楼."
    )


@strawberry.input(description="End an appointment on a date.")
class EndAppointmentInput:
    id: str = strawberry.field(description="Appointment id `<person id>|<role>|<unit>|<since>`.")
    until: date = strawberry.field(description="Last day in the role.")


@strawberry.type
class AppointmentMutation:
    @strawberry.mutation(
        description="Appoint a person to a role in a unit. Conflict when the same person already "
        "holds the same role in the same unit on an overlapping date range."
    )
    async def appoint(
        self,
        info: Info[Context, None],
        input: Annotated[
            AppointInput,
            strawberry.argument(description="Who, which role, in which unit, from when."),
        ],
    ) -> AppointmentResult:
        async def work() -> dict:
            new = resolvers.NewAppointment(
                person_id=key_of(input.person_id, "Person", "personId"),
                role=input.role,
                unit_code=input.unit_code,
                since=input.since,
                until=input.until,
                building=input.building,
            )
            return await resolvers.appoint(info.context.db, write_of(info), new)

        return await result_of(work, Appointment.from_row)

    @strawberry.mutation(
        description="End an appointment (sets `until`; the appointment stays in the history)."
    )
    async def end_appointment(
        self,
        info: Info[Context, None],
        input: Annotated[
            EndAppointmentInput,
            strawberry.argument(description="The appointment and its last day."),
        ],
    ) -> AppointmentResult:
        async def work() -> dict:
            return await resolvers.end_appointment(
                info.context.db, write_of(info), input.id, input.until
            )

        return await result_of(work, Appointment.from_row)
