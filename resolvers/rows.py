"""Row shapes shared by every query: one projection per label, and value conversion.

Each projection reads node `n` and adds the keys of the things it points to (`parentCode`,
`gridCode`, ...), so the schema resolves many-to-one fields through the node DataLoader
without another query shape. Rows leave this package with Python values (dates, datetimes).
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from neo4j.spatial import Point
from neo4j.time import Date, DateTime, Duration, Time

from core.model import NATURAL_KEYS, Label
from resolvers.scope import in_scope

Row = dict[str, Any]


def _first(pattern: LiteralString, value: LiteralString) -> LiteralString:
    return f"head(COLLECT {{ MATCH {pattern} RETURN {value} }})"  # type: ignore[return-value]


ROW: dict[Label, LiteralString] = {
    Label.AREA: "n {.*, parentCode: " + _first("(n)-[:PART_OF]->(fk_:Area)", "fk_.code") + "}",
    Label.GRID: "n {.*, communityCode: " + _first("(n)-[:IN]->(fk_:Area)", "fk_.code") + "}",
    Label.BUILDING: "n {.*, gridCode: " + _first("(n)-[:IN]->(fk_:Grid)", "fk_.code") + "}",
    Label.PERSON: "n {.*, idNumberHash: null, residenceCode: "
    + _first("(n)-[:LIVES_IN]->(fk_:Area)", "fk_.code")
    + "}",
    Label.FEDERATION: "n {.*, areaCode: " + _first("(n)-[:IN]->(fk_:Area)", "fk_.code") + "}",
    Label.SISTERS_GROUP: "n {.*, areaCode: "
    + _first("(n)-[:IN]->(fk_:Area)", "fk_.code")
    + ", parentCode: "
    + _first("(n)-[:PART_OF]->(fk_:SistersGroup)", "fk_.code")
    + ", federationCode: "
    + _first("(n)<-[:RUNS]-(fk_:Federation)", "fk_.code")
    + "}",
    Label.COUNCIL: "n {.*, areaCode: "
    + _first("(n)-[:IN]->(fk_:Area)", "fk_.code")
    + ", brandCode: "
    + _first("(n)-[:BRANDED_AS]->(fk_:ServiceBrand)", "fk_.code")
    + "}",
    Label.DEPARTMENT: "n {.*, mechanismCode: "
    + _first("(n)-[:JOINED]->(fk_:Mechanism)", "fk_.code")
    + ", joinedSince: "
    + _first("(n)-[fk_:JOINED]->(:Mechanism)", "fk_.since")
    + "}",
    Label.MECHANISM: "n {.*, federationCode: "
    + _first("(n)<-[:LEADS]-(fk_:Federation)", "fk_.code")
    + "}",
    Label.VENUE: "n {.*, areaCode: "
    + _first("(n)-[:IN]->(fk_:Area)", "fk_.code")
    + ", brandCode: "
    + _first("(n)-[:BRANDED_AS]->(fk_:ServiceBrand)", "fk_.code")
    + "}",
    Label.SERVICE_BRAND: "n {.*, federationCode: "
    + _first("(n)<-[:RUNS]-(fk_:Federation)", "fk_.code")
    + "}",
    Label.PROJECT: "n {.*, federationCode: "
    + _first("(n)<-[:RUNS]-(fk_:Federation)", "fk_.code")
    + "}",
    Label.ACTIVITY: "n {.*, venueCode: " + _first("(n)-[:HELD_AT]->(fk_:Venue)", "fk_.code") + "}",
    Label.FAMILY: "n {.*, gridCode: " + _first("(n)-[:IN]->(fk_:Grid)", "fk_.code") + "}",
    Label.SCHEME: "n {.*}",
    Label.CATEGORY: "n {.*, schemeCode: "
    + _first("(n)-[:IN_SCHEME]->(fk_:ClassificationScheme)", "fk_.code")
    + "}",
    Label.CASE: "n {.*, gridCode: " + _first("(n)-[:IN]->(fk_:Grid)", "fk_.code") + "}",
    Label.CASE_STEP: "n {.*, caseId: "
    + _first("(n)<-[:HAS_STEP]-(fk_:Case)", "fk_.id")
    + ", actorId: "
    + _first("(n)-[:BY]->(fk_:Person)", "fk_.id")
    + "}",
}
"""The projection of each label the API exposes (Load and Migration are not exposed)."""

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
