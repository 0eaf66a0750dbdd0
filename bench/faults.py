"""The fault run: steady API writes and reads while Neo4j is stopped and killed, the service is
killed, and a batched roster load is killed and rolled back; then every acknowledged write is
checked against the graph.

    .venv/bin/python -m bench.faults [--minutes 6] [--writers 4] [--save faults.json]

Everything runs on an instance of its own (`--home`, default `.data/neo4j-faults`, ports
27687/27474, the service on 27000), seeded with the demo at scale 0.02. Writers own disjoint
sets of people: each `updatePerson` gives one of them a new phone number, each `reportCase`
files a new case; a request that came back with the result is *acknowledged*, one that failed
without an answer (the service killed under it) is *in doubt*. Readers page through people and
cases. The faults, at fixed points of the run:

1. Neo4j stopped cleanly for 15 s, then started;
2. Neo4j killed with SIGKILL, started 5 s later;
3. the service killed with SIGKILL, started again;
4. a batched load (40,000 people, among them the first writer's people) killed with SIGKILL
   part-way, then `gridgraph loads roll-back --yes --force`, while the writers go on.

Afterwards: **lost** = an acknowledged phone or case the graph does not hold (a later write in
doubt may have replaced a phone: that is not a loss); **half-written** = a case without its
report step or its audit entry, or a person whose phone is neither her last acknowledged one
nor one in doubt after it. It prints the counts, every outcome per phase of the run, and for
each fault the seconds from its end (Neo4j answering again, the service ready again) until a
new request succeeds (a prober opens a fresh connection every 0.25 s) and until the writers'
first acknowledged write.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from commands.demo import WIPE, run_demo
from core.database import create_sync_driver
from core.local_neo4j import LocalNeo4j
from core.migrations import prepare_graph
from core.settings import PROJECT_ROOT, Settings
from core.validation import make_id_number

UPDATE = (
    "mutation($id: ID!, $p: String!) { updatePerson(id: $id, input: {phone: $p}) { __typename } }"
)
REPORT = """mutation($t: String!, $g: String!) {
  reportCase(input: {title: $t, category: NEIGHBOUR, gridCode: $g}) {
    __typename ... on Case { caseId } } }"""
READS = (
    "{ people(first: 50) { nodes { personId name phone } } }",
    "{ cases(first: 50) { nodes { caseId title status } } }",
)
TARGETS = """
MATCH (p:Person)-[:LIVES_IN]->(:Community)<-[:IN]-(g:Grid)
WHERE p.synthetic AND p.idNumber IS NOT NULL
WITH p, collect(g.code)[0] AS grid
RETURN p.id AS id, p.idNumber AS idNumber, p.name AS name, grid
ORDER BY p.id LIMIT $limit
"""
PHONES = "UNWIND $ids AS id MATCH (p:Person {id: id}) RETURN p.id AS id, p.phone AS phone"
CASES = """
UNWIND $ids AS id
OPTIONAL MATCH (c:Case {id: id})
RETURN id, c IS NOT NULL AS found, c.title AS title,
       EXISTS { (c)-[:HAS_STEP]->(:CaseStep {seq: 1}) } AS step,
       EXISTS { MATCH (e:AuditEntry {target: 'Case:' + id}) } AS audited
"""


@dataclass
class Log:
    """Every request's outcome, the acknowledged and in-doubt writes, with the times."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    phase: str = "steady"
    """What is being done to the service now; outcomes are counted per phase."""
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    phones: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    """person id -> the phones sent, in order, each acknowledged or in doubt."""
    cases: dict[str, str] = field(default_factory=dict)
    """acknowledged case id -> its title."""
    acks: list[float] = field(default_factory=list)
    probes: list[float] = field(default_factory=list)
    """When a fresh request (a new connection, every 0.25 s) was answered 200 without errors."""

    def outcome(self, text: str) -> None:
        with self.lock:
            self.outcomes[self.phase, text] += 1


def _outcome(response: httpx.Response) -> str:
    text = str(response.status_code)
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return text + " not JSON"
    return text + (f" {(errors[0].get('extensions') or {}).get('code')}" if errors else "")


class Run:
    """The instance, the service process and the clients of one fault run."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.secret = secrets.token_urlsafe(32)
        self.settings = Settings(
            _env_file=None,
            neo4j_home=Path(args.home).resolve(),
            neo4j_bolt_port=args.bolt,
            neo4j_http_port=args.http,
            port=args.port,
            identity_key_file=Path(args.home).resolve() / "identity.key",
        )
        self.server = LocalNeo4j(self.settings)
        self.url = f"http://127.0.0.1:{args.port}"
        self.token = jwt.encode(
            {"sub": "faults", "role": "admin", "area": "*", "exp": int(time.time()) + 80000,
             "iat": int(time.time())},
            self.secret,
            algorithm="HS256",
        )  # fmt: skip
        self.service: subprocess.Popen[bytes] | None = None
        self.log = Log()
        self.stop = threading.Event()
        self.folder = Path(tempfile.mkdtemp(prefix="gridgraph-faults-"))

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDGRAPH_", "NEO4J_"))}
        s = self.settings
        env |= {
            "PYTHONPATH": str(PROJECT_ROOT),
            "GRIDGRAPH_NEO4J_HOME": str(s.neo4j_home),
            "GRIDGRAPH_NEO4J_BOLT_PORT": str(s.neo4j_bolt_port),
            "GRIDGRAPH_NEO4J_HTTP_PORT": str(s.neo4j_http_port),
            "GRIDGRAPH_PORT": str(s.port),
            "GRIDGRAPH_IDENTITY_KEY_FILE": str(s.identity_key_file),
            "GRIDGRAPH_JWT_SECRET": self.secret,
            "GRIDGRAPH_RATE_LIMIT_PER_MINUTE": "0",
            "GRIDGRAPH_LOG_LEVEL": "warning",
        }
        return env

    def gridgraph(self, *args: str, **kwargs: Any) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-c", "import main; main.cli()", *args],
            cwd=self.folder,
            env=self.env(),
            stdout=kwargs.get("stdout", subprocess.DEVNULL),
            stderr=subprocess.STDOUT,
        )

    def start_service(self) -> float:
        """Start `gridgraph serve`; the time it answered /readyz 200."""
        self.service = self.gridgraph("serve", stdout=(self.folder / "service.log").open("ab"))
        while True:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return time.monotonic()
            except httpx.HTTPError:
                pass
            if self.service.poll() is not None:
                raise SystemExit(f"the service exited; see {self.folder / 'service.log'}")
            time.sleep(0.2)

    def seed(self) -> list[dict[str, Any]]:
        self.server.start()
        with create_sync_driver(self.settings) as driver:
            identity, _ = prepare_graph(self.settings, driver)
            with driver.session(database=self.settings.neo4j_database) as session:
                session.run(WIPE).consume()
            run_demo(driver, self.settings.neo4j_database, identity, 0.02, self.folder / "demo")
            limit = self.args.writers * self.args.people
            return [r.data() for r in driver.execute_query(TARGETS, limit=limit)[0]]

    # --- clients -------------------------------------------------------------------------

    def post(self, client: httpx.Client, query: str, variables: dict[str, Any]) -> Any:
        try:
            response = client.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {self.token}"},
            )
        except httpx.HTTPError as error:
            self.log.outcome(f"no answer ({type(error).__name__})")
            time.sleep(0.2)  # as a client would before trying again
            return None
        self.log.outcome(_outcome(response))
        if response.status_code == 503:  # a client waits as it is told, a second at most here
            time.sleep(min(1.0, float(response.headers.get("retry-after", "1"))))
        body = response.json() if "json" in response.headers.get("content-type", "") else {}
        return (body.get("data") or {}) if response.status_code == 200 else None

    def writer(self, people: list[dict[str, Any]], number: int) -> None:
        sequence = itertools.count()
        with httpx.Client(base_url=self.url, timeout=40) as client:
            while not self.stop.is_set():
                person = random.choice(people)
                phone = f"1{number + 3}{next(sequence):09d}"
                self.log.phones.setdefault(person["id"], []).append((phone, False))
                data = self.post(client, UPDATE, {"id": person["id"], "p": phone})
                if data and (data.get("updatePerson") or {}).get("__typename") == "Person":
                    history = self.log.phones[person["id"]]
                    history[-1] = (phone, True)
                    self.log.acks.append(time.monotonic())
                title = f"故障演练 {number}-{next(sequence)}"
                data = self.post(client, REPORT, {"t": title, "g": person["grid"]})
                case = (data or {}).get("reportCase") or {}
                if case.get("__typename") == "Case":
                    self.log.cases[case["caseId"]] = title
                    self.log.acks.append(time.monotonic())

    def prober(self) -> None:
        """A fresh connection and one small read every 0.25 s: when would a new client succeed?"""
        while not self.stop.is_set():
            try:
                response = httpx.post(
                    f"{self.url}/graphql",
                    json={"query": "{ viewer { name } }"},
                    headers={"Authorization": f"Bearer {self.token}"},
                    timeout=10,
                )
                if response.status_code == 200 and "errors" not in response.json():
                    self.log.probes.append(time.monotonic())
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.25)

    def reader(self) -> None:
        with httpx.Client(base_url=self.url, timeout=40) as client:
            for query in itertools.cycle(READS):
                if self.stop.is_set():
                    return
                self.post(client, query, {})

    # --- faults --------------------------------------------------------------------------

    @staticmethod
    def first_after(times: list[float], moment: float) -> float | None:
        later = [t for t in list(times) if t >= moment]
        return min(later) - moment if later else None

    def kill(self, pid: int) -> None:
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)

    def batched_load(self, people: list[dict[str, Any]]) -> dict[str, Any]:
        """40,000 rows, the first writer's people among them; killed part-way; rolled back."""
        path = self.folder / "big.csv"
        header = ["姓名", "性别", "身份证号", "所属网格", "网格职务", "联系电话", "任职时间"]
        grid = people[0]["grid"]
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(header)
            for p in people:
                row = [p["name"], "女", p["idNumber"], grid, "楼长", "19900000000", "2025-01-01"]
                out.writerow(row)
            for n in range(40_000 - len(people)):
                born = date(1960, 1, 1) + timedelta(days=n % 15_000)
                number = make_id_number("370398", born, n // 15_000, "F")  # not the demo's
                out.writerow(
                    [f"演练{n}（示例）", "女", number, grid, "兼职网格员", "", "2025-01-01"]
                )
        loader = self.gridgraph("load", str(path), "--as-of", "2025-06-01")
        with create_sync_driver(self.settings) as driver:
            load_id = None
            while loader.poll() is None:
                rows = driver.execute_query(
                    "MATCH (l:Load {status: 'RUNNING'}) "
                    "RETURN l.id AS id, COUNT { (n:Person {source: l.id}) } AS written"
                )[0]
                if rows and rows[0]["written"] >= 10_000:
                    load_id = rows[0]["id"]
                    break
                time.sleep(0.5)
        if load_id is None:
            return {"error": "the load ended before it could be killed"}
        self.kill(loader.pid)
        time.sleep(3)  # the writers go on meanwhile
        rolled = subprocess.run(
            [sys.executable, "-c", "import main; main.cli()", "loads", "roll-back", load_id,
             "--yes", "--force"],
            cwd=self.folder, env=self.env(), capture_output=True, text=True, check=False,
        )  # fmt: skip
        return {"load": load_id, "rollBack": rolled.stdout.strip().splitlines()[:12]}

    def verify(self) -> dict[str, Any]:
        with create_sync_driver(self.settings) as driver:
            ids = list(self.log.phones)
            stored = {r["id"]: r["phone"] for r in driver.execute_query(PHONES, ids=ids)[0]}
            cases = driver.execute_query(CASES, ids=list(self.log.cases))[0]
        lost = half = 0
        for person, history in self.log.phones.items():
            acked = [i for i, (_, ok) in enumerate(history) if ok]
            if not acked:
                continue
            allowed = {phone for phone, _ in history[acked[-1] :]}
            if stored.get(person) not in allowed:
                lost += 1
        for row in cases:
            if not row["found"] or row["title"] != self.log.cases[row["id"]]:
                lost += 1
            elif not (row["step"] and row["audited"]):
                half += 1
        acknowledged = sum(ok for h in self.log.phones.values() for _, ok in h)
        return {
            "acknowledged": acknowledged + len(self.log.cases),
            "lost": lost,
            "halfWritten": half,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=6.0)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--people", type=int, default=25, help="people per writer")
    parser.add_argument("--home", default=str(PROJECT_ROOT / ".data" / "neo4j-faults"))
    parser.add_argument("--bolt", type=int, default=27687)
    parser.add_argument("--http", type=int, default=27474)
    parser.add_argument("--port", type=int, default=27000)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()
    run = Run(args)
    targets = run.seed()
    run.start_service()
    began = time.monotonic()
    share = max(1, len(targets) // args.writers)
    threads = [
        threading.Thread(target=run.writer, args=(targets[i * share : (i + 1) * share], i))
        for i in range(args.writers)
    ] + [threading.Thread(target=run.reader) for _ in range(args.readers)]
    threads.append(threading.Thread(target=run.prober))
    for thread in threads:
        thread.start()
    span = args.minutes * 60
    faults: list[dict[str, Any]] = []

    def at(fraction: float) -> None:
        time.sleep(max(0.0, began + span * fraction - time.monotonic()))

    def phase(name: str) -> None:
        with run.log.lock:
            run.log.phase = name

    at(0.12)
    phase("Neo4j stopped")
    run.server.stop()
    time.sleep(15)
    run.server.start()
    faults.append({"fault": "Neo4j stopped 15 s", "ended": time.monotonic()})
    phase("Neo4j back")
    at(0.32)
    phase("Neo4j killed")
    pid = run.server.pid()
    assert pid is not None
    run.kill(pid)
    run.server.pid_file.unlink(missing_ok=True)
    time.sleep(5)
    run.server.start()
    faults.append({"fault": "Neo4j killed (SIGKILL)", "ended": time.monotonic()})
    phase("Neo4j back")
    at(0.52)
    phase("service killed")
    assert run.service is not None
    run.kill(run.service.pid)
    faults.append({"fault": "service killed (SIGKILL)", "ended": run.start_service()})
    phase("service back")
    at(0.65)
    phase("batched load")
    load = run.batched_load(targets[:share])
    faults.append({"fault": "batched load killed, rolled back", "ended": time.monotonic(), **load})
    phase("steady")
    at(1.0)
    run.stop.set()
    for thread in threads:
        thread.join(60)
    for fault in faults:
        ended = fault.pop("ended")
        fault["recoverySeconds"] = run.first_after(run.log.probes, ended)
        fault["firstWriteSeconds"] = run.first_after(run.log.acks, ended)
    outcomes = {f"{where}: {text}": n for (where, text), n in run.log.outcomes.items()}
    result = {**run.verify(), "outcomes": outcomes, "faults": faults}
    errors = sum(
        n for (_, text), n in run.log.outcomes.items() if text[:1] == "5" and text[:3] != "503"
    )
    print(f"acknowledged writes {result['acknowledged']}, lost {result['lost']}, "
          f"half-written {result['halfWritten']}, 5xx other than 503 {errors}")  # fmt: skip
    for (where, text), n in sorted(run.log.outcomes.items()):
        print(f"  {where:<16} {n:>7}  {text}")

    def seconds(value: float | None) -> str:
        return f"{value:.1f} s" if value is not None else "never"

    for fault in faults:
        print(
            f"  {fault['fault']:<34} a new request succeeds after "
            f"{seconds(fault['recoverySeconds'])}, the writers' first after "
            f"{seconds(fault['firstWriteSeconds'])}"
        )
        for line in fault.get("rollBack", []):
            print(f"      {line}")
    if args.save:
        args.save.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    if run.service is not None:
        run.service.send_signal(signal.SIGTERM)
        run.service.wait(30)
    run.server.stop()


if __name__ == "__main__":
    main()
