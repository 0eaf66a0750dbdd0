"""`createPerson` and `updatePerson`: fields validated like roster rows (core/validation.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers.mutations import person as resolvers
from schema.context import Context
from schema.mutations.common import CHANGES, key_of, write_of
from schema.mutations.results import (
    ConflictResult,
    ForbiddenResult,
    NotFoundResult,
    ValidationErrorResult,
    result_of,
)
from schema.person import Person

PersonResult = Annotated[
    Person | ValidationErrorResult | NotFoundResult | ForbiddenResult | ConflictResult,
    strawberry.union("PersonResult", description="The person, or why it was refused."),
]


@strawberry.input(description="A person's fields; on update, only those given change.")
class PersonInput:
    name: str | None = strawberry.field(default=None, description="Full name (required to create).")
    gender: str | None = strawberry.field(default=None, description="女/男, F/M.")
    ethnicity: str | None = strawberry.field(default=None, description="民族, e.g. 汉族.")
    birth_date: date | None = strawberry.field(default=None, description="Birth date.")
    id_number: str | None = strawberry.field(
        default=None, description="Resident ID number (GB 11643, checked)."
    )
    phone: str | None = strawberry.field(
        default=None, description="Mobile (13912345678) or landline (0533-2345678)."
    )
    political_status: str | None = strawberry.field(
        default=None, description="政治面貌: name, alias or GB/T 4762 code."
    )
    education: str | None = strawberry.field(default=None, description="文化程度.")
    employer: str | None = strawberry.field(default=None, description="工作单位及职务.")
    residence_code: str | None = strawberry.field(
        default=None, description="Community the person lives in (required for area tokens)."
    )


def _fields(input: PersonInput) -> resolvers.PersonFields:
    return resolvers.PersonFields(
        name=input.name,
        gender=input.gender,
        ethnicity=input.ethnicity,
        birth_date=input.birth_date,
        id_number=input.id_number,
        phone=input.phone,
        political_status=input.political_status,
        education=input.education,
        employer=input.employer,
        residence_code=input.residence_code,
    )


@strawberry.type
class PersonMutation:
    @strawberry.mutation(
        description="Create a person; the key derives from the ID number (or name, birth date "
        "and community). Conflict when that person exists."
    )
    async def create_person(
        self,
        info: Info[Context, None],
        input: Annotated[
            PersonInput,
            strawberry.argument(description="The new person's fields; `name` is required."),
        ],
    ) -> PersonResult:
        async def work() -> dict:
            return await resolvers.create_person(
                info.context.db, write_of(info), _fields(input), info.context.identity_key
            )

        return await result_of(work, Person.from_row)

    @strawberry.mutation(description="Change the fields given of a person (its key stays).")
    async def update_person(
        self,
        info: Info[Context, None],
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The person: natural id (`P-...`) or global ID."),
        ],
        input: Annotated[PersonInput, strawberry.argument(description=CHANGES)],
    ) -> PersonResult:
        async def work() -> dict:
            key = key_of(id, "Person", "id")
            return await resolvers.update_person(
                info.context.db, write_of(info), key, _fields(input), info.context.identity_key
            )

        return await result_of(work, Person.from_row)
