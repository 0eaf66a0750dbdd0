"""Grids, women's councils and venues: create (in an area) and update (name and details).

The three share one shape: a node with a `code`, `IN` an area, and a few properties. The schema
hands each function a plain command (`NewGrid`, `GridChanges` ...); the checks of every field,
and the input field names they report, are here, after the role's. The label comes from the
fixed `UNIT_LABELS`, never from the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from core import audit
from core.database import Database
from core.errors import Conflict
from core.model import GridKind, Label, VenueKind
from core.validation import grid_code_community
from resolvers.mutations.common import Checks, Write, fetch_row, locate, target, write_tx

UNIT_LABELS = (Label.GRID, Label.COUNCIL, Label.VENUE)


def _exists_statement(label: Label) -> LiteralString:
    return f"MATCH (n:{label.value} {{code: $code}})\nRETURN n.code AS code"  # type: ignore[return-value]


def _create_statement(label: Label) -> LiteralString:
    return (
        f"MATCH (a:Area {{code: $area}})\nCREATE (n:{label.value} {{code: $code}})-[:IN]->(a)\n"
        "SET n += $props"
    )  # type: ignore[return-value]


def _update_statement(label: Label) -> LiteralString:
    # Removing rowHash makes the next roster load compare this node in full (docs/loading.md).
    return f"MATCH (n:{label.value} {{code: $code}})\nSET n += $props\nREMOVE n._lock, n.rowHash"  # type: ignore[return-value]


UNIT_EXISTS: dict[Label, LiteralString] = {label: _exists_statement(label) for label in UNIT_LABELS}
CREATE_UNIT: dict[Label, LiteralString] = {label: _create_statement(label) for label in UNIT_LABELS}
UPDATE_UNIT: dict[Label, LiteralString] = {label: _update_statement(label) for label in UNIT_LABELS}


@dataclass(frozen=True)
class NewGrid:
    code: str
    name: str
    community_code: str
    kind: GridKind | None = None
    households: int | None = None


@dataclass(frozen=True)
class GridChanges:
    """None: not given, unchanged."""

    name: str | None = None
    kind: GridKind | None = None
    households: int | None = None


@dataclass(frozen=True)
class NewCouncil:
    community_code: str
    name: str
    founded: date | None = None


@dataclass(frozen=True)
class CouncilChanges:
    name: str | None = None
    founded: date | None = None


@dataclass(frozen=True)
class NewVenue:
    code: str
    name: str
    kind: VenueKind
    area_code: str
    address: str | None = None


@dataclass(frozen=True)
class VenueChanges:
    name: str | None = None
    kind: VenueKind | None = None
    address: str | None = None


def _households(value: int | None, checks: Checks) -> None:
    if value is not None and value < 0:
        checks.fail("households", "NEGATIVE", "households cannot be negative", "户数不能为负")


def _grid_code(code: str, community: str, checks: Checks) -> None:
    """docs/data-model.md: a grid's code is its community's code + `-` + 3 digits."""
    if grid_code_community(code) != community:
        checks.fail(
            "code",
            "GRID_CODE",
            f"a grid code is the community code, '-' and 3 digits: {community}-001",
            f"网格编码应为 社区编码-3位数字，如 {community}-001",
        )


def _value(kind: GridKind | VenueKind | None) -> str | None:
    return kind.value if kind is not None else None


async def create_grid(db: Database, write: Write, new: NewGrid) -> dict[str, Any]:
    """Create a grid in a community; the new grid's row."""
    checks = Checks()
    _grid_code(new.code, new.community_code, checks)
    _households(new.households, checks)
    props = {"kind": _value(new.kind), "households": new.households}
    return await _create(
        db,
        write,
        "createGrid",
        Label.GRID,
        new.code,
        new.name,
        props,
        checks,
        area_code=new.community_code,
        area_field="communityCode",
        community_only=True,
    )


async def update_grid(
    db: Database, write: Write, code: str, changes: GridChanges
) -> dict[str, Any]:
    """Change the given fields of a grid; its row afterwards."""
    checks = Checks()
    _households(changes.households, checks)
    props = {"kind": _value(changes.kind), "households": changes.households}
    return await _update(db, write, "updateGrid", Label.GRID, code, changes.name, props, checks)


async def create_council(db: Database, write: Write, new: NewCouncil) -> dict[str, Any]:
    """Create the women's council of a community, `WC-<community code>`; its row."""
    code = f"WC-{new.community_code}"
    return await _create(
        db,
        write,
        "createCouncil",
        Label.COUNCIL,
        code,
        new.name,
        {"founded": new.founded},
        Checks(),
        area_code=new.community_code,
        area_field="communityCode",
        community_only=True,
    )


async def update_council(
    db: Database, write: Write, code: str, changes: CouncilChanges
) -> dict[str, Any]:
    """Change the given fields of a council; its row afterwards."""
    props = {"founded": changes.founded}
    return await _update(db, write, "updateCouncil", Label.COUNCIL, code, changes.name, props)


async def create_venue(db: Database, write: Write, new: NewVenue) -> dict[str, Any]:
    """Create a venue in an area; its row."""
    props = {"kind": _value(new.kind), "address": new.address}
    return await _create(
        db,
        write,
        "createVenue",
        Label.VENUE,
        new.code,
        new.name,
        props,
        Checks(),
        area_code=new.area_code,
        area_field="areaCode",
        community_only=False,
    )


async def update_venue(
    db: Database, write: Write, code: str, changes: VenueChanges
) -> dict[str, Any]:
    """Change the given fields of a venue; its row afterwards."""
    props = {"kind": _value(changes.kind), "address": changes.address}
    return await _update(db, write, "updateVenue", Label.VENUE, code, changes.name, props)


async def _create(
    db: Database,
    write: Write,
    action: str,
    label: Label,
    code: str,
    name: str,
    props: dict[str, Any],
    checks: Checks,
    *,
    area_code: str,
    area_field: str,
    community_only: bool,
) -> dict[str, Any]:
    """Create a grid, council or venue `IN` area `area_code` (named by input field
    `area_field`) if the caller may run `action` and `checks` and the name and code hold;
    the new node's row."""
    write.require(action)
    text = checks.text("name", name, required=True)
    if not code.strip():
        checks.fail("code", "REQUIRED", "this field is required", "此项必填")
    checks.done()
    props = {"name": text, **{k: val for k, val in props.items() if val is not None}}

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


async def _update(
    db: Database,
    write: Write,
    action: str,
    label: Label,
    code: str,
    name: str | None,
    props: dict[str, Any],
    checks: Checks | None = None,
) -> dict[str, Any]:
    """Change the given properties (None: not given) of a grid, council or venue if the
    caller may run `action` and `checks` and the name hold; its row afterwards."""
    write.require(action)
    checks = checks or Checks()
    props = {k: val for k, val in props.items() if val is not None}
    if name is not None:
        props["name"] = checks.text("name", name, required=True)
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
