"""People, their appointments (任职) over time, `person(id:)` and `people(filter:)`.

Phone and ID numbers are masked on the server unless the viewer may see personal data; the
birth date is withheld from such viewers too.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from core.model import Label
from core.privacy import mask_id_number, mask_phone
from resolvers import person as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row
from schema.common import AppointmentsAsOfArg, as_of_or_today, roles_key, scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.enums import Role
from schema.node import Node, load_node, natural_or_global, require_node, to_global_id
from schema.refs import AreaRef, CouncilRef, FederationRef, GridRef, SistersGroupRef, VenueRef

RolesArg = Annotated[
    list[Role] | None,
    strawberry.argument(description="Only appointments of these roles; omitted or empty: all."),
]
"""`roles` of the appointment lists."""

AppointmentUnit = Annotated[
    GridRef | FederationRef | SistersGroupRef | CouncilRef | VenueRef,
    strawberry.union(
        "AppointmentUnit",
        description="Where an appointment is held: a grid, a federation, a sisters group, a "
        "women's council or a venue.",
    ),
]


@strawberry.type(
    description="An appointment (任职): a person holding a role in a unit from `since` until "
    "`until` (open-ended when null)."
)
class Appointment:
    id: str = strawberry.field(
        description="Stable appointment id: `<person id>|<role>|<unit code>|<since>`."
    )
    role: Role = strawberry.field(description="The role held.")
    since: date | None = strawberry.field(description="First day in the role.")
    until: date | None = strawberry.field(description="Last day in the role; null: ongoing.")
    building: str | None = strawberry.field(description="For building heads: the building name.")
    person_id: strawberry.Private[str]
    unit_label: strawberry.Private[str | None]
    unit_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Appointment:
        return cls(
            id=row.get("id") or "",
            role=Role(row["role"]),
            since=row.get("since"),
            until=row.get("until"),
            building=row.get("building"),
            person_id=row["personId"],
            unit_label=row.get("unitLabel"),
            unit_code=row.get("unitCode"),
        )

    @strawberry.field(description="Whether the appointment is in force on `asOf` (default today).")
    def in_force(
        self,
        as_of: Annotated[
            date | None, strawberry.argument(description="The day to check; default today.")
        ] = None,
    ) -> bool:
        day = as_of_or_today(as_of)
        return (self.since is None or self.since <= day) and (
            self.until is None or day <= self.until
        )

    @strawberry.field(description="Who holds it.")
    async def person(self, info: Info[Context, None]) -> Person | None:
        return await load_node(info, Label.PERSON, self.person_id)

    @strawberry.field(description="Where it is held.")
    async def unit(self, info: Info[Context, None]) -> AppointmentUnit | None:
        if self.unit_label is None:
            return None
        return await load_node(info, self.unit_label, self.unit_code)


async def unit_appointments(
    info: Info[Context, Any],
    label: str,
    code: str,
    as_of: date | None,
    roles: list[Role] | None,
) -> list[Appointment]:
    """Appointments held in one unit (grid, federation, ...), through the DataLoader."""
    loader = info.context.loaders.related(resolvers.UNIT_APPOINTMENTS)
    rows = await loader.load((label, code, as_of, roles_key(roles)))
    return [Appointment.from_row(row) for row in rows]


async def person_appointments(
    info: Info[Context, Any], person_id: str, as_of: date | None, roles: tuple[str, ...] | None
) -> list[Appointment]:
    """A person's appointments, through the DataLoader."""
    loader = info.context.loaders.related(resolvers.PERSON_APPOINTMENTS)
    rows = await loader.load((person_id, as_of, roles))
    return [Appointment.from_row(row) for row in rows]


@strawberry.type(description="A person of the network (resident, grid worker, volunteer...).")
class Person(Node):
    person_id: str = strawberry.field(
        description="Natural key `P-` + 16 hex digits (derived, never the ID number itself)."
    )
    name: str = strawberry.field(description="Full name.")
    gender: str | None = strawberry.field(description="`F` or `M`.")
    ethnicity: str | None = strawberry.field(description="民族, e.g. 汉族.")
    political_status: str | None = strawberry.field(description="政治面貌, e.g. 中共党员.")
    party_member: bool | None = strawberry.field(description="Member of the Communist Party.")
    education: str | None = strawberry.field(description="文化程度.")
    employer: str | None = strawberry.field(description="工作单位及职务.")
    synthetic: bool = strawberry.field(
        description="True for generated demo people; real people named in the source article "
        "carry no invented contact details."
    )
    raw_phone: strawberry.Private[str | None]
    raw_id_number: strawberry.Private[str | None]
    raw_birth_date: strawberry.Private[date | None]
    residence_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Person:
        return cls(
            id=to_global_id("Person", row["id"]),
            person_id=row["id"],
            name=row.get("name") or "",
            gender=row.get("gender"),
            ethnicity=row.get("ethnicity"),
            political_status=row.get("politicalStatus"),
            party_member=row.get("partyMember"),
            education=row.get("education"),
            employer=row.get("employer"),
            synthetic=bool(row.get("synthetic")),
            raw_phone=row.get("phone"),
            raw_id_number=row.get("idNumber"),
            raw_birth_date=row.get("birthDate"),
            residence_code=row.get("residenceCode"),
        )

    @strawberry.field(
        description="Phone number; masked (`138****8000`) unless the caller may see personal data."
    )
    def phone(self, info: Info[Context, None]) -> str | None:
        if info.context.viewer.sees_personal_data:
            return self.raw_phone
        return mask_phone(self.raw_phone)

    @strawberry.field(
        description="Resident ID number; masked (`370303********1234`) unless the caller may "
        "see personal data."
    )
    def id_number(self, info: Info[Context, None]) -> str | None:
        if info.context.viewer.sees_personal_data:
            return self.raw_id_number
        return mask_id_number(self.raw_id_number)

    @strawberry.field(description="Birth date; null unless the caller may see personal data.")
    def birth_date(self, info: Info[Context, None]) -> date | None:
        return self.raw_birth_date if info.context.viewer.sees_personal_data else None

    @strawberry.field(description="The community the person lives in.")
    async def residence(self, info: Info[Context, None]) -> AreaRef | None:
        return await load_node(info, Label.AREA, self.residence_code)

    @strawberry.field(
        description="Appointments: with `asOf`, those in force on that date; without, all of "
        "them including ended ones. `roles` narrows them."
    )
    async def appointments(
        self,
        info: Info[Context, None],
        as_of: AppointmentsAsOfArg = None,
        roles: RolesArg = None,
    ) -> list[Appointment]:
        return await person_appointments(info, self.person_id, as_of, roles_key(roles))


@strawberry.input(description="Filters of `people`; all optional, combined with AND.")
class PeopleFilter:
    role: Role | None = strawberry.field(
        default=None, description="Holding this role on `asOf` (in `areaCode`, when given)."
    )
    area_code: str | None = strawberry.field(
        default=None,
        description="In this area's subtree: by an appointment there (or, without `role`, "
        "also by residence).",
    )
    name_contains: str | None = strawberry.field(
        default=None, description="Name contains this fragment (1 character is enough)."
    )
    party_member: bool | None = strawberry.field(
        default=None, description="Party members only (true) or non-members only (false)."
    )
    as_of: date | None = strawberry.field(
        default=None, description="Date at which `role` must be held; default today."
    )


@strawberry.type
class PersonQuery:
    @strawberry.field(
        description="One person by natural id (`P-...`) or global ID. NOT_FOUND when unknown."
    )
    async def person(
        self,
        info: Info[Context, None],
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="Natural id (`P-` + 16 hex digits) or global ID; the global ID of "
                "another type is BAD_USER_INPUT."
            ),
        ],
    ) -> Person:
        return await require_node(info, Label.PERSON, natural_or_global(id, "Person"))

    @strawberry.field(description="People by name, filtered by role, area, name fragment.")
    async def people(
        self,
        info: Info[Context, None],
        filter: Annotated[
            PeopleFilter | None,
            strawberry.argument(description="Conditions, combined with AND; omitted: none."),
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[Person]:
        f = filter or PeopleFilter()
        page = await resolvers.list_people(
            info.context.db,
            scope(info),
            PageRequest.of("Person", first, after, count=wants_total(info)),
            as_of=as_of_or_today(f.as_of),
            role=f.role.value if f.role else None,
            area_code=f.area_code,
            name_contains=f.name_contains,
            party_member=f.party_member,
        )
        return connection(page, Person.from_row)
