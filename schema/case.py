"""Dispute cases (矛盾纠纷), their timeline, `case(id:)` and `cases(filter:)`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from core.errors import BadUserInput
from core.model import Label
from resolvers import case as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row, as_date
from schema.common import scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.enums import CaseCategory, CaseStatus
from schema.node import Node, load_node, natural_or_global, require_node, to_global_id
from schema.refs import DepartmentRef, FamilyRef, GridRef, PersonRef, VenueRef


def _enum(kind: Any, value: str | None) -> Any:
    return kind(value) if value in kind._value2member_map_ else None


@strawberry.type(description="One workflow transition of a case.")
class CaseStep(Node):
    step_id: str = strawberry.field(description="`<case id>#<seq>`.")
    seq: int | None = strawberry.field(description="Position in the timeline, from 1.")
    title: str | None = strawberry.field(description="Caption, e.g. 受理.")
    action: str | None = strawberry.field(description="What was done (REPORT, ACCEPT, ...).")
    from_status: CaseStatus | None = strawberry.field(description="Status before the step.")
    to_status: CaseStatus | None = strawberry.field(description="Status after the step.")
    at: datetime | None = strawberry.field(description="When.")
    actor: str | None = strawberry.field(description="Who acted, as recorded (name or office).")
    note: str | None = strawberry.field(description="Note.")
    actor_id: strawberry.Private[str | None]
    case_id: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> CaseStep:
        return cls(
            id=to_global_id("CaseStep", row["id"]),
            step_id=row["id"],
            seq=row.get("seq"),
            title=row.get("title"),
            action=row.get("action"),
            from_status=_enum(CaseStatus, row.get("fromStatus")),
            to_status=_enum(CaseStatus, row.get("toStatus")),
            at=row.get("at"),
            actor=row.get("actor"),
            note=row.get("note"),
            actor_id=row.get("actorId"),
            case_id=row.get("caseId"),
        )

    @strawberry.field(description="The actor, when a person of the graph.")
    async def actor_person(self, info: Info[Context, None]) -> PersonRef | None:
        return await load_node(info, Label.PERSON, self.actor_id)

    @strawberry.field(description="The case of this step.")
    async def case(self, info: Info[Context, None]) -> Case | None:
        return await load_node(info, Label.CASE, self.case_id)


@strawberry.type(description="A referral of a case to a department of the joint mechanism.")
class Referral:
    at: datetime | None = strawberry.field(description="When it was referred.")
    department: DepartmentRef = strawberry.field(description="The department.")


@strawberry.type(description="A dispute case (矛盾纠纷).")
class Case(Node):
    case_id: str = strawberry.field(description="`C<year>-<6 digits>`.")
    title: str = strawberry.field(description="Short title.")
    category: CaseCategory | None = strawberry.field(description="Dispute category.")
    status: CaseStatus | None = strawberry.field(description="Current workflow status.")
    reported_at: datetime | None = strawberry.field(description="When it was reported.")
    closed_at: datetime | None = strawberry.field(description="When it was closed.")
    summary: str | None = strawberry.field(description="What the dispute is about.")
    outcome: str | None = strawberry.field(description="How it ended.")
    grid_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Case:
        return cls(
            id=to_global_id("Case", row["id"]),
            case_id=row["id"],
            title=row.get("title") or row.get("name") or row["id"],
            category=_enum(CaseCategory, row.get("category")),
            status=_enum(CaseStatus, row.get("status")),
            reported_at=row.get("reportedAt"),
            closed_at=row.get("closedAt"),
            summary=row.get("summary"),
            outcome=row.get("outcome"),
            grid_code=row.get("gridCode"),
        )

    @strawberry.field(description="Whole days from report to close; null while open.")
    def days_to_close(self) -> int | None:
        start, end = as_date(self.reported_at), as_date(self.closed_at)
        return None if start is None or end is None else (end - start).days

    @strawberry.field(description="The grid where the dispute arose.")
    async def grid(self, info: Info[Context, None]) -> GridRef | None:
        return await load_node(info, Label.GRID, self.grid_code)

    @strawberry.field(description="The workflow steps, in order.")
    async def timeline(self, info: Info[Context, None]) -> list[CaseStep]:
        rows = await info.context.loaders.related(resolvers.CASE_TIMELINE).load(self.case_id)
        return [CaseStep.from_row(row) for row in rows]

    @strawberry.field(description="The latest workflow step (where the case stands).")
    async def current_step(self, info: Info[Context, None]) -> CaseStep | None:
        steps = await self.timeline(info)
        return steps[-1] if steps else None

    async def _links(self, info: Info[Context, Any]) -> dict[str, Any]:
        row = await info.context.loaders.related(resolvers.CASE_LINKS).load(self.case_id)
        return row or {}

    @strawberry.field(description="Who reported the case.")
    async def reporters(self, info: Info[Context, None]) -> list[PersonRef]:
        from schema.person import Person

        return [Person.from_row(r) for r in (await self._links(info)).get("reporters", [])]

    @strawberry.field(description="The mediators (调解员) of the case.")
    async def mediators(self, info: Info[Context, None]) -> list[PersonRef]:
        from schema.person import Person

        return [Person.from_row(r) for r in (await self._links(info)).get("mediators", [])]

    @strawberry.field(description="The people involved (parties).")
    async def people(self, info: Info[Context, None]) -> list[PersonRef]:
        from schema.person import Person

        return [Person.from_row(r) for r in (await self._links(info)).get("people", [])]

    @strawberry.field(description="The families involved.")
    async def families(self, info: Info[Context, None]) -> list[FamilyRef]:
        from schema.family import Family

        return [Family.from_row(r) for r in (await self._links(info)).get("families", [])]

    @strawberry.field(description="Where the case was handled (mediation room, registry...).")
    async def venues(self, info: Info[Context, None]) -> list[VenueRef]:
        from schema.venue import Venue

        return [Venue.from_row(r) for r in (await self._links(info)).get("venues", [])]

    @strawberry.field(description="Referrals to departments of the joint mechanism.")
    async def referrals(self, info: Info[Context, None]) -> list[Referral]:
        from schema.department import Department

        return [
            Referral(at=r.get("at"), department=Department.from_row(r["department"]))
            for r in (await self._links(info)).get("referrals", [])
        ]


@strawberry.input(description="Filters of `cases`; all optional, combined with AND.")
class CaseFilter:
    status: list[CaseStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    category: list[CaseCategory] | None = strawberry.field(
        default=None, description="Any of these categories."
    )
    open: bool | None = strawberry.field(
        default=None, description="true: not closed or rejected; false: closed or rejected."
    )
    area_code: str | None = strawberry.field(default=None, description="In this area's subtree.")
    grid_code: str | None = strawberry.field(default=None, description="In this grid.")
    reported_from: date | None = strawberry.field(
        default=None, description="Reported on or after this date."
    )
    reported_to: date | None = strawberry.field(
        default=None, description="Reported on or before this date."
    )


@strawberry.type
class CaseQuery:
    @strawberry.field(
        description="One case by id (`C2025-000001`) or global ID. NOT_FOUND when unknown."
    )
    async def case(
        self,
        info: Info[Context, None],
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="Case id (`C2025-000001`) or global ID; the global ID of another "
                "type is BAD_USER_INPUT."
            ),
        ],
    ) -> Case:
        return await require_node(info, Label.CASE, natural_or_global(id, "Case"))

    @strawberry.field(description="Cases, newest report first, filtered.")
    async def cases(
        self,
        info: Info[Context, None],
        filter: Annotated[
            CaseFilter | None,
            strawberry.argument(
                description="Conditions, combined with AND; omitted: none. `reportedFrom` after "
                "`reportedTo` is BAD_USER_INPUT."
            ),
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[Case]:
        f = filter or CaseFilter()
        if f.reported_from and f.reported_to and f.reported_from > f.reported_to:
            raise BadUserInput("`reportedFrom` is after `reportedTo`.", argument="filter")
        page = await resolvers.list_cases(
            info.context.db,
            scope(info),
            PageRequest.of("Case", first, after, count=wants_total(info)),
            statuses=[s.value for s in f.status] if f.status else None,
            categories=[c.value for c in f.category] if f.category else None,
            open_only=f.open,
            area_code=f.area_code,
            grid_code=f.grid_code,
            reported_from=f.reported_from,
            reported_to=f.reported_to,
        )
        return connection(page, Case.from_row)
