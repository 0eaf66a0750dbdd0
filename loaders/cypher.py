"""Cypher of the loaders: module constants, parameters only.

Labels and relationship types in these statements come from `core.model` enums: the per-kind
statements are built once, at import, from the fixed `LINKS` table below, never from input.

Every node and relationship a load creates or changes gets `source` = the load's id (the API's
mutations set `api:<request id>` on what they change), so a roll-back can tell what is still
as the load left it from what somebody changed since (`loaders.undo`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import LiteralString, cast

from core.model import AREA_LEVEL_LABEL, NATURAL_KEYS, ROLE_RELATIONSHIP, AreaLevel, Label, Rel


@dataclass(frozen=True)
class Link:
    """A relationship a row sets: `out` from the row's node to the target, else the reverse."""

    rel: Rel
    target: Label
    out: bool = True

    @property
    def name(self) -> str:
        return self.rel.value


LINKS: dict[str, tuple[Link, ...]] = {
    "areas": (Link(Rel.PART_OF, Label.AREA),),
    "grids": (Link(Rel.IN, Label.COMMUNITY),),
    "federations": (Link(Rel.IN, Label.AREA),),
    "groups": (Link(Rel.IN, Label.AREA), Link(Rel.PART_OF, Label.SISTERS_GROUP)),
    "councils": (Link(Rel.IN, Label.COMMUNITY), Link(Rel.BRANDED_AS, Label.SERVICE_BRAND)),
    "venues": (
        Link(Rel.IN, Label.AREA),
        Link(Rel.BRANDED_AS, Label.SERVICE_BRAND),
        Link(Rel.RUNS, Label.FEDERATION, out=False),
    ),
    "families": (Link(Rel.IN, Label.GRID),),
    "cases": (
        Link(Rel.IN, Label.GRID),
        Link(Rel.HANDLED_AT, Label.VENUE),
        Link(Rel.REFERRED_TO, Label.DEPARTMENT),
        Link(Rel.INVOLVES, Label.FAMILY),
        Link(Rel.MEDIATED, Label.PERSON, out=False),
        Link(Rel.REPORTED, Label.PERSON, out=False),
    ),
    "steps": (Link(Rel.HAS_STEP, Label.CASE, out=False), Link(Rel.BY, Label.PERSON)),
    "people": (Link(Rel.LIVES_IN, Label.COMMUNITY),),
}

NODE_LABELS: dict[str, Label] = {
    "areas": Label.AREA,
    "grids": Label.GRID,
    "federations": Label.FEDERATION,
    "groups": Label.SISTERS_GROUP,
    "councils": Label.COUNCIL,
    "venues": Label.VENUE,
    "families": Label.FAMILY,
    "cases": Label.CASE,
    "steps": Label.CASE_STEP,
    "people": Label.PERSON,
}


def _key(label: Label) -> str:
    """The natural key of a label; area level labels (`Community` ...) share `Area.code`."""
    return NATURAL_KEYS.get(label, "code")


def _match_label(label: Label) -> str:
    """Labels to MATCH a target by key: area levels add `Area`, whose code is constrained (and
    so indexed); `Community` alone would scan every community."""
    return f"{Label.AREA}:{label}" if label in AREA_LEVEL_LABEL.values() else str(label)


def _q(text: str) -> LiteralString:
    return cast(LiteralString, text)


def _pattern(link: Link, key: str) -> str:
    if link.out:
        return f"(n)-[:{link.rel}]->(t:{link.target})"
    return f"(n)<-[:{link.rel}]-(t:{link.target})"


def _read_nodes(kind: str) -> LiteralString:
    label = NODE_LABELS[kind]
    key = NATURAL_KEYS[label]
    links = "".join(
        f",\n       COLLECT {{ MATCH {_pattern(link, key)} RETURN t.{_key(link.target)} }}"
        f" AS {link.name}"
        for link in LINKS[kind]
    )
    return _q(
        f"UNWIND $keys AS key\nMATCH (n:{label} {{{key}: key}})\n"
        f"RETURN key, properties(n) AS props{links}"
    )


def _read_hashes(kind: str) -> LiteralString:
    label = NODE_LABELS[kind]
    return _q(
        f"UNWIND $keys AS key\nMATCH (n:{label} {{{NATURAL_KEYS[label]}: key}})\n"
        "RETURN key, n.rowHash AS hash, n.source AS source"
    )


def _merge_nodes(label: Label, extra_label: Label | None = None) -> LiteralString:
    key = NATURAL_KEYS[label]
    also = f"\nSET n:{extra_label}" if extra_label else ""
    return _q(
        f"UNWIND $rows AS row\nMERGE (n:{label} {{{key}: row.key}})\n"
        f"SET n += row.props, n.source = $load, n.rowHash = row.hash{also}"
    )


def _create_nodes(label: Label, extra_label: Label | None = None) -> LiteralString:
    """Nodes whose key the batch's hash look-up did not find (the key's uniqueness constraint
    still guards against a concurrent writer)."""
    key = NATURAL_KEYS[label]
    labels = f"{label}:{extra_label}" if extra_label else str(label)
    return _q(
        f"UNWIND $rows AS row\nCREATE (n:{labels} {{{key}: row.key}})\n"
        "SET n += row.props, n.source = $load, n.rowHash = row.hash"
    )


def _set_hashes(kind: str) -> LiteralString:
    label = NODE_LABELS[kind]
    return _q(
        f"UNWIND $rows AS row\nMATCH (n:{label} {{{NATURAL_KEYS[label]}: row.key}})\n"
        "SET n.rowHash = row.hash, n.source = $load"
    )


def _set_link(kind: str, link: Link) -> LiteralString:
    label = NODE_LABELS[kind]
    key = NATURAL_KEYS[label]
    tkey = _key(link.target)
    arrow = f"-[old:{link.rel}]->" if link.out else f"<-[old:{link.rel}]-"
    new = f"(n)-[r:{link.rel}]->(t)" if link.out else f"(t)-[r:{link.rel}]->(n)"
    return _q(
        f"UNWIND $rows AS row\nMATCH (n:{label} {{{key}: row.key}})\n"
        f"CALL (n, row) {{\n  MATCH (n){arrow}(other:{link.target})\n"
        f"  WHERE NOT other.{tkey} IN row.targets\n  DELETE old\n}}\n"
        f"CALL (n, row) {{\n  UNWIND row.targets AS target\n"
        f"  MATCH (t:{_match_label(link.target)} {{{tkey}: target}})\n  MERGE {new}\n"
        "  ON CREATE SET r.source = $load\n}"
    )


def _add_link(kind: str, link: Link) -> LiteralString:
    """Links of nodes created in this load: CREATE, no look-up of existing relationships (a
    MERGE would scan the relationships of dense targets such as a community)."""
    label = NODE_LABELS[kind]
    key = NATURAL_KEYS[label]
    tkey = _key(link.target)
    new = (
        f"(n)-[:{link.rel} {{source: $load}}]->(t)"
        if link.out
        else f"(t)-[:{link.rel} {{source: $load}}]->(n)"
    )
    return _q(
        f"UNWIND $rows AS row\nMATCH (n:{label} {{{key}: row.key}})\n"
        f"UNWIND row.targets AS target\nMATCH (t:{_match_label(link.target)} {{{tkey}: target}})\n"
        f"CREATE {new}"
    )


READ_HASHES: dict[str, LiteralString] = {kind: _read_hashes(kind) for kind in NODE_LABELS}
READ_NODES: dict[str, LiteralString] = {kind: _read_nodes(kind) for kind in NODE_LABELS}
SET_HASHES: dict[str, LiteralString] = {kind: _set_hashes(kind) for kind in NODE_LABELS}
MERGE_NODES: dict[str, LiteralString] = {
    kind: _merge_nodes(label) for kind, label in NODE_LABELS.items() if kind != "areas"
}
CREATE_NODES: dict[str, LiteralString] = {
    kind: _create_nodes(label) for kind, label in NODE_LABELS.items() if kind != "areas"
}
MERGE_AREAS: dict[AreaLevel, LiteralString] = {
    level: _merge_nodes(Label.AREA, label) for level, label in AREA_LEVEL_LABEL.items()
}
CREATE_AREAS: dict[AreaLevel, LiteralString] = {
    level: _create_nodes(Label.AREA, label) for level, label in AREA_LEVEL_LABEL.items()
}
SET_LINKS: dict[tuple[str, Rel], LiteralString] = {
    (kind, link.rel): _set_link(kind, link) for kind, links in LINKS.items() for link in links
}
ADD_LINKS: dict[tuple[str, Rel], LiteralString] = {
    (kind, link.rel): _add_link(kind, link) for kind, links in LINKS.items() for link in links
}

# --- derived links ----------------------------------------------------------------------------

COVER_COMMUNITY_GRIDS: LiteralString = """
UNWIND $rows AS row
MATCH (sg:SistersGroup {code: row.key})-[:IN]->(c:Community)
MATCH (g:Grid)-[:IN]->(c)
MERGE (sg)-[r:COVERS]->(g)
ON CREATE SET r.since = row.since, r.source = $load
"""

COVER_DISTRICT_GRIDS: LiteralString = """
UNWIND $rows AS row
MATCH (sg:SistersGroup {code: row.key})-[:IN]->(d:District)
MATCH (g:Grid)-[:IN]->(:Community)-[:PART_OF]->(:Township)-[:PART_OF]->(d)
MERGE (sg)-[r:COVERS]->(g)
ON CREATE SET r.since = row.since, r.source = $load
"""


def _federation_runs(label: Label) -> LiteralString:
    return _q(
        "UNWIND $rows AS row\nMATCH (f:Federation {code: 'FED-' + row.area})\n"
        f"MATCH (u:{label} {{code: row.key}})\nMERGE (f)-[r:RUNS]->(u)\n"
        "ON CREATE SET r.source = $load"
    )


FEDERATION_RUNS: dict[str, LiteralString] = {
    "groups": _federation_runs(Label.SISTERS_GROUP),
    "councils": _federation_runs(Label.COUNCIL),
}

# --- people: appointments ----------------------------------------------------------------------

READ_APPOINTMENTS: LiteralString = """
UNWIND $ids AS id
MATCH (p:Person {id: id})-[r:SERVES_GRID|HOLDS_POST|MEMBER_OF|VOLUNTEERS_AT]->(u)
RETURN id AS person, r.id AS id, r.role AS role, coalesce(u.code, u.id) AS unit,
       r.since AS since, r.until AS until, r.building AS building
"""


def _merge_appointment(rel: Rel, label: Label) -> LiteralString:
    return _q(
        f"UNWIND $rows AS row\nMATCH (p:Person {{id: row.person}})\n"
        f"MATCH (u:{label} {{code: row.unit}})\n"
        f"MERGE (p)-[r:{rel} {{id: row.id}}]->(u)\n"
        "SET r.role = row.role, r.since = row.since, r.until = null, "
        "r.building = row.building, r.source = $load"
    )


ENDING: LiteralString = """WHERE r.until IS NULL AND NOT r.id IN unit.keep
  AND (r.since IS NULL OR r.since <= $until)"""
"""The open appointments `r` of a unit that a complete roster as of `$until` ends: those it
does not list, less those that began after its date (`core.rules.period_order`)."""


def _end_appointments(rel: Rel, label: Label, write: bool) -> LiteralString:
    action = (
        "SET r.until = $until, r.endedBy = $load, r.source = $load\nREMOVE p.rowHash\n"
        if write
        else ""
    )
    return _q(
        f"UNWIND $units AS unit\nMATCH (u:{label} {{code: unit.code}})<-[r:{rel}]-(p:Person)\n"
        f"{ENDING}\n{action}RETURN count(r) AS ended"
    )


def _create_appointment(rel: Rel, label: Label) -> LiteralString:
    return _q(
        f"UNWIND $rows AS row\nMATCH (p:Person {{id: row.person}})\n"
        f"MATCH (u:{label} {{code: row.unit}})\n"
        f"CREATE (p)-[:{rel} {{id: row.id, role: row.role, since: row.since, "
        "building: row.building, source: $load}]->(u)"
    )


APPOINTMENT_TARGETS = sorted(set(ROLE_RELATIONSHIP.values()))

PERSON_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birthDate",
    "idNumber",
    "idNumberHash",
    "phone",
    "politicalStatus",
    "partyMember",
    "education",
    "employer",
    "synthetic",
)
"""The properties a people roster sets, in the order of a `CREATE_PEOPLE` row."""


def _create_people() -> LiteralString:
    """New people with where they live and every appointment, one positional row each:
    `[id, rowHash, *PERSON_FIELDS, [community], *[[unit, id, role, since, building]] per
    APPOINTMENT_TARGETS]`. One statement (one index seek per person and per target) and
    positional rows (no map keys to send and read) make this the fast path of a first load."""
    fields = len(PERSON_FIELDS)
    sets = ", ".join(f"n.{name} = row[{i + 2}]" for i, name in enumerate(PERSON_FIELDS))
    lives = fields + 2
    calls = "".join(
        f"CALL (n, row) {{\n  UNWIND row[{lives + 1 + i}] AS a\n"
        f"  MATCH (u:{label} {{code: a[0]}})\n"
        f"  CREATE (n)-[:{rel} {{id: a[1], role: a[2], since: a[3], building: a[4], "
        "source: $load}]->(u)\n}\n"
        for i, (rel, label) in enumerate(APPOINTMENT_TARGETS)
    )
    return _q(
        "UNWIND $rows AS row\nCREATE (n:Person {id: row[0]})\n"
        f"SET {sets}, n.source = $load, n.rowHash = row[1]\n"
        f"WITH n, row\nCALL (n, row) {{\n  UNWIND row[{lives}] AS code\n"
        f"  MATCH (c:{Label.AREA}:{Label.COMMUNITY} {{code: code}})\n"
        f"  CREATE (n)-[:{Rel.LIVES_IN} {{source: $load}}]->(c)\n}}\n{calls}"
    )


CREATE_PEOPLE: LiteralString = _create_people()
CREATE_APPOINTMENTS: dict[tuple[Rel, Label], LiteralString] = {
    pair: _create_appointment(*pair) for pair in APPOINTMENT_TARGETS
}
MERGE_APPOINTMENTS: dict[tuple[Rel, Label], LiteralString] = {
    pair: _merge_appointment(*pair) for pair in APPOINTMENT_TARGETS
}
END_APPOINTMENTS: dict[tuple[Rel, Label], LiteralString] = {
    pair: _end_appointments(*pair, write=True) for pair in APPOINTMENT_TARGETS
}
COUNT_ENDING_APPOINTMENTS: dict[tuple[Rel, Label], LiteralString] = {
    pair: _end_appointments(*pair, write=False) for pair in APPOINTMENT_TARGETS
}

# --- families: classification ------------------------------------------------------------------

READ_CLASSIFICATIONS: LiteralString = """
UNWIND $keys AS key
MATCH (f:Family {code: key})-[r:CLASSIFIED_AS]->(c:Category)
WHERE r.until IS NULL
RETURN key, c.code AS category, r.since AS since
"""


def _lock_nodes(label: Label) -> LiteralString:
    return _q(
        f"UNWIND $keys AS key\nMATCH (n:{label} {{{NATURAL_KEYS[label]}: key}})\n"
        "SET n._lock = true\nREMOVE n._lock"
    )


LOCK_NODES: dict[str, LiteralString] = {
    kind: _lock_nodes(NODE_LABELS[kind]) for kind in ("people", "families")
}
"""Take the write locks of a batch's people or families before reading what a rule checks
(their appointments, their classification): the API's writers lock them the same way, so the
check and the write see no concurrent change (`core.rules`)."""

CLASSIFY_FAMILIES: LiteralString = """
UNWIND $rows AS row
MATCH (f:Family {code: row.key})
OPTIONAL MATCH (f)-[old:CLASSIFIED_AS]->(:Category)
WHERE old.until IS NULL
SET old.until = row.since, old.source = $load
WITH DISTINCT f, row
MATCH (c:Category {code: row.category})
CREATE (f)-[:CLASSIFIED_AS {since: row.since, by: row.by, source: $load}]->(c)
"""

# --- visits --------------------------------------------------------------------------------------

READ_VISITS: LiteralString = """
UNWIND $rows AS row
MATCH (:Person {id: row.person})-[r:VISITED {id: row.key}]->(:Family)
RETURN row.key AS key, r.rowHash AS hash, r {.date, .note} AS props
"""

MERGE_VISITS: LiteralString = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
MATCH (f:Family {code: row.family})
MERGE (p)-[r:VISITED {id: row.key}]->(f)
SET r += row.props, r.source = $load, r.rowHash = row.hash
"""

# --- the load record -----------------------------------------------------------------------------

RECORD_LOAD: LiteralString = """
CREATE (l:Load {id: $id})
SET l += $props
"""

GET_LOAD: LiteralString = """
MATCH (l:Load {id: $id})
RETURN properties(l) AS props
"""
