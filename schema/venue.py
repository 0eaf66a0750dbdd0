"""Venues (阵地) and `venues(...)`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from core.model import Label
from resolvers import venue as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row
from schema.common import AppointmentsAsOfArg, AreaCodeArg, NameContainsArg, scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.enums import VenueKind
from schema.node import Node, load_node, to_global_id
from schema.refs import AppointmentRef, AreaRef, ServiceBrandRef


def venue_kind(value: str | None) -> VenueKind:
    """The enum value of a stored kind; unknown kinds read as OTHER."""
    try:
        return VenueKind(value)
    except ValueError:
        return VenueKind.OTHER


@strawberry.type(description="A geographic position (WGS 84).")
class Location:
    latitude: float = strawberry.field(description="Degrees north.")
    longitude: float = strawberry.field(description="Degrees east.")


@strawberry.type(description="A venue (阵地) where the network works.")
class Venue(Node):
    code: str = strawberry.field(description="Natural key of the venue.")
    name: str = strawberry.field(description="Name, e.g. 淄川区婚姻登记处.")
    kind: VenueKind = strawberry.field(description="What the venue is.")
    address: str | None = strawberry.field(description="Street address, when known.")
    location: Location | None = strawberry.field(description="Position, when known.")
    area_code: strawberry.Private[str | None]
    brand_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Venue:
        loc = row.get("location")
        return cls(
            id=to_global_id("Venue", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            kind=venue_kind(row.get("kind")),
            address=row.get("address"),
            location=Location(latitude=loc["latitude"], longitude=loc["longitude"])
            if isinstance(loc, dict)
            else None,
            area_code=row.get("areaCode"),
            brand_code=row.get("brandCode"),
        )

    @strawberry.field(description="The area the venue is in.")
    async def area(self, info: Info[Context, None]) -> AreaRef | None:
        return await load_node(info, Label.AREA, self.area_code)

    @strawberry.field(description="The brand the venue works under (e.g. 马明调解室), if any.")
    async def brand(self, info: Info[Context, None]) -> ServiceBrandRef | None:
        return await load_node(info, Label.SERVICE_BRAND, self.brand_code)

    @strawberry.field(description="Volunteers (e.g. marriage-mediation volunteers) at the venue.")
    async def volunteers(
        self, info: Info[Context, None], as_of: AppointmentsAsOfArg = None
    ) -> list[AppointmentRef]:
        from schema.person import unit_appointments

        return await unit_appointments(info, "Venue", self.code, as_of, None)


@strawberry.type
class VenueQuery:
    @strawberry.field(description="Venues by code, filtered by area subtree, kind, name fragment.")
    async def venues(
        self,
        info: Info[Context, None],
        area_code: AreaCodeArg = None,
        kind: Annotated[
            VenueKind | None, strawberry.argument(description="Only venues of this kind.")
        ] = None,
        name_contains: NameContainsArg = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[Venue]:
        page = await resolvers.list_venues(
            info.context.db,
            scope(info),
            PageRequest.of("Venue", first, after, count=wants_total(info)),
            area_code=area_code,
            kind=kind.value if kind else None,
            name_contains=name_contains,
        )
        return connection(page, Venue.from_row)
