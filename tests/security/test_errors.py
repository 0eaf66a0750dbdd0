"""Errors never leak Cypher, stack traces or internal ids; the log keeps them, by request id."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from core.observability import JsonFormatter
from tests.conftest import bearer, make_test_settings

MASKED = "Internal server error; quote the request id when reporting it."
LEAKS = ("MATCH", "CALL dbms", "Neo.ClientError", "Traceback", "nosuchdb", 'File "')


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict] = []
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))

    def attach(self) -> None:
        """Listen from now on (call after `create_app`, which configures logging afresh)."""
        logging.getLogger("gridgraph").addHandler(self)


@pytest.fixture
def logs() -> Iterator[_Records]:
    handler = _Records()
    yield handler
    logging.getLogger("gridgraph").removeHandler(handler)


def _client(**overrides: object) -> TestClient:
    from main import create_app

    # A database name the server does not have: every Cypher query fails unexpectedly.
    return TestClient(create_app(make_test_settings(neo4j_database="nosuchdb", **overrides)))


def test_an_unexpected_resolver_error_is_masked_and_logged_with_the_request_id(
    logs: _Records,
) -> None:
    with _client(dev_mode=True) as client:
        logs.attach()
        response = client.post(
            "/graphql",
            json={"query": "{ serverInfo { database version } }"},
            headers={"x-request-id": "req-leak-1"},
        )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    error = body["errors"][0]
    assert error["message"] == MASKED
    assert error["path"] == ["serverInfo"]
    assert "extensions" not in error or error["extensions"].get("code") != "DATABASE_UNAVAILABLE"
    text = response.text
    assert not any(leak in text for leak in LEAKS), text
    assert response.headers["x-request-id"] == "req-leak-1"

    logged = [line for line in logs.lines if line["logger"] == "gridgraph.graphql"]
    assert logged, logs.lines
    assert logged[0]["requestId"] == "req-leak-1"
    assert logged[0]["level"] == "error"
    assert "nosuchdb" in logged[0]["exception"]  # the operator sees the cause


def test_an_unexpected_error_during_token_look_up_is_masked_too(logs: _Records) -> None:
    with _client() as client:
        logs.attach()
        response = client.post(
            "/graphql",
            json={"query": "{ viewer { name } }"},
            headers={**bearer("gg_some-token"), "x-request-id": "req-leak-2"},
        )
    assert response.status_code == 500
    assert response.json()["errors"][0] == {
        "message": MASKED,
        "extensions": {"code": "INTERNAL_SERVER_ERROR"},
    }
    assert not any(leak in response.text for leak in LEAKS)
    logged = [line for line in logs.lines if line["logger"] == "gridgraph.gate"]
    assert logged[0]["requestId"] == "req-leak-2"
    assert "nosuchdb" in logged[0]["exception"]


def test_client_errors_keep_their_message_and_code(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ serverInfo { nope } }"})
    error = response.json()["errors"][0]
    assert "Cannot query field 'nope'" in error["message"]
