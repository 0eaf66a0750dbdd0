"""The audit log as a keyset-paged list, newest first (admins only; see `PERMISSIONS`)."""

from __future__ import annotations

from typing import Any, LiteralString

from core.audit import AuditEntry
from core.database import Database
from resolvers.pagination import Page, PageRequest, encode_cursor

LIST_AUDIT_PAGE: LiteralString = """
MATCH (e:AuditEntry)
WHERE ($target IS NULL OR e.target = $target)
  AND ($actor IS NULL OR e.actor = $actor)
  AND ($action IS NULL OR e.action = $action)
WITH e, [toString(e.at), e.id] AS key
ORDER BY key DESC
WITH collect({key: key, e: e}) AS everything
WITH size(everything) AS total,
     [x IN everything WHERE $after IS NULL OR x.key < $after][..$limit] AS slice
RETURN total, [x IN slice | {key: x.key, row: {
  id: x.e.id, at: x.e.at, actor: x.e.actor, actorRole: x.e.actorRole, action: x.e.action,
  target: x.e.target, before: x.e.before, after: x.e.after, requestId: x.e.requestId
}}] AS page
"""


async def list_entries(
    db: Database,
    page: PageRequest,
    *,
    target: str | None = None,
    actor: str | None = None,
    action: str | None = None,
) -> tuple[Page, list[AuditEntry]]:
    """One page of audit entries, newest first, optionally for a target, an actor or an action."""
    rows = await db.read(LIST_AUDIT_PAGE, **page.params, target=target, actor=actor, action=action)
    result: dict[str, Any] = rows[0] if rows else {"total": 0, "page": []}
    items = result["page"]
    has_next = len(items) > page.first
    items = items[: page.first]
    return (
        Page(
            rows=[item["row"] for item in items],
            cursors=[encode_cursor(page.kind, item["key"]) for item in items],
            total=result["total"],
            has_next=has_next,
            has_previous=page.after is not None,
        ),
        [AuditEntry.from_row(item["row"]) for item in items],
    )
