"""Helpers of the mutation modules: the caller's `Write`, and rows to read-API types."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from core.errors import BadUserInput, FieldProblem, ValidationFailed
from resolvers.mutations.common import Write
from schema.context import Context
from schema.node import natural_or_global

CHANGES = "The fields to change; those omitted or null keep their value."
"""Description of the `input` of the update mutations."""


def write_of(info: Info[Context, Any]) -> Write:
    """The caller and request of this mutation."""
    return Write(viewer=info.context.viewer, request_id=info.context.request_id)


def key_of(value: strawberry.ID | str, type_name: str, field: str) -> str:
    """A natural key from a natural key or a global ID of `type_name` (`ValidationFailed` for the
    global ID of another type)."""
    try:
        return natural_or_global(str(value), type_name)
    except BadUserInput as error:
        raise ValidationFailed([FieldProblem(field, "WRONG_ID_TYPE", error.message)]) from None


def keys_of(values: list[strawberry.ID] | None, type_name: str, field: str) -> list[str]:
    return [key_of(v, type_name, field) for v in values or []]
