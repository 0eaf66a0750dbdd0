"""Public-service projects (公益服务项目) and `projects`."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from core.model import Label
from resolvers import project as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row
from schema.common import scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.node import Node, load_node, to_global_id
from schema.refs import FederationRef


@strawberry.type(description="A public-service project, e.g. 莲姐姐 or 热线大姐.")
class Project(Node):
    code: str = strawberry.field(description="Natural key of the project.")
    name: str = strawberry.field(description="Name of the project.")
    description: str | None = strawberry.field(description="What the project does.")
    federation_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Project:
        return cls(
            id=to_global_id("Project", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            description=row.get("description"),
            federation_code=row.get("federationCode"),
        )

    @strawberry.field(description="The federation running the project, when recorded.")
    async def federation(self, info: Info[Context, None]) -> FederationRef | None:
        return await load_node(info, Label.FEDERATION, self.federation_code)


@strawberry.type
class ProjectQuery:
    @strawberry.field(description="Public-service projects by code.")
    async def projects(
        self, info: Info[Context, None], first: FirstArg = None, after: AfterArg = None
    ) -> Connection[Project]:
        page = await resolvers.list_projects(
            info.context.db,
            scope(info),
            PageRequest.of("Project", first, after, count=wants_total(info)),
        )
        return connection(page, Project.from_row)
