"""Women's councils (妇女议事会, branded 妇女解忧议事会), one per community."""

from __future__ import annotations

from typing import LiteralString

from core.database import Database
from core.model import Label
from resolvers.pagination import Page, PageRequest, fetch_page, page_tail
from resolvers.scope import in_scope, within

LIST_COUNCILS: LiteralString = (
    """MATCH (n:Council)
WHERE ($area_code IS NULL OR """
    + within("n", "area_code")
    + ")\n  AND "
    + in_scope("n")
    + "\nWITH n, n.code AS key\n"
    + page_tail(Label.COUNCIL)
)


async def list_councils(
    db: Database, scope: str | None, page: PageRequest, *, area_code: str | None = None
) -> Page:
    """Councils by code, in an area's subtree."""
    return await fetch_page(db, LIST_COUNCILS, page, scope=scope, area_code=area_code)
