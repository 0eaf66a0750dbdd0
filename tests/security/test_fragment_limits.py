"""Limits on documents whose fragments multiply: each is refused at once, with its code.

A fragment spread twice in the fragment it is spread from doubles the document's expansion at
every level (`fragment F1 on Query { ...F0 ...F0 }`): 22 levels are under 900 bytes and expand to
millions of fields. The limits are computed on the fragment graph (each fragment once), so such a
document is answered as fast as any other. Each request runs in a thread that the test gives up
on after `ANSWER_WITHIN` seconds, so a validator that re-walks the expansion fails the test
instead of hanging it.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from neo4j import Driver
from starlette.testclient import TestClient

from tests.conftest import bearer, gql, make_jwt, make_test_settings
from tests.security.test_limits import COST_SCHEMA, _Ctx

ANSWER_WITHIN = 20.0
"""Seconds a refusal may take here; the refusals themselves take milliseconds."""


def _answer(query: str, **overrides: object) -> dict[str, Any]:
    """POST `query` to the real app (admin, settings `overrides`); fail if it does not answer.

    The app runs in a daemon thread, so a request that never ends cannot hold the test.
    """
    answer: dict[str, Any] = {}

    def post() -> None:
        from main import create_app

        try:
            app = create_app(make_test_settings(**overrides))
            with TestClient(app, headers=bearer(make_jwt())) as client:
                answer["body"] = gql(client, query)
        except BaseException as error:  # reported by the test below
            answer["error"] = error

    thread = threading.Thread(target=post, daemon=True)
    thread.start()
    thread.join(ANSWER_WITHIN)
    assert not thread.is_alive(), f"no answer within {ANSWER_WITHIN} s"
    if "error" in answer:
        raise answer["error"]
    return answer["body"]


def _codes(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The errors of a refused document, by code."""
    assert body.get("data") is None, body
    return {error["extensions"]["code"]: error["extensions"] for error in body["errors"]}


def doubling(levels: int, leaf: str = "viewer { name }", on: str = "Query") -> str:
    """`{ ...F<levels> }`, each fragment spreading the one below it twice; F0 selects `leaf`."""
    fragments = [f"fragment F0 on {on} {{ {leaf} }}"]
    fragments += [
        f"fragment F{level} on {on} {{ ...F{level - 1} ...F{level - 1} }}"
        for level in range(1, levels + 1)
    ]
    return f"{{ ...F{levels} }}\n" + "\n".join(fragments)


def test_the_reported_document_is_small_and_within_the_other_limits() -> None:
    document = doubling(22)
    assert len(document.encode()) < 1000


@pytest.mark.parametrize("levels", [22, 24, 30, 60])
def test_doubling_fragments_are_refused_by_their_expanded_size(levels: int) -> None:
    # F0 has two field selections (viewer, name); each level doubles them.
    codes = _codes(_answer(doubling(levels)))
    assert codes == {
        "QUERY_TOO_LARGE": {"code": "QUERY_TOO_LARGE", "limit": 2000, "actual": 2 ** (levels + 1)}
    }


def test_the_expanded_size_refusal_says_what_to_do() -> None:
    body = _answer(doubling(22))
    assert body["errors"][0]["message"] == (
        "The document expands to 8388608 field selections once its fragments are inlined; "
        "the limit is 2000. Spread fewer fragments, or select fewer fields."
    )


def test_the_expanded_size_counts_every_field_and_is_configurable(driver: Driver) -> None:
    # Both: 2 x (viewer, name, serverInfo, database); a: viewer { name }: 2; 10 fields.
    query = """
    { ...Both a: viewer { ...V } }
    fragment Both on Query { ...V2 ...V2 }
    fragment V2 on Query { viewer { ...V } serverInfo { database } }
    fragment V on CurrentViewer { name }
    """
    assert _codes(_answer(query, max_expanded_fields=9))["QUERY_TOO_LARGE"]["actual"] == 10
    assert "errors" not in _answer(query, max_expanded_fields=10)


def test_aliases_in_a_fragment_count_at_every_spread() -> None:
    aliases = " ".join(f"a{i}: __typename" for i in range(30))
    spreads = " ".join(["...Wide"] * 30)
    query = f"{{ {spreads} }} fragment Wide on Query {{ {aliases} }}"
    codes = _codes(_answer(query))
    assert codes == {"TOO_MANY_ALIASES": {"code": "TOO_MANY_ALIASES", "limit": 30}}
    body = _answer(query)
    assert body["errors"][0]["message"] == "900 aliases found. Allowed: 30"
    # Spread once, the same 30 aliases are allowed.
    assert "errors" not in _answer(f"{{ ...Wide }} fragment Wide on Query {{ {aliases} }}")


def test_aliases_multiplied_by_doubling_fragments_are_counted_without_walking_them() -> None:
    body = _answer(doubling(40, leaf="a: __typename"))
    assert set(_codes(body)) == {"TOO_MANY_ALIASES", "QUERY_TOO_LARGE"}
    messages = [error["message"] for error in body["errors"]]
    assert f"{2**40} aliases found. Allowed: 30" in messages


def test_depth_through_a_chain_of_fragments(driver: Driver) -> None:
    # area { parent { parent ... { name } } }: one level per fragment.
    chain = [f"fragment D{i} on Area {{ parent {{ ...D{i - 1} }} }}" for i in range(1, 21)]
    query = '{ area(code: "370303") { ...D20 } }\nfragment D0 on Area { name }\n' + "\n".join(chain)
    codes = _codes(_answer(query))
    assert codes == {"QUERY_TOO_DEEP": {"code": "QUERY_TOO_DEEP", "limit": 15}}
    # Within the limit, the document runs (the area need not exist in the test graph).
    executed = _answer(query, max_query_depth=21)
    assert [e["extensions"]["code"] for e in executed.get("errors", [])] in ([], ["NOT_FOUND"])
    assert _codes(_answer(query, max_query_depth=20)) == {
        "QUERY_TOO_DEEP": {"code": "QUERY_TOO_DEEP", "limit": 20}
    }


def test_deep_and_doubling_fragments_are_refused_at_once() -> None:
    levels = [
        f"fragment D{i} on Area {{ parent {{ ...D{i - 1} }} ...D{i - 1} }}" for i in range(1, 61)
    ]
    query = '{ area(code: "370303") { ...D60 } }\nfragment D0 on Area { name }\n' + "\n".join(
        levels
    )
    codes = _codes(_answer(query))
    assert set(codes) == {"QUERY_TOO_DEEP", "QUERY_TOO_LARGE"}
    # D_i: a parent and two copies of D_(i-1), so 2^61 - 1 fields below area, 2^61 in all.
    assert codes["QUERY_TOO_LARGE"]["actual"] == 2**61


def test_cyclic_fragments_are_reported_not_followed() -> None:
    query = "{ ...A } fragment A on Query { viewer { name } ...B } fragment B on Query { ...A }"
    body = _answer(query)
    assert "data" not in body  # a request error: nothing was executed
    assert any("Cannot spread fragment 'A' within itself" in e["message"] for e in body["errors"])


# --- Cost through repeated spreads (the cost test schema of test_limits.py) ---------------------


def _cost(query: str, variables: dict[str, Any] | None = None, **overrides: object) -> Any:
    result = asyncio.run(
        COST_SCHEMA.execute(
            query, variable_values=variables, context_value=_Ctx(max_query_cost=0, **overrides)
        )
    )
    assert result.errors, result
    return {error.extensions["code"]: error.extensions for error in result.errors}


def test_a_fragment_spread_at_several_places_costs_at_each() -> None:
    query = """
    query Q($n: Int = 4) {
      items(first: 5) { ...Kids }
      item { ...Kids ...Kids }
      page(first: 3) { ...Nodes }
    }
    fragment Kids on Item { children(first: $n) { children(first: 2) { name } } }
    fragment Nodes on ItemConnection { nodes { ...Kids } }
    """
    # items: 5, their children 5 x 4, grandchildren 5 x 4 x 2; item's Kids twice: 2 x (4 + 8);
    # page: 3, its nodes are the page (not counted again): 3 x 4 + 3 x 4 x 2.
    expected = 5 + 20 + 40 + 2 * (4 + 8) + 3 + 12 + 24
    assert _cost(query)["QUERY_TOO_COMPLEX"]["actual"] == expected
    assert _cost(query, {"n": 1})["QUERY_TOO_COMPLEX"]["actual"] == (
        5 + 5 + 10 + 2 * (1 + 2) + 3 + 3 + 6
    )


def test_cost_of_doubling_fragments_is_exact() -> None:
    query = doubling(40, leaf="items(first: 3) { name }", on="CostQuery")
    codes = _cost(query, max_expanded_fields=10**20)
    assert codes == {
        "QUERY_TOO_COMPLEX": {"code": "QUERY_TOO_COMPLEX", "limit": 0, "actual": 3 * 2**40}
    }
