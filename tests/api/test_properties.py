"""The declared domain properties (`resolvers.rows`) are the data model's (docs/data-model.md),
less the bookkeeping the API never returns."""

from __future__ import annotations

import re

from core.model import NATURAL_KEYS, Label, Rel
from core.settings import PROJECT_ROOT
from resolvers.rows import PROPERTIES, RELATIONSHIP_PROPERTIES

BOOKKEEPING = {"source", "rowHash", "idNumberHash"}
DOC = (PROJECT_ROOT / "docs" / "data-model.md").read_text()


def _table(heading: str) -> dict[str, set[str]]:
    """The name in each row's first column → the backquoted names of its properties column."""
    section = DOC.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[0].startswith("`"):
            continue
        first = re.match(r"`(\w+)`", cells[0])
        assert first
        names = set(re.findall(r"`([a-z][A-Za-z]*)(?::[^`]*)?`", cells[2]))
        rows[first.group(1)] = names
    return rows


def test_every_declared_node_property_is_documented_and_no_bookkeeping() -> None:
    documented = _table("Nodes")
    for label, names in PROPERTIES.items():
        expected = documented[label.value] - BOOKKEEPING
        key = NATURAL_KEYS[label]
        assert set(names) == expected | {key}, label
        assert not BOOKKEEPING & set(names) and not any(n.startswith("_") for n in names)


def test_every_relationship_type_declares_its_documented_properties() -> None:
    documented = _table("Relationships")
    assert set(RELATIONSHIP_PROPERTIES) == set(Rel)
    for rel, names in RELATIONSHIP_PROPERTIES.items():
        assert set(names) == documented[rel.value] - BOOKKEEPING, rel
    assert Label.LOAD not in PROPERTIES and Label.MIGRATION not in PROPERTIES
