"""What the service knows about the database it talks to."""

from __future__ import annotations

from typing import Any, LiteralString

from core.database import Database

GET_DATABASE_INFO: LiteralString = """
CALL dbms.components() YIELD name, versions, edition
MATCH (m:Migration)
WITH name, versions, edition, m ORDER BY m.id
RETURN name, versions[0] AS version, edition, collect(m.id) AS migrations
"""


async def database_info(db: Database) -> dict[str, Any]:
    rows = await db.read(GET_DATABASE_INFO)
    if rows:
        return rows[0]
    return {"name": "Neo4j", "version": None, "edition": None, "migrations": []}
