"""Network questions: `dualRoleMembers`, `coverage`, `stats`, `path`."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from core.errors import BadUserInput, NotFound
from core.model import Label
from resolvers import network as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row
from schema.area import Area
from schema.common import AsOfArg, as_of_or_today, scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.node import Node, from_global_id, load_node, load_row, to_global_id
from schema.person import Appointment, Person, Role, person_appointments


@strawberry.type(
    description="A person holding two kinds of appointment on the same date (双向任职), "
    "with the appointments of each kind."
)
class DualRoleMember:
    person: Person = strawberry.field(description="The person.")
    first_roles: strawberry.Private[tuple[str, ...]]
    second_roles: strawberry.Private[tuple[str, ...]]
    as_of: strawberry.Private[date]

    @strawberry.field(
        description="Appointments of the first kind (default: federation executive posts, "
        "妇联执委) in force on the date, with their federations."
    )
    async def first_appointments(self, info: Info[Context, None]) -> list[Appointment]:
        return await person_appointments(info, self.person.person_id, self.as_of, self.first_roles)

    @strawberry.field(
        description="Appointments of the second kind (default: grid-worker roles, 网格员) in "
        "force on the date, with their grids."
    )
    async def second_appointments(self, info: Info[Context, None]) -> list[Appointment]:
        return await person_appointments(info, self.person.person_id, self.as_of, self.second_roles)


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


@strawberry.type(description="Grid coverage numbers of one area (its whole subtree).")
class CoverageRow:
    area: Area = strawberry.field(description="The area.")
    grids: int = strawberry.field(description="Grids in the area.")
    covered_grids: int = strawberry.field(description="Grids covered by a sisters group.")
    dual_role_grids: int = strawberry.field(
        description="Grids with at least one grid worker who is also a federation executive."
    )
    covered_ratio: float | None = strawberry.field(
        description="coveredGrids / grids (null when there are no grids)."
    )
    dual_role_ratio: float | None = strawberry.field(
        description="dualRoleGrids / grids (null when there are no grids)."
    )

    @classmethod
    def of(cls, row: resolvers.CoverageRow) -> CoverageRow:
        return cls(
            area=Area.from_row(row.area),
            grids=row.grids,
            covered_grids=row.covered,
            dual_role_grids=row.dual,
            covered_ratio=_ratio(row.covered, row.grids),
            dual_role_ratio=_ratio(row.dual, row.grids),
        )


@strawberry.type(description="Coverage of an area and of each of its child areas.")
class Coverage:
    as_of: date = strawberry.field(description="Date the appointments were taken at.")
    total: CoverageRow = strawberry.field(description="The area as a whole.")
    children: list[CoverageRow] = strawberry.field(
        description="Each child area; their `grids` add up to the total's."
    )


@strawberry.type(description="A count under a key (a role, a status, a category, a kind).")
class KeyCount:
    key: str | None = strawberry.field(description="The key.")
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="Cases of one category.")
class CategoryCount:
    category: str | None = strawberry.field(description="Dispute category.")
    count: int = strawberry.field(description="Cases of the category.")
    open: int = strawberry.field(description="Of which not closed or rejected.")
    median_days_to_close: float | None = strawberry.field(
        description="Median days from report to close of its closed cases."
    )


@strawberry.type(description="A node ranked by a count (venue or mediator by closed cases...).")
class RankedNode:
    node: Node | None = strawberry.field(description="The venue, person or department.")
    count: int = strawberry.field(description="How many cases.")


@strawberry.type(description="Counts over an area's whole subtree on a date.")
class Stats:
    area_code: str = strawberry.field(description="The area.")
    as_of: date = strawberry.field(description="Date the appointments were taken at.")
    members_by_role: list[KeyCount] = strawberry.field(
        description="People holding each role (in units of the area), by role."
    )
    sisters_group_members: int = strawberry.field(description="Sisters-group members and leaders.")
    legal_savvy_persons: int = strawberry.field(description="法律明白人 of the federations.")
    communities: int = strawberry.field(description="Communities and villages.")
    villages: int = strawberry.field(description="Villages (村) among them.")
    councils: int = strawberry.field(description="Women's councils.")
    grids: int = strawberry.field(description="Grids.")
    venues: int = strawberry.field(description="Venues.")
    venues_by_kind: list[KeyCount] = strawberry.field(description="Venues by kind.")
    cases: int = strawberry.field(description="Dispute cases.")
    cases_by_status: list[KeyCount] = strawberry.field(description="Cases by workflow status.")
    cases_by_category: list[CategoryCount] = strawberry.field(description="Cases by category.")
    median_days_to_close: float | None = strawberry.field(
        description="Median days from report to close over closed cases."
    )
    top_venue_rows: strawberry.Private[list[Row]]
    top_mediator_rows: strawberry.Private[list[Row]]
    referral_rows: strawberry.Private[list[Row]]

    @classmethod
    def from_row(cls, row: Row, as_of: date) -> Stats:
        def counts(items: list[Row]) -> list[KeyCount]:
            return [KeyCount(key=i["key"], count=i["count"]) for i in items]

        return cls(
            area_code=row["code"],
            as_of=as_of,
            members_by_role=counts(row["membersByRole"]),
            sisters_group_members=row["sistersGroupMembers"],
            legal_savvy_persons=row["legalSavvyPersons"],
            communities=row["communities"],
            villages=row["villages"],
            councils=row["councils"],
            grids=row["grids"],
            venues=row["venues"],
            venues_by_kind=counts(row["venuesByKind"]),
            cases=row["cases"],
            cases_by_status=counts(row["casesByStatus"]),
            cases_by_category=[
                CategoryCount(
                    category=i["key"],
                    count=i["count"],
                    open=i["open"],
                    median_days_to_close=i["medianDaysToClose"],
                )
                for i in row["casesByCategory"]
            ],
            median_days_to_close=row["medianDaysToClose"],
            top_venue_rows=row["topVenues"],
            top_mediator_rows=row["topMediators"],
            referral_rows=row["referrals"],
        )

    async def _ranked(
        self, info: Info[Context, Any], label: Label, rows: list[Row]
    ) -> list[RankedNode]:
        found = await asyncio.gather(*(load_node(info, label, r["key"]) for r in rows))
        return [RankedNode(node=n, count=r["count"]) for n, r in zip(found, rows, strict=True)]

    @strawberry.field(description="Venues that closed the most cases (top 10).")
    async def top_venues(self, info: Info[Context, None]) -> list[RankedNode]:
        return await self._ranked(info, Label.VENUE, self.top_venue_rows)

    @strawberry.field(description="Mediators of the most closed cases (top 10).")
    async def top_mediators(self, info: Info[Context, None]) -> list[RankedNode]:
        return await self._ranked(info, Label.PERSON, self.top_mediator_rows)

    @strawberry.field(description="Departments by cases referred to them.")
    async def referrals(self, info: Info[Context, None]) -> list[RankedNode]:
        return await self._ranked(info, Label.DEPARTMENT, self.referral_rows)


async def load_stats(info: Info[Context, Any], area_code: str, as_of: date) -> Stats | None:
    """The stats of an area through the DataLoader (None: unknown or out of scope)."""
    row = await info.context.loaders.related(resolvers.AREA_STATS).load((area_code, as_of))
    return None if row is None else Stats.from_row(row, as_of)


@strawberry.type(description="A node on a path, ready to draw.")
class PathNode:
    id: strawberry.ID = strawberry.field(description="Global ID of the node.")
    type: str = strawberry.field(description="GraphQL type (= Neo4j label), e.g. Person.")
    key: str = strawberry.field(description="Natural key (code or id).")
    caption: str | None = strawberry.field(description="Name or title to show.")

    @strawberry.field(description="The node itself, to ask for more of its fields.")
    async def node(self, info: Info[Context, None]) -> Node | None:
        return await load_node(info, self.type, self.key)


@strawberry.type(description="A relationship on a path, between two of its nodes.")
class PathRelationship:
    type: str = strawberry.field(description="Relationship type, e.g. SERVES_GRID.")
    start: int = strawberry.field(description="Index in `nodes` of the start node.")
    end: int = strawberry.field(description="Index in `nodes` of the end node.")
    start_id: strawberry.ID = strawberry.field(description="Global ID of the start node.")
    end_id: strawberry.ID = strawberry.field(description="Global ID of the end node.")
    properties: JSON = strawberry.field(description="Its properties (role, since, until...).")


@strawberry.type(description="The shortest connection between two nodes.")
class Path:
    length: int = strawberry.field(description="Number of relationships.")
    nodes: list[PathNode] = strawberry.field(description="Nodes from `from` to `to`.")
    relationships: list[PathRelationship] = strawberry.field(
        description="Relationships, in path order; direction is start → end."
    )


AreaArg = Annotated[
    str,
    strawberry.argument(
        description="The area, by administrative code, e.g. 370303; NOT_FOUND when unknown or "
        "outside the caller's area."
    ),
]
"""`areaCode` of the questions about one area (`coverage`, `stats`)."""


def _role_sets(roles: list[Role] | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if roles is None:
        return resolvers.DEFAULT_FIRST_ROLES, resolvers.DEFAULT_SECOND_ROLES
    values = [role.value for role in roles]
    if len(values) != 2 or values[0] == values[1]:
        raise BadUserInput("`roles` must name exactly two different roles.", argument="roles")
    return (values[0],), (values[1],)


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@strawberry.type
class NetworkQuery:
    @strawberry.field(
        description="People who on `asOf` (default today) hold both a federation executive "
        "post (妇联执委) and a grid-worker role (网格员), i.e. dual appointments (双向任职); or "
        "any two `roles`. With `areaCode`, one of the two appointments lies in that area."
    )
    async def dual_role_members(
        self,
        info: Info[Context, None],
        area_code: Annotated[
            str | None,
            strawberry.argument(
                description="Only people with at least one of the two appointments in a unit in "
                "this area's subtree, by administrative code."
            ),
        ] = None,
        as_of: AsOfArg = None,
        roles: Annotated[
            list[Role] | None,
            strawberry.argument(
                description="Exactly two different roles: people holding the first and the "
                "second (else BAD_USER_INPUT). Omitted: a federation executive post (chair, vice "
                "chair, executive) and a grid-worker role (grid head, full-time or part-time "
                "grid worker)."
            ),
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[DualRoleMember]:
        first_roles, second_roles = _role_sets(roles)
        day = as_of_or_today(as_of)
        page = await resolvers.dual_role_members(
            info.context.db,
            scope(info),
            PageRequest.of("DualRoleMember", first, after, count=wants_total(info)),
            as_of=day,
            area_code=area_code,
            first_roles=first_roles,
            second_roles=second_roles,
        )
        return connection(
            page,
            lambda row: DualRoleMember(
                person=Person.from_row(row),
                first_roles=first_roles,
                second_roles=second_roles,
                as_of=day,
            ),
        )

    @strawberry.field(
        description="Grids, grids covered by a sisters group and grids with a dual-role member "
        "in an area and each child area, as numbers and ratios. NOT_FOUND for unknown areas."
    )
    async def coverage(
        self,
        info: Info[Context, None],
        area_code: AreaArg,
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="Date the grid workers' and federation posts' appointments, and "
                "the sisters groups' coverage, are taken at; default today."
            ),
        ] = None,
    ) -> Coverage:
        day = as_of_or_today(as_of)
        found = await resolvers.coverage(
            info.context.db, scope(info), area_code=area_code, as_of=day
        )
        if found is None:
            raise NotFound(f"No area with code {area_code!r}.", type="Area", key=area_code)
        total, children = found
        return Coverage(
            as_of=day,
            total=CoverageRow.of(total),
            children=[CoverageRow.of(child) for child in children],
        )

    @strawberry.field(
        description="Members by role, councils, legal-savvy persons, venues, cases by status "
        "and category, median days from report to close, top venues, mediators and referral "
        "departments, over an area's subtree. NOT_FOUND for unknown areas."
    )
    async def stats(
        self, info: Info[Context, None], area_code: AreaArg, as_of: AsOfArg = None
    ) -> Stats:
        found = await load_stats(info, area_code, as_of_or_today(as_of))
        if found is None:
            raise NotFound(f"No area with code {area_code!r}.", type="Area", key=area_code)
        return found

    @strawberry.field(
        description=f"The shortest connection between two nodes (global IDs), as nodes and "
        f"relationships to draw; null when none within `maxHops` (default and maximum "
        f"{resolvers.MAX_PATH_HOPS}). Family classifications are not traversed unless the "
        f"caller may see them."
    )
    async def path(
        self,
        info: Info[Context, None],
        from_: Annotated[
            strawberry.ID,
            strawberry.argument(
                name="from",
                description="Global ID of the start; NOT_FOUND when it does not exist or lies "
                "outside the caller's area.",
            ),
        ],
        to: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="Global ID of the end; NOT_FOUND when it does not exist or lies "
                "outside the caller's area."
            ),
        ],
        max_hops: Annotated[
            int | None,
            strawberry.argument(
                description=f"Longest path accepted, in relationships: 1 to "
                f"{resolvers.MAX_PATH_HOPS} (default {resolvers.MAX_PATH_HOPS}); other values "
                "are BAD_USER_INPUT."
            ),
        ] = None,
    ) -> Path | None:
        hops = resolvers.MAX_PATH_HOPS if max_hops is None else max_hops
        if not 1 <= hops <= resolvers.MAX_PATH_HOPS:
            raise BadUserInput(
                f"`maxHops` must be between 1 and {resolvers.MAX_PATH_HOPS}.", argument="maxHops"
            )
        source, target = from_global_id(from_), from_global_id(to)
        rows = await asyncio.gather(load_row(info, *source), load_row(info, *target))
        for (type_name, key), row in zip((source, target), rows, strict=True):
            if row is None:
                raise NotFound(f"No {type_name} with key {key!r}.", type=type_name, key=key)
        if source == target:
            return Path(
                length=0,
                nodes=[
                    PathNode(
                        id=to_global_id(*source),
                        type=source[0],
                        key=source[1],
                        caption=rows[0].get("name") or rows[0].get("title"),
                    )
                ],
                relationships=[],
            )
        result = await resolvers.find_path(
            info.context.db,
            scope(info),
            source=rows[0]["_element"],
            target=rows[1]["_element"],
            categories=info.context.viewer.sees_family_categories,
        )
        if result is None or len(result.relationships) > hops:
            return None
        nodes = [
            PathNode(
                id=to_global_id(n["label"], n["key"]),
                type=n["label"],
                key=n["key"],
                caption=n["caption"],
            )
            for n in result.nodes
        ]
        return Path(
            length=len(result.relationships),
            nodes=nodes,
            relationships=[
                PathRelationship(
                    type=r["type"],
                    start=r["start"],
                    end=r["end"],
                    start_id=nodes[r["start"]].id,
                    end_id=nodes[r["end"]].id,
                    properties=_json_safe(r["properties"]),
                )
                for r in result.relationships
            ],
        )
