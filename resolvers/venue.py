"""Venues (阵地): governance centres, counselling centres, the 12338 centre, mediation rooms..."""

from __future__ import annotations

from core.database import Database
from core.model import Label
from resolvers.pagination import CODE_SEEK, Page, PageRequest, fetch_list_page, list_queries

LIST_VENUES, LIST_VENUES_IN_AREA = list_queries(
    Label.VENUE,
    """($kind IS NULL OR n.kind = $kind)
  AND ($name_contains IS NULL OR n.name CONTAINS $name_contains)""",
    "n.code",
    seek=CODE_SEEK,
)
"""Venues of the whole city, and of the subtree of `$root`."""


async def list_venues(
    db: Database,
    scope: str | None,
    page: PageRequest,
    *,
    area_code: str | None = None,
    kind: str | None = None,
    name_contains: str | None = None,
) -> Page:
    """Venues by code, in an area's subtree, of one kind, or by name fragment."""
    return await fetch_list_page(
        db,
        (LIST_VENUES, LIST_VENUES_IN_AREA),
        page,
        scope=scope,
        area_code=area_code,
        kind=kind,
        name_contains=name_contains,
    )
