"""The 8 departments of the joint mechanism, the mechanism itself, and `departments`."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from core.model import Label
from resolvers import department as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row
from schema.common import scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.node import Node, load_node, to_global_id
from schema.refs import FederationRef


@strawberry.type(description="A department of the joint mechanism (联动部门), e.g. 市委政法委.")
class Department(Node):
    code: str = strawberry.field(description="`DEPT-...`, e.g. DEPT-ZFW.")
    name: str = strawberry.field(description="Chinese name.")
    name_en: str | None = strawberry.field(description="English name.")
    joined_since: date | None = strawberry.field(description="When it joined the mechanism.")
    mechanism_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Department:
        return cls(
            id=to_global_id("Department", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            name_en=row.get("nameEn"),
            joined_since=row.get("joinedSince"),
            mechanism_code=row.get("mechanismCode"),
        )

    @strawberry.field(description="The joint mechanism the department joined.")
    async def mechanism(self, info: Info[Context, None]) -> Mechanism | None:
        return await load_node(info, Label.MECHANISM, self.mechanism_code)


@strawberry.type(description="The standing joint mechanism (常态化联防联动工作机制).")
class Mechanism(Node):
    code: str = strawberry.field(description="`MECH-370300`.")
    name: str = strawberry.field(description="Name of the mechanism.")
    federation_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Mechanism:
        return cls(
            id=to_global_id("Mechanism", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            federation_code=row.get("federationCode"),
        )

    @strawberry.field(description="The federation leading the mechanism.")
    async def federation(self, info: Info[Context, None]) -> FederationRef | None:
        return await load_node(info, Label.FEDERATION, self.federation_code)

    @strawberry.field(description="The departments that joined it.")
    async def departments(self, info: Info[Context, None]) -> list[Department]:
        rows = await info.context.loaders.related(resolvers.MECHANISM_DEPARTMENTS).load(self.code)
        return [Department.from_row(row) for row in rows]


@strawberry.type
class DepartmentQuery:
    @strawberry.field(description="The departments of the joint mechanism, by code.")
    async def departments(
        self, info: Info[Context, None], first: FirstArg = None, after: AfterArg = None
    ) -> Connection[Department]:
        page = await resolvers.list_departments(
            info.context.db,
            scope(info),
            PageRequest.of("Department", first, after, count=wants_total(info)),
        )
        return connection(page, Department.from_row)
