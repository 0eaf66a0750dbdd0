"""Activities (活动) and `activities(...)`."""

from __future__ import annotations

import datetime
from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from core.errors import BadUserInput
from core.model import Label
from resolvers import activity as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row
from schema.common import AreaCodeArg, scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.node import Node, load_node, to_global_id
from schema.refs import PersonRef, VenueRef


@strawberry.type(description="Someone who took part in an activity, and as what.")
class Participation:
    role: str | None = strawberry.field(description="SPEAKER, PARTICIPANT or ORGANISER.")
    person: PersonRef = strawberry.field(description="Who took part.")


@strawberry.type(description="An activity, e.g. the legal-outreach event 巾帼普法乡村行.")
class Activity(Node):
    code: str = strawberry.field(description="Natural key of the activity.")
    title: str = strawberry.field(description="Title of the activity.")
    date: datetime.date | None = strawberry.field(description="When it took place.")
    kind: str | None = strawberry.field(description="Kind, e.g. LEGAL_OUTREACH.")
    description: str | None = strawberry.field(description="What happened.")
    venue_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Activity:
        return cls(
            id=to_global_id("Activity", row["code"]),
            code=row["code"],
            title=row.get("title") or row.get("name") or row["code"],
            date=row.get("date"),
            kind=row.get("kind"),
            description=row.get("description"),
            venue_code=row.get("venueCode"),
        )

    @strawberry.field(description="Where it was held.")
    async def venue(self, info: Info[Context, None]) -> VenueRef | None:
        return await load_node(info, Label.VENUE, self.venue_code)

    @strawberry.field(description="Who took part, by role then name.")
    async def participants(self, info: Info[Context, None]) -> list[Participation]:
        from schema.person import Person

        rows = await info.context.loaders.related(resolvers.ACTIVITY_PARTICIPANTS).load(self.code)
        return [Participation(role=r["role"], person=Person.from_row(r["person"])) for r in rows]


@strawberry.type
class ActivityQuery:
    @strawberry.field(description="Activities, newest first, by area subtree, kind, date range.")
    async def activities(
        self,
        info: Info[Context, None],
        area_code: AreaCodeArg = None,
        kind: Annotated[
            str | None,
            strawberry.argument(
                description="Only activities of this kind, exactly as recorded, e.g. "
                "LEGAL_OUTREACH; kinds are an open list, so an unknown kind gives an empty list."
            ),
        ] = None,
        date_from: Annotated[
            date | None,
            strawberry.argument(
                description="Only activities on or after this date; after `dateTo` is "
                "BAD_USER_INPUT."
            ),
        ] = None,
        date_to: Annotated[
            date | None, strawberry.argument(description="Only activities on or before this date.")
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[Activity]:
        if date_from and date_to and date_from > date_to:
            raise BadUserInput("`dateFrom` is after `dateTo`.", argument="dateFrom")
        page = await resolvers.list_activities(
            info.context.db,
            scope(info),
            PageRequest.of("Activity", first, after, count=wants_total(info)),
            area_code=area_code,
            kind=kind,
            date_from=date_from,
            date_to=date_to,
        )
        return connection(page, Activity.from_row)
