"""Attacks on the Neo4j Browser routes: a forged Host header, and another site's scripts.

The guide's links come from the configured address of the service, never from the request; the
routes answer cross-origin only to the Neo4j Browser the project serves (or one configured).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.settings import Settings
from tests.conftest import make_test_settings

ROUTES = ("/browser/guide", "/browser/style.grass", "/browser/data-model.svg")
EVIL = "http://evil.example"


@pytest.fixture
def routes_app(driver: Driver) -> Iterator[TestClient]:
    from main import create_app

    with TestClient(create_app(make_test_settings())) as client:
        yield client


def _links(page: str) -> set[str]:
    found = set(re.findall(r'href="([^"]+)"', page))
    found |= set(re.findall(r":style (\S+?)</pre>", page))
    return found


def test_the_guide_links_to_the_configured_address_whatever_the_host_header(
    routes_app: TestClient, settings: Settings, driver: Driver
) -> None:
    page = routes_app.get("/browser/guide", headers={"Host": "evil.example"}).text
    links = _links(page)
    assert links, page[:500]
    assert "evil.example" not in page
    base = f"http://127.0.0.1:{settings.port}"
    assert all(link.startswith(base + "/") for link in links), links

    from main import create_app

    public = make_test_settings(public_url="https://gridgraph.example.org/")
    with TestClient(create_app(public)) as client:
        page = client.get("/browser/guide", headers={"Host": "evil.example"}).text
    assert _links(page) and all(
        link.startswith("https://gridgraph.example.org/browser/")
        or link == "https://gridgraph.example.org/graphql"
        for link in _links(page)
    ), _links(page)


def test_no_wildcard_origin_and_other_sites_get_no_cors_grant(
    routes_app: TestClient, settings: Settings
) -> None:
    for path in ROUTES:
        for method in ("GET", "OPTIONS"):
            if method == "OPTIONS" and path.endswith(".svg"):
                continue
            response = routes_app.request(method, path, headers={"Origin": EVIL})
            assert response.status_code in (200, 204), (path, method)
            assert "access-control-allow-origin" not in response.headers, (path, method)
            assert "origin" in response.headers.get("vary", "").lower(), (path, method)
        plain = routes_app.get(path)
        assert plain.headers.get("access-control-allow-origin") != "*", path


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_the_local_neo4j_browser_may_fetch_the_guide(
    routes_app: TestClient, settings: Settings, host: str
) -> None:
    origin = f"http://{host}:{settings.neo4j_http_port}"
    for path in ROUTES:
        response = routes_app.get(path, headers={"Origin": origin})
        assert response.headers["access-control-allow-origin"] == origin, path
        assert "origin" in response.headers["vary"].lower()
    preflight = routes_app.options("/browser/guide", headers={"Origin": origin})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == origin
    other_port = routes_app.get(ROUTES[0], headers={"Origin": f"http://{host}:1"})
    assert "access-control-allow-origin" not in other_port.headers


def test_a_remote_neo4j_browser_can_be_allowed(driver: Driver) -> None:
    from main import create_app

    remote = "https://neo4j.example.org:7473"
    with TestClient(create_app(make_test_settings(browser_origins=[remote]))) as client:
        response = client.get("/browser/guide", headers={"Origin": remote})
        assert response.headers["access-control-allow-origin"] == remote
        response = client.get("/browser/guide", headers={"Origin": EVIL})
        assert "access-control-allow-origin" not in response.headers
