"""The audit log: who changed what, when, and the values before and after.

Each mutation calls `record` with the transaction that makes its change, so the entry is written
if and only if the change is: a refused or failed mutation leaves no entry. Entries are nodes

    (:AuditEntry {id, name, at, actor, actorRole, action, target, before, after, requestId})

`before`/`after` are JSON objects (Neo4j properties cannot hold maps) with only the properties
that changed, so an entry reads as a diff. `actor` is `Viewer.actor` (`token:<id>`, `jwt:<sub>`,
`development`). Entries may hold personal data and are for admins only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from core.auth import Viewer
from core.database import Database

RECORD_AUDIT_ENTRY: LiteralString = """
CREATE (e:AuditEntry {
  id: $id,
  name: $action + ' ' + $target,
  at: datetime(),
  actor: $actor,
  actorRole: $actor_role,
  action: $action,
  target: $target,
  before: $before,
  after: $after,
  requestId: $request_id
})
RETURN e.id AS id
"""

LIST_AUDIT_ENTRIES: LiteralString = """
MATCH (e:AuditEntry)
WHERE ($target IS NULL OR e.target = $target)
  AND ($actor IS NULL OR e.actor = $actor)
RETURN e.id AS id, e.at AS at, e.actor AS actor, e.actorRole AS actorRole, e.action AS action,
       e.target AS target, e.before AS before, e.after AS after, e.requestId AS requestId
ORDER BY e.at DESC, e.id DESC
LIMIT $limit
"""


@dataclass(frozen=True)
class AuditEntry:
    id: str
    at: datetime
    actor: str
    actor_role: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> AuditEntry:
        return cls(
            id=row["id"],
            at=row["at"].to_native(),
            actor=row["actor"],
            actor_role=row["actorRole"],
            action=row["action"],
            target=row["target"],
            before=json.loads(row["before"]) if row["before"] is not None else None,
            after=json.loads(row["after"]) if row["after"] is not None else None,
            request_id=row["requestId"],
        )


def changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Only the properties that differ (a creation keeps all of `after`, a deletion `before`)."""
    if before is None or after is None:
        return (dict(before) if before else None, dict(after) if after else None)
    keys = [key for key in {**before, **after} if before.get(key) != after.get(key)]
    return ({key: before.get(key) for key in keys}, {key: after.get(key) for key in keys})


def _json(value: Mapping[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


async def record(
    tx: AsyncManagedTransaction,
    viewer: Viewer,
    action: str,
    target: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    request_id: str | None = None,
) -> str:
    """Write one audit entry in `tx` (the mutation's own transaction); return its id.

    `action` names the mutation (`acceptCase`), `target` the node's global id or natural key.
    """
    old, new = changes(before, after)
    result = await tx.run(
        RECORD_AUDIT_ENTRY,
        id=uuid.uuid4().hex,
        actor=viewer.actor,
        actor_role=viewer.role.value,
        action=action,
        target=target,
        before=_json(old),
        after=_json(new),
        request_id=request_id,
    )
    row = await result.single(strict=True)
    return str(row["id"])


async def entries(
    db: Database, target: str | None = None, actor: str | None = None, limit: int = 50
) -> list[AuditEntry]:
    """The newest entries first, optionally for one target or one actor."""
    rows = await db.read(LIST_AUDIT_ENTRIES, target=target, actor=actor, limit=limit)
    return [AuditEntry.from_row(row) for row in rows]
