"""The HTTP service: health, readiness, GraphQL and GraphiQL, request ids, error shape."""

from __future__ import annotations

from starlette.testclient import TestClient

from core.local_neo4j import LocalNeo4j
from tests.conftest import gql


def test_healthz_answers_while_the_process_lives(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"


def test_readyz_is_200_when_neo4j_answers(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert response.json()["neo4j"].startswith("Neo4j/")


def test_graphql_answers_from_neo4j(client: TestClient) -> None:
    body = gql(client, "{ serverInfo { database version edition migrations } }")
    assert "errors" not in body
    info = body["data"]["serverInfo"]
    assert info["database"] == "neo4j"
    assert info["version"] == LocalNeo4j.version_from_pom()
    assert info["edition"] == "community"
    assert info["migrations"][0] == "0001_natural_keys"


def test_graphiql_is_served_to_browsers(client: TestClient) -> None:
    response = client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_each_response_carries_a_request_id(client: TestClient) -> None:
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 16
    echoed = client.get("/healthz", headers={"x-request-id": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"


def test_invalid_documents_are_reported_not_masked(client: TestClient) -> None:
    body = gql(client, "{ serverInfo { noSuchField } }")
    assert "noSuchField" in body["errors"][0]["message"]


def test_graphql_answers_at_its_own_path_without_a_redirect(client: TestClient) -> None:
    response = client.post(
        "/graphql", json={"query": "{ serverInfo { database } }"}, follow_redirects=False
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["serverInfo"]["database"] == "neo4j"
