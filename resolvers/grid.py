"""Grids (网格): the smallest unit of community governance."""

from __future__ import annotations

from core.database import Database
from core.model import Label
from resolvers.dataloaders import Related, collect_rows
from resolvers.pagination import CODE_SEEK, Page, PageRequest, fetch_list_page, list_queries

LIST_GRIDS, LIST_GRIDS_IN_AREA = list_queries(
    Label.GRID,
    """($kind IS NULL OR n.kind = $kind)
  AND ($name_contains IS NULL OR n.name CONTAINS $name_contains)
  AND ($covered IS NULL OR $covered = EXISTS { MATCH (n)<-[:COVERS]-(:SistersGroup) })""",
    "n.code",
    seek=CODE_SEEK,
)
"""Grids of the whole city, and of the subtree of `$root` (the area filter or the viewer's)."""

GRID_SISTERS_GROUPS = Related(
    "grid_sisters_groups",
    collect_rows("MATCH (:Grid {code: key})<-[:COVERS]-(n:SistersGroup)", Label.SISTERS_GROUP),
)
"""The sisters groups covering each grid."""

GRID_FAMILIES = Related(
    "grid_families", collect_rows("MATCH (:Grid {code: key})<-[:IN]-(n:Family)", Label.FAMILY)
)
"""The families of each grid."""

GRID_BUILDINGS = Related(
    "grid_buildings",
    collect_rows("MATCH (:Grid {code: key})<-[:IN]-(n:Building)", Label.BUILDING),
)
"""The buildings of each grid."""


async def list_grids(
    db: Database,
    scope: str | None,
    page: PageRequest,
    *,
    area_code: str | None = None,
    kind: str | None = None,
    name_contains: str | None = None,
    covered: bool | None = None,
) -> Page:
    """Grids by code, filtered by area subtree, kind, name fragment, sisters-group coverage."""
    return await fetch_list_page(
        db,
        (LIST_GRIDS, LIST_GRIDS_IN_AREA),
        page,
        scope=scope,
        area_code=area_code,
        kind=kind,
        name_contains=name_contains,
        covered=covered,
    )
