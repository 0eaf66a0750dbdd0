"""The GraphQL enums: `strawberry.enum` over the vocabularies of core/, never a copy of them.

Each value is the Python enum's own member, so resolvers and inputs pass `core.model.Role` and
friends straight through; each value's description is its term's `gloss` (`网格长 — grid head`),
so GraphiQL, the docs and the roster loaders read the same words (`core.vocabulary`).
"""

from __future__ import annotations

from collections.abc import Callable

import strawberry

from core import model, workflow
from core.auth import AccessRole
from core.vocabulary import Vocabulary
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
    one `EnumValue` per member, in order); tests/test_vocabulary.py checks the result."""
    strawberry.enum(vocabulary, name=name, description=description)
    definition = vocabulary.__strawberry_definition__  # type: ignore[attr-defined]
    for value, member in zip(definition.values, vocabulary, strict=True):
        value.description = gloss(member)
    return vocabulary


AreaLevel = graphql_enum(model.AreaLevel, "Level of an administrative area.")
GridKind = graphql_enum(model.GridKind, "Kind of grid.")
VenueKind = graphql_enum(model.VenueKind, "What a venue (阵地) is.")
BrandKind = graphql_enum(model.BrandKind, "What a brand names.")
Role = graphql_enum(model.Role, "An appointment role; each lives on one kind of unit.")
CaseStatus = graphql_enum(model.CaseStatus, f"Workflow status: {workflow.PATH}.")
CaseCategory = graphql_enum(
    model.CaseCategory, "Dispute category (Ministry of Justice mediation statistics)."
)
CaseAction = graphql_enum(
    workflow.CaseAction,
    "What a caseworker does to a case; each is one timeline step.",
    gloss=lambda action: f"{action.zh} — {action.en} ({workflow.MUTATION[action]})",  # type: ignore[index]
)
ViewerRole = graphql_enum(
    AccessRole,
    "What a token may do; each role includes the ones before it.",
    name="ViewerRole",
)
SearchKind = graphql_enum(
    model.Label.subset("SearchKind", [model.Label(label) for label in SEARCHABLE_LABELS]),
    "What to search.",
)
