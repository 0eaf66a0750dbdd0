"""Fault tests: the real service (`gridgraph serve` in a process of its own) under concurrent
clients while the test Neo4j is overloaded, stopped, killed and started again.

The service runs as its own process (`tests.live.in_process`) so that its Bolt sockets can be
counted (`/proc/<pid>`) apart from the test session's driver. `serve(**settings)` starts one
with the test settings plus overrides; `outcome(response)` names what a client got back
(`200`, `503 OVERLOADED`...).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver

from core.local_neo4j import LocalNeo4j
from core.settings import Settings
from tests.conftest import graph_of
from tests.live import in_process
from tests.mutations.conftest import CREATE_MUTATION_GRAPH


@pytest.fixture
def serve(settings: Settings, driver: Driver) -> Iterator[Callable[..., Any]]:
    """`with serve(max_in_flight=4) as service:` runs `gridgraph serve` on the test port."""

    def run(**overrides: Any) -> Any:
        return in_process(settings, **overrides)

    yield run


@pytest.fixture
def mutation_graph(driver: Driver, settings: Settings) -> Iterator[Driver]:
    """The mutation tests' small graph (two districts, grids, people), wiped afterwards."""
    with graph_of(driver, settings, CREATE_MUTATION_GRAPH):
        yield driver


@pytest.fixture
def neo4j(local_server: LocalNeo4j | None) -> Iterator[LocalNeo4j]:
    """The local test Neo4j, running again after the test whatever the test did to it."""
    if local_server is None:
        pytest.skip("needs the local test Neo4j to stop, kill and start it")
    yield local_server
    local_server.start()


def kill_neo4j(server: LocalNeo4j) -> None:
    """`kill -9` the server: no clean shutdown, sockets reset."""
    pid = server.pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                break
        except OSError:
            break
        time.sleep(0.05)
    server.pid_file.unlink(missing_ok=True)


def outcome(response: httpx.Response) -> str:
    """What a client got: `200`, `200 DATABASE_UNAVAILABLE`, `503 OVERLOADED +Retry-After`, or
    `500 <no code>`: the status, the first error's `extensions.code`, whether Retry-After came."""
    text = str(response.status_code)
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return text + " <not JSON>"
    if errors:
        text += " " + str((errors[0].get("extensions") or {}).get("code") or "<no code>")
    if "retry-after" in response.headers:
        text += " +Retry-After"
    return text
