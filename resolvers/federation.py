"""Women's federations (妇联) at every level."""

from __future__ import annotations

from core.database import Database
from core.model import Label
from resolvers.pagination import CODE_SEEK, Page, PageRequest, fetch_list_page, list_queries

LIST_FEDERATIONS, LIST_FEDERATIONS_IN_AREA = list_queries(
    Label.FEDERATION,
    """$level IS NULL OR n.level = $level""",
    "n.code",
    seek=CODE_SEEK,
)
"""Federations of the whole city, and of the subtree of `$root`."""


async def list_federations(
    db: Database,
    scope: str | None,
    page: PageRequest,
    *,
    area_code: str | None = None,
    level: str | None = None,
) -> Page:
    """Federations by code, in an area's subtree and/or of one level."""
    return await fetch_list_page(
        db,
        (LIST_FEDERATIONS, LIST_FEDERATIONS_IN_AREA),
        page,
        scope=scope,
        area_code=area_code,
        level=level,
    )
