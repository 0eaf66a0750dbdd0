"""`auditLog`: who changed what and when, newest first (admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from core.audit import AuditEntry as Entry
from core.errors import Forbidden
from resolvers.mutations import audit as resolvers
from resolvers.mutations.common import PERMISSIONS
from resolvers.pagination import PageRequest
from schema.common import scope
from schema.connection import AfterArg, Connection, Edge, FirstArg, PageInfo, wants_total
from schema.context import Context


@strawberry.type(description="One audit entry: a change and who made it.")
class AuditEntry:
    id: str = strawberry.field(description="Entry id.")
    at: datetime = strawberry.field(description="When the change was committed.")
    actor: str = strawberry.field(description="`token:<id>`, `jwt:<sub>` or `development`.")
    actor_role: str = strawberry.field(description="The caller's role then.")
    action: str = strawberry.field(description="The mutation, e.g. `acceptCase`.")
    target: str = strawberry.field(description="`<type>:<key>` of what changed.")
    before: JSON | None = strawberry.field(description="Changed properties before (updates).")
    after: JSON | None = strawberry.field(description="Changed properties after.")
    request_id: str | None = strawberry.field(description="The request's X-Request-ID.")

    @classmethod
    def of(cls, entry: Entry) -> AuditEntry:
        return cls(
            id=entry.id,
            at=entry.at,
            actor=entry.actor,
            actor_role=entry.actor_role,
            action=entry.action,
            target=entry.target,
            before=entry.before,
            after=entry.after,
            request_id=entry.request_id,
        )


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="The audit log, newest first: every mutation's change (admins only; "
        "FORBIDDEN otherwise). Filter by `target` (`Case:C2025-000001`), `actor` or `action`. "
        "A token limited to an area reads the changes of what lay in that area when they were "
        "made; values are masked as the fields they come from are."
    )
    async def audit_log(
        self,
        info: Info[Context, None],
        first: FirstArg = None,
        after: AfterArg = None,
        target: Annotated[
            str | None,
            strawberry.argument(
                description="Only changes of this target, `<type>:<key>` exactly, e.g. "
                "`Case:C2025-000001`."
            ),
        ] = None,
        actor: Annotated[
            str | None,
            strawberry.argument(
                description="Only changes by this actor, exactly as recorded: `token:<id>`, "
                "`jwt:<sub>` or `development`."
            ),
        ] = None,
        action: Annotated[
            str | None,
            strawberry.argument(description="Only changes by this mutation, e.g. `acceptCase`."),
        ] = None,
    ) -> Connection[AuditEntry]:
        viewer = info.context.viewer
        needed = PERMISSIONS["auditLog"]
        if not viewer.at_least(needed):
            raise Forbidden("The audit log is for admins.", requiredRole=needed.value)
        page, entries = await resolvers.list_entries(
            info.context.db,
            scope(info),
            PageRequest.of("AuditEntry", first, after, count=wants_total(info)),
            target=target,
            actor=actor,
            action=action,
        )
        nodes = [AuditEntry.of(e.masked_for(viewer)) for e in entries]
        return Connection(
            edges=[Edge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)],
            nodes=nodes,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            total_count=page.total or 0,  # None: not counted because not selected
        )
