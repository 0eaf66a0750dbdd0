"""Search by name fragment across people, places, venues, brands and organisations.

Chinese names are short: the `cjk` analyzer of the full-text index `names_fulltext` indexes
bigrams, so a one-character query finds nothing there and a full name also matches names that
merely share a bigram. So every query first runs `CONTAINS` on the names (TEXT indexes on
Person, Area, Grid and Venue names; the other labels are small), which is what a user typing
柳毅 or 秀 expects; text of three or more characters, or several words, also goes to the
full-text index as a phrase query per word, which adds word-order-free and Latin-script matches.
Hits are merged per node and ranked: exact name, then prefix, then substring, then full-text
only; shorter names first within a rank. Only `name`/`title` are searched, never ID or phone
numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import LiteralString

from core.database import Database
from core.errors import BadUserInput
from resolvers.rows import primary_label
from resolvers.scope import in_scope

MAX_TEXT_LENGTH = 50
MAX_RESULTS = 100

SEARCHABLE_LABELS: tuple[str, ...] = (
    "Person",
    "Area",
    "Grid",
    "Venue",
    "ServiceBrand",
    "Project",
    "SistersGroup",
    "Council",
    "Federation",
    "Department",
    "Activity",
)

_SEARCH_NAMES: LiteralString = """CALL () {
  MATCH (n:Person) WHERE n.name CONTAINS $text RETURN n
  UNION
  MATCH (n:Area) WHERE n.name CONTAINS $text RETURN n
  UNION
  MATCH (n:Grid) WHERE n.name CONTAINS $text RETURN n
  UNION
  MATCH (n:Venue) WHERE n.name CONTAINS $text RETURN n
  UNION
  MATCH (n:ServiceBrand|Project|SistersGroup|Council|Federation|Department|Activity)
  WHERE n.name CONTAINS $text OR n.title CONTAINS $text
  RETURN n
}
WITH n, coalesce(n.name, n.title) AS name
WITH n, name, CASE
    WHEN name = $text THEN 3.0
    WHEN name STARTS WITH $text THEN 2.0
    ELSE 1.0
  END AS score
RETURN n, name, score
UNION ALL
WITH $lucene AS query
WHERE query IS NOT NULL
CALL db.index.fulltext.queryNodes('names_fulltext', query, {limit: $limit}) YIELD node, score
RETURN node AS n, coalesce(node.name, node.title) AS name, score / (score + 1.0) AS score"""

SEARCH: LiteralString = (
    "CALL () {\n"
    + _SEARCH_NAMES
    + "\n}\nWITH n, name, max(score) AS score\nWHERE ($labels IS NULL OR any(l IN labels(n) WHERE"
    " l IN $labels))\n  AND "
    + in_scope("n")
    + """
RETURN labels(n) AS labels, coalesce(n.code, n.id) AS key, name, score
ORDER BY score DESC, size(name), name, key
LIMIT $limit"""
)

_LUCENE_SPECIAL = re.compile(r'(["\\])')


def lucene_query(text: str) -> str | None:
    """The full-text query for `text` (None when CONTAINS alone does it): a phrase per word."""
    words = text.split()
    if len(words) < 2 and len(text) < 3:
        return None
    return " AND ".join('"' + _LUCENE_SPECIAL.sub(r"\\\1", word) + '"' for word in words)


@dataclass(frozen=True)
class Hit:
    """One search result: which node, its caption, its score (higher is better)."""

    label: str
    key: str
    name: str
    score: float


async def search(
    db: Database, scope: str | None, text: str, *, labels: list[str] | None, limit: int
) -> list[Hit]:
    """Nodes whose name matches `text`, best first."""
    text = " ".join(text.split())
    if not text:
        raise BadUserInput("`text` must not be empty.", argument="text")
    if len(text) > MAX_TEXT_LENGTH:
        raise BadUserInput(f"`text` is longer than {MAX_TEXT_LENGTH} characters.", argument="text")
    if limit < 1 or limit > MAX_RESULTS:
        raise BadUserInput(f"`first` must be between 1 and {MAX_RESULTS}.", argument="first")
    rows = await db.read(
        SEARCH,
        scope=scope,
        text=text,
        lucene=lucene_query(text),
        labels=labels,
        limit=limit,
    )
    hits = []
    for row in rows:
        label = primary_label(row["labels"])
        if label is not None:
            hits.append(Hit(label, row["key"], row["name"], row["score"]))
    return hits
