"""Errors a client or an operator can act on. Each carries a stable `code`.

GraphQL surfaces `code` in `errors[].extensions.code` (graphql-core copies an original error's
`extensions`); anything that is not an `AppError` is masked before it reaches a client.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class AppError(Exception):
    """Base of the errors whose message is safe to show a client."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    @property
    def extensions(self) -> dict[str, Any]:
        return {"code": self.code, **self.details}


class NotFound(AppError):
    code = "NOT_FOUND"


class BadUserInput(AppError):
    code = "BAD_USER_INPUT"


class DatabaseUnavailable(AppError):
    """Neo4j cannot be reached or does not answer in time."""

    code = "DATABASE_UNAVAILABLE"


class DatabaseBusy(AppError):
    """Neo4j is reachable but cannot take the work now (no free connection, lock waits ended,
    a transient error that retrying did not cure); retrying a moment later may succeed."""

    code = "DATABASE_BUSY"


class Overloaded(AppError):
    """This process already runs as many operations as it admits; refused before any work."""

    code = "OVERLOADED"


class QueryTimeout(AppError):
    """A Cypher transaction ran past `neo4j_query_timeout` and the server cancelled it."""

    code = "QUERY_TIMEOUT"


class Forbidden(AppError):
    code = "FORBIDDEN"


class Unauthenticated(AppError):
    code = "UNAUTHENTICATED"


class Conflict(AppError):
    """A write clashes with what the graph holds (a duplicate, an overlap, a concurrent change)."""

    code = "CONFLICT"


@dataclass(frozen=True)
class FieldProblem:
    """One invalid input field: its name, a stable code and the reason in Chinese and English."""

    field: str
    code: str
    message: str
    message_zh: str | None = None


class ValidationFailed(AppError):
    """Input that fails validation (core/validation.py), field by field."""

    code = "BAD_USER_INPUT"

    def __init__(self, problems: list[FieldProblem]) -> None:
        names = ", ".join(p.field for p in problems)
        super().__init__(f"Invalid input: {names}.", fields=[p.field for p in problems])
        self.problems = problems


class LocalServerError(Exception):
    """The local Neo4j could not be provisioned, started or stopped; the message says why."""
