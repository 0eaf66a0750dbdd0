"""Foundation figures: Neo4j start times, the size of its jars, resident memory at idle.

    .venv/bin/python bench/foundation.py [--idle 10]

Uses a Neo4j home of its own (`.data/neo4j-bench`, ports 47787/47574, service port 48100; override
with GRIDGRAPH_BENCH_* variables), so it never touches what `make serve` or `make test` hold:
- cold start: an empty data folder (initial password set, system and neo4j databases created),
  from launch until Bolt and HTTP answer;
- warm start: the same home stopped and started again;
- jars: `.data/neo4j/lib/*.jar` as provisioned from Maven Central;
- resident memory (VmRSS from /proc) of Neo4j and of the service (uvicorn running the app, one
  worker, connected and migrated) after `--idle` seconds without traffic.
Prints a table; stops what it started.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.local_neo4j import LocalNeo4j
from core.settings import PROJECT_ROOT, Settings

BENCH_HOME = PROJECT_ROOT / ".data" / "neo4j-bench"


def _settings() -> Settings:
    env = os.environ.get
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        neo4j_uri=None,
        neo4j_home=Path(env("GRIDGRAPH_BENCH_NEO4J_HOME", str(BENCH_HOME))),
        neo4j_bolt_port=int(env("GRIDGRAPH_BENCH_NEO4J_BOLT_PORT", "47787")),
        neo4j_http_port=int(env("GRIDGRAPH_BENCH_NEO4J_HTTP_PORT", "47574")),
        port=int(env("GRIDGRAPH_BENCH_PORT", "48100")),
        log_level="warning",
    )


def rss_mib(pid: int) -> float:
    """Resident set size of a process, MiB (VmRSS of /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def _timed_start(server: LocalNeo4j) -> tuple[int, float]:
    started = time.perf_counter()
    pid, _ = server.start()
    return pid, time.perf_counter() - started


def _start_service(settings: Settings) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GRIDGRAPH_NEO4J_HOME": str(settings.neo4j_home),
        "GRIDGRAPH_NEO4J_BOLT_PORT": str(settings.neo4j_bolt_port),
        "GRIDGRAPH_NEO4J_HTTP_PORT": str(settings.neo4j_http_port),
        "GRIDGRAPH_PORT": str(settings.port),
        "GRIDGRAPH_LOG_LEVEL": "warning",
    }
    env.pop("NEO4J_URI", None)
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "main:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(settings.port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    service = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{settings.port}/readyz", timeout=2):
                return service
        except OSError:
            time.sleep(0.3)
    service.terminate()
    raise RuntimeError("the service did not become ready within 60 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idling before RSS")
    args = parser.parse_args()

    settings = _settings()
    server = LocalNeo4j(settings)
    server.stop()
    shutil.rmtree(server.data_dir, ignore_errors=True)
    shutil.rmtree(server.logs_dir, ignore_errors=True)
    server.provision()

    rows: list[tuple[str, str]] = []
    service: subprocess.Popen[bytes] | None = None
    try:
        _, cold = _timed_start(server)
        server.stop()
        pid, warm = _timed_start(server)
        service = _start_service(settings)
        time.sleep(args.idle)
        neo4j_rss = rss_mib(pid)
        service_rss = rss_mib(service.pid)
        jars = sorted(server.lib.glob("*.jar"))
        jar_bytes = sum(jar.stat().st_size for jar in jars)
        rows = [
            ("Neo4j version", LocalNeo4j.version_from_pom()),
            ("Neo4j cold start (fresh data dir)", f"{cold:.1f} s"),
            ("Neo4j warm start", f"{warm:.1f} s"),
            ("jars in .data/neo4j/lib", f"{len(jars)} files, {jar_bytes / 1024 / 1024:.1f} MiB"),
            (
                f"Neo4j RSS at idle (heap {settings.neo4j_heap}, "
                f"page cache {settings.neo4j_pagecache})",
                f"{neo4j_rss:.0f} MiB",
            ),
            (
                f"service RSS at idle (uvicorn, 1 worker, {args.idle:.0f} s idle)",
                f"{service_rss:.0f} MiB",
            ),
            ("machine", f"{os.cpu_count()} cores, Python {platform.python_version()}"),
        ]
    finally:
        if service is not None:
            service.terminate()
            service.wait(timeout=30)
        server.stop()

    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 24}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
