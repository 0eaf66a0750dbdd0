"""What the graph (and the files earlier in the same load) already holds, for reference checks.

Loaded once per `gridgraph load` with a few read queries: every area with its parent, every grid
with its community, and the keys of the units a roster may name. Rows of later files may then
refer to what earlier files of the same load declare.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, LiteralString

from neo4j import Driver, ManagedTransaction, Session

from core.identity import IdentityKey
from core.validation import normalise_name

GET_AREAS: LiteralString = """
MATCH (a:Area)
OPTIONAL MATCH (a)-[:PART_OF]->(parent:Area)
RETURN a.code AS code, a.name AS name, a.level AS level, parent.code AS parent,
       a.officialName AS officialName
"""

GET_GRIDS: LiteralString = """
MATCH (g:Grid)
OPTIONAL MATCH (g)-[:IN]->(c:Community)
RETURN g.code AS code, g.name AS name, c.code AS community
"""

GET_UNIT_KEYS: LiteralString = """
MATCH (n)
WHERE n:Federation OR n:SistersGroup OR n:Council OR n:Venue OR n:ServiceBrand
   OR n:Department OR n:Category OR n:Family OR n:Case
RETURN labels(n) AS labels, coalesce(n.code, n.id) AS key
"""

GET_RUNNING_LOADS: LiteralString = """
MATCH (l:Load {status: 'RUNNING'})
RETURN l.id AS id
"""

GET_PERSON_IDS: LiteralString = """
MATCH (p:Person)
RETURN p.id AS id
"""


def quiet_session(driver: Driver, database: str) -> Session:
    """A session without the server's notifications (unknown labels on an empty graph)."""
    return driver.session(database=database, notifications_min_severity="OFF")


UNIT_LABELS = (
    "Federation",
    "SistersGroup",
    "Council",
    "Venue",
    "ServiceBrand",
    "Department",
    "Category",
    "Family",
    "Case",
)


@dataclass
class Area:
    code: str
    name: str
    level: str
    parent: str | None
    official_name: str | None = None
    """The registry's official name (柳毅社区居委会), found by name look-ups like `name`."""

    def names(self) -> set[str]:
        return {normalise_name(n) for n in (self.name, self.official_name) if n}


@dataclass
class Registry:
    """Known areas, grids, unit keys and (when needed) person ids; the key people are known by."""

    identity: IdentityKey
    areas: dict[str, Area] = field(default_factory=dict)
    grids: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (name, community)
    units: dict[str, set[str]] = field(default_factory=dict)  # label -> keys
    persons: set[str] = field(default_factory=set)
    running_loads: frozenset[str] = frozenset()
    """Batched loads still RUNNING (or left so by a crash): what they wrote may be undone."""
    _area_names: dict[str, list[str]] | None = None
    _grid_names: dict[str, list[tuple[str, str]]] | None = None
    _found: dict[tuple[Any, ...], list[str]] = field(default_factory=dict)
    """Answers of `find_area` / `find_grid`, forgotten whenever an area or grid is added."""

    @classmethod
    def from_graph(
        cls, driver: Driver, database: str, with_persons: bool, identity: IdentityKey
    ) -> Registry:
        registry = cls(identity, units={label: set() for label in UNIT_LABELS})

        def read(tx: ManagedTransaction) -> None:
            for r in tx.run(GET_AREAS):
                registry.areas[r["code"]] = Area(
                    r["code"], r["name"], r["level"], r["parent"], r["officialName"]
                )
            for r in tx.run(GET_GRIDS):
                registry.grids[r["code"]] = (r["name"], r["community"])
            for r in tx.run(GET_UNIT_KEYS):
                for label in r["labels"]:
                    if label in registry.units:
                        registry.units[label].add(r["key"])
            registry.running_loads = frozenset(r["id"] for r in tx.run(GET_RUNNING_LOADS))
            if with_persons:
                registry.persons = {r["id"] for r in tx.run(GET_PERSON_IDS)}

        with quiet_session(driver, database) as session:
            session.execute_read(read)
        return registry

    # --- additions from earlier files of the same load ---------------------------------

    def add_area(self, area: Area) -> None:
        known = self.areas.get(area.code)
        if known is not None and area.official_name is None:
            area = replace(area, official_name=known.official_name)  # a roster keeps it too
        self.areas[area.code] = area
        self._area_names = None
        self._found.clear()

    def add_grid(self, code: str, name: str, community: str) -> None:
        self.grids[code] = (name, community)
        self._grid_names = None
        self._found.clear()

    def add_unit(self, label: str, key: str) -> None:
        self.units.setdefault(label, set()).add(key)

    def has_unit(self, label: str, key: str) -> bool:
        return key in self.units.get(label, ())

    # --- look-ups --------------------------------------------------------------------

    def ancestors(self, code: str) -> list[Area]:
        chain: list[Area] = []
        area = self.areas.get(code)
        while area is not None and len(chain) < 6:
            chain.append(area)
            area = self.areas.get(area.parent) if area.parent else None
        return chain

    def find_area(self, ref: str, level: str, within: list[str] = ()) -> list[str]:  # type: ignore[assignment]
        """Codes of areas of `level` that `ref` (a code or a name) may mean; `within` are codes
        or names of ancestors that narrow a name down."""
        memo = ("area", ref, level, *within)
        found = self._found.get(memo)
        if found is None:
            found = self._found[memo] = self._find_area(ref, level, within)
        return found

    def _find_area(self, ref: str, level: str, within: list[str]) -> list[str]:
        if ref in self.areas:
            return [ref] if self.areas[ref].level == level else []
        if self._area_names is None:
            self._area_names = {}
            for area in self.areas.values():
                for name in area.names():
                    self._area_names.setdefault(name, []).append(area.code)
        found = [
            c for c in self._area_names.get(normalise_name(ref), []) if self.areas[c].level == level
        ]
        for hint in within:
            if not hint or len(found) <= 1:
                continue
            hint_name = normalise_name(hint)
            narrowed = [
                c
                for c in found
                if any(a.code == hint or hint_name in a.names() for a in self.ancestors(c))
            ]
            found = narrowed
        return found

    def find_grid(self, ref: str, community: str | None) -> list[str]:
        """Codes of grids `ref` (a code, or a name inside `community`) may mean."""
        memo = ("grid", ref, community)
        found = self._found.get(memo)
        if found is None:
            found = self._found[memo] = self._find_grid(ref, community)
        return found

    def _find_grid(self, ref: str, community: str | None) -> list[str]:
        if ref in self.grids:
            return [ref]
        if self._grid_names is None:
            self._grid_names = {}
            for code, (name, comm) in self.grids.items():
                self._grid_names.setdefault(normalise_name(name or ""), []).append((code, comm))
        found = self._grid_names.get(normalise_name(ref), [])
        if community is not None:
            return [code for code, comm in found if comm == community]
        return [code for code, _ in found]
