"""The domain's vocabularies: one table per concept, from which every layer takes its words.

A vocabulary is a `StrEnum` whose members each carry a `Term`: the Chinese term (中文), the
English words, the other words a roster may write for it (aliases) and an optional note. The
member's value is what the graph stores and what GraphQL calls it. Everything else is derived:

- core/, resolvers/ and loaders/ use the enums themselves (`core.model.Role`,
  `core.workflow.CaseAction`, `core.auth.AccessRole`, ...);
- the GraphQL enums are `strawberry.enum` over the same classes, each value described by its
  `gloss` (`schema/enums.py`);
- the roster loaders read a cell with `choice`: the term, an alias, the English words or the
  value itself, in any case or width, give the member;
- the Neo4j Browser guide interpolates values and terms, and `core.glossary` prints the tables
  of docs/data-model.md; `tests/test_vocabulary.py` fails when a copy anywhere drifts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Self, TypeVar

from core.validation import InvalidValue, normalise_text


@dataclass(frozen=True)
class Term:
    """The words of one value of a vocabulary."""

    zh: str
    """The Chinese term, as the domain writes it (网格长)."""
    en: str
    """The same in English (grid head)."""
    aliases: tuple[str, ...] = ()
    """Other words a roster may write for it (网格员 for 专职网格员; 山林土地 for 土地承包)."""
    note: str | None = None
    """What a reader of the API docs should know beyond the words."""


class Vocabulary(StrEnum):
    """A closed set of domain values, each member `VALUE = "VALUE", Term(...)`."""

    term: Term

    def __new__(cls, value: str, term: Term) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.term = term
        return member

    @property
    def zh(self) -> str:
        return self.term.zh

    @property
    def en(self) -> str:
        return self.term.en

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.term.aliases

    @property
    def gloss(self) -> str:
        """`中文 — English (note)`: how the API describes the value."""
        note = f" ({self.term.note})" if self.term.note else ""
        return f"{self.zh} — {self.en}{note}"

    @property
    def words(self) -> tuple[str, ...]:
        """Everything a roster may write for the value: the value, the term, the English words
        and the aliases."""
        return (self.value, self.zh, self.en, *self.aliases)

    @classmethod
    def subset(cls, name: str, members: Iterable[Vocabulary]) -> type[Vocabulary]:
        """A vocabulary of some members of this one, with the same values and terms (the
        labels a search may ask for, say)."""
        return Vocabulary(name, [(m.name, (m.value, m.term)) for m in members])  # type: ignore[return-value]


V = TypeVar("V", bound=Vocabulary)


def cypher_list(values: Collection[Vocabulary]) -> str:
    """Values as a Cypher list literal, in vocabulary order (`['CLOSED', 'REJECTED']`), for a
    statement built at import: the Browser guide shows its lists spelled out, so that analysts
    can read and edit them."""
    vocabulary = type(next(iter(values)))
    return "[" + ", ".join(f"'{member}'" for member in vocabulary if member in values) + "]"


def _key(word: Any) -> str:
    return normalise_text(word).replace(" ", "").lower()


def _either(words: list[str], comma: str, last: str) -> str:
    return words[0] if len(words) == 1 else comma.join(words[:-1]) + last + words[-1]


def choice(members: Iterable[V], zh: str, en: str) -> Callable[[Any], V]:
    """A parser of one roster cell: any of the words of `members` (`Vocabulary.words`; spaces,
    case and width ignored) gives the member; anything else is `InvalidValue` `CHOICE`, naming
    the column (`zh`, `en`: 网格职务, grid role) and its terms.

    A word that would mean two members is a mistake in the vocabulary: `ValueError` at import.
    """
    members = tuple(members)
    keyed: dict[str, V] = {}
    for member in members:
        for word in member.words:
            other = keyed.setdefault(_key(word), member)
            if other is not member:
                raise ValueError(f"{word!r} means both {other.name} and {member.name}")
    refusal = InvalidValue(
        "CHOICE",
        f"{zh}应为 {_either([m.zh for m in members], '、', ' 或 ')}",
        f"{en} must be {_either([f'{m.zh} ({m.en})' for m in members], ', ', ' or ')}",
    )

    def parse(value: Any) -> V:
        found = keyed.get(_key(value))
        if found is None:
            raise refusal
        return found

    return parse
