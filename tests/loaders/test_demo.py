"""`gridgraph demo` at a small scale: the area registry, the article's figures in proportion,
named people and places at their real codes, everything in a real community, synthetic markers,
history from the roster editions, and a second run that changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver
from typer.testing import CliRunner

import commands.demo
from commands.demo import check_figures, check_history, run_demo
from core.identity import IdentityKey
from core.model import AreaLevel
from core.settings import Settings
from loaders.area_registry import REGISTRY_FIGURES, check_registry
from loaders.demo import (
    EDITIONS,
    FANZIYU,
    FIRST_CLASSIFIED,
    LIUYI,
    Generator,
    expected_figures,
    write_rosters,
)
from loaders.demo_seed import UNFINISHED_DEMO
from loaders.pipeline import LoadResult
from main import _build_cli
from tests.conftest import wipe_graph

SCALE = 0.02

REGISTRY_LOADS = """
MATCH (l:Load {kind: 'area-registry'})
RETURN l.kind AS kind, l.rows AS rows
"""

SYNTHETIC_MARKERS = """
MATCH (p:Person)
RETURN count(p) AS people,
       count(CASE WHEN p.synthetic AND p.name ENDS WITH '（示例）'
                   AND p.idNumber STARTS WITH '370399' AND p.phone STARTS WITH '19905' THEN 1 END)
         AS marked,
       count(CASE WHEN p.synthetic IS NULL THEN 1 END) AS real
"""

DUAL_ROLE_SHARE = """
MATCH (p:Person)-[e:HOLDS_POST]->(:Federation)
WHERE e.role IN ['FEDERATION_CHAIR', 'FEDERATION_VICE_CHAIR', 'FEDERATION_EXECUTIVE']
  AND e.until IS NULL
WITH DISTINCT p
RETURN count(p) AS executives,
       count(CASE WHEN EXISTS {
         (p)-[g:SERVES_GRID]->(:Grid)
         WHERE g.role IN ['GRID_HEAD', 'FULL_TIME_GRID_WORKER', 'PART_TIME_GRID_WORKER']
           AND g.until IS NULL
       } THEN 1 END) AS dual
"""

ENDED_BY = """
MATCH (:Person)-[r:SERVES_GRID|HOLDS_POST|MEMBER_OF|VOLUNTEERS_AT]->()
WHERE r.until IS NOT NULL
MATCH (l:Load {id: r.endedBy})
RETURN l.name AS file, l.completeRoster AS complete, r.until AS until, count(r) AS ended
ORDER BY file
"""

GRID_HANDOVERS = """
MATCH (:Person)-[r:SERVES_GRID]->(g:Grid)
WHERE r.until IS NOT NULL
RETURN count(r) AS ended,
       count(CASE WHEN EXISTS {
         (:Person)-[s:SERVES_GRID {role: r.role}]->(g)
         WHERE s.until IS NULL AND s.since = r.until
       } THEN 1 END) AS handedOver
"""

FAMILY_HISTORIES = """
MATCH (f:Family)-[c:CLASSIFIED_AS]->(k:Category)
WITH f, c, k
ORDER BY c.since
WITH f, collect(c) AS history, collect(k.code) AS categories
WHERE size(history) > 1
RETURN count(f) AS families,
       count(CASE WHEN size(history) = 2 AND history[0].since = $first
                       AND history[0].until = history[1].since AND history[1].until IS NULL
                       AND history[1].since > $first AND categories[0] <> categories[1]
                  THEN 1 END) AS dated
"""


@pytest.fixture(scope="module")
def demo(
    driver: Driver,
    settings: Settings,
    identity: IdentityKey,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LoadResult, Path]]:
    """One demo at `SCALE` for the tests of this module (the graph is emptied before and after)."""
    wipe_graph(driver, settings.neo4j_database)
    out = tmp_path_factory.mktemp("demo")
    yield run_demo(driver, settings.neo4j_database, identity, SCALE, out), out
    wipe_graph(driver, settings.neo4j_database)


def test_demo_honours_the_figures_in_proportion(
    demo: tuple[LoadResult, Path], driver: Driver, settings: Settings, identity: IdentityKey
) -> None:
    db = settings.neo4j_database
    result, tmp_path = demo
    assert sorted(p.name for p in tmp_path.iterdir())[:2] == ["02-grids.xlsx", "03-federations.csv"]
    assert check_registry(driver, db) == REGISTRY_FIGURES
    figures, named = check_figures(driver, db)
    assert {k: figures[k] for k in expected_figures(SCALE)} == expected_figures(SCALE)
    assert named == {
        "mengDanyang": True,
        "weiSuli": True,
        "maMingCase": True,
        "caseMediators": 3,
        "outreach": True,
        "zhangdianGroup": True,
        "realPeopleWithContacts": 0,
        "brands": 6,
        "projects": 2,
        "outsideRegistry": 0,
    }
    markers = driver.execute_query(SYNTHETIC_MARKERS, database_=db)[0][0]
    assert markers["real"] == 3 and markers["marked"] == markers["people"] - 3
    dual = driver.execute_query(DUAL_ROLE_SHARE, database_=db)[0][0]
    assert 0.1 < dual["dual"] / dual["executives"] < 0.5
    assert result.counts.total("created") > 2000

    history = check_history(driver, db)
    again = run_demo(driver, db, identity, SCALE, tmp_path)
    assert again.counts.total("created") == 0 and again.counts.total("updated") == 0
    assert again.counts.total("ended") == 0
    assert check_figures(driver, db) == (figures, named)
    assert check_history(driver, db) == history
    assert check_registry(driver, db) == REGISTRY_FIGURES
    loads = driver.execute_query(REGISTRY_LOADS, database_=db)[0]
    assert [(r["kind"], r["rows"]) for r in loads] == [("area-registry", 3028)]


def test_demo_history_from_roster_editions(
    demo: tuple[LoadResult, Path], driver: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    result, _ = demo
    history = check_history(driver, db)
    assert history["ended"] > 0 and history["ended"] == result.counts.total("ended")
    assert 0.005 < history["ended"] / history["appointments"] < 0.08
    assert history["endedRoles"] >= 4
    assert history["endedBeforeStart"] == 0
    assert history["realPeopleEnded"] == 0
    assert history["reclassified"] > 0 and history["familiesNotOneCurrent"] == 0
    assert 0.01 < history["reclassified"] / history["families"] < 0.15

    ended = [r.data() for r in driver.execute_query(ENDED_BY, database_=db)[0]]
    editions = {f"07{label}-people-{current}.csv": current for label, _, current in EDITIONS}
    assert {row["file"] for row in ended} == set(editions)
    for row in ended:
        assert row["complete"] is True and row["until"].to_native() == editions[row["file"]]

    grids = driver.execute_query(GRID_HANDOVERS, database_=db)[0][0]
    assert grids["ended"] == grids["handedOver"]

    families = driver.execute_query(FAMILY_HISTORIES, first=FIRST_CLASSIFIED, database_=db)
    counts = families[0][0]
    assert counts["families"] == history["reclassified"] == counts["dated"]


def test_demo_rosters_are_deterministic(tmp_path: Path, identity: IdentityKey) -> None:
    first = write_rosters(tmp_path / "1", SCALE, identity)
    second = write_rosters(tmp_path / "2", SCALE, identity)
    assert [f.name for f in first.files] == [f.name for f in second.files]
    assert [f.name for f in first.earlier] == [
        *(f"07{label}-people-{earlier}.csv" for label, earlier, _ in EDITIONS),
        f"08-families-{FIRST_CLASSIFIED}.csv",
    ]
    for a, b in zip(first.files, second.files, strict=True):
        if a.suffix == ".csv":
            assert a.read_bytes() == b.read_bytes(), a.name


def test_expected_figures_at_scale_one() -> None:
    assert expected_figures(1.0) == {
        "members": 12749,
        "legalSavvy": 3374,
        "councils": 2926,
        "communities": 2931,
        "zhangdianGrids": 1466,
        "zhangdianCovered": 1466,
        "pilotCommunities": 10,
        "departments": 8,
    }


def test_the_network_at_scale_one_lies_in_the_real_communities() -> None:
    """Without writing or loading anything: at scale 1 every village and community of the
    registry is used, 2,926 of them with a council (not NBS's 5 units like a residents'
    committee), Zhangdian has exactly 1,466 grids, its 10 pilots are real communities."""
    g = Generator(1.0)
    g.build_areas()
    g.build_grids()
    net = g.net
    communities = {a.code: a for a in net.registry.areas if a.level == AreaLevel.COMMUNITY}
    assert {c for c, _, _ in net.communities} == set(communities)
    assert len(net.councils) == 2926
    assert sorted(set(communities) - net.councils) == [
        "370303003400",  # 华光集团社区
        "370303003401",  # 鲁中监狱社区
        "370303101403",  # 南定热电厂社区
        "370303101406",  # 山东铝业社区
        "370303107400",  # 科技工业园社区
    ]
    assert sum(1 for row in net.grids if row[2].startswith("370303")) == 1466
    assert all(row[2] in communities and row[0].startswith(row[2]) for row in net.grids)
    assert len(net.pilots) == 10 and net.pilots[0] == LIUYI
    assert all(communities[p].parent.startswith("370303") for p in net.pilots)  # type: ignore[union-attr]
    assert len({communities[p].parent for p in net.pilots}) == 10
    assert {LIUYI, FANZIYU} <= net.councils
    names = {c: n for c, n, _ in net.communities}
    assert (names[LIUYI], names[FANZIYU]) == ("柳毅社区", "范子峪村")


def test_a_small_demo_uses_fewer_real_communities() -> None:
    small = Generator(SCALE)
    small.build_areas()
    codes = [c for c, _, _ in small.net.communities]
    assert len(codes) == expected_figures(SCALE)["communities"] == 59
    assert {LIUYI, FANZIYU, *small.net.pilots} <= set(codes)
    registry = {a.code for a in small.net.registry.areas}
    assert set(codes) <= registry
    assert len({c[:9] for c in codes}) > 40  # spread over the townships


def test_an_interrupted_demo_is_finished_by_if_empty(
    driver: Driver,
    settings: Settings,
    identity: IdentityKey,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C during the first `make serve`: the next `demo --if-empty` finishes the demo
    instead of taking the half-loaded graph for the user's data."""
    db = settings.neo4j_database
    wipe_graph(driver, db)
    calls: list[str] = []

    def interrupt(description: str, done: int, total: int | None) -> None:
        calls.append(description)
        if len(calls) == 6:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_demo(driver, db, identity, SCALE, tmp_path, interrupt)
    assert driver.execute_query(UNFINISHED_DEMO, database_=db)[0][0]["scale"] == SCALE
    assert check_figures(driver, db)[0] != expected_figures(SCALE)

    monkeypatch.setattr(commands.demo, "load_settings", lambda: settings)
    app = _build_cli()
    finished = CliRunner().invoke(app, ["demo", "--if-empty", "--out", str(tmp_path)])
    assert finished.exit_code == 0, finished.output
    assert f"Finishing the demo at scale {SCALE:g}" in finished.output
    figures = check_figures(driver, db)[0]
    assert {k: figures[k] for k in expected_figures(SCALE)} == expected_figures(SCALE)
    assert not driver.execute_query(UNFINISHED_DEMO, database_=db)[0]
    history = check_history(driver, db)
    assert history["ended"] > 0 and history["endedBeforeStart"] == 0

    skipped = CliRunner().invoke(app, ["demo", "--if-empty", "--out", str(tmp_path)])
    assert skipped.exit_code == 0 and "demo not loaded" in skipped.output
    wipe_graph(driver, db)
