"""Codes for request errors found before execution (bad literal or variable values).

A date like `"2025-13-01"` or an enum value that does not exist (`level: TOWN`) fails when
graphql-core coerces or validates the argument, before any resolver runs; such errors carry no
code of their own. This extension gives them `BAD_USER_INPUT`, so clients can tell them apart
from server faults, and leaves errors that have a code alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

_VALUE_ERRORS = (
    "Value cannot represent",
    "Variable '$",
    "Expected value of type",
    "Argument '",
    "Value '",  # an enum literal that is not one of its values: `level: TOWN`
    "Enum '",  # a string or number where an enum value belongs: `level: "CITY"`
)


def is_input_error(error: GraphQLError) -> bool:
    """A pre-execution error about a value the client sent."""
    if error.path is not None:
        return False
    if isinstance(error.original_error, ValueError | TypeError):
        return True
    return error.message.startswith(_VALUE_ERRORS)


class InputErrorCodes(SchemaExtension):
    """Adds `extensions.code = BAD_USER_INPUT` to value errors that have no code."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or []:
            if is_input_error(error) and "code" not in (error.extensions or {}):
                error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}
