"""The Neo4j Browser guide and style sheet: every guide query runs, the routes answer cross-origin
to the local Neo4j Browser.

The queries run on a small fixture graph (`tests/analyst_graph.py`) in the real test Neo4j, and
each must find something there, so a renamed label or property breaks this test, not an analyst.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Iterator

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.browser_guide import GUIDE_QUERIES, LABEL_STYLE, QUESTIONS, GuideQuery, style_sheet
from core.model import Label, Rel
from core.settings import PROJECT_ROOT, Settings
from tests.analyst_graph import CREATE_ANALYST_GRAPH
from tests.conftest import wipe_graph

sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
import render_data_model


@pytest.fixture(scope="module")
def analyst_graph(driver: Driver, settings: Settings) -> Iterator[Driver]:
    """The fixture graph, alone in the database for this module."""
    wipe_graph(driver, settings.neo4j_database)
    driver.execute_query(CREATE_ANALYST_GRAPH, database_=settings.neo4j_database)
    yield driver
    wipe_graph(driver, settings.neo4j_database)


def test_the_guide_answers_every_question_of_the_brief() -> None:
    assert set(QUESTIONS) == set(range(11))
    assert {q.question for q in GUIDE_QUERIES} == set(QUESTIONS)
    assert len([q for q in GUIDE_QUERIES if q.question > 0]) >= 10


@pytest.mark.parametrize("query", GUIDE_QUERIES, ids=lambda q: f"q{q.question}-{q.title[:30]}")
def test_guide_query_runs_and_finds_the_fixture(
    analyst_graph: Driver, settings: Settings, query: GuideQuery
) -> None:
    records, _, _ = analyst_graph.execute_query(query.cypher, database_=settings.neo4j_database)
    assert records, f"no rows for: {query.title}"


def test_guide_queries_return_the_expected_answers(
    analyst_graph: Driver, settings: Settings
) -> None:
    def rows(title_start: str) -> list[dict]:
        (query,) = [q for q in GUIDE_QUERIES if q.title.startswith(title_start)]
        records, _, _ = analyst_graph.execute_query(query.cypher, database_=settings.neo4j_database)
        return [record.data() for record in records]

    dual = rows("Dual-role members")
    assert {row["p"]["name"] for row in dual} == {"王秀英"}
    assert rows("Share of Zhangdian")[0] == {"grids": 2, "gridsWithDualRole": 1, "percent": 50.0}
    uncovered = {row["grid"] for row in rows("Grids that no sisters group covers")}
    assert uncovered == {"370303006001-002", "370323002201-001"}
    heads = rows("Zhangdian's pilot communities")
    assert [(row["grid"], row["gridHeads"]) for row in heads] == [
        ("370303006001-001", ["李红梅"]),
        ("370303006001-002", ["李红梅"]),
    ]
    (open_case,) = rows("Open marriage")
    assert (open_case["case"], open_case["lastStep"]) == ("C2025-000002", "HANDLE")
    assert rows("Median days")[0]["medianDays"] == 7
    assert rows("Mediators")[0]["mediator"] == "马明"
    gaps = {row["county"]: row["villagesWithoutCouncil"] for row in rows("Legal-savvy")}
    assert gaps == {"张店区": 0, "沂源县": 1, "淄川区": 0}
    assert rows("(Privileged)")[0]["family"] == "赵某某家"
    assert rows("Full-text search")[0]["name"] == "王秀英"
    assert rows("The nearest governance")[0]["venue"] == "南麻街道综治中心"
    (path,) = rows("From 范子峪村")
    assert [node["name"] for node in path["path"] if isinstance(node, dict)] == [
        "范子峪村",
        "南麻街道",
        "沂源县",
        "淄博市",
    ]


def test_guide_is_served_cross_origin_with_runnable_queries(
    client: TestClient, settings: Settings
) -> None:
    browser = f"http://127.0.0.1:{settings.neo4j_http_port}"  # the local Neo4j Browser
    response = client.get("/browser/guide", headers={"origin": browser})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == browser
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert page.startswith('<article class="guide">')
    assert page.count("<slide") == len(QUESTIONS) + 2
    runnable = re.findall(r'<pre mode="cypher" class="[^"]*runnable">(.*?)</pre>', page, re.S)
    for query in GUIDE_QUERIES:
        assert query.cypher in {html.unescape(text) for text in runnable}
    # Neo4j Browser's content policy allows data: images only: the picture travels inline.
    assert 'src="data:image/svg+xml;base64,' in page
    preflight = client.options("/browser/guide", headers={"origin": browser})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == browser


def test_style_sheet_gives_every_label_a_colour_and_caption(
    client: TestClient, settings: Settings
) -> None:
    browser = f"http://localhost:{settings.neo4j_http_port}"
    response = client.get("/browser/style.grass", headers={"origin": browser})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == browser
    assert response.text == style_sheet()
    for label in Label:
        colour, caption, _ = LABEL_STYLE[label]
        block = re.search(rf"node\.{label.value} \{{(.*?)\n\}}", response.text, re.S)
        assert block, label
        assert f"color: {colour};" in block.group(1)
        assert f"caption: '{{{caption}}}';" in block.group(1)


def test_model_picture_shows_every_label_and_relationship() -> None:
    drawn_labels = {label for edge in render_data_model.EDGES for label in (edge[0], edge[2])}
    drawn_labels |= set(render_data_model.AREA_LEVELS)
    assert drawn_labels | set(render_data_model.NOT_DRAWN) == set(Label)
    assert {edge[1] for edge in render_data_model.EDGES} == set(Rel)
    committed = (PROJECT_ROOT / "docs" / "model.dot").read_text()
    assert committed == render_data_model.dot_source(), "run scripts/render_data_model.py"
    for suffix in ("svg", "png"):
        assert (PROJECT_ROOT / "docs" / "img" / f"data-model.{suffix}").stat().st_size > 10_000
