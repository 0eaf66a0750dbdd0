# ruff: noqa: E501  (GraphQL documents read best unwrapped)
"""Read-API latency at city scale: representative GraphQL documents through the real app.

    NEO4J_URI=bolt://127.0.0.1:7687 .venv/bin/python bench/api.py [--reps 7] [--save FILE]
        [--baseline FILE] [--only TEXT]

Runs each document of `DOCUMENTS` (every list entry point with and without `areaCode`, nested
queries, the ten questions of docs/api.md, as an admin and as a viewer limited to 张店区) through
the ASGI app (Starlette TestClient, round-trip tracing on) against the Neo4j of `NEO4J_URI`
(default: the `make serve` database holding the demo). One warm-up run, then `--reps` timed
runs (one when the warm-up took over `--slow` seconds). Prints a table: document, Cypher round
trips, median and p95 milliseconds; with `--baseline` (a file written by `--save`), also the
baseline median and the speed-up.

Read only: the app's start-up migration step is skipped, so the benchmark never writes to the
database it measures.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jwt
from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import main
from core import service
from core.identity import IdentityKey
from core.settings import Settings

DISTRICT = "370303"
"""张店区: the district of the worked examples and of the scoped viewer."""
TOWNSHIP = "370303006"
GRID = "370303006012-001"
VILLAGE = "370323002238"
"""范子峪村."""
TODAY = date.today().isoformat()
THIRTY_DAYS_AGO = (date.today() - timedelta(days=30)).isoformat()


@dataclass(frozen=True)
class Document:
    """One benchmarked request: a name for the table, the document, variables, the viewer."""

    name: str
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    scoped: bool = False
    """Sent with a caseworker token limited to `DISTRICT` (else as a city-wide admin)."""


def _lists() -> list[Document]:
    """Every list entry point, without and with an area filter."""
    docs = [
        Document("areas", "{ areas(first: 100) { totalCount nodes { code name } } }"),
        Document(
            "areas(level: COMMUNITY, parentCode)",
            '{ areas(level: COMMUNITY, parentCode: "370303006", first: 100) { totalCount nodes { code } } }',
        ),
        Document("departments", "{ departments { totalCount nodes { name } } }"),
        Document("serviceBrands", "{ serviceBrands { totalCount nodes { name } } }"),
        Document("projects", "{ projects { totalCount nodes { name } } }"),
        Document(
            "classificationSchemes", "{ classificationSchemes { totalCount nodes { name } } }"
        ),
    ]
    by_area: list[tuple[str, str, str]] = [
        ("grids", "grids(%s first: 100)", "code name"),
        ("federations", "federations(%s first: 100)", "code name"),
        ("sistersGroups", "sistersGroups(%s first: 100)", "code name"),
        ("councils", "councils(%s first: 100)", "code name"),
        ("venues", "venues(%s first: 100)", "code name"),
        ("activities", "activities(%s first: 20)", "code title"),
        ("families", "families(%s first: 100)", "code name"),
        ("people", "people(filter: {%s} first: 20)", "personId name"),
        ("cases", "cases(filter: {%s} first: 20)", "caseId title"),
        ("dualRoleMembers", "dualRoleMembers(%s first: 20)", "person { name }"),
    ]
    for name, call, fields in by_area:
        for area in ("", f'areaCode: "{DISTRICT}"', f'areaCode: "{TOWNSHIP}"'):
            code = area.split('"')[1] if area else ""
            label = f"{name}({code})" if code else name
            sep = "" if not area else (" " if "{" in call else ", ")
            document = "{ " + (call % (area + sep)) + " { totalCount nodes { " + fields + " } } }"
            docs.append(Document(label, document))
    docs += [
        Document(
            "grids(370303) totalCount only",
            '{ grids(areaCode: "370303", first: 100) { totalCount } }',
        ),
        Document(
            "grids(370303) page only",
            '{ grids(areaCode: "370303", first: 100) { nodes { code } pageInfo { endCursor } } }',
        ),
        Document(
            "people(370303) page only",
            '{ people(filter: {areaCode: "370303"}, first: 20) { nodes { name } pageInfo { endCursor } } }',
        ),
        Document(
            "people(role: GRID_HEAD, 370303)",
            '{ people(filter: {role: GRID_HEAD, areaCode: "370303"}, first: 20) { totalCount nodes { name } } }',
        ),
        Document(
            "people(nameContains: 秀)",
            '{ people(filter: {nameContains: "秀"}, first: 20) { totalCount nodes { name } } }',
        ),
        Document(
            "grids(coveredBySistersGroup: false, 370303)",
            '{ grids(areaCode: "370303", coveredBySistersGroup: false, first: 20) { totalCount nodes { code } } }',
        ),
        Document(
            "cases(open: true)",
            "{ cases(filter: {open: true}, first: 20) { totalCount nodes { caseId } } }",
        ),
    ]
    return docs


def _nested() -> list[Document]:
    """Nested fields through the DataLoaders, and lookups."""
    return [
        Document(
            "grids(370303) nested",
            '{ grids(areaCode: "370303", first: 100) { totalCount nodes { name community { name parent { name } } sistersGroups { name } } } }',
        ),
        Document(
            "grids(370303) page 2",
            """query($after: String) { grids(areaCode: "370303", first: 100, after: $after) { nodes { code } } }""",
            {"after": None},
        ),
        Document(
            "area tree depth 4",
            '{ area(code: "370303") { name children { name children { name grids { code } } } } }',
        ),
        Document(
            "grid appointments and people",
            '{ grid(code: "370303006012-001") { name appointments { role person { name appointments { role unit { __typename } } } } families { name } } }',
        ),
        Document(
            "cases nested",
            "{ cases(first: 50) { nodes { title grid { name community { name } } mediators { name } referrals { department { name } } timeline { seq actor } } } }",
        ),
        Document(
            "families(370303) nested",
            '{ families(areaCode: "370303", first: 50) { nodes { name members grid { name community { name } } } } }',
        ),
        Document(
            "search 秀英",
            '{ search(text: "秀英", first: 20) { type name score } }',
        ),
    ]


def _questions() -> list[Document]:
    """The ten questions of docs/api.md (the documents of docs/api_examples.py)."""
    return [
        Document(
            "Q1 dual roles + coverage",
            """query DualRoles($district: String!) {
  dualRoleMembers(areaCode: $district, first: 3) {
    totalCount
    nodes { person { name phone } firstAppointments { role since unit { ... on Federation { name } } } secondAppointments { role since unit { ... on Grid { name } } } }
    pageInfo { hasNextPage endCursor }
  }
  coverage(areaCode: $district) { total { grids dualRoleGrids dualRoleRatio } }
}""",
            {"district": DISTRICT},
        ),
        Document(
            "Q2 sisters groups, uncovered grids",
            """query Groups($district: String!) {
  areas(level: DISTRICT) { nodes { name stats { sistersGroupMembers } } }
  coverage(areaCode: $district) { children { area { name } grids coveredGrids coveredRatio } }
  uncovered: grids(areaCode: $district, coveredBySistersGroup: false, first: 3) { totalCount nodes { code name community { name } } }
}""",
            {"district": DISTRICT},
        ),
        Document(
            "Q3 pilot groups and grid heads",
            """query Pilots($district: String!, $day: Date!) {
  sistersGroups(areaCode: $district, pilot: true, first: 2) {
    totalCount
    nodes { name area { name } grids { code appointments(roles: [GRID_HEAD], asOf: $day) { person { name } } } }
  }
}""",
            {"district": DISTRICT, "day": TODAY},
        ),
        Document(
            "Q4 open family cases",
            """query Cases($township: String!) {
  cases(filter: {areaCode: $township, category: [MARRIAGE_FAMILY], open: true}, first: 3) {
    totalCount
    nodes { caseId title status reportedAt currentStep { action at actor } }
  }
  stats(areaCode: $township) { casesByCategory { category count open medianDaysToClose } }
}""",
            {"township": TOWNSHIP},
        ),
        Document(
            "Q5 top venues, mediators",
            """query Ranking($city: String!) {
  stats(areaCode: $city) {
    cases
    topVenues { count node { ... on Venue { name kind } } }
    topMediators { count node { ... on Person { name } } }
    referrals { count node { ... on Department { name } } }
  }
}""",
            {"city": "370300"},
        ),
        Document(
            "Q6 legal-savvy, councils",
            "{ areas(level: DISTRICT) { nodes { name stats { communities villages councils legalSavvyPersons } } } }",
        ),
        Document(
            "Q7 overdue red/orange families",
            """query Overdue($district: String!, $since: Date!) {
  families(areaCode: $district, category: ["red", "orange"], notVisitedSince: $since, first: 3) {
    totalCount
    nodes { name grid { name } category { name meaning visitEveryDays } visits { date visitor { name } } }
  }
}""",
            {"district": DISTRICT, "since": THIRTY_DAYS_AGO},
        ),
        Document(
            "Q8 search",
            """{
  liuyi: search(text: "柳毅", first: 4) { type name score }
  xiuying: search(text: "秀英", kinds: [PERSON], first: 3) { name node { ... on Person { residence { name } } } }
}""",
        ),
        Document(
            "Q9 ancestors, nearest venues",
            """query Village($code: String!) {
  area(code: $code) {
    name
    ancestors { name level }
    governance: nearestVenues(kind: GOVERNANCE_CENTRE) { hops venue { name area { name } } }
    rights: nearestVenues(kind: RIGHTS_CENTRE_12338) { hops venue { name } }
  }
}""",
            {"code": VILLAGE},
        ),
        Document(
            "Q10 path person → department",
            """query Connection($from: ID!, $to: ID!) {
  path(from: $from, to: $to, maxHops: 6) { length nodes { type caption } relationships { type start end } }
}""",
            {"from": None, "to": None},
        ),
    ]


def _scoped() -> list[Document]:
    """The same kinds of request as a viewer limited to `DISTRICT` (every row scope-checked)."""
    return [
        Document(f"[scoped] {d.name}", d.query, d.variables, scoped=True)
        for d in _lists() + _nested()
        if d.name
        in {
            "grids",
            f"grids({TOWNSHIP})",
            "people",
            f"people({TOWNSHIP})",
            "families",
            "cases",
            "venues",
            "areas",
            "sistersGroups",
            "activities",
            "grids(370303) nested",
            "cases nested",
            "search 秀英",
        }
    ]


DOCUMENTS: list[Document] = _lists() + _nested() + _questions() + _scoped()


def _settings(timeout: float) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        neo4j_uri=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
        neo4j_query_timeout=timeout,
        jwt_secret=secrets.token_urlsafe(32),
        rate_limit_per_minute=1e9,
        rate_limit_burst=1_000_000,
        log_level="warning",
    )


def _token(settings: Settings, role: str, area: str | None) -> str:
    assert settings.jwt_secret is not None
    claims: dict[str, Any] = {
        "sub": f"bench-{role}",
        "role": role,
        "area": area or "*",  # "*": the whole city
        "exp": int(time.time()) + 3600,
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def _post(client: TestClient, doc: Document, headers: dict[str, str]) -> tuple[float, dict]:
    started = time.perf_counter()
    response = client.post(
        "/graphql",
        json={"query": doc.query, "variables": doc.variables},
        headers={**headers, "X-Gridgraph-Trace": "1"},
    )
    return (time.perf_counter() - started) * 1000, response.json()


def _fill_variables(client: TestClient, admin: dict[str, str]) -> None:
    """Global IDs for Q10, the code of 范子峪村 for Q9 and the cursor of page 2 (found through
    the API itself, as docs/api_examples.py does)."""
    _, body = _post(
        client,
        Document(
            "pick",
            "{ cases(filter: {open: false}, first: 50) { nodes { mediators { id } referrals { department { id } } } } }",
        ),
        admin,
    )
    for case in body["data"]["cases"]["nodes"]:
        if case["mediators"] and case["referrals"]:
            for doc in DOCUMENTS:
                if doc.name.startswith("Q10"):
                    doc.variables["from"] = case["mediators"][0]["id"]
                    doc.variables["to"] = case["referrals"][0]["department"]["id"]
            break
    _, body = _post(
        client,
        Document(
            "village",
            '{ search(text: "范子峪村", kinds: [AREA], first: 1) { node { ... on Area { code } } } }',
        ),
        admin,
    )
    for doc in DOCUMENTS:
        if doc.name.startswith("Q9") and body["data"]["search"]:
            doc.variables["code"] = body["data"]["search"][0]["node"]["code"]
    _, body = _post(
        client,
        Document("cursor", '{ grids(areaCode: "370303", first: 100) { pageInfo { endCursor } } }'),
        admin,
    )
    for doc in DOCUMENTS:
        if doc.name.endswith("page 2"):
            doc.variables["after"] = body["data"]["grids"]["pageInfo"]["endCursor"]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main_(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7, help="timed runs per document")
    parser.add_argument("--slow", type=float, default=3.0, help="seconds: one timed run above")
    parser.add_argument("--timeout", type=float, default=60.0, help="Neo4j query timeout, s")
    parser.add_argument("--save", type=Path, help="write the medians to this JSON file")
    parser.add_argument("--baseline", type=Path, help="JSON of an earlier --save to compare")
    parser.add_argument("--only", help="only documents whose name contains this text")
    args = parser.parse_args(argv)

    settings = _settings(args.timeout)
    # Read only: never migrate the measured database (no mutation runs, so any key will do).
    service.prepare = lambda settings: IdentityKey.generate()
    admin = {"Authorization": f"Bearer {_token(settings, 'admin', None)}"}
    scoped = {"Authorization": f"Bearer {_token(settings, 'caseworker', DISTRICT)}"}
    baseline = json.loads(args.baseline.read_text()) if args.baseline else {}
    results: dict[str, dict[str, Any]] = {}
    documents = [d for d in DOCUMENTS if not args.only or args.only in d.name]

    header = f"{'document':<48} {'trips':>5} {'median ms':>10} {'p95 ms':>9}"
    if baseline:
        header += f" {'before ms':>10} {'speed-up':>9}"
    print(f"{settings.effective_neo4j_uri}, {args.reps} warm runs each")
    print(header)
    print("-" * len(header))
    with TestClient(main.create_app(settings)) as client:
        _fill_variables(client, admin)
        for doc in documents:
            headers = scoped if doc.scoped else admin
            warm_ms, body = _post(client, doc, headers)
            reps = 1 if warm_ms > args.slow * 1000 else args.reps
            times = []
            for _ in range(reps):
                ms, body = _post(client, doc, headers)
                times.append(ms)
            error = body.get("errors", [{}])[0].get("message") if body.get("errors") else None
            trips = body.get("extensions", {}).get("trace", {}).get("roundTrips")
            median = statistics.median(times)
            results[doc.name] = {
                "trips": trips,
                "median": median,
                "p95": _p95(times),
                "error": error,
            }
            line = f"{doc.name[:48]:<48} {trips!s:>5} {median:>10.1f} {_p95(times):>9.1f}"
            before = baseline.get(doc.name)
            if before:
                line += f" {before['median']:>10.1f} {before['median'] / median:>8.1f}x"
            if error:
                line += f"  ERROR: {error[:60]}"
            print(line, flush=True)
    if args.save:
        args.save.write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main_()
