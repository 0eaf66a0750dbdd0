# ruff: noqa: E501  (GraphQL documents read best unwrapped)
"""`/healthz` keeps answering while the heaviest requests the limits allow are running.

The service is the real app under uvicorn, in a process of its own on the test port, over a demo
graph (scale 0.05: full pages of 100 people, families and cases). The requests are sent at once,
each within every limit: documents that cost graphql-core's validation most of a second of CPU
(the most tokens allowed), and the largest pages with the most aliases the cost limit leaves.
On the event loop, each of them held every other request for its whole duration; off it
(`GridgraphSchema.execute`), `/healthz` answers within `HEALTHZ_WITHIN` seconds throughout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from neo4j import Driver

from commands.demo import run_demo
from core.identity import IdentityKey
from core.settings import Settings
from tests.conftest import bearer, make_jwt, wipe_graph
from tests.live import in_process

SCALE = 0.05
HEALTHZ_WITHIN = 3.0
"""Seconds `/healthz` may take while the heavy requests run (milliseconds when idle)."""

PERSON = "id personId name gender ethnicity politicalStatus partyMember education employer synthetic phone idNumber birthDate"


def _aliased(count: int, selection: str, fragments: str = "") -> str:
    return "{ " + " ".join(f"a{i}: {selection}" for i in range(count)) + " } " + fragments


OVERLAPPING_FIELDS = "{" + " viewer { name }" * 490 + " }"
"""1,962 tokens: graphql-core compares each pair of the 490 fields until its budget runs out."""

FRAGMENTS_SIDE_BY_SIDE = (
    "{ "
    + " ".join(f"...A{i}" for i in range(150))
    + " } "
    + " ".join(f"fragment A{i} on Query {{ viewer {{ name }} }}" for i in range(150))
)
"""1,950 tokens: valid, after graphql-core compared each pair of the 150 fragments."""

PEOPLE = _aliased(
    30,
    "people(first: 100) { nodes { ...P appointments { id role since until building inForce } } }",
    f"fragment P on Person {{ {PERSON} }}",
)
"""30 aliases x (100 people + 1,000 appointments): cost 33,000."""

CASES = _aliased(
    9,
    "cases(first: 100) { nodes { id caseId title category status reportedAt summary timeline { id seq title action at note } reporters { ...P } mediators { ...P } people { ...P } families { id code name members address } } }",
    f"fragment P on Person {{ {PERSON} }}",
)
"""9 aliases x (100 cases + 5 nested lists of 1,000): cost 45,900."""

GRIDS = _aliased(
    30,
    "grids(first: 100) { nodes { id code name kind households appointments { id role since until inForce person { ...P } } } }",
    f"fragment P on Person {{ {PERSON} }}",
)
"""30 aliases x (100 grids + 1,000 appointments, each with its person): cost 33,000."""


@pytest.fixture(scope="module")
def demo_graph(
    driver: Driver,
    settings: Settings,
    identity: IdentityKey,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    wipe_graph(driver, settings.neo4j_database)
    out = tmp_path_factory.mktemp("rosters")
    run_demo(driver, settings.neo4j_database, identity, SCALE, out)
    yield
    wipe_graph(driver, settings.neo4j_database)


@pytest.fixture(scope="module")
def service(settings: Settings, demo_graph: None) -> Iterator[str]:
    """The service in a process of its own, on the test port and the test Neo4j."""
    with in_process(settings, rate_limit_burst=100_000) as running:
        yield running.url


def _post(base: str, query: str) -> dict[str, Any]:
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query},
        headers=bearer(make_jwt()),
        timeout=300,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_healthz_answers_while_the_heaviest_requests_run(service: str) -> None:
    heavy = [OVERLAPPING_FIELDS] * 4 + [FRAGMENTS_SIDE_BY_SIDE] * 4 + [PEOPLE, CASES, GRIDS]
    answers: dict[int, dict[str, Any]] = {}
    failures: list[BaseException] = []

    def send(index: int, query: str) -> None:
        try:
            answers[index] = _post(service, query)
        except BaseException as error:
            failures.append(error)

    senders = [
        threading.Thread(target=send, args=(index, query), daemon=True)
        for index, query in enumerate(heavy)
    ]
    for sender in senders:
        sender.start()
    probes: list[float] = []
    with httpx.Client(base_url=service, timeout=60) as client:
        time.sleep(0.1)  # the requests are in
        while any(sender.is_alive() for sender in senders):
            started = time.perf_counter()
            assert client.get("/healthz").text == "ok"
            probes.append(time.perf_counter() - started)
            time.sleep(0.05)
    for sender in senders:
        sender.join()

    assert not failures, failures
    assert len(probes) >= 3, probes
    assert max(probes) < HEALTHZ_WITHIN, [round(p, 2) for p in probes]

    # Every request was answered, with what it asked for.
    for index in range(4):
        assert [e["message"] for e in answers[index]["errors"]] == ["Validation aborted."]
    for index in range(4, 8):
        assert answers[index] == {"data": {"viewer": {"name": "test admin"}}}
    people, cases, grids = (answers[i]["data"] for i in (8, 9, 10))
    assert all(len(page["nodes"]) == 100 for page in people.values()) and len(people) == 30
    assert any(person["appointments"] for person in people["a0"]["nodes"])
    assert all(len(page["nodes"]) == 100 for page in cases.values()) and len(cases) == 9
    assert any(case["timeline"] for case in cases["a0"]["nodes"])
    assert all(len(page["nodes"]) == 100 for page in grids.values()) and len(grids) == 30
    assert any(grid["appointments"] for grid in grids["a0"]["nodes"])


def test_the_heavy_documents_are_within_every_limit() -> None:
    from graphql import parse

    from schema import schema
    from schema.limits import CostEstimate, DocumentMeasure, limit_errors
    from tests.conftest import make_test_settings

    settings = make_test_settings()
    for query, cost in (
        (OVERLAPPING_FIELDS, 0),
        (FRAGMENTS_SIDE_BY_SIDE, 0),
        (PEOPLE, 33_000),
        (CASES, 45_900),
        (GRIDS, 33_000),
    ):
        document = parse(query, max_tokens=settings.max_tokens)
        assert limit_errors(schema._schema, document, settings, {}) == []
        measure = DocumentMeasure.of(document)
        operation = measure.operations[0][0]
        estimate = CostEstimate(schema._schema, measure, operation, {}, 20, 10)
        assert estimate.total == cost
