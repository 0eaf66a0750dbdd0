# ruff: noqa: E501
"""Mutation tests: a small graph across two districts, the real app, and callers of each role.

张店区 370303 (柳毅社区, two grids) and 淄川区 370302 (般阳社区, one grid) are the two areas the
scoping tests write across. Callers are JWTs (role, optional area), so tests need no token
records; the app's rate limit is lifted for them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.settings import Settings
from tests.conftest import gql, graph_of, make_jwt, make_test_settings

ZHANGDIAN, ZICHUAN = "370303", "370302"
LIUYI_GRID, LIUYI_GRID_2, BANYANG_GRID = "370303006001-001", "370303006001-002", "370302001001-001"
WANG, MA, LI = "P-00000000000000a1", "P-00000000000000a2", "P-00000000000000a3"

CREATE_MUTATION_GRAPH = """
CREATE (city:Area:City {code: '370300', name: '淄博市', level: 'CITY', kind: '市'})
CREATE (zd:Area:District {code: '370303', name: '张店区', level: 'DISTRICT', kind: '区'})
CREATE (zc:Area:District {code: '370302', name: '淄川区', level: 'DISTRICT', kind: '区'})
CREATE (tyc:Area:Township {code: '370303006', name: '体育场街道', level: 'TOWNSHIP', kind: '街道'})
CREATE (byl:Area:Township {code: '370302001', name: '般阳路街道', level: 'TOWNSHIP', kind: '街道'})
CREATE (ly:Area:Community {code: '370303006001', name: '柳毅社区', level: 'COMMUNITY', kind: '社区'})
CREATE (by:Area:Community {code: '370302001001', name: '般阳社区', level: 'COMMUNITY', kind: '社区'})
CREATE (zd)-[:PART_OF]->(city), (zc)-[:PART_OF]->(city), (tyc)-[:PART_OF]->(zd),
       (byl)-[:PART_OF]->(zc), (ly)-[:PART_OF]->(tyc), (by)-[:PART_OF]->(byl)
CREATE (g1:Grid {code: '370303006001-001', name: '柳毅社区第一网格', kind: 'COMPREHENSIVE',
                 households: 420})-[:IN]->(ly)
CREATE (g2:Grid {code: '370303006001-002', name: '柳毅社区第二网格', kind: 'COMPREHENSIVE',
                 households: 380})-[:IN]->(ly)
CREATE (g3:Grid {code: '370302001001-001', name: '般阳社区第一网格', kind: 'COMPREHENSIVE',
                 households: 350})-[:IN]->(by)
CREATE (:Federation {code: 'FED-370303', name: '张店区妇联', level: 'DISTRICT'})-[:IN]->(zd)
CREATE (:Federation {code: 'FED-370302', name: '淄川区妇联', level: 'DISTRICT'})-[:IN]->(zc)
CREATE (:SistersGroup {code: 'SG-370303006001', name: '柳毅社区姊妹团'})-[:IN]->(ly)
CREATE (:Council {code: 'WC-370303006001', name: '柳毅社区妇女议事会'})-[:IN]->(ly)
CREATE (:Venue {code: 'V-MED-370303', name: '张店区调解室', kind: 'MEDIATION_ROOM'})-[:IN]->(zd)
CREATE (:Venue {code: 'V-REG-370302', name: '淄川区婚姻登记处', kind: 'MARRIAGE_REGISTRY'})
       -[:IN]->(zc)
CREATE (mech:Mechanism {code: 'MECH-370300', name: '常态化联防联动工作机制'})
CREATE (:Department {code: 'DEPT-ZFW', name: '市委政法委'})-[:JOINED]->(mech)
CREATE (:Person {id: 'P-00000000000000a1', name: '王秀英', gender: 'F'})-[:LIVES_IN]->(ly)
CREATE (:Person {id: 'P-00000000000000a2', name: '马明', gender: 'M'})-[:LIVES_IN]->(by)
CREATE (:Person {id: 'P-00000000000000a3', name: '李某某', gender: 'F'})-[:LIVES_IN]->(ly)
CREATE (:Family {code: 'F-M1', name: '李某某家', members: 3})-[:IN]->(g1)
CREATE (:Family {code: 'F-M2', name: '张某某家', members: 2})-[:IN]->(g3)
CREATE (s:ClassificationScheme {code: 'SCH-M', name: '五色家庭'})
CREATE (x:ClassificationScheme {code: 'SCH-X', name: '七彩家庭图谱'})
CREATE (city)-[:USES_SCHEME]->(s)
CREATE (:Category {code: 'SCH-M:red', name: '红色', colour: 'red', rank: 1})-[:IN_SCHEME]->(s)
CREATE (:Category {code: 'SCH-M:blue', name: '蓝色', colour: 'blue', rank: 4})-[:IN_SCHEME]->(s)
CREATE (:Category {code: 'SCH-X:green', name: '绿色', colour: 'green', rank: 7})-[:IN_SCHEME]->(x)
"""

SNAPSHOT_NODES = """
MATCH (n)
WHERE NOT n:Migration AND NOT n:ApiToken
RETURN labels(n) AS labels, properties(n) AS props
"""

SNAPSHOT_RELATIONSHIPS = """
MATCH (a)-[r]->(b)
WHERE NOT a:Migration AND NOT a:ApiToken
RETURN elementId(a) AS a, type(r) AS type, properties(r) AS props, elementId(b) AS b
"""


@pytest.fixture(scope="package", autouse=True)
def quiet_notifications() -> Iterator[None]:
    """Neo4j warns about relationship types the small graph lacks; the tests need not hear it."""
    logger = logging.getLogger("neo4j.notifications")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="package")
def graph(driver: Driver, settings: Settings) -> Iterator[Driver]:
    """The mutation tests' graph, loaded once for the package and wiped afterwards."""
    with graph_of(driver, settings, CREATE_MUTATION_GRAPH):
        yield driver


@pytest.fixture(scope="package")
def app(graph: Driver) -> Iterator[TestClient]:
    """The real app on the test Neo4j, without a default caller; requests say who they are."""
    from main import create_app

    settings = make_test_settings(rate_limit_burst=1_000_000, rate_limit_per_minute=1e9)
    with TestClient(create_app(settings)) as client:
        yield client


def caller(role: str, area: str | None = None) -> dict[str, str]:
    """The Authorization header of a caller with `role`, optionally limited to `area`."""
    name = f"{role} {area or 'city'}"
    return {"Authorization": f"Bearer {make_jwt(role, area, name=name)}"}


@pytest.fixture
def run(app: TestClient) -> Callable[..., dict[str, Any]]:
    """`run(document, variables, role="admin", area=None)`: the response's `data`, asserting
    that the operation raised no GraphQL error (refusals are data, not errors)."""

    def execute(
        document: str, variables: dict | None = None, role: str = "admin", area: str | None = None
    ) -> dict[str, Any]:
        body = gql(app, document, variables, **caller(role, area))
        assert "errors" not in body, body["errors"]
        return body["data"]

    return execute


def snapshot(driver: Driver, settings: Settings) -> tuple[list[Any], list[Any]]:
    """Every node (labels, properties) and relationship of the graph, sorted: equal snapshots
    mean nothing was written."""
    db = settings.neo4j_database
    nodes, _, _ = driver.execute_query(SNAPSHOT_NODES, database_=db)
    rels, _, _ = driver.execute_query(SNAPSHOT_RELATIONSHIPS, database_=db)
    return (
        sorted(repr((sorted(r["labels"]), sorted(r["props"].items()))) for r in nodes),
        sorted(repr((r["a"], r["type"], sorted(r["props"].items()), r["b"])) for r in rels),
    )


@pytest.fixture
def unchanged(graph: Driver, settings: Settings) -> Callable[[], Any]:
    """`with unchanged(): ...` asserts the block leaves the graph exactly as it was."""
    from contextlib import contextmanager

    @contextmanager
    def check() -> Iterator[None]:
        before = snapshot(graph, settings)
        yield
        after = snapshot(graph, settings)
        assert after[0] == before[0], "nodes changed"
        assert after[1] == before[1], "relationships changed"

    return check
