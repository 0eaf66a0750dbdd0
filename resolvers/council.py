"""Women's councils (妇女议事会, branded 妇女解忧议事会), one per community."""

from __future__ import annotations

from core.database import Database
from core.model import Label
from resolvers.pagination import CODE_SEEK, Page, PageRequest, fetch_list_page, list_queries

LIST_COUNCILS, LIST_COUNCILS_IN_AREA = list_queries(
    Label.COUNCIL,
    """true""",
    "n.code",
    seek=CODE_SEEK,
)
"""Councils of the whole city, and of the subtree of `$root`."""


async def list_councils(
    db: Database, scope: str | None, page: PageRequest, *, area_code: str | None = None
) -> Page:
    """Councils by code, in an area's subtree."""
    return await fetch_list_page(
        db, (LIST_COUNCILS, LIST_COUNCILS_IN_AREA), page, scope=scope, area_code=area_code
    )
