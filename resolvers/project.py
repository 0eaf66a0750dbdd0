"""Public-service projects (莲姐姐, 热线大姐)."""

from __future__ import annotations

from typing import LiteralString

from core.database import Database
from core.model import Label
from resolvers.pagination import Page, PageRequest, fetch_page, page_query
from resolvers.scope import in_scope

LIST_PROJECTS: LiteralString = page_query(
    ("MATCH (n:Project)\nWHERE " + in_scope("n")),
    Label.PROJECT,
    "n.code",
)


async def list_projects(db: Database, scope: str | None, page: PageRequest) -> Page:
    """Projects by code."""
    return await fetch_page(db, LIST_PROJECTS, page, scope=scope)
