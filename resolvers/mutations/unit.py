"""Grids, women's councils and venues: create (in an area) and update (name and details).

The three share one shape: a node with a `code`, `IN` an area, and a few properties. The label
comes from the fixed `UNIT_LABELS`, never from the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from core import audit
from core.database import Database
from core.errors import Conflict
from core.model import Label
from core.validation import grid_code_community
from resolvers.mutations.common import Checks, Write, fetch_row, locate, target, write_tx

UNIT_LABELS = (Label.GRID, Label.COUNCIL, Label.VENUE)

"""docs/data-model.md: community code + `-` + 3-digit number."""


def _exists(label: Label) -> LiteralString:
    return f"MATCH (n:{label.value} {{code: $code}})\nRETURN n.code AS code"  # type: ignore[return-value]


def _create(label: Label) -> LiteralString:
    return (
        f"MATCH (a:Area {{code: $area}})\nCREATE (n:{label.value} {{code: $code}})-[:IN]->(a)\n"
        "SET n += $props"
    )  # type: ignore[return-value]


def _update(label: Label) -> LiteralString:
    # Removing rowHash makes the next roster load compare this node in full (docs/loading.md).
    return f"MATCH (n:{label.value} {{code: $code}})\nSET n += $props\nREMOVE n._lock, n.rowHash"  # type: ignore[return-value]


UNIT_EXISTS: dict[Label, LiteralString] = {label: _exists(label) for label in UNIT_LABELS}
CREATE_UNIT: dict[Label, LiteralString] = {label: _create(label) for label in UNIT_LABELS}
UPDATE_UNIT: dict[Label, LiteralString] = {label: _update(label) for label in UNIT_LABELS}

ACTION = {
    (Label.GRID, True): "createGrid",
    (Label.GRID, False): "updateGrid",
    (Label.COUNCIL, True): "createCouncil",
    (Label.COUNCIL, False): "updateCouncil",
    (Label.VENUE, True): "createVenue",
    (Label.VENUE, False): "updateVenue",
}


@dataclass(frozen=True)
class UnitFields:
    """What a form sends for a grid, council or venue; None: not given."""

    name: str | None = None
    props: dict[str, Any] | None = None
    """Further properties, already typed by the schema (kind, households, founded, address)."""


def check_grid_code(code: str, community: str, checks: Checks) -> None:
    if grid_code_community(code) != community:
        checks.fail(
            "code",
            "GRID_CODE",
            f"a grid code is the community code, '-' and 3 digits: {community}-001",
            f"网格编码应为 社区编码-3位数字，如 {community}-001",
        )


async def create_unit(
    db: Database,
    write: Write,
    label: Label,
    code: str,
    area_code: str,
    fields: UnitFields,
    community_only: bool,
    checks: Checks | None = None,
    area_field: str = "areaCode",
) -> dict[str, Any]:
    """Create a grid, council or venue `IN` area `area_code` (named by input field
    `area_field`); the new node's row."""
    action = ACTION[(label, True)]
    write.require(action)
    checks = checks or Checks()
    name = checks.text("name", fields.name, required=True)
    if not code.strip():
        checks.fail("code", "REQUIRED", "this field is required", "此项必填")
    checks.done()
    props = {"name": name, **{k: val for k, val in (fields.props or {}).items() if val is not None}}

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        area = await locate(tx, write, Label.AREA, area_code, field=area_field)
        if community_only and area.get("level") != "COMMUNITY":
            checks.fail(
                area_field, "NOT_A_COMMUNITY", "this must be a community or village", "应为社区或村"
            )
            checks.done()
        if await (await tx.run(UNIT_EXISTS[label], code=code)).single():
            raise Conflict(f"A {label.value} with code {code!r} already exists.", existingId=code)
        await (await tx.run(CREATE_UNIT[label], code=code, area=area_code, props=props)).consume()
        await audit.record(
            tx,
            write.viewer,
            action,
            target(label, code),
            after=props | {"area": area_code},
            request_id=write.request_id,
        )
        return await fetch_row(tx, label, code)

    return await write_tx(db, work)


async def update_unit(
    db: Database, write: Write, label: Label, code: str, fields: UnitFields
) -> dict[str, Any]:
    """Change the given properties of a grid, council or venue; its row afterwards."""
    action = ACTION[(label, False)]
    write.require(action)
    checks = Checks()
    props = {k: val for k, val in (fields.props or {}).items() if val is not None}
    if fields.name is not None:
        props["name"] = checks.text("name", fields.name, required=True)
    checks.done()

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        before = await locate(tx, write, label, code, lock=True, field="code")
        await (await tx.run(UPDATE_UNIT[label], code=code, props=props)).consume()
        await audit.record(
            tx,
            write.viewer,
            action,
            target(label, code),
            before={k: before.get(k) for k in props},
            after=props,
            request_id=write.request_id,
        )
        return await fetch_row(tx, label, code)

    return await write_tx(db, work)
