"""The service as clients meet it: uvicorn on the test port, in a thread or a process of its own.

`in_thread(settings)` runs `create_app(settings)` under uvicorn, with the options `gridgraph
serve` uses, in a thread of the test process (cheap; for protocol tests). `in_process(settings,
**overrides)` runs `gridgraph serve` itself as a separate process (for tests that kill it,
count its sockets, or need its event loop free of the test's own work).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from core.settings import PROJECT_ROOT, Settings
from tests.conftest import TEST_JWT_SECRET

START_TIMEOUT = 60.0


@contextmanager
def in_thread(settings: Settings) -> Iterator[str]:
    """The app under uvicorn in a daemon thread; its base URL."""
    from main import create_app, uvicorn_options

    config = uvicorn.Config(create_app(settings), lifespan="on", **uvicorn_options(settings))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail(f"uvicorn did not start on port {settings.port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{settings.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


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


def environment(settings: Settings, overrides: dict[str, Any]) -> dict[str, str]:
    """The environment of a `gridgraph serve` on the test instance: the test settings (none of
    the developer's `GRIDGRAPH_*`/`NEO4J_*`), JWTs of `tests.conftest`, no rate limit, and
    `overrides` (settings by field name)."""
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


@contextmanager
def in_process(settings: Settings, **overrides: Any) -> Iterator[Service]:
    """`gridgraph serve` on the test port, ready (`/readyz` 200), stopped afterwards."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", settings.port)) == 0:
            pytest.fail(f"port {settings.port} is taken by another program")
    log = PROJECT_ROOT / ".data" / "live-service.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    # A folder of its own, so that no developer's `.env` is read.
    folder = tempfile.mkdtemp(prefix="gridgraph-live-")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", "import main; main.cli()", "serve"],
            cwd=folder,
            env={**environment(settings, overrides), "PYTHONPATH": str(PROJECT_ROOT)},
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
