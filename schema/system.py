"""`serverInfo`: which database the service talks to and which migrations it has."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from resolvers import system
from schema.context import Context


@strawberry.type(description="The graph database behind this service.")
class ServerInfo:
    database: str = strawberry.field(description="Name of the Neo4j database queried.")
    product: str = strawberry.field(description="Database product name, e.g. `Neo4j Kernel`.")
    version: str | None = strawberry.field(description="Neo4j server version.")
    edition: str | None = strawberry.field(description="`community` or `enterprise`.")
    migrations: list[str] = strawberry.field(
        description="Ids of the graph-schema migrations applied, in order."
    )


@strawberry.type
class SystemQuery:
    @strawberry.field(description="The graph database this service reads and writes.")
    async def server_info(self, info: Info[Context, None]) -> ServerInfo:
        row = await system.database_info(info.context.db)
        return ServerInfo(
            database=info.context.db.name,
            product=row["name"],
            version=row["version"],
            edition=row["edition"],
            migrations=row["migrations"],
        )
