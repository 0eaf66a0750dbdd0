"""Areas: the administrative tree, with `area(code:)`, `areas(...)`, ancestors and children."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from core.model import AREA_KINDS, Label
from resolvers import area as resolvers
from resolvers.pagination import PageRequest
from resolvers.rows import Row
from schema.common import AsOfArg, NameContainsArg, as_of_or_today, scope
from schema.connection import AfterArg, Connection, FirstArg, connection, wants_total
from schema.context import Context
from schema.enums import AreaLevel, VenueKind
from schema.node import Node, load_node, require_node, to_global_id
from schema.refs import (
    CouncilRef,
    FederationRef,
    GridRef,
    SistersGroupRef,
    StatsRef,
    VenueRef,
)


@strawberry.type(description="A venue found by walking up the area tree, and how far up it is.")
class NearbyVenue:
    venue: VenueRef = strawberry.field(description="The venue.")
    hops: int = strawberry.field(
        description="Levels up from the area asked about (0: in the area itself)."
    )


@strawberry.type(description=f"An administrative area ({'/'.join(AREA_KINDS)}), GB/T 2260 code.")
class Area(Node):
    code: str = strawberry.field(description="Administrative code, e.g. 370303006 (体育场街道).")
    name: str = strawberry.field(description="Name, e.g. 体育场街道, 柳毅社区.")
    official_name: str | None = strawberry.field(
        description="The name in the statistical area codes, e.g. 柳毅社区居委会 (null for an area "
        "only a roster names)."
    )
    level: AreaLevel = strawberry.field(description="City, district, township or community.")
    kind: str | None = strawberry.field(
        description=f"{', '.join(list(AREA_KINDS)[:-1])} or {list(AREA_KINDS)[-1]}."
    )
    valid_from: date | None = strawberry.field(description="First day the code is valid.")
    valid_until: date | None = strawberry.field(description="Last day the code is valid.")
    edition: str | None = strawberry.field(
        description="The edition of the NBS statistical area codes that last listed the code, "
        "e.g. 2023 (null for an area only a roster names)."
    )
    parent_code: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Area:
        return cls(
            id=to_global_id("Area", row["code"]),
            code=row["code"],
            name=row.get("name") or row["code"],
            level=AreaLevel(row.get("level") or "COMMUNITY"),
            official_name=row.get("officialName"),
            kind=row.get("kind"),
            valid_from=row.get("validFrom"),
            valid_until=row.get("validUntil"),
            edition=row.get("edition"),
            parent_code=row.get("parentCode"),
        )

    @strawberry.field(description="The area this one is part of (null for the city).")
    async def parent(self, info: Info[Context, None]) -> Area | None:
        return await load_node(info, Label.AREA, self.parent_code)

    @strawberry.field(description="The areas this one is part of, the parent first, the city last.")
    async def ancestors(self, info: Info[Context, None]) -> list[Area]:
        rows = await info.context.loaders.related(resolvers.AREA_ANCESTORS).load(self.code)
        return [Area.from_row(row) for row in rows]

    @strawberry.field(description="The areas directly in this one, by code.")
    async def children(self, info: Info[Context, None]) -> list[Area]:
        rows = await info.context.loaders.related(resolvers.AREA_CHILDREN).load(self.code)
        return [Area.from_row(row) for row in rows]

    @strawberry.field(description="Grids directly in this area (communities have grids).")
    async def grids(self, info: Info[Context, None]) -> list[GridRef]:
        from schema.grid import Grid

        rows = await info.context.loaders.related(resolvers.AREA_GRIDS).load(self.code)
        return [Grid.from_row(row) for row in rows]

    @strawberry.field(description="The women's federation (妇联) serving this area, if any.")
    async def federation(self, info: Info[Context, None]) -> FederationRef | None:
        from schema.federation import Federation

        rows = await info.context.loaders.related(resolvers.AREA_FEDERATIONS).load(self.code)
        return Federation.from_row(rows[0]) if rows else None

    @strawberry.field(description="Sisters groups (姊妹团) directly in this area.")
    async def sisters_groups(self, info: Info[Context, None]) -> list[SistersGroupRef]:
        from schema.sisters_group import SistersGroup

        rows = await info.context.loaders.related(resolvers.AREA_SISTERS_GROUPS).load(self.code)
        return [SistersGroup.from_row(row) for row in rows]

    @strawberry.field(description="Women's councils (妇女议事会) directly in this area.")
    async def councils(self, info: Info[Context, None]) -> list[CouncilRef]:
        from schema.council import Council

        rows = await info.context.loaders.related(resolvers.AREA_COUNCILS).load(self.code)
        return [Council.from_row(row) for row in rows]

    @strawberry.field(description="Venues (阵地) directly in this area.")
    async def venues(self, info: Info[Context, None]) -> list[VenueRef]:
        from schema.venue import Venue

        rows = await info.context.loaders.related(resolvers.AREA_VENUES).load(self.code)
        return [Venue.from_row(row) for row in rows]

    @strawberry.field(
        description="The nearest venues of a kind: those of this area, or else of the nearest "
        "area up the tree that has any (e.g. the township's governance centre, else the "
        "district's; the city's 12338 centre)."
    )
    async def nearest_venues(
        self,
        info: Info[Context, None],
        kind: Annotated[
            VenueKind | None,
            strawberry.argument(
                description="Only venues of this kind; omitted: venues of any kind, from the "
                "nearest area that has any."
            ),
        ] = None,
    ) -> list[NearbyVenue]:
        from schema.venue import Venue

        key = (self.code, kind.value if kind else None)
        rows = await info.context.loaders.related(resolvers.NEAREST_VENUES).load(key)
        return [NearbyVenue(venue=Venue.from_row(r["venue"]), hops=r["hops"]) for r in rows]

    @strawberry.field(description="Counts over this area's whole subtree (see `stats`).")
    async def stats(self, info: Info[Context, None], as_of: AsOfArg = None) -> StatsRef | None:
        from schema.network import load_stats

        return await load_stats(info, self.code, as_of_or_today(as_of))


@strawberry.type
class AreaQuery:
    @strawberry.field(description="One area by administrative code. NOT_FOUND when unknown.")
    async def area(
        self,
        info: Info[Context, None],
        code: Annotated[
            str,
            strawberry.argument(
                description="Administrative code, e.g. 370303 (张店区) or 370303006001."
            ),
        ],
    ) -> Area:
        return await require_node(info, Label.AREA, code)

    @strawberry.field(description="Areas by code, filtered by level, parent and name fragment.")
    async def areas(
        self,
        info: Info[Context, None],
        level: Annotated[
            AreaLevel | None, strawberry.argument(description="Only areas of this level.")
        ] = None,
        parent_code: Annotated[
            str | None,
            strawberry.argument(
                description="Only the areas directly in this one (its children), by code."
            ),
        ] = None,
        name_contains: NameContainsArg = None,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[Area]:
        page = await resolvers.list_areas(
            info.context.db,
            scope(info),
            PageRequest.of("Area", first, after, count=wants_total(info)),
            level=level.value if level else None,
            parent_code=parent_code,
            name_contains=name_contains,
        )
        return connection(page, Area.from_row)
