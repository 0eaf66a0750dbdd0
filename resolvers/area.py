"""Areas: the administrative tree (city → district/county → township → community/village)."""

from __future__ import annotations

from core.database import Database
from core.model import Label
from resolvers.dataloaders import EACH_KEY, Related, collect_rows
from resolvers.pagination import CODE_SEEK, Page, PageRequest, fetch_list_page, list_queries
from resolvers.rows import ROW
from resolvers.scope import in_scope

LIST_AREAS, LIST_AREAS_IN_SCOPE = list_queries(
    Label.AREA,
    """($level IS NULL OR n.level = $level)
  AND ($parent_code IS NULL OR EXISTS { MATCH (n)-[:PART_OF]->(:Area {code: $parent_code}) })
  AND ($name_contains IS NULL OR n.name CONTAINS $name_contains)""",
    "n.code",
    seek=CODE_SEEK,
)
"""Areas of the whole city, and (for a viewer limited to an area) of that area's subtree."""

AREA_CHILDREN = Related(
    "area_children", collect_rows("MATCH (:Area {code: key})<-[:PART_OF]-(n:Area)", Label.AREA)
)
"""Child areas of each area code, by code."""

AREA_ANCESTORS = Related(
    "area_ancestors",
    collect_rows(
        "MATCH p = (:Area {code: key})-[:PART_OF*1..]->(n:Area)", Label.AREA, order="length(p)"
    ),
)
"""Ancestors of each area code, the parent first, the city last."""

AREA_GRIDS = Related(
    "area_grids", collect_rows("MATCH (:Area {code: key})<-[:IN]-(n:Grid)", Label.GRID)
)
"""Grids directly in each community."""

AREA_VENUES = Related(
    "area_venues", collect_rows("MATCH (:Area {code: key})<-[:IN]-(n:Venue)", Label.VENUE)
)
"""Venues directly in each area."""

AREA_FEDERATIONS = Related(
    "area_federations",
    collect_rows("MATCH (:Area {code: key})<-[:IN]-(n:Federation)", Label.FEDERATION),
)
"""The women's federation(s) serving each area."""

AREA_COUNCILS = Related(
    "area_councils", collect_rows("MATCH (:Area {code: key})<-[:IN]-(n:Council)", Label.COUNCIL)
)
"""Women's councils directly in each area."""

AREA_SISTERS_GROUPS = Related(
    "area_sisters_groups",
    collect_rows("MATCH (:Area {code: key})<-[:IN]-(n:SistersGroup)", Label.SISTERS_GROUP),
)
"""Sisters groups directly in each area."""

NEAREST_VENUES = Related(
    "nearest_venues",
    EACH_KEY
    + """MATCH p = (:Area {code: key[0]})-[:PART_OF*0..]->(up:Area)
MATCH (n:Venue)-[:IN]->(up)
WHERE (key[1] IS NULL OR n.kind = key[1]) AND """
    + in_scope("n")
    + """
WITH i, length(p) AS hops, n ORDER BY hops, n.code
WITH i, collect({hops: hops, n: n}) AS found
UNWIND [x IN found WHERE x.hops = found[0].hops] AS x
WITH i, x.hops AS hops, x.n AS n
RETURN i, collect({hops: hops, venue: """
    + ROW[Label.VENUE]
    + "}) AS rows",
)
"""Keys `(area code, kind or None)`: venues of the nearest area up the tree that has any."""


async def list_areas(
    db: Database,
    scope: str | None,
    page: PageRequest,
    *,
    level: str | None = None,
    parent_code: str | None = None,
    name_contains: str | None = None,
) -> Page:
    """Areas by code, optionally of one level, one parent, or a name fragment."""
    return await fetch_list_page(
        db,
        (LIST_AREAS, LIST_AREAS_IN_SCOPE),
        page,
        scope=scope,
        area_code=None,
        level=level,
        parent_code=parent_code,
        name_contains=name_contains,
    )
