# ruff: noqa: E501  (GraphQL documents read best unwrapped)
"""How long one request holds the service's event loop: the heaviest documents within the limits.

    NEO4J_URI=bolt://127.0.0.1:7687 .venv/bin/python bench/event_loop.py [--reps 3] [--port 8765]

Serves the app with uvicorn in this process, on the Neo4j of `NEO4J_URI` (default: the `make
serve` database, holding the demo at scale 1), and posts each document of `DOCUMENTS` `--reps`
times while another process asks `/healthz` every 10 ms. Prints, per document: the median answer
time and size, the longest single step of the event loop while it ran (thread CPU time of one
callback, measured by wrapping asyncio's `Handle._run`), and the slowest `/healthz` answer. Every
document is within every limit (depth, aliases, tokens, cost, expanded size); the validation ones
cost graphql-core's overlapping-fields rule most of a second of CPU, the others are the largest
pages the demo graph fills.

Read only: the app's start-up migration step is skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import main
from core import service
from core.identity import IdentityKey
from core.settings import Settings

PERSON = "id personId name gender ethnicity politicalStatus partyMember education employer synthetic phone idNumber birthDate"
CASE = "id caseId title category status reportedAt closedAt summary outcome daysToClose"


def _aliased(count: int, selection: str, fragments: str = "") -> str:
    return "{ " + " ".join(f"a{i}: {selection}" for i in range(count)) + " } " + fragments


DOCUMENTS: dict[str, str] = {
    # graphql-core compares every pair of same-named fields: its budget runs out ("Validation
    # aborted.") after most of a second.
    "validation: 490 x viewer { name }": "{" + " viewer { name }" * 490 + " }",
    # ... and every pair of fragments spread side by side: valid, after most of a second.
    "validation: 150 fragments side by side": "{ "
    + " ".join(f"...A{i}" for i in range(150))
    + " } "
    + " ".join(f"fragment A{i} on Query {{ viewer {{ name }} }}" for i in range(150)),
    # 30 pages of 100 people and their appointments: cost 33,000.
    "30 x people(first: 100) + appointments": _aliased(
        30,
        "people(first: 100) { nodes { ...P appointments { id role since until building inForce } } }",
        f"fragment P on Person {{ {PERSON} }}",
    ),
    # 9 pages of 100 cases with timeline, people and families: cost 45,900.
    "9 x cases(first: 100) + timeline, people": _aliased(
        9,
        "cases(first: 100) { nodes { ...C timeline { id seq title action fromStatus toStatus at actor note } reporters { ...P } mediators { ...P } people { ...P } families { id code name members address } } }",
        f"fragment P on Person {{ {PERSON} }} fragment C on Case {{ {CASE} }}",
    ),
    # 30 pages of 100 families and their people: cost 33,000.
    "30 x families(first: 100) + people": _aliased(
        30,
        "families(first: 100) { nodes { id code name members address people { ...P } } }",
        f"fragment P on Person {{ {PERSON} }}",
    ),
}


class LoopSteps:
    """The longest callback (thread CPU seconds) the event loop of one thread ran."""

    def __init__(self) -> None:
        self.thread: int | None = None
        self.longest = 0.0
        original = asyncio.events.Handle._run

        def run(handle: Any) -> None:
            if threading.get_ident() != self.thread:
                return original(handle)
            started = time.thread_time()
            try:
                return original(handle)
            finally:
                self.longest = max(self.longest, time.thread_time() - started)

        asyncio.events.Handle._run = run  # type: ignore[method-assign]


def _settings(port: int) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        neo4j_uri=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
        jwt_secret=secrets.token_urlsafe(32),
        rate_limit_per_minute=1e9,
        rate_limit_burst=1_000_000,
        log_level="warning",
        port=port,
    )


PROBE = """
import sys, threading, time, httpx
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
worst = 0.0
with httpx.Client(timeout=60) as client:
    client.get(sys.argv[1])
    print("ready", flush=True)
    while not stop.is_set():
        started = time.perf_counter()
        client.get(sys.argv[1])
        worst = max(worst, time.perf_counter() - started)
        time.sleep(0.01)
print(worst, flush=True)
"""
"""Asks /healthz every 10 ms until its stdin closes, then prints the slowest answer (seconds).

A process of its own, so its requests do not wait for this one's interpreter lock."""


def _measure(base: str, token: str, reps: int, steps: LoopSteps) -> None:
    header = f"{'document':<42} {'median ms':>10} {'MB':>6} {'loop step ms':>13} {'/healthz ms':>12}  answer"
    print(header)
    print("-" * len(header))
    with httpx.Client(base_url=base, timeout=300) as client:
        for name, query in DOCUMENTS.items():
            times, steps_ms, health_ms = [], [], []
            size, answer = 0.0, ""
            for _ in range(reps):
                probe = subprocess.Popen(
                    [sys.executable, "-c", PROBE, f"{base}/healthz"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                assert probe.stdout is not None and probe.stdin is not None
                probe.stdout.readline()  # ready
                steps.longest = 0.0
                started = time.perf_counter()
                response = client.post(
                    "/graphql",
                    json={"query": query},
                    headers={"Authorization": f"Bearer {token}"},
                )
                times.append(time.perf_counter() - started)
                steps_ms.append(steps.longest * 1000)
                probe.stdin.close()
                health_ms.append(float(probe.stdout.readline()) * 1000)
                probe.wait()
                body = response.json()
                size = len(response.content) / 1e6
                errors = body.get("errors") or []
                answer = errors[0]["message"][:40] if errors else "data"
            print(
                f"{name:<42} {statistics.median(times) * 1000:>10.0f} {size:>6.2f} "
                f"{max(steps_ms):>13.0f} {max(health_ms):>12.0f}  {answer}",
                flush=True,
            )


def main_(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3, help="runs per document")
    parser.add_argument("--port", type=int, default=8765, help="port of the measured server")
    args = parser.parse_args(argv)

    settings = _settings(args.port)
    # Read only: never migrate the measured database (no mutation runs, so any key will do).
    service.prepare = lambda settings: IdentityKey.generate()
    assert settings.jwt_secret is not None
    token = jwt.encode(
        {"sub": "bench-admin", "role": "admin", "area": "*", "exp": int(time.time()) + 3600},
        settings.jwt_secret.get_secret_value(),
        algorithm="HS256",
    )
    steps = LoopSteps()

    async def serve() -> None:
        steps.thread = threading.get_ident()
        config = uvicorn.Config(
            main.create_app(settings),
            host="127.0.0.1",
            port=args.port,
            log_level="warning",
            access_log=False,
        )
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.05)
        print(f"{settings.effective_neo4j_uri}, {args.reps} runs each, port {args.port}")
        try:
            await asyncio.to_thread(
                _measure, f"http://127.0.0.1:{args.port}", token, args.reps, steps
            )
        finally:
            server.should_exit = True
            await serving

    asyncio.run(serve())


if __name__ == "__main__":
    main_()
