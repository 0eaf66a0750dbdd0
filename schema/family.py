"""Families of a grid and their classification (五色 / 七彩), `families(...)`, schemes.

Classification categories, their history and home visits are sensitive (PIPL art. 28): they
resolve to null (or are refused as a filter, FORBIDDEN) unless the viewer may see them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from core.errors import Forbidden
from core.model import Label
from resolvers import family as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row
from schema.common import AreaCodeArg, scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.node import Node, load_node, to_global_id
from schema.refs import GridRef, PersonRef


def _sees_categories(info: Info[Context, Any]) -> bool:
    return info.context.viewer.sees_family_categories


@strawberry.type(description="A family-classification method (五色家庭, 七彩家庭图谱).")
class ClassificationScheme(Node):
    code: str = strawberry.field(description="Natural key of the scheme.")
    name: str = strawberry.field(description="Name of the method.")
    description: str | None = strawberry.field(description="How the method is applied.")

    @classmethod
    def from_row(cls, row: Row) -> ClassificationScheme:
        return cls(
            id=to_global_id("ClassificationScheme", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            description=row.get("description"),
        )

    @strawberry.field(description="The categories of the scheme, by rank.")
    async def categories(self, info: Info[Context, None]) -> list[Category]:
        rows = await info.context.loaders.related(resolvers.SCHEME_CATEGORIES).load(self.code)
        return [Category.from_row(row) for row in rows]


@strawberry.type(description="One category (a colour) of a classification scheme.")
class Category(Node):
    code: str = strawberry.field(description="`<scheme code>:<colour>`.")
    name: str = strawberry.field(description="Name, e.g. 红色.")
    colour: str | None = strawberry.field(description="CSS colour.")
    meaning: str | None = strawberry.field(description="What the colour means in this locality.")
    visit_every_days: int | None = strawberry.field(description="Visit at least every N days.")
    rank: int | None = strawberry.field(description="Priority: 1 is the most urgent.")
    scheme_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Category:
        return cls(
            id=to_global_id("Category", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            colour=row.get("colour"),
            meaning=row.get("meaning"),
            visit_every_days=row.get("visitEveryDays"),
            rank=row.get("rank"),
            scheme_code=row.get("schemeCode"),
        )

    @strawberry.field(description="The scheme the category belongs to.")
    async def scheme(self, info: Info[Context, None]) -> ClassificationScheme | None:
        return await load_node(info, Label.SCHEME, self.scheme_code)


@strawberry.type(description="A family's classification during a period.")
class Classification:
    category: Category = strawberry.field(description="The category.")
    since: date | None = strawberry.field(description="Classified so from.")
    until: date | None = strawberry.field(description="Until (null: current).")
    by: str | None = strawberry.field(description="Who classified.")
    reason: str | None = strawberry.field(description="Why.")


@strawberry.type(description="A home visit (走访) to a family.")
class Visit:
    id: str | None = strawberry.field(description="Visit id.")
    date: str | None = strawberry.field(description="Date of the visit (ISO).")
    note: str | None = strawberry.field(description="Visit note.")
    visitor: PersonRef | None = strawberry.field(description="Who visited.")


@strawberry.type(description="A household (家庭) of a grid.")
class Family(Node):
    code: str = strawberry.field(description="Natural key of the family.")
    name: str = strawberry.field(description="Name, e.g. 张某某家.")
    members: int | None = strawberry.field(description="Number of household members.")
    address: str | None = strawberry.field(description="Address.")
    grid_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Family:
        return cls(
            id=to_global_id("Family", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            members=row.get("members"),
            address=row.get("address"),
            grid_code=row.get("gridCode"),
        )

    @strawberry.field(description="The grid of the family.")
    async def grid(self, info: Info[Context, None]) -> GridRef | None:
        return await load_node(info, Label.GRID, self.grid_code)

    @strawberry.field(
        description="Current category (sensitive): null unless the caller may see family "
        "categories."
    )
    async def category(self, info: Info[Context, None]) -> Category | None:
        history = await self._history(info)
        current = [c for c in history if c.until is None]
        return current[0].category if current else None

    @strawberry.field(
        description="Classification history, current first (sensitive): empty unless the "
        "caller may see family categories."
    )
    async def classifications(self, info: Info[Context, None]) -> list[Classification]:
        return await self._history(info)

    @strawberry.field(
        description="Home visits, newest first (sensitive): empty unless the caller may see "
        "family categories."
    )
    async def visits(self, info: Info[Context, None]) -> list[Visit]:
        from schema.person import Person

        if not _sees_categories(info):
            return []
        rows = await info.context.loaders.related(resolvers.FAMILY_VISITS).load(self.code)
        return [
            Visit(
                id=r.get("id"),
                date=None if r.get("date") is None else str(r["date"]),
                note=r.get("note"),
                visitor=Person.from_row(r["visitor"]),
            )
            for r in rows
        ]

    @strawberry.field(description="The people of the household.")
    async def people(self, info: Info[Context, None]) -> list[PersonRef]:
        from schema.person import Person

        rows = await info.context.loaders.related(resolvers.FAMILY_MEMBERS).load(self.code)
        return [Person.from_row(row) for row in rows]

    async def _history(self, info: Info[Context, Any]) -> list[Classification]:
        if not _sees_categories(info):
            return []
        rows = await info.context.loaders.related(resolvers.FAMILY_CLASSIFICATIONS).load(self.code)
        return [
            Classification(
                category=Category.from_row(r["category"]),
                since=r.get("since"),
                until=r.get("until"),
                by=r.get("by"),
                reason=r.get("reason"),
            )
            for r in rows
        ]


@strawberry.type
class FamilyQuery:
    @strawberry.field(
        description="Families by code, in a grid or area subtree. `category` (codes, colours "
        "or names of current categories) and `notVisitedSince` need the permission to see "
        "family categories (FORBIDDEN otherwise)."
    )
    async def families(
        self,
        info: Info[Context, None],
        grid_code: Annotated[
            str | None, strawberry.argument(description="Only the families of this grid.")
        ] = None,
        area_code: AreaCodeArg = None,
        category: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Only families whose current category is any of these, by category "
                "code (`SCH-WUSE:red`), colour (red) or name (红色). Needs the permission to "
                "see family categories (caseworker or above); FORBIDDEN otherwise."
            ),
        ] = None,
        not_visited_since: Annotated[
            date | None,
            strawberry.argument(
                description="Only families with no home visit on or after this date. Needs the "
                "permission to see family categories (caseworker or above); FORBIDDEN otherwise."
            ),
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[Family]:
        if (category or not_visited_since) and not _sees_categories(info):
            raise Forbidden(
                "Filtering families by category or visits needs the permission to see family "
                "categories (caseworker or above)."
            )
        page = await resolvers.list_families(
            info.context.db,
            scope(info),
            PageRequest.of("Family", first, after, count=wants_total(info)),
            grid_code=grid_code,
            area_code=area_code,
            categories=category or None,
            not_visited_since=not_visited_since,
        )
        return connection(page, Family.from_row)

    @strawberry.field(description="Family-classification schemes and their categories.")
    async def classification_schemes(
        self, info: Info[Context, None], first: FirstArg = None, after: AfterArg = None
    ) -> Connection[ClassificationScheme]:
        page = await resolvers.list_schemes(
            info.context.db,
            scope(info),
            PageRequest.of("ClassificationScheme", first, after, count=wants_total(info)),
        )
        return connection(page, ClassificationScheme.from_row)
