"""Row shapes shared by every query: one projection per label, and value conversion.

Each projection reads the domain properties of node `n` (`PROPERTIES`, one declared list per
label, as `RELATIONSHIP_PROPERTIES` per relationship type) and adds the keys of the things it
points to (`parentCode`, `gridCode`, ...), so the schema resolves many-to-one fields through
the node DataLoader without another query shape. Rows leave this package with Python values
(dates, datetimes).
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from neo4j.spatial import Point
from neo4j.time import Date, DateTime, Duration, Time

from core.model import NATURAL_KEYS, Label, Rel
from resolvers.scope import in_scope

Row = dict[str, Any]


PROPERTIES: dict[Label, tuple[str, ...]] = {
    Label.AREA: (
        "code",
        "name",
        "officialName",
        "level",
        "kind",
        "validFrom",
        "validUntil",
        "edition",
    ),
    Label.GRID: ("code", "name", "kind", "households"),
    Label.BUILDING: ("code", "name"),
    Label.PERSON: (
        "id",
        "name",
        "gender",
        "ethnicity",
        "birthDate",
        "idNumber",
        "phone",
        "politicalStatus",
        "partyMember",
        "education",
        "employer",
        "synthetic",
    ),
    Label.FEDERATION: ("code", "name", "level"),
    Label.SISTERS_GROUP: ("code", "name", "founded", "pilot"),
    Label.COUNCIL: ("code", "name", "founded"),
    Label.DEPARTMENT: ("code", "name", "nameEn"),
    Label.MECHANISM: ("code", "name"),
    Label.VENUE: ("code", "name", "kind", "address", "location"),
    Label.SERVICE_BRAND: ("code", "name", "kind"),
    Label.PROJECT: ("code", "name", "description"),
    Label.ACTIVITY: ("code", "title", "name", "date", "kind", "description"),
    Label.FAMILY: ("code", "name", "members", "address"),
    Label.SCHEME: ("code", "name", "description"),
    Label.CATEGORY: ("code", "name", "colour", "meaning", "visitEveryDays", "rank"),
    Label.CASE: (
        "id",
        "title",
        "name",
        "category",
        "status",
        "reportedAt",
        "closedAt",
        "summary",
        "outcome",
    ),
    Label.CASE_STEP: (
        "id",
        "title",
        "action",
        "fromStatus",
        "toStatus",
        "at",
        "actor",
        "note",
        "seq",
    ),
}
"""The domain properties of each label the API exposes (docs/data-model.md), the only ones it
reads: never a load's bookkeeping (`source`, `rowHash`), `idNumberHash`, or a writer's `_lock`."""

RELATIONSHIP_PROPERTIES: dict[Rel, tuple[str, ...]] = {rel: () for rel in Rel} | {
    Rel.SERVES_GRID: ("id", "role", "since", "until", "building"),
    Rel.HOLDS_POST: ("id", "role", "since", "until"),
    Rel.MEMBER_OF: ("id", "role", "since", "until"),
    Rel.VOLUNTEERS_AT: ("id", "role", "since", "until"),
    Rel.COVERS: ("since",),
    Rel.JOINED: ("since",),
    Rel.TOOK_PART: ("role",),
    Rel.CLASSIFIED_AS: ("since", "until", "by", "reason"),
    Rel.VISITED: ("id", "date", "note"),
    Rel.REFERRED_TO: ("at",),
}
"""The same for each relationship type (none for most: they only connect)."""


def projection(var: LiteralString, names: tuple[str, ...]) -> LiteralString:
    """Cypher map projection of the properties `names` of `var` (names from the tables above)."""
    return f"{var} {{{', '.join('.' + name for name in names)}}}"  # type: ignore[return-value]


RELATIONSHIP_ROW: LiteralString = (
    "CASE type(r)\n"
    + "".join(
        f"  WHEN '{rel.value}' THEN {projection('r', names)}\n"
        for rel, names in RELATIONSHIP_PROPERTIES.items()
        if names
    )
    + "  ELSE {}\nEND"
)  # type: ignore[assignment]
"""Cypher: the domain properties of relationship `r`, by its type."""


def _first(pattern: LiteralString, value: LiteralString) -> LiteralString:
    return f"head(COLLECT {{ MATCH {pattern} RETURN {value} }})"  # type: ignore[return-value]


def _row(label: Label, **links: LiteralString) -> LiteralString:
    fields = [f".{name}" for name in PROPERTIES[label]] + [f"{k}: {v}" for k, v in links.items()]
    return "n {" + ", ".join(fields) + "}"  # type: ignore[return-value]


ROW: dict[Label, LiteralString] = {
    Label.AREA: _row(Label.AREA, parentCode=_first("(n)-[:PART_OF]->(fk_:Area)", "fk_.code")),
    Label.GRID: _row(Label.GRID, communityCode=_first("(n)-[:IN]->(fk_:Area)", "fk_.code")),
    Label.BUILDING: _row(Label.BUILDING, gridCode=_first("(n)-[:IN]->(fk_:Grid)", "fk_.code")),
    Label.PERSON: _row(
        Label.PERSON, residenceCode=_first("(n)-[:LIVES_IN]->(fk_:Area)", "fk_.code")
    ),
    Label.FEDERATION: _row(Label.FEDERATION, areaCode=_first("(n)-[:IN]->(fk_:Area)", "fk_.code")),
    Label.SISTERS_GROUP: _row(
        Label.SISTERS_GROUP,
        areaCode=_first("(n)-[:IN]->(fk_:Area)", "fk_.code"),
        parentCode=_first("(n)-[:PART_OF]->(fk_:SistersGroup)", "fk_.code"),
        federationCode=_first("(n)<-[:RUNS]-(fk_:Federation)", "fk_.code"),
    ),
    Label.COUNCIL: _row(
        Label.COUNCIL,
        areaCode=_first("(n)-[:IN]->(fk_:Area)", "fk_.code"),
        brandCode=_first("(n)-[:BRANDED_AS]->(fk_:ServiceBrand)", "fk_.code"),
    ),
    Label.DEPARTMENT: _row(
        Label.DEPARTMENT,
        mechanismCode=_first("(n)-[:JOINED]->(fk_:Mechanism)", "fk_.code"),
        joinedSince=_first("(n)-[fk_:JOINED]->(:Mechanism)", "fk_.since"),
    ),
    Label.MECHANISM: _row(
        Label.MECHANISM, federationCode=_first("(n)<-[:LEADS]-(fk_:Federation)", "fk_.code")
    ),
    Label.VENUE: _row(
        Label.VENUE,
        areaCode=_first("(n)-[:IN]->(fk_:Area)", "fk_.code"),
        brandCode=_first("(n)-[:BRANDED_AS]->(fk_:ServiceBrand)", "fk_.code"),
    ),
    Label.SERVICE_BRAND: _row(
        Label.SERVICE_BRAND, federationCode=_first("(n)<-[:RUNS]-(fk_:Federation)", "fk_.code")
    ),
    Label.PROJECT: _row(
        Label.PROJECT, federationCode=_first("(n)<-[:RUNS]-(fk_:Federation)", "fk_.code")
    ),
    Label.ACTIVITY: _row(
        Label.ACTIVITY, venueCode=_first("(n)-[:HELD_AT]->(fk_:Venue)", "fk_.code")
    ),
    Label.FAMILY: _row(Label.FAMILY, gridCode=_first("(n)-[:IN]->(fk_:Grid)", "fk_.code")),
    Label.SCHEME: _row(Label.SCHEME),
    Label.CATEGORY: _row(
        Label.CATEGORY,
        schemeCode=_first("(n)-[:IN_SCHEME]->(fk_:ClassificationScheme)", "fk_.code"),
    ),
    Label.CASE: _row(Label.CASE, gridCode=_first("(n)-[:IN]->(fk_:Grid)", "fk_.code")),
    Label.CASE_STEP: _row(
        Label.CASE_STEP,
        caseId=_first("(n)<-[:HAS_STEP]-(fk_:Case)", "fk_.id"),
        actorId=_first("(n)-[:BY]->(fk_:Person)", "fk_.id"),
    ),
}
"""The projection of each label the API exposes (Load and Migration are not exposed): its
domain properties (`PROPERTIES`) and the keys of the things it points to."""

NODE_LABELS: tuple[Label, ...] = tuple(ROW)
"""Labels reachable through `node(id:)`, in the order a node's primary label is picked."""


def _node_branch(label: Label) -> LiteralString:
    key = NATURAL_KEYS[label]
    return (
        f"UNWIND coalesce($keys.{label.value}, []) AS key\n"
        f"MATCH (n:{label.value} {{{key}: key}})\n"
        f"RETURN '{label.value}' AS label, key, n, {ROW[label]} AS row"
    )  # type: ignore[return-value]


GET_NODES_BY_KEYS: LiteralString = (
    "CALL () {\n"
    + "\nUNION ALL\n".join(_node_branch(label) for label in ROW)
    + "\n}\nWITH label, key, n, row\nWHERE "
    + in_scope("n")
    + "\nRETURN label, key, row, elementId(n) AS element"
)  # type: ignore[assignment]
"""Every node of `$keys` ({label: [key, ...]}) visible under `$scope`, in one round trip; rows
carry `_element`, the node's element id for follow-up queries in the same request."""

IN_FORCE: LiteralString = (
    "(r.since IS NULL OR r.since <= $as_of) AND (r.until IS NULL OR r.until >= $as_of)"
)
"""Cypher predicate: appointment relationship `r` is in force on `$as_of`."""

APPOINTMENT_TYPES: LiteralString = "SERVES_GRID|HOLDS_POST|MEMBER_OF|VOLUNTEERS_AT"

APPOINTMENT_ROW: LiteralString = (
    "{id: r.id, role: r.role, since: r.since, until: r.until, building: r.building,"
    " personId: p.id, unitLabel: [l IN labels(u) WHERE l IN"
    " ['Grid', 'Federation', 'SistersGroup', 'Council', 'Venue']][0], unitCode: u.code}"
)
"""An appointment `(p:Person)-[r]->(u)` as a row."""


def primary_label(labels: list[str]) -> str | None:
    """The exposed label of a node with `labels` (an area is `Area`, not `Township`)."""
    for label in NODE_LABELS:
        if label.value in labels:
            return label.value
    return None


def native(value: Any) -> Any:
    """Driver values to Python: temporal types to date/datetime, points to a dict."""
    if isinstance(value, Date):
        return value.to_native()
    if isinstance(value, DateTime):
        return value.to_native()
    if isinstance(value, Time | Duration):
        return str(value)
    if isinstance(value, Point):
        return {"longitude": value.x, "latitude": value.y}
    if isinstance(value, dict):
        return {k: native(v) for k, v in value.items()}
    if isinstance(value, list):
        return [native(v) for v in value]
    return value


def as_date(value: Any) -> date | None:
    """A date from a date or datetime value (cases store `reportedAt` as datetime)."""
    if value is None:
        return None
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    return value
