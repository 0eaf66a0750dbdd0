"""The audit log: who changed what, when, and the values before and after.

Each mutation calls `record` with the transaction that makes its change, so the entry is written
if and only if the change is: a refused or failed mutation leaves no entry. Entries are nodes

    (:AuditEntry {id, name, at, actor, actorRole, action, target, before, after, requestId,
                  areaCodes})

`before`/`after` are JSON objects (Neo4j properties cannot hold maps) with only the properties
that changed, so an entry reads as a diff. `actor` is `Viewer.actor` (`token:<id>`, `jwt:<sub>`,
`development`). Entries may hold personal data and are for admins only.

`areaCodes` places the entry where its target lay when the change was made: the codes of the
areas the target lies in by the rule of area scoping (`core.model.PLACED_IN`, then `PART_OF`
up to the city: every area whose subtree holds the target), looked up in the same transaction
after the change, plus those it lay in before when the change moved it (`record(...,
placed_before=)`). A scoped admin reads the entries whose `areaCodes` hold its area
(`resolvers.mutations.audit`), so an entry stays with the areas it was about when its target is
later moved or deleted, or the area tree is redrawn; an entry that could not be placed (`[]`: a
city-wide target, or one that no longer exists) is read by unscoped admins only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction, ManagedTransaction

from core.auth import Viewer
from core.database import Database
from core.model import NATURAL_KEYS, PLACED_IN, Label
from core.privacy import masked

_UNPLACED_LABELS = (Label.LOAD, Label.MIGRATION, Label.CASE_STEP)


def _target_branch(label: Label) -> LiteralString:
    # Labels and keys come from core.model, never from input.
    return (
        f"  MATCH (t:{label.value} {{{NATURAL_KEYS[label]}: key}})\n"
        f"  WHERE label = '{label.value}'\n"
        "  RETURN t"
    )  # type: ignore[return-value]


PLACEMENT: LiteralString = (
    "COLLECT {\n"
    "CALL (label, key) {\n"
    + "\n  UNION\n".join(
        _target_branch(label) for label in NATURAL_KEYS if label not in _UNPLACED_LABELS
    )
    + "\n}\n"
    f"MATCH (t){PLACED_IN}(:Area)-[:PART_OF*0..]->(up:Area)\n"
    "RETURN DISTINCT up.code AS code\n"
    "ORDER BY code\n"
    "}"
)  # type: ignore[assignment]
"""Cypher expression: the codes of the areas whose subtree holds the node `label`:`key` (two
variables: a target split in two), by the rule of area scoping (`resolvers.scope.within`); `[]`
when there is no such node or it lies in no area (a department, a category)."""

RECORD_AUDIT_ENTRY: LiteralString = (
    """WITH $label AS label, $key AS key
WITH """
    + PLACEMENT
    + """ AS placed
WITH COLLECT { UNWIND $placed_before + placed AS code RETURN DISTINCT code ORDER BY code } AS codes
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
  requestId: $request_id,
  areaCodes: codes
})
RETURN e.id AS id"""
)  # type: ignore[assignment]

PLACE_EXISTING_ENTRIES: LiteralString = (
    """MATCH (e:AuditEntry)
WHERE e.areaCodes IS NULL
WITH e, CASE WHEN e.target CONTAINS ':' THEN split(e.target, ':')[0] END AS label
WITH e, label, CASE WHEN label IS NOT NULL THEN substring(e.target, size(label) + 1) END AS key
SET e.areaCodes = """
    + PLACEMENT
)  # type: ignore[assignment]
"""Places the entries written before entries were placed (migration `0009_audit_entry_areas`),
by where their target lies now: the best the graph still knows."""


def place_existing_entries(tx: ManagedTransaction, _key: object) -> None:
    """The data step of migration `0009_audit_entry_areas` (one transaction, with its record)."""
    tx.run(PLACE_EXISTING_ENTRIES).consume()


FAMILY_CATEGORY_TARGETS: frozenset[str] = frozenset({Label.FAMILY.value})
"""Labels of targets whose entries hold classification or home-visit data (`classifyFamily`,
`recordVisit` are the changes of a family): their values are as sensitive as the fields."""

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

    @property
    def target_label(self) -> str:
        return self.target.partition(":")[0]

    def masked_for(self, viewer: Viewer) -> AuditEntry:
        """The entry as `viewer` may read it: `before`/`after` masked as the fields are."""
        family = self.target_label in FAMILY_CATEGORY_TARGETS
        return replace(
            self,
            before=masked(self.before, viewer, family_category=family),
            after=masked(self.after, viewer, family_category=family),
        )

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
    placed_before: Sequence[str] = (),
) -> str:
    """Write one audit entry in `tx` (the mutation's own transaction, after the change); return
    its id.

    `action` names the mutation (`acceptCase`), `target` the node as `<label>:<natural key>`.
    The entry is placed where the target lies now and, when the change may have moved it, in
    `placed_before` (`placement` of the target before the change, in the same transaction).
    """
    old, new = changes(before, after)
    label, _, key = target.partition(":")
    result = await tx.run(
        RECORD_AUDIT_ENTRY,
        label=label,
        key=key,
        placed_before=list(placed_before),
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


PLACE_TARGET: LiteralString = "WITH $label AS label, $key AS key\nRETURN " + PLACEMENT + " AS codes"  # type: ignore[assignment]


async def placement(tx: AsyncManagedTransaction, target: str) -> list[str]:
    """The codes of the areas `target` (`<label>:<key>`) lies in now, as `record` places it."""
    label, _, key = target.partition(":")
    row = await (await tx.run(PLACE_TARGET, label=label, key=key)).single(strict=True)
    return list(row["codes"])


async def entries(
    db: Database, target: str | None = None, actor: str | None = None, limit: int = 50
) -> list[AuditEntry]:
    """The newest entries first, optionally for one target or one actor."""
    rows = await db.read(LIST_AUDIT_ENTRIES, target=target, actor=actor, limit=limit)
    return [AuditEntry.from_row(row) for row in rows]
