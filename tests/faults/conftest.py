"""Fault tests: the real service (`gridgraph serve` in a process of its own) under concurrent
clients while the test Neo4j is overloaded, stopped, killed and started again.

The service runs as its own process so that its Bolt sockets can be counted (`/proc/<pid>`)
apart from the test session's driver. `serve(**settings)` starts one with the test settings
plus overrides; `outcome(response)` names what a client got back (`200`, `503 OVERLOADED`...).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver

from core.local_neo4j import LocalNeo4j
from core.settings import PROJECT_ROOT, Settings
from tests.conftest import TEST_JWT_SECRET, wipe_graph
from tests.mutations.conftest import CREATE_MUTATION_GRAPH

START_TIMEOUT = 60.0


@dataclass
class Service:
    """A running `gridgraph serve` process."""

    process: subprocess.Popen[bytes]
    url: str
    bolt_port: int
    log: Path

    def bolt_sockets(self) -> int:
        """TCP sockets this process holds to the Bolt port, in any state but closed."""
        return bolt_sockets(self.process.pid, self.bolt_port)


def bolt_sockets(pid: int, port: int) -> int:
    """Sockets of process `pid` connected to `port` on this host (ESTABLISHED, CLOSE_WAIT...)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for table in ("tcp", "tcp6"):
        lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        for line in lines:
            fields = line.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            state = fields[3]
            if remote_port == port and state != "0A" and fields[9] in inodes:  # 0A: LISTEN
                count += 1
    return count


def _environment(settings: Settings, overrides: dict[str, Any]) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GRIDGRAPH_", "NEO4J_")) and k != "PYTEST_CURRENT_TEST"
    }
    values: dict[str, Any] = {
        "neo4j_home": settings.neo4j_home,
        "neo4j_bolt_port": settings.neo4j_bolt_port,
        "neo4j_http_port": settings.neo4j_http_port,
        "port": settings.port,
        "log_level": "warning",
        "jwt_secret": TEST_JWT_SECRET,
        "rate_limit_per_minute": 1e9,
        "rate_limit_burst": 1_000_000,
        **overrides,
    }
    for name, value in values.items():
        env[f"GRIDGRAPH_{name.upper()}"] = str(value)
    if settings.neo4j_uri:
        env["NEO4J_URI"] = settings.neo4j_uri
    return env


@pytest.fixture
def serve(settings: Settings, driver: Driver) -> Iterator[Callable[..., Any]]:
    """`with serve(max_in_flight=4) as service:` runs `gridgraph serve` on the test port."""

    @contextmanager
    def run(**overrides: Any) -> Iterator[Service]:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", settings.port)) == 0:
                pytest.fail(f"port {settings.port} is taken by another program")
        log = PROJECT_ROOT / ".data" / "faults-service.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-c", "import main; main.cli()", "serve"],
                cwd=PROJECT_ROOT,
                env=_environment(settings, overrides),
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        url = f"http://127.0.0.1:{settings.port}"
        service = Service(process, url, settings.neo4j_bolt_port, log)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if process.poll() is not None:
                    pytest.fail(f"the service exited: {log.read_text()[-2000:]}")
                try:
                    if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"the service did not get ready: {log.read_text()[-2000:]}")
                time.sleep(0.2)
            yield service
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    yield run


@pytest.fixture
def mutation_graph(driver: Driver, settings: Settings) -> Iterator[Driver]:
    """The mutation tests' small graph (two districts, grids, people), wiped afterwards."""
    wipe_graph(driver, settings.neo4j_database)
    driver.execute_query(CREATE_MUTATION_GRAPH, database_=settings.neo4j_database)
    yield driver
    wipe_graph(driver, settings.neo4j_database)


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
