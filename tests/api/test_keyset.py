"""Keyset pagination and area-rooted lists: every row exactly once, counts only when asked,
and the subtree join (`in_area`) agreeing with the row-by-row scope predicate (`within`)."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from core.auth import AccessRole, Viewer
from core.model import NATURAL_KEYS
from core.settings import Settings
from resolvers.scope import AREA_LABELS, in_area, within
from tests.api.conftest import query, run_as

AREAS = ("370300", "370303", "370303006", "370303006001", "370302", "370323002001", "nowhere")

# (list, arguments with an area, natural-key field of its nodes)
LISTS: list[tuple[str, str, str]] = [
    ("grids", 'areaCode: "{area}"', "code"),
    ("federations", 'areaCode: "{area}"', "code"),
    ("sistersGroups", 'areaCode: "{area}"', "code"),
    ("councils", 'areaCode: "{area}"', "code"),
    ("venues", 'areaCode: "{area}"', "code"),
    ("activities", 'areaCode: "{area}"', "code"),
    ("families", 'areaCode: "{area}"', "code"),
    ("people", 'filter: {{areaCode: "{area}"}}', "personId"),
    ("cases", 'filter: {{areaCode: "{area}"}}', "caseId"),
]


def _document(name: str, args: str, key: str, count: bool = True) -> str:
    total = "totalCount" if count else ""
    sep = ", " if args else ""
    return (
        f"query ($first: Int, $after: String) {{ {name}({args}{sep}first: $first, after: $after)"
        f" {{ {total} nodes {{ {key} }} pageInfo {{ hasNextPage hasPreviousPage endCursor }} }} }}"
    )


def _walk(api: TestClient, document: str, name: str, key: str, first: int) -> list[Any]:
    """Every key of a list, page by page; totalCount (when asked) is the same on every page."""
    seen: list[Any] = []
    totals: set[Any] = set()
    after = None
    while True:
        data = query(api, document, {"first": first, "after": after})[name]
        totals.add(data.get("totalCount"))
        assert data["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += [node[key] for node in data["nodes"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert len(totals) == 1
    total = totals.pop()
    assert total is None or total == len(seen)
    return seen


@pytest.mark.parametrize("area", [None, "370303", "370303006001"])
@pytest.mark.parametrize(("name", "args", "key"), LISTS, ids=[name for name, *_ in LISTS])
def test_paging_returns_every_row_once_in_the_order_of_one_page(
    api: TestClient, name: str, args: str, key: str, area: str | None
) -> None:
    arguments = args.format(area=area) if area else ""
    whole = query(api, _document(name, arguments, key), {"first": 100})[name]
    expected = [node[key] for node in whole["nodes"]]
    assert whole["totalCount"] == len(expected)
    assert whole["pageInfo"]["hasNextPage"] is False
    for first in (1, 2, 3):
        assert _walk(api, _document(name, arguments, key), name, key, first) == expected
    # Without totalCount, the same rows and cursors.
    assert _walk(api, _document(name, arguments, key, count=False), name, key, 2) == expected


def test_total_count_through_fragments_is_counted(api: TestClient) -> None:
    plain = query(api, "{ grids { totalCount } }")["grids"]["totalCount"]
    assert plain == 9
    spread = query(api, "fragment T on GridConnection { totalCount } { grids { ...T } }")
    assert spread["grids"]["totalCount"] == plain
    inline = query(api, "{ grids(first: 1) { ... on GridConnection { totalCount } } }")
    assert inline["grids"]["totalCount"] == plain
    aliased = query(api, "{ g: grids(first: 1) { n: totalCount nodes { code } } }")
    assert aliased["g"]["n"] == plain


def test_first_zero_still_counts_and_says_whether_rows_follow(api: TestClient) -> None:
    data = query(
        api,
        '{ grids(areaCode: "370303", first: 0) { totalCount nodes { code } pageInfo '
        "{ hasNextPage } } }",
    )["grids"]
    assert data["nodes"] == []
    assert data["totalCount"] == 6
    assert data["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize("label", AREA_LABELS, ids=[label.value for label in AREA_LABELS])
def test_subtree_join_matches_the_row_by_row_predicate(
    graph: Driver, settings: Settings, label: Any
) -> None:
    key = NATURAL_KEYS[label]
    joined = in_area(label) + f"\nRETURN collect(n.{key}) AS keys"
    walked = (
        f"MATCH (n:{label.value})\nWHERE {within('n', 'root')}\nRETURN collect(n.{key}) AS keys"
    )
    for area in AREAS:
        rows_joined, _, _ = graph.execute_query(
            joined, root=area, database_=settings.neo4j_database
        )
        rows_walked, _, _ = graph.execute_query(
            walked, root=area, database_=settings.neo4j_database
        )
        assert sorted(rows_joined[0]["keys"]) == sorted(rows_walked[0]["keys"]), (label, area)


@pytest.mark.parametrize(("name", "args", "key"), LISTS, ids=[name for name, *_ in LISTS])
def test_scoped_area_filter_is_the_intersection(
    api: TestClient, settings: Settings, name: str, args: str, key: str
) -> None:
    """A viewer limited to 张店区 asking for an area sees what lies in both."""
    viewer = Viewer(name="scoped", role=AccessRole.CASEWORKER, area_code="370303")
    mine = set(_keys(run_as(settings, viewer, _document(name, "", key), {"first": 100}), name, key))
    for area in ("370300", "370303006", "370302", "370303006001"):
        document = _document(name, args.format(area=area), key)
        everyone = set(_keys({"data": query(api, document, {"first": 100})}, name, key))
        scoped = run_as(settings, viewer, document, {"first": 100})
        assert set(_keys(scoped, name, key)) == everyone & mine, area
        assert scoped["data"][name]["totalCount"] == len(everyone & mine)


def _keys(result: dict[str, Any], name: str, key: str) -> list[Any]:
    assert not result.get("errors"), result.get("errors")
    return [node[key] for node in result["data"][name]["nodes"]]
