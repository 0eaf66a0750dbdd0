"""Cypher of the loaders that every kind of roster shares: module constants, parameters only.

The per-kind statements (read, create and merge a batch's nodes, set their links, store their
row hashes) are built once, at import, from each `RosterKind`'s label and `links`
(`loaders.kinds`); labels and relationship types come from `core.model` enums, never from
input. What a kind writes beyond its nodes and links is Cypher of its own module.

Every node and relationship a load creates or changes gets `source` = the load's id (the API's
mutations set `api:<request id>` on what they change), so a roll-back can tell what is still
as the load left it from what somebody changed since (`loaders.undo`).
"""

from __future__ import annotations

from typing import LiteralString

from core.model import NATURAL_KEYS, Label, Rel
from loaders.kinds import NODE_KINDS
from loaders.kinds.base import Link, key_of, match_label, statement

NODE_LABELS: dict[str, Label] = {kind.name: kind.label for kind in NODE_KINDS}
LINKS: dict[str, tuple[Link, ...]] = {kind.name: kind.links for kind in NODE_KINDS}


def _pattern(link: Link, key: str) -> str:
    if link.out:
        return f"(n)-[:{link.rel}]->(t:{link.target})"
    return f"(n)<-[:{link.rel}]-(t:{link.target})"


def _read_nodes(kind: str) -> LiteralString:
    label = NODE_LABELS[kind]
    key = NATURAL_KEYS[label]
    links = "".join(
        f",\n       COLLECT {{ MATCH {_pattern(link, key)} RETURN t.{key_of(link.target)} }}"
        f" AS {link.name}"
        for link in LINKS[kind]
    )
    return statement(
        f"UNWIND $keys AS key\nMATCH (n:{label} {{{key}: key}})\n"
        f"RETURN key, properties(n) AS props{links}"
    )


def _read_hashes(kind: str) -> LiteralString:
    label = NODE_LABELS[kind]
    return statement(
        f"UNWIND $keys AS key\nMATCH (n:{label} {{{NATURAL_KEYS[label]}: key}})\n"
        "RETURN key, n.rowHash AS hash, n.source AS source"
    )


def _merge_nodes(label: Label, extra_label: Label | None = None) -> LiteralString:
    key = NATURAL_KEYS[label]
    also = f"\nSET n:{extra_label}" if extra_label else ""
    return statement(
        f"UNWIND $rows AS row\nMERGE (n:{label} {{{key}: row.key}})\n"
        f"SET n += row.props, n.source = $load, n.rowHash = row.hash{also}"
    )


def _create_nodes(label: Label, extra_label: Label | None = None) -> LiteralString:
    """Nodes whose key the batch's hash look-up did not find (the key's uniqueness constraint
    still guards against a concurrent writer)."""
    key = NATURAL_KEYS[label]
    labels = f"{label}:{extra_label}" if extra_label else str(label)
    return statement(
        f"UNWIND $rows AS row\nCREATE (n:{labels} {{{key}: row.key}})\n"
        "SET n += row.props, n.source = $load, n.rowHash = row.hash"
    )


def _set_hashes(kind: str) -> LiteralString:
    label = NODE_LABELS[kind]
    return statement(
        f"UNWIND $rows AS row\nMATCH (n:{label} {{{NATURAL_KEYS[label]}: row.key}})\n"
        "SET n.rowHash = row.hash, n.source = $load"
    )


def _set_link(kind: str, link: Link) -> LiteralString:
    label = NODE_LABELS[kind]
    key = NATURAL_KEYS[label]
    tkey = key_of(link.target)
    arrow = f"-[old:{link.rel}]->" if link.out else f"<-[old:{link.rel}]-"
    new = f"(n)-[r:{link.rel}]->(t)" if link.out else f"(t)-[r:{link.rel}]->(n)"
    return statement(
        f"UNWIND $rows AS row\nMATCH (n:{label} {{{key}: row.key}})\n"
        f"CALL (n, row) {{\n  MATCH (n){arrow}(other:{link.target})\n"
        f"  WHERE NOT other.{tkey} IN row.targets\n  DELETE old\n}}\n"
        f"CALL (n, row) {{\n  UNWIND row.targets AS target\n"
        f"  MATCH (t:{match_label(link.target)} {{{tkey}: target}})\n  MERGE {new}\n"
        "  ON CREATE SET r.source = $load\n}"
    )


def _add_link(kind: str, link: Link) -> LiteralString:
    """Links of nodes created in this load: CREATE, no look-up of existing relationships (a
    MERGE would scan the relationships of dense targets such as a community)."""
    label = NODE_LABELS[kind]
    key = NATURAL_KEYS[label]
    tkey = key_of(link.target)
    new = (
        f"(n)-[:{link.rel} {{source: $load}}]->(t)"
        if link.out
        else f"(t)-[:{link.rel} {{source: $load}}]->(n)"
    )
    return statement(
        f"UNWIND $rows AS row\nMATCH (n:{label} {{{key}: row.key}})\n"
        f"UNWIND row.targets AS target\nMATCH (t:{match_label(link.target)} {{{tkey}: target}})\n"
        f"CREATE {new}"
    )


READ_HASHES: dict[str, LiteralString] = {kind: _read_hashes(kind) for kind in NODE_LABELS}
READ_NODES: dict[str, LiteralString] = {kind: _read_nodes(kind) for kind in NODE_LABELS}
SET_HASHES: dict[str, LiteralString] = {kind: _set_hashes(kind) for kind in NODE_LABELS}
MERGE_NODES: dict[tuple[str, Label | None], LiteralString] = {
    (kind.name, extra): _merge_nodes(kind.label, extra)
    for kind in NODE_KINDS
    for extra in kind.extra_labels or (None,)
}
"""Per kind and further label (an area's level; None for the kinds without one)."""
CREATE_NODES: dict[tuple[str, Label | None], LiteralString] = {
    (kind.name, extra): _create_nodes(kind.label, extra)
    for kind in NODE_KINDS
    for extra in kind.extra_labels or (None,)
}
SET_LINKS: dict[tuple[str, Rel], LiteralString] = {
    (kind, link.rel): _set_link(kind, link) for kind, links in LINKS.items() for link in links
}
ADD_LINKS: dict[tuple[str, Rel], LiteralString] = {
    (kind, link.rel): _add_link(kind, link) for kind, links in LINKS.items() for link in links
}

# --- the load record -----------------------------------------------------------------------------

RECORD_LOAD: LiteralString = """
CREATE (l:Load {id: $id})
SET l += $props
"""

GET_LOAD: LiteralString = """
MATCH (l:Load {id: $id})
RETURN properties(l) AS props
"""
