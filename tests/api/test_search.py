"""`search(text:)`: one- and two-character fragments, full-text for longer text, ranking."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from resolvers.search import lucene_query
from tests.api.conftest import query
from tests.conftest import gql

SEARCH = """
query ($text: String!, $kinds: [SearchKind!], $first: Int! = 20) {
  search(text: $text, kinds: $kinds, first: $first) { id type name score node { id } }
}
"""


def _search(api: TestClient, text: str, **variables: object) -> list[dict]:
    return query(api, SEARCH, {"text": text, **variables})["search"]


def test_one_character_finds_every_name_containing_it(api: TestClient) -> None:
    hits = _search(api, "秀")
    assert {h["name"] for h in hits} == {"王秀英", "李秀兰", "孙秀"}
    assert all(h["type"] == "Person" for h in hits)
    assert all(h["node"]["id"] == h["id"] for h in hits)
    assert hits[0]["name"] == "孙秀"  # shortest name first among equal ranks


def test_two_characters_find_places_and_organisations(api: TestClient) -> None:
    hits = _search(api, "柳毅")
    assert hits[0] == {**hits[0], "type": "Area", "name": "柳毅社区"}
    assert {h["type"] for h in hits} == {"Area", "Grid", "SistersGroup", "Council"}
    assert {h["name"] for h in _search(api, "调解")} == {"马明调解室"}  # a venue and a brand
    assert {h["type"] for h in _search(api, "调解")} == {"Venue", "ServiceBrand"}


def test_exact_name_ranks_first_and_prefix_before_substring(api: TestClient) -> None:
    hits = _search(api, "柳毅社区")
    assert (hits[0]["name"], hits[0]["score"]) == ("柳毅社区", 3.0)
    assert all(h["score"] == 2.0 for h in hits[1:])  # 柳毅社区第一网格 ... start with the text
    assert _search(api, "马明")[0]["score"] >= 2.0


def test_longer_text_uses_the_full_text_index_too(api: TestClient) -> None:
    # Two words: no name contains "张店 妇联", the full-text index finds 张店区妇联.
    hits = _search(api, "张店 妇联")
    assert [h["name"] for h in hits] == ["张店区妇联"]
    assert 0 < hits[0]["score"] < 1
    assert lucene_query("秀") is None
    assert lucene_query('a"b c') == '"a\\"b" AND "c"'


def test_kinds_and_limits(api: TestClient) -> None:
    assert {h["type"] for h in _search(api, "柳毅", kinds=["GRID"])} == {"Grid"}
    assert len(_search(api, "柳毅", first=2)) == 2
    for text, first in (("", 20), ("秀" * 51, 20), ("秀", 0), ("秀", 101)):
        body = gql(api, SEARCH, {"text": text, "first": first})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", (text, first)


@pytest.mark.parametrize("text", ["13812348000", "370303198503121234", "1234"])
def test_phone_and_id_numbers_find_nothing(api: TestClient, text: str) -> None:
    assert _search(api, text) == []
