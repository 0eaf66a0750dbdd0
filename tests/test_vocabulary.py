"""One vocabulary per concept (`core.vocabulary`), and no second spelling of it anywhere: the
docs' vocabulary tables, the terms the docs write next to a value, the GraphQL descriptions and
the Browser guide all agree with the tables of `core/`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import GraphQLEnumType

from core.browser_guide import GUIDE_QUERIES
from core.glossary import DOC, VOCABULARIES, markdown, section
from core.model import Label, roles_at
from core.settings import PROJECT_ROOT
from core.vocabulary import Vocabulary, choice

DOCS = [*sorted((PROJECT_ROOT / "docs").glob("*.md")), PROJECT_ROOT / "README.md"]
WORDS: dict[str, set[str]] = {}
"""Every value of every vocabulary → the words that may stand next to it."""
for _vocabulary in VOCABULARIES:
    for _member in _vocabulary:
        WORDS.setdefault(_member.value, set()).update({_member.zh, *_member.aliases})

CJK = r"[\u3400-\u9fff0-9][\u3400-\u9fff0-9/（）()]*[\u3400-\u9fff]"
VALUE_THEN_TERM = re.compile(rf"`([A-Z][A-Z0-9_]+)`(?:\s*[—:：])?\s*({CJK})")
TERM_THEN_VALUE = re.compile(rf"({CJK})\s*[（(]`([A-Z][A-Z0-9_]+)`[)）]")


def test_the_docs_print_the_vocabularies() -> None:
    assert section(DOC.read_text(encoding="utf-8")) == markdown(), "run python -m core.glossary"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_a_term_the_docs_write_beside_a_value_is_its_term(doc: Path) -> None:
    """`MEDIATION_ROOM` 调解室 or 调解室 (`MEDIATION_ROOM`) anywhere in the docs: the words are
    the value's term or one of its aliases."""
    text = doc.read_text(encoding="utf-8")
    pairs = [(v, t) for v, t in VALUE_THEN_TERM.findall(text)]
    pairs += [(v, t) for t, v in TERM_THEN_VALUE.findall(text)]
    wrong = [(v, t) for v, t in pairs if v in WORDS and t not in WORDS[v]]
    assert wrong == []


def test_the_check_finds_a_second_spelling() -> None:
    """The pattern the docs test relies on sees both orders (an empty scan would pass)."""
    text = "`LAND_CONTRACTING` 山林纠纷, `HANDLING` — 处理 and 退回 (`REJECTED`)"
    found = VALUE_THEN_TERM.findall(text) + [(v, t) for t, v in TERM_THEN_VALUE.findall(text)]
    assert found == [("LAND_CONTRACTING", "山林纠纷"), ("HANDLING", "处理"), ("REJECTED", "退回")]
    assert all(term not in WORDS[value] for value, term in found)


def _graphql_enums() -> list[tuple[GraphQLEnumType, type[Vocabulary]]]:
    from schema import schema

    return [
        (kind, kind.wrapped_cls)  # type: ignore[attr-defined]
        for kind in schema._schema.type_map.values()
        if isinstance(kind, GraphQLEnumType)
        and issubclass(getattr(kind, "wrapped_cls", object), Vocabulary)
    ]


def test_every_graphql_enum_of_the_domain_is_a_vocabulary() -> None:
    names = {kind.name for kind, _ in _graphql_enums()}
    assert {
        "AreaLevel",
        "GridKind",
        "VenueKind",
        "BrandKind",
        "Role",
        "CaseCategory",
        "CaseStatus",
        "CaseAction",
        "ViewerRole",
        "SearchKind",
    } <= names


@pytest.mark.parametrize("pair", _graphql_enums(), ids=lambda pair: pair[0].name)
def test_graphql_describes_each_value_by_its_term(
    pair: tuple[GraphQLEnumType, type[Vocabulary]],
) -> None:
    kind, vocabulary = pair
    assert [value.value for value in kind.values.values()] == [m.value for m in vocabulary]
    for name, value in kind.values.items():
        member = vocabulary(value.value)
        assert name == member.name
        assert (value.description or "").startswith(f"{member.zh} — {member.en}"), name


def test_the_guide_names_only_values_of_the_vocabularies() -> None:
    """Every quoted upper-case value in the guide's Cypher is a value of a vocabulary (a role,
    a status, a category, a kind), so a misspelt one cannot come back."""
    quoted = {v for q in GUIDE_QUERIES for v in re.findall(r"'([A-Z]+(?:_[A-Z0-9]+)*)'", q.cypher)}
    assert quoted and quoted <= set(WORDS)


def test_the_guide_spells_terms_of_the_vocabularies() -> None:
    """A term in brackets after a plain English phrase of a guide title is a vocabulary term
    (or one of the brief's own words, listed here)."""
    own = {"双向任职", "试点", "婚姻家庭纠纷"}
    terms = {w for words in WORDS.values() for w in words}
    glossed = {t for q in GUIDE_QUERIES for t in re.findall(rf"\(({CJK})\)", q.title)}
    assert glossed and glossed <= terms | own


def test_no_word_means_two_values() -> None:
    """`choice` refuses a vocabulary in which one word means two values; roles are read per
    kind of unit (成员 is a member of a sisters group or of a council, by its column)."""
    for vocabulary in VOCABULARIES:
        if vocabulary is not Label and vocabulary.__name__ != "Role":
            choice(vocabulary, "x", "x")
    for unit in (Label.GRID, Label.FEDERATION, Label.SISTERS_GROUP, Label.COUNCIL, Label.VENUE):
        assert roles_at(unit)
        choice(roles_at(unit), "x", "x")
    with pytest.raises(ValueError, match="成员"):
        choice([*roles_at(Label.SISTERS_GROUP), *roles_at(Label.COUNCIL)], "x", "x")
