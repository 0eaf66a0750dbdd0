"""`gridgraph demo` at a small scale: the article's figures in proportion, named people and
places, synthetic markers, and a second run that changes nothing."""

from __future__ import annotations

from pathlib import Path

from neo4j import Driver

from commands.demo import check_figures, run_demo
from core.settings import Settings
from loaders.demo import expected_figures

SCALE = 0.02

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
WITH DISTINCT p
RETURN count(p) AS executives,
       count(CASE WHEN EXISTS {
         (p)-[g:SERVES_GRID]->(:Grid)
         WHERE g.role IN ['GRID_HEAD', 'FULL_TIME_GRID_WORKER', 'PART_TIME_GRID_WORKER']
       } THEN 1 END) AS dual
"""


def test_demo_honours_the_figures_in_proportion(
    tmp_path: Path, empty_graph: Driver, settings: Settings
) -> None:
    db = settings.neo4j_database
    result = run_demo(empty_graph, db, SCALE, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir())[:2] == ["01-areas.csv", "02-grids.xlsx"]
    figures, named = check_figures(empty_graph, db)
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
    }
    markers = empty_graph.execute_query(SYNTHETIC_MARKERS, database_=db)[0][0]
    assert markers["real"] == 3 and markers["marked"] == markers["people"] - 3
    dual = empty_graph.execute_query(DUAL_ROLE_SHARE, database_=db)[0][0]
    assert 0.1 < dual["dual"] / dual["executives"] < 0.5
    assert result.counts.total("created") > 2000

    again = run_demo(empty_graph, db, SCALE, tmp_path)
    assert again.counts.total("created") == 0 and again.counts.total("updated") == 0
    assert check_figures(empty_graph, db) == (figures, named)


def test_expected_figures_at_scale_one() -> None:
    assert expected_figures(1.0) == {
        "members": 12749,
        "legalSavvy": 3374,
        "councils": 2926,
        "zhangdianGrids": 1466,
        "zhangdianCovered": 1466,
        "pilotCommunities": 10,
        "departments": 8,
        "districts": 8,
        "townships": 88,
    }
