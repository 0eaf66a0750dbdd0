"""The GraphQL enums: `strawberry.enum` over the vocabularies of core/, never a copy of them.

Each value is the Python enum's own member, so resolvers and inputs pass `core.model.Role` and
friends straight through; each value's description is its term's `gloss` (`网格长 — grid head`),
so GraphiQL, the docs and the roster loaders read the same words (`core.vocabulary`).
"""

from __future__ import annotations

from collections.abc import Callable

import strawberry

from core.auth import AccessRole
from core.model import (
    AreaLevel,
    BrandKind,
    CaseCategory,
    CaseStatus,
    GridKind,
    Label,
    Role,
    VenueKind,
)
from core.vocabulary import Vocabulary
from core.workflow import MUTATION, PATH, CaseAction
from resolvers.search import SEARCHABLE_LABELS

V = type[Vocabulary]


def graphql_enum(
    vocabulary: V,
    description: str,
    name: str | None = None,
    gloss: Callable[[Vocabulary], str] = lambda member: member.gloss,
) -> V:
    """`strawberry.enum(vocabulary)`, each value described by `gloss(member)`.

    Strawberry takes value descriptions only from `strawberry.enum_value` members; a vocabulary's
    members are plain, so the descriptions are set on the definition it builds (its `values`,
    one `EnumValue` per member, in order). tests/api/test_schema.py compares the result."""
    strawberry.enum(vocabulary, name=name, description=description)
    definition = vocabulary.__strawberry_definition__  # type: ignore[attr-defined]
    for value, member in zip(definition.values, vocabulary, strict=True):
        value.description = gloss(member)
    return vocabulary


graphql_enum(AreaLevel, "Level of an administrative area.")
graphql_enum(GridKind, "Kind of grid.")
graphql_enum(VenueKind, "What a venue (阵地) is.")
graphql_enum(BrandKind, "What a brand names.")
graphql_enum(Role, "An appointment role; each lives on one kind of unit.")
graphql_enum(CaseStatus, f"Workflow status: {PATH}.")
graphql_enum(CaseCategory, "Dispute category (Ministry of Justice mediation statistics).")
graphql_enum(
    CaseAction,
    "What a caseworker does to a case; each is one timeline step.",
    gloss=lambda action: f"{action.zh} — {action.en} ({MUTATION[action]})",  # type: ignore[index]
)
ViewerRole = graphql_enum(
    AccessRole,
    "What a token may do; each role includes the ones before it.",
    name="ViewerRole",
)
SearchKind = graphql_enum(
    Label.subset("SearchKind", [Label(label) for label in SEARCHABLE_LABELS]),
    "What to search.",
)

__all__ = [
    "AreaLevel",
    "BrandKind",
    "CaseAction",
    "CaseCategory",
    "CaseStatus",
    "GridKind",
    "Role",
    "SearchKind",
    "VenueKind",
    "ViewerRole",
]
