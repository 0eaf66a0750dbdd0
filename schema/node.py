"""Relay `Node`: global IDs, `node(id:)`, and the shared helpers that load nodes by key.

A global ID is base64url of `<type>:<natural key>` (`Area:370303`, `Person:P-1a2b...`), with
the type name equal to the node's label. It is stable across database rebuilds because natural
keys are. Single lookups of a node outside the viewer's scope behave like unknown ones.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import importlib
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from core.errors import BadUserInput, NotFound
from core.model import Label
from resolvers.rows import NODE_LABELS, Row
from schema.context import Context

_MODULE_OF: dict[str, tuple[str, str]] = {
    "Area": ("schema.area", "Area"),
    "Grid": ("schema.grid", "Grid"),
    "Building": ("schema.grid", "Building"),
    "Person": ("schema.person", "Person"),
    "Federation": ("schema.federation", "Federation"),
    "SistersGroup": ("schema.sisters_group", "SistersGroup"),
    "Council": ("schema.council", "Council"),
    "Department": ("schema.department", "Department"),
    "Mechanism": ("schema.department", "Mechanism"),
    "Venue": ("schema.venue", "Venue"),
    "ServiceBrand": ("schema.brand", "ServiceBrand"),
    "Project": ("schema.project", "Project"),
    "Activity": ("schema.activity", "Activity"),
    "Family": ("schema.family", "Family"),
    "ClassificationScheme": ("schema.family", "ClassificationScheme"),
    "Category": ("schema.family", "Category"),
    "Case": ("schema.case", "Case"),
    "CaseStep": ("schema.case", "CaseStep"),
}
assert set(_MODULE_OF) == {label.value for label in NODE_LABELS}


@strawberry.interface(description="An object with a global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Global ID: opaque, stable, unique across all types."
    )


def to_global_id(type_name: str, key: str) -> strawberry.ID:
    """The global ID of the node of `type_name` with natural key `key`."""
    raw = f"{type_name}:{key}".encode()
    return strawberry.ID(base64.urlsafe_b64encode(raw).decode().rstrip("="))


def from_global_id(global_id: str, expected: str | None = None) -> tuple[str, str]:
    """`(type name, natural key)` of a global ID; BAD_USER_INPUT when malformed or mistyped."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, key = base64.urlsafe_b64decode(padded.encode()).decode().split(":", 1)
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise BadUserInput("Malformed global ID.", argument="id", value=global_id) from error
    if type_name not in _MODULE_OF or not key:
        raise BadUserInput("Malformed global ID.", argument="id", value=global_id)
    if expected is not None and type_name != expected:
        raise BadUserInput(
            f"Expected the ID of a {expected}, got one of a {type_name}.",
            argument="id",
            value=global_id,
        )
    return type_name, key


def node_type(type_name: str) -> Any:
    """The GraphQL class of a type name."""
    module, name = _MODULE_OF[type_name]
    return getattr(importlib.import_module(module), name)


def build_node(type_name: str, row: Row) -> Node:
    """A typed node from a row of its label's projection."""
    return node_type(type_name).from_row(row)


async def load_row(info: Info[Context, Any], label: Label | str, key: str | None) -> Row | None:
    """One node's row through the request's DataLoader (None: absent or out of scope)."""
    if key is None:
        return None
    return await info.context.loaders.node.load((str(label), key))


async def load_node(info: Info[Context, Any], label: Label | str, key: str | None) -> Any:
    """A typed node by label and key, or None."""
    row = await load_row(info, label, key)
    return None if row is None else build_node(str(label), row)


async def require_node(info: Info[Context, Any], label: Label | str, key: str) -> Any:
    """A typed node by label and key; NOT_FOUND when absent or outside the viewer's scope."""
    found = await load_node(info, label, key)
    if found is None:
        raise NotFound(f"No {label} with key {key!r}.", type=str(label), key=key)
    return found


def natural_or_global(value: str, type_name: str) -> str:
    """Accept a natural key (`C2025-000001`) or a global ID of `type_name`; return the key."""
    try:
        decoded_type, key = from_global_id(value)
    except BadUserInput:
        return value
    if decoded_type != type_name:
        raise BadUserInput(
            f"Expected the ID of a {type_name}, got one of a {decoded_type}.", argument="id"
        )
    return key


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any object by its global ID. NOT_FOUND when it does not exist or lies "
        "outside the caller's area."
    )
    async def node(
        self,
        info: Info[Context, None],
        id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="Global ID, as read from any `id` field; a malformed one is "
                "BAD_USER_INPUT."
            ),
        ],
    ) -> Node:
        type_name, key = from_global_id(id)
        return await require_node(info, type_name, key)

    @strawberry.field(
        description="Several objects by global ID, in the order asked; null for each one "
        "that does not exist or lies outside the caller's area."
    )
    async def nodes(
        self,
        info: Info[Context, None],
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description="Global IDs, answered in this order; one malformed ID makes the "
                "whole field BAD_USER_INPUT."
            ),
        ],
    ) -> list[Node | None]:
        keys = [from_global_id(gid) for gid in ids]
        return list(await asyncio.gather(*(load_node(info, t, k) for t, k in keys)))
