"""The typed refusals every mutation may return, and how domain errors become them.

A mutation's result is a union of what it made and these types (`PersonResult = Person |
ValidationError | NotFound | Forbidden | Conflict`; the case workflow adds `InvalidTransition`).
All of them implement `MutationError`, so a client can ask `... on MutationError { message }`
once. Unexpected failures are not results: they stay GraphQL errors, masked (schema/__init__.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from core import errors
from core.workflow import MUTATION, InvalidTransition
from schema.enums import CaseAction, CaseStatus, ViewerRole

T = TypeVar("T")


@strawberry.interface(description="A refused mutation: nothing was changed.")
class MutationError:
    message: str = strawberry.field(description="What went wrong, in words a user can act on.")


@strawberry.type(description="One invalid input field.")
class FieldError:
    field: str = strawberry.field(description="The input field (camelCase), e.g. `idNumber`.")
    code: str = strawberry.field(description="Stable code, e.g. `ID_CHECKSUM`, `REQUIRED`.")
    message: str = strawberry.field(description="Why, in English.")
    message_zh: str | None = strawberry.field(description="Why, in Chinese.")


@strawberry.type(name="ValidationError", description="The input is invalid; see `fields`.")
class ValidationErrorResult(MutationError):
    fields: list[FieldError] = strawberry.field(description="Every invalid field.")


@strawberry.type(
    name="NotFound",
    description="Something the input refers to does not exist, or lies outside the area the "
    "caller's token is limited to: the two answer alike, so that a scoped caller cannot learn "
    "what exists elsewhere.",
)
class NotFoundResult(MutationError):
    type: str = strawberry.field(description="What was looked for (`Case`, `Grid`, ...).")
    key: str = strawberry.field(description="The key that was not found.")
    field: str | None = strawberry.field(description="The input field that named it.")


@strawberry.type(
    name="Forbidden",
    description="The caller's role may not run this mutation. (A target outside the area the "
    "caller's token is limited to is `NotFound`.)",
)
class ForbiddenResult(MutationError):
    required_role: ViewerRole | None = strawberry.field(
        description="The least role the mutation needs."
    )
    area_code: str | None = strawberry.field(
        description="Always null.",
        deprecation_reason="A target outside the caller's area is `NotFound`, not `Forbidden`.",
    )


@strawberry.type(
    name="Conflict",
    description="The change clashes with the graph: a duplicate, an overlapping appointment, a "
    "state that changed meanwhile.",
)
class ConflictResult(MutationError):
    existing_id: str | None = strawberry.field(description="The id of what it clashes with.")


@strawberry.type(
    name="InvalidTransition",
    description="The workflow does not allow this action from the case's current status.",
)
class InvalidTransitionResult(MutationError):
    current: CaseStatus | None = strawberry.field(description="The case's status now.")
    action: CaseAction = strawberry.field(description="The action refused.")
    allowed: list[CaseAction] = strawberry.field(description="The actions allowed now.")
    allowed_mutations: list[str] = strawberry.field(
        description="The mutations of the allowed actions (e.g. `feedBack`)."
    )


REFUSALS: tuple[type, ...] = (
    ValidationErrorResult,
    NotFoundResult,
    ForbiddenResult,
    ConflictResult,
)
"""The refusals of every mutation (the workflow adds InvalidTransitionResult)."""


def refusal(error: errors.AppError | InvalidTransition) -> Any:
    """The typed result of a domain error."""
    if isinstance(error, InvalidTransition):
        return InvalidTransitionResult(
            message=error.message,
            current=error.current,
            action=error.action,
            allowed=error.allowed,
            allowed_mutations=[MUTATION[a] for a in error.allowed],
        )
    if isinstance(error, errors.ValidationFailed):
        return ValidationErrorResult(
            message=error.message,
            fields=[
                FieldError(field=p.field, code=p.code, message=p.message, message_zh=p.message_zh)
                for p in error.problems
            ],
        )
    if isinstance(error, errors.NotFound):
        return NotFoundResult(
            message=error.message,
            type=str(error.details.get("type", "")),
            key=str(error.details.get("key", "")),
            field=error.details.get("field"),
        )
    if isinstance(error, errors.Forbidden):
        role = error.details.get("requiredRole")
        return ForbiddenResult(
            message=error.message,
            required_role=ViewerRole(role) if role else None,
            area_code=error.details.get("areaCode"),
        )
    if isinstance(error, errors.Conflict):
        return ConflictResult(message=error.message, existing_id=error.details.get("existingId"))
    raise error


async def result_of(work: Callable[[], Awaitable[T]], build: Callable[[T], Any]) -> Any:
    """`build(await work())`, or the typed refusal of the domain error it raised."""
    try:
        value = await work()
    except (
        errors.ValidationFailed,
        errors.NotFound,
        errors.Forbidden,
        errors.Conflict,
        InvalidTransition,
    ) as error:
        return refusal(error)
    return build(value)
