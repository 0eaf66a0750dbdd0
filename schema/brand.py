"""Service and mediation brands, and `serviceBrands(...)`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from core.model import Label
from resolvers import brand as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row
from schema.common import scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.enums import BrandKind
from schema.node import Node, load_node, to_global_id
from schema.refs import FederationRef, VenueRef


@strawberry.type(description="A service or mediation brand (服务品牌/调解品牌).")
class ServiceBrand(Node):
    code: str = strawberry.field(description="Natural key of the brand.")
    name: str = strawberry.field(description="Name, e.g. 网事无忧.")
    kind: BrandKind | None = strawberry.field(description="Service, mediation or council brand.")
    federation_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> ServiceBrand:
        kind = row.get("kind")
        return cls(
            id=to_global_id("ServiceBrand", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            kind=BrandKind(kind) if kind in BrandKind._value2member_map_ else None,
            federation_code=row.get("federationCode"),
        )

    @strawberry.field(description="The federation running the brand, when recorded.")
    async def federation(self, info: Info[Context, None]) -> FederationRef | None:
        return await load_node(info, Label.FEDERATION, self.federation_code)

    @strawberry.field(description="Venues working under the brand.")
    async def venues(self, info: Info[Context, None]) -> list[VenueRef]:
        from schema.venue import Venue

        rows = await info.context.loaders.related(resolvers.BRAND_VENUES).load(self.code)
        return [Venue.from_row(row) for row in rows]


@strawberry.type
class BrandQuery:
    @strawberry.field(description="Service and mediation brands by code.")
    async def service_brands(
        self,
        info: Info[Context, None],
        kind: Annotated[
            BrandKind | None, strawberry.argument(description="Only brands of this kind.")
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[ServiceBrand]:
        page = await resolvers.list_service_brands(
            info.context.db,
            scope(info),
            PageRequest.of("ServiceBrand", first, after, count=wants_total(info)),
            kind=kind.value if kind else None,
        )
        return connection(page, ServiceBrand.from_row)
