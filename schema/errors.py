"""Codes for every error graphql-core or Strawberry reports, and the refusals they do not make.

graphql-core's errors carry no code of their own. `ErrorCodes` gives each one, by the phase that
found it, the code a client can act on (Apollo's names):

- parsing: `GRAPHQL_PARSE_FAILED` (but the token limit's own `TOO_MANY_TOKENS`);
- validation: `BAD_USER_INPUT` for a literal of the wrong type (`level: TOWN`, `asOf:
  "2025-13-01"`), `GRAPHQL_VALIDATION_FAILED` for anything else (an unknown field, an unused
  variable...) unless a limit gave it its own code (`QUERY_TOO_DEEP`...);
- variable values (coercion, strings that are not Unicode text): `BAD_USER_INPUT`;
- anything else without a code (a masked error; the schema breaking its own promise, such as a
  null for a non-null field): `INTERNAL_SERVER_ERROR`.

It also refuses, before execution, a string variable holding a lone surrogate (`"\\ud800"` is
valid JSON but not Unicode text, and the Neo4j driver cannot encode it): `BAD_USER_INPUT` naming
the variable. (Such a string cannot reach a literal: graphql-core's lexer refuses it.)

When introspection is off, graphql-core's "Did you mean ...?" suggestions would still reveal the
names of fields, arguments, types and enum values; they are removed from every message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    ExecutionResult,
    GraphQLError,
    SelectionSetNode,
    ValidationRule,
    specified_rules,
    validate,
)
from graphql.validation import ValuesOfCorrectTypeRule
from strawberry.extensions import SchemaExtension

_VALUE_ERRORS = (
    "Value cannot represent",
    "Variable '$",
    "Expected value of type",
    "Argument '",
    "Value '",  # an enum literal that is not one of its values: `level: TOWN`
    "Enum '",  # a string or number where an enum value belongs: `level: "CITY"`
)

_SUGGESTION = re.compile(r" Did you mean [^?]*\?")
"""graphql-core's suggestion (`did_you_mean`): quoted names, never a '?' before its end."""


def is_input_error(error: GraphQLError) -> bool:
    """A pre-execution error about a value the client wrote in the document or its variables."""
    if error.path is not None or not error.nodes:
        return False  # raised while executing, or not about a place in the document
    if isinstance(error.original_error, ValueError | TypeError):
        return True
    return error.message.startswith(_VALUE_ERRORS)


def _code(error: GraphQLError, code: str) -> None:
    if "code" not in (error.extensions or {}):
        error.extensions = {**(error.extensions or {}), "code": code}


class _ValuesOfCorrectType(ValuesOfCorrectTypeRule):
    """graphql-core's rule for literals, its errors coded BAD_USER_INPUT."""

    def report_error(self, error: GraphQLError) -> None:
        _code(error, "BAD_USER_INPUT")
        super().report_error(error)


class _NonEmptySelectionSets(ValidationRule):
    """A selection set selects something (`{ Selection+ }`, as in the October 2021 spec).

    graphql-core 3.3 parses `children { }`, which nothing needs, and which Strawberry's depth
    limiter cannot measure (it raises on an empty selection set)."""

    def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> None:
        if not node.selections:
            self.report_error(GraphQLError("A selection set must select at least one field.", node))


_SPECIFIED = frozenset((*specified_rules, _ValuesOfCorrectType))


def _lone_surrogate_at(value: Any, path: str) -> str | None:
    """The path of the first string in `value` that is not encodable as UTF-8, if any."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _lone_surrogate_at(
            item, f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]"
        )
        if found is not None:
            return found
    return None


def _unencodable_variable(variables: dict[str, Any]) -> GraphQLError | None:
    for name, value in variables.items():
        at = _lone_surrogate_at(value, name)
        if at is not None:
            where = "" if at == name else f" at `{at}`"
            return GraphQLError(
                f"Variable '${name}' holds a string{where} that is not Unicode text (a lone "
                "surrogate such as \\ud800); send UTF-8 text.",
                extensions={"code": "BAD_USER_INPUT", "variable": name},
            )
    return None


def _hides_suggestions(context: Any) -> bool:
    settings = getattr(context, "settings", None)
    return getattr(settings, "introspection", True) is False


class ErrorCodes(SchemaExtension):
    """Codes every error (see the module docstring); refuses unencodable variables."""

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        execution.validation_rules = tuple(
            _ValuesOfCorrectType if rule is ValuesOfCorrectTypeRule else rule
            for rule in execution.validation_rules
        )
        yield
        result = execution.result
        hide = _hides_suggestions(execution.context)
        for error in getattr(result, "errors", None) or []:
            if error.path is None and is_input_error(error):
                _code(error, "BAD_USER_INPUT")
            _code(error, "INTERNAL_SERVER_ERROR")
            if hide and "Did you mean" in error.message:
                error.message = _SUGGESTION.sub("", error.message).split(" Did you mean")[0]

    def on_parse(self) -> Iterator[None]:
        yield
        for error in self.execution_context.pre_execution_errors or ():
            _code(error, "GRAPHQL_PARSE_FAILED")

    def on_validate(self) -> Iterator[None]:
        # The specification's rules first, the others (the limits) only on a document they
        # passed: those assume one (Strawberry's depth limiter raises on an unknown fragment
        # or an empty selection set).
        execution = self.execution_context
        rules = execution.validation_rules
        specified = (*(rule for rule in rules if rule in _SPECIFIED), _NonEmptySelectionSets)
        if execution.graphql_document is not None and execution.pre_execution_errors is None:
            errors = validate(execution.schema._schema, execution.graphql_document, specified)
            if errors:
                execution.pre_execution_errors = errors
            else:
                execution.validation_rules = tuple(rule for rule in rules if rule not in specified)
        yield
        for error in execution.pre_execution_errors or ():
            _code(error, "GRAPHQL_VALIDATION_FAILED")

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        refusal = _unencodable_variable(execution.variables or {})
        if refusal is not None:
            execution.result = ExecutionResult(data=None, errors=[refusal])  # nothing runs
        yield
