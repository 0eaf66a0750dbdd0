"""The audit log as a keyset-paged list, newest first (admins only; see `PERMISSIONS`).

A caller limited to an area reads only the entries placed in its subtree (`core.audit`:
`areaCodes`, every area whose subtree held the target when the change was made, as
`resolvers.scope.within` places a node). The scope is one more condition of the same `WHERE`
as the filters, in the count and in the page alike, so a filter or a cursor naming an entry
outside the area answers exactly as one that names nothing.
"""

from __future__ import annotations

from typing import Any, LiteralString

from core.audit import AuditEntry
from core.database import Database
from resolvers.pagination import Page, PageRequest, encode_cursor, instant_key

_SELECTED: LiteralString = """MATCH (e:AuditEntry)
WHERE ($target IS NULL OR e.target = $target)
  AND ($actor IS NULL OR e.actor = $actor)
  AND ($action IS NULL OR e.action = $action)
  AND ($scope IS NULL OR $scope IN e.areaCodes)"""
"""The entries the filters select, of those placed in `$scope`'s subtree (all when null)."""

LIST_AUDIT_PAGE: LiteralString = (
    """
CALL () {
WITH 1 AS counted_
WHERE $count
"""
    + _SELECTED
    + """
RETURN count(e) AS total
}
CALL () {
"""
    + _SELECTED
    + """
WITH e, ["""
    + instant_key("e.at")
    + """, e.id] AS key
WHERE $after IS NULL OR key < $after
WITH e, key
ORDER BY key DESC
LIMIT $limit
RETURN collect({key: key, row: {
  id: e.id, at: e.at, actor: e.actor, actorRole: e.actorRole, action: e.action,
  target: e.target, before: e.before, after: e.after, requestId: e.requestId
}}) AS page
}
RETURN CASE WHEN $count THEN total END AS total, page
"""
)  # type: ignore[assignment]
"""One page of the log, newest first; `total` (null unless `$count`) is counted in a subquery
that runs only when asked, like the lists of `resolvers.pagination.page_query`."""


async def list_entries(
    db: Database,
    scope: str | None,
    page: PageRequest,
    *,
    target: str | None = None,
    actor: str | None = None,
    action: str | None = None,
) -> tuple[Page, list[AuditEntry]]:
    """One page of the audit entries placed in `scope` (None: all), newest first, optionally
    for a target, an actor or an action."""
    rows = await db.read(
        LIST_AUDIT_PAGE, **page.params, scope=scope, target=target, actor=actor, action=action
    )
    result: dict[str, Any] = rows[0] if rows else {"total": 0 if page.count else None, "page": []}
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
