"""Masking and area scoping on every path that reaches a person or a family category.

Two districts, each with a community, a grid, a grid worker (with phone and ID number) and a
classified family. Tokens of each role, city-wide or limited to one district, read them through
nested fields, `node(id:)`, `search` and `path`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.settings import Settings
from schema.node import to_global_id
from tests.conftest import gql

CREATE_TWO_DISTRICTS = """
CREATE (city:Area:City {code: '979700', name: '测试市', level: 'CITY'})
CREATE (a:Area:District {code: '979701', name: '甲区', level: 'DISTRICT'})-[:PART_OF]->(city)
CREATE (b:Area:District {code: '979702', name: '乙区', level: 'DISTRICT'})-[:PART_OF]->(city)
CREATE (ca:Area:Community {code: '979701001', name: '甲社区', level: 'COMMUNITY'})-[:PART_OF]->(a)
CREATE (cb:Area:Community {code: '979702001', name: '乙社区', level: 'COMMUNITY'})-[:PART_OF]->(b)
CREATE (ga:Grid {code: '979701001-01', name: '甲网格', kind: 'COMPREHENSIVE'})-[:IN]->(ca)
CREATE (gb:Grid {code: '979702001-01', name: '乙网格', kind: 'COMPREHENSIVE'})-[:IN]->(cb)
CREATE (pa:Person {id: 'P-mask-a', name: '测甲英', phone: '13812348000',
        idNumber: '370303198503121234', birthDate: date('1985-03-12'), synthetic: true})
CREATE (pb:Person {id: 'P-mask-b', name: '测乙英', phone: '13912349000',
        idNumber: '370323199001015678', birthDate: date('1990-01-01'), synthetic: true})
CREATE (pa)-[:SERVES_GRID {id: 'P-mask-a|GRID_HEAD|979701001-01|2024-01-01', role: 'GRID_HEAD',
        since: date('2024-01-01')}]->(ga)
CREATE (pb)-[:SERVES_GRID {id: 'P-mask-b|GRID_HEAD|979702001-01|2024-01-01', role: 'GRID_HEAD',
        since: date('2024-01-01')}]->(gb)
CREATE (pa)-[:LIVES_IN]->(ca), (pb)-[:LIVES_IN]->(cb)
CREATE (scheme:ClassificationScheme {code: 'MASKTEST', name: '测试五色'})
CREATE (red:Category {code: 'MASKTEST:red', name: '红色', colour: '#E53935', rank: 1})
       -[:IN_SCHEME]->(scheme)
CREATE (fa:Family {code: 'F-mask-a', name: '测甲家'})-[:IN]->(ga)
CREATE (fb:Family {code: 'F-mask-b', name: '测乙家'})-[:IN]->(gb)
CREATE (fa)-[:CLASSIFIED_AS {since: date('2025-01-05'), by: 'P-mask-a', reason: '重点关注'}]->(red)
CREATE (fb)-[:CLASSIFIED_AS {since: date('2025-01-05'), by: 'P-mask-b'}]->(red)
CREATE (pa)-[:BELONGS_TO]->(fa)
"""

DELETE_TWO_DISTRICTS = """
MATCH (n)
WHERE n.code IN ['979700', '979701', '979702', '979701001', '979702001', '979701001-01',
                 '979702001-01', 'MASKTEST', 'MASKTEST:red', 'F-mask-a', 'F-mask-b']
   OR n.id IN ['P-mask-a', 'P-mask-b']
DETACH DELETE n
"""

PA, PB = to_global_id("Person", "P-mask-a"), to_global_id("Person", "P-mask-b")
FA = to_global_id("Family", "F-mask-a")
GA = to_global_id("Grid", "979701001-01")
RED = to_global_id("Category", "MASKTEST:red")

RAW_A = {"phone": "13812348000", "idNumber": "370303198503121234", "birthDate": "1985-03-12"}
MASKED_A = {"phone": "138****8000", "idNumber": "370303********1234", "birthDate": None}

PERSON_FIELDS = "phone idNumber birthDate"


@pytest.fixture(scope="module")
def two_districts(driver: Driver, settings: Settings) -> Iterator[None]:
    driver.execute_query(DELETE_TWO_DISTRICTS, database_=settings.neo4j_database)
    driver.execute_query(CREATE_TWO_DISTRICTS, database_=settings.neo4j_database)
    yield
    driver.execute_query(DELETE_TWO_DISTRICTS, database_=settings.neo4j_database)


def _data(body: dict[str, Any]) -> Any:
    assert "errors" not in body, body["errors"]
    return body["data"]


def _person_by_every_path(client: TestClient) -> list[dict[str, Any]]:
    """Person A's personal fields as reached by each path a front end can take."""
    direct = _data(gql(client, f'{{ person(id: "{PA}") {{ {PERSON_FIELDS} }} }}'))["person"]
    node = _data(gql(client, f'{{ node(id: "{PA}") {{ ... on Person {{ {PERSON_FIELDS} }} }} }}'))
    nested = _data(
        gql(
            client,
            f'{{ grid(code: "979701001-01") '
            f"{{ appointments {{ person {{ {PERSON_FIELDS} }} }} }} }}",
        )
    )["grid"]["appointments"][0]["person"]
    listed = _data(
        gql(
            client,
            f'{{ people(filter: {{areaCode: "979701"}}) {{ nodes {{ {PERSON_FIELDS} }} }} }}',
        )
    )["people"]["nodes"]
    hits = _data(
        gql(
            client,
            f'{{ search(text: "测甲英") {{ node {{ ... on Person {{ {PERSON_FIELDS} }} }} }} }}',
        )
    )["search"]
    path = _data(
        gql(
            client,
            f'{{ path(from: "{GA}", to: "{PA}") {{ nodes {{ node {{ ... on Person '
            f"{{ {PERSON_FIELDS} }} }} }} }} }}",
        )
    )["path"]
    person_hits = [hit["node"] for hit in hits if hit["node"]]
    path_people = [n["node"] for n in path["nodes"] if n["node"]]
    assert len(listed) == 1 and len(person_hits) == 1 and len(path_people) == 1
    return [direct, node["node"], nested, listed[0], person_hits[0], path_people[0]]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("viewer", MASKED_A), ("caseworker", MASKED_A), ("editor", MASKED_A), ("admin", RAW_A)],
)
def test_phone_and_id_numbers_are_masked_on_every_path(
    two_districts: None, client_as: Callable[..., TestClient], role: str, expected: dict
) -> None:
    for reached in _person_by_every_path(client_as(role)):
        assert reached == expected


def test_the_whole_response_never_carries_the_raw_numbers_for_a_viewer(
    two_districts: None, client_as: Callable[..., TestClient]
) -> None:
    client = client_as("viewer")
    query = f"""{{
      a: person(id: "{PA}") {{ ...P }}
      b: node(id: "{PA}") {{ ...P }}
      c: search(text: "测") {{ node {{ ...P }} }}
      d: path(from: "{PA}", to: "{FA}") {{ nodes {{ caption node {{ ...P }} }} relationships {{ properties }} }}
    }}
    fragment P on Person {{ name phone idNumber birthDate }}"""  # noqa: E501
    response = client.post("/graphql", json={"query": query})
    assert "errors" not in response.json(), response.json()
    for raw in ("13812348000", "370303198503121234", "13912349000", "370323199001015678"):
        assert raw not in response.text


CATEGORY_QUERY = f"""{{
  node(id: "{FA}") {{ ... on Family {{ category {{ name }} classifications {{ reason }} }} }}
  families(gridCode: "979701001-01") {{ nodes {{ category {{ name }} }} }}
  grid(code: "979701001-01") {{ families {{ category {{ name }} }} }}
}}"""


def test_family_categories_are_hidden_from_viewers(
    two_districts: None, client_as: Callable[..., TestClient]
) -> None:
    data = _data(gql(client_as("viewer"), CATEGORY_QUERY))
    assert data["node"]["category"] is None
    assert data["node"]["classifications"] == []
    assert [f["category"] for f in data["families"]["nodes"]] == [None]
    assert [f["category"] for f in data["grid"]["families"]] == [None]


@pytest.mark.parametrize("role", ["caseworker", "editor", "admin"])
def test_family_categories_are_shown_from_caseworker_up(
    two_districts: None, client_as: Callable[..., TestClient], role: str
) -> None:
    data = _data(gql(client_as(role), CATEGORY_QUERY))
    assert data["node"]["category"] == {"name": "红色"}
    assert data["node"]["classifications"] == [{"reason": "重点关注"}]
    assert [f["category"] for f in data["families"]["nodes"]] == [{"name": "红色"}]
    assert [f["category"] for f in data["grid"]["families"]] == [{"name": "红色"}]


def test_a_path_never_reveals_a_family_category_to_a_viewer(
    two_districts: None, client_as: Callable[..., TestClient]
) -> None:
    query = f"""{{ path(from: "{FA}", to: "{RED}") {{
      nodes {{ type caption }} relationships {{ type properties }} }} }}"""
    viewer = client_as("viewer").post("/graphql", json={"query": query}).json()
    shown = str(viewer)
    assert "CLASSIFIED_AS" not in shown and "重点关注" not in shown
    caseworker = _data(gql(client_as("caseworker"), query))["path"]
    assert [r["type"] for r in caseworker["relationships"]] == ["CLASSIFIED_AS"]


# --- Area scoping ------------------------------------------------------------------------------


def test_an_area_token_sees_only_its_subtree(
    two_districts: None, client_as: Callable[..., TestClient]
) -> None:
    client = client_as("admin", area="979701")
    assert _data(gql(client, f'{{ person(id: "{PA}") {{ name }} }}'))["person"]["name"] == "测甲英"
    for query in (
        f'{{ person(id: "{PB}") {{ name }} }}',
        f'{{ node(id: "{PB}") {{ id }} }}',
        '{ grid(code: "979702001-01") { name } }',
        '{ area(code: "979702") { name } }',
    ):
        body = gql(client, query)
        assert body["data"] is None, query
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", query

    people = _data(gql(client, '{ people(filter: {nameContains: "测"}) { nodes { name } } }'))
    assert [p["name"] for p in people["people"]["nodes"]] == ["测甲英"]
    hits = _data(gql(client, '{ search(text: "测") { name } }'))["search"]
    assert "测乙英" not in {h["name"] for h in hits} and "测甲英" in {h["name"] for h in hits}
    families = _data(gql(client, "{ families { nodes { name } } }"))["families"]["nodes"]
    assert "测乙家" not in {f["name"] for f in families}
    path = gql(client, f'{{ path(from: "{PA}", to: "{PB}") {{ length }} }}')
    assert not (path.get("data") or {}).get("path"), path


def test_a_city_wide_token_sees_both_districts(
    two_districts: None, client_as: Callable[..., TestClient]
) -> None:
    client = client_as("viewer")
    people = _data(gql(client, '{ people(filter: {nameContains: "测"}) { nodes { name } } }'))
    assert sorted(p["name"] for p in people["people"]["nodes"]) == ["测乙英", "测甲英"]
    path = _data(gql(client, f'{{ path(from: "{PA}", to: "{PB}") {{ length }} }}'))["path"]
    assert path["length"] > 0


# --- The cost limit on the real schema ---------------------------------------------------------


def test_the_real_schema_counts_pages_and_nested_lists() -> None:
    from main import create_app
    from tests.conftest import bearer, make_jwt, make_test_settings

    # areas: 100; their children: 100 x 10 (a nested list); grandchildren: 1000 x 10.
    query = "{ areas(first: 100) { totalCount nodes { children { children { name } } } } }"
    app = create_app(make_test_settings(max_query_cost=11_099))
    with TestClient(app, headers=bearer(make_jwt())) as client:
        error = gql(client, query)["errors"][0]
        assert error["extensions"] == {
            "code": "QUERY_TOO_COMPLEX",
            "limit": 11_099,
            "actual": 11_100,
        }
        assert "errors" not in gql(client, query.replace("first: 100", "first: 99"))
