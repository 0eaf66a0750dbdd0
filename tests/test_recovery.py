"""With Neo4j down the service stays up, says why, and recovers without a restart."""

from __future__ import annotations

import time

import pytest
from starlette.testclient import TestClient

from core.local_neo4j import LocalNeo4j
from tests.conftest import gql

pytestmark = pytest.mark.slow


def test_service_reports_outage_and_recovers(
    client: TestClient, local_server: LocalNeo4j | None
) -> None:
    if local_server is None:
        pytest.skip("needs the local test Neo4j to stop and start it")
    assert client.get("/readyz").status_code == 200
    local_server.stop()
    try:
        down = client.get("/readyz")
        assert down.status_code == 503
        assert down.json()["status"] == "unavailable"
        assert "Neo4j does not answer" in down.json()["reason"]

        response = client.post("/graphql", json={"query": "{ serverInfo { version } }"})
        body = response.json()
        assert body.get("data") is None
        error = body["errors"][0]
        assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
        assert "not reachable" in error["message"]
        if response.status_code == 200:  # the query ran, and its field failed
            assert error["path"] == ["serverInfo"]
        else:  # refused before it ran: the health check had found Neo4j down
            assert response.status_code == 503 and response.headers["retry-after"]
    finally:
        local_server.start()

    # The service finds Neo4j back by itself (its health check runs every second), no restart.
    deadline = time.monotonic() + 60
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "not ready a minute after Neo4j came back"
        time.sleep(0.5)
    body = gql(client, "{ serverInfo { version } }")
    assert body["data"]["serverInfo"]["version"] == LocalNeo4j.version_from_pom()
