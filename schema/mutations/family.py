"""`classifyFamily` (history kept, never overwritten) and `recordVisit`."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from resolvers.mutations import family as resolvers
from schema.context import Context
from schema.family import Family, Visit
from schema.mutations.common import key_of, write_of
from schema.mutations.results import (
    ConflictResult,
    ForbiddenResult,
    NotFoundResult,
    ValidationErrorResult,
    result_of,
)
from schema.person import Person

FamilyResult = Annotated[
    Family | ValidationErrorResult | NotFoundResult | ForbiddenResult | ConflictResult,
    strawberry.union("FamilyResult", description="The family, or why it was refused."),
]

VisitResult = Annotated[
    Visit | ValidationErrorResult | NotFoundResult | ForbiddenResult | ConflictResult,
    strawberry.union("VisitResult", description="The visit recorded, or why it was refused."),
]


@strawberry.input(description="Classify a family (五色 / 七彩) into a category.")
class ClassifyFamilyInput:
    family_code: str = strawberry.field(description="The family.")
    category_code: str = strawberry.field(
        description="A category of the scheme the family's area uses, e.g. `SCH-WUSE:red`."
    )
    reason: str = strawberry.field(description="Why (required).")
    since: datetime.date | None = strawberry.field(default=None, description="From; default today.")


@strawberry.input(description="A home visit (走访) to a family.")
class RecordVisitInput:
    family_code: str = strawberry.field(description="The family visited.")
    visitor_id: strawberry.ID = strawberry.field(
        description="Who visited (person id or global ID)."
    )
    date: datetime.date = strawberry.field(description="Day of the visit.")
    note: str | None = strawberry.field(default=None, description="What was found or done.")


def _visit(row: dict[str, Any]) -> Visit:
    when = row.get("date")
    return Visit(
        id=row.get("id"),
        date=when.isoformat() if when else None,
        note=row.get("note"),
        visitor=Person.from_row(row["visitor"]),
    )


@strawberry.type
class FamilyMutation:
    @strawberry.mutation(
        description="Classify a family: the current classification ends (`until`), a new one "
        "starts with the reason and who classified. Needs the editor role."
    )
    async def classify_family(
        self,
        info: Info[Context, None],
        input: Annotated[
            ClassifyFamilyInput,
            strawberry.argument(description="The family, its new category and why."),
        ],
    ) -> FamilyResult:
        async def work() -> dict:
            new = resolvers.NewClassification(
                family_code=input.family_code,
                category_code=input.category_code,
                reason=input.reason,
                since=input.since,
            )
            return await resolvers.classify_family(info.context.db, write_of(info), new)

        return await result_of(work, Family.from_row)

    @strawberry.mutation(description="Record a home visit to a family (caseworker or above).")
    async def record_visit(
        self,
        info: Info[Context, None],
        input: Annotated[
            RecordVisitInput,
            strawberry.argument(description="The family, who visited, when, and what was found."),
        ],
    ) -> VisitResult:
        async def work() -> dict:
            new = resolvers.NewVisit(
                family_code=input.family_code,
                visitor_id=key_of(input.visitor_id, "Person", "visitorId"),
                date=input.date,
                note=input.note,
            )
            return await resolvers.record_visit(info.context.db, write_of(info), new)

        return await result_of(work, _visit)
