"""What every write shares: who may write, field checks, scoped look-ups, the transaction.

`PERMISSIONS` is the one table of which role each mutation needs (docs/security.md prints it).
Area scoping of writes: a caller limited to an area may only change nodes in that area's
subtree, and may only name in its input what it could read (`resolvers.scope.in_scope`: its
subtree, and the city-wide departments and categories). Anything else answers `NotFound`, the
very same refusal as a key that does not exist, so a scoped caller cannot tell the two apart by
writing any more than by reading. `Forbidden` only ever means that the role is too low.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, LiteralString, TypeVar

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ConstraintError

from core.auth import AccessRole, Viewer
from core.database import Database
from core.errors import Conflict, FieldProblem, Forbidden, NotFound, ValidationFailed
from core.model import NATURAL_KEYS, Label
from core.validation import InvalidValue, normalise_text
from resolvers.rows import ROW, native
from resolvers.scope import in_scope

T = TypeVar("T")

PERMISSIONS: dict[str, AccessRole] = {
    "reportCase": AccessRole.CASEWORKER,
    "acceptCase": AccessRole.CASEWORKER,
    "dispatchCase": AccessRole.CASEWORKER,
    "recordHandling": AccessRole.CASEWORKER,
    "feedBack": AccessRole.CASEWORKER,
    "verifyCase": AccessRole.CASEWORKER,
    "closeCase": AccessRole.CASEWORKER,
    "rejectCase": AccessRole.CASEWORKER,
    "returnCase": AccessRole.CASEWORKER,
    "recordVisit": AccessRole.CASEWORKER,
    "classifyFamily": AccessRole.EDITOR,
    "appoint": AccessRole.EDITOR,
    "endAppointment": AccessRole.EDITOR,
    "createPerson": AccessRole.EDITOR,
    "updatePerson": AccessRole.EDITOR,
    "createGrid": AccessRole.EDITOR,
    "updateGrid": AccessRole.EDITOR,
    "createCouncil": AccessRole.EDITOR,
    "updateCouncil": AccessRole.EDITOR,
    "createVenue": AccessRole.EDITOR,
    "updateVenue": AccessRole.EDITOR,
    "auditLog": AccessRole.ADMIN,
}
"""The least role each mutation (and the audit log) needs; each role includes the ones below."""


@dataclass(frozen=True)
class Write:
    """Who writes, for which request: passed to every write function."""

    viewer: Viewer
    request_id: str | None = None

    @property
    def scope(self) -> str | None:
        return self.viewer.area_code

    @property
    def source(self) -> str:
        """What this write leaves in the `source` of what it changes (loads leave their id):
        a batched load being rolled back leaves alone what carries another `source`."""
        return f"api:{self.request_id}" if self.request_id else "api"

    def require(self, action: str) -> None:
        """`Forbidden` unless the viewer's role may run `action`."""
        needed = PERMISSIONS[action]
        if not self.viewer.at_least(needed):
            raise Forbidden(
                f"{action} needs the {needed.value} role or above; this token is a "
                f"{self.viewer.role.value}.",
                requiredRole=needed.value,
            )


class Checks:
    """Collects field problems so that one response names every invalid field at once."""

    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def parse(self, field: str, parser: Callable[[Any], T], value: Any) -> T | None:
        """`parser(value)` (a `core.validation` function); None and a problem when invalid."""
        if value is None:
            return None
        try:
            return parser(value)
        except InvalidValue as error:
            self.problems.append(FieldProblem(field, error.code, error.en, error.zh))
            return None

    def text(self, field: str, value: str | None, required: bool = False) -> str | None:
        """Normalised text (`core.validation.normalise_text`); a problem when required and blank."""
        text = normalise_text(value) if value is not None else ""
        if not text:
            if required:
                self.fail(field, "REQUIRED", "this field is required", "此项必填")
            return None
        return text

    def fail(self, field: str, code: str, message: str, message_zh: str | None = None) -> None:
        self.problems.append(FieldProblem(field, code, message, message_zh))

    def done(self) -> None:
        """Raise `ValidationFailed` naming every problem found."""
        if self.problems:
            raise ValidationFailed(self.problems)


def _locate(label: Label) -> LiteralString:
    key = NATURAL_KEYS[label]
    return (
        f"MATCH (n:{label.value} {{{key}: $key}})\n"
        "WHERE " + in_scope("n") + "\n"
        "RETURN n {.*} AS props, true AS visible"
    )  # type: ignore[return-value]


def _lock(label: Label) -> LiteralString:
    # The scope is tested before the lock is taken (a node the caller may not see is never
    # locked, so waiting on another writer's lock cannot tell that it exists) and again after
    # (it may have moved out of the caller's area while this transaction waited).
    key = NATURAL_KEYS[label]
    return (
        f"MATCH (n:{label.value} {{{key}: $key}})\n"
        "WHERE " + in_scope("n") + "\n"
        "SET n._lock = true, n.source = $source\n"
        "WITH n\n"
        "RETURN n {.*, _lock: null} AS props, " + in_scope("n") + " AS visible"
    )  # type: ignore[return-value]


def _fetch(label: Label) -> LiteralString:
    key = NATURAL_KEYS[label]
    return f"MATCH (n:{label.value} {{{key}: $key}})\nRETURN {ROW[label]} AS row"  # type: ignore[return-value]


WRITABLE = (
    Label.AREA,
    Label.GRID,
    Label.PERSON,
    Label.FEDERATION,
    Label.SISTERS_GROUP,
    Label.COUNCIL,
    Label.VENUE,
    Label.FAMILY,
    Label.CATEGORY,
    Label.DEPARTMENT,
    Label.CASE,
)
LOCATE: dict[Label, LiteralString] = {label: _locate(label) for label in WRITABLE}
"""A node by key and its properties, if the caller may see it under `$scope` (one query per
label); no row when it does not exist or lies outside `$scope`."""
LOCK: dict[Label, LiteralString] = {label: _lock(label) for label in WRITABLE}
"""The same, taking the node's write lock first (held until the transaction ends), so the
properties returned are the latest committed ones and no concurrent writer can change them."""
REMOVE_LOCK: dict[Label, LiteralString] = {
    label: f"MATCH (n:{label.value} {{{NATURAL_KEYS[label]}: $key}})\nREMOVE n._lock"  # type: ignore[misc]
    for label in WRITABLE
}
FETCH: dict[Label, LiteralString] = {label: _fetch(label) for label in WRITABLE}
"""A node's row, in the projection the read API builds its types from."""


def plain(props: Mapping[str, Any] | None) -> dict[str, Any]:
    """Driver values to Python, without internal properties (`_lock`)."""
    return {k: native(v) for k, v in (props or {}).items() if not k.startswith("_")}


async def locate(
    tx: AsyncManagedTransaction,
    write: Write,
    label: Label,
    key: str,
    *,
    lock: bool = False,
    field: str | None = None,
) -> dict[str, Any]:
    """The properties of node `label`/`key`, for a target to change or a node the input names.

    `NotFound` when it does not exist *or* lies outside the caller's area: one refusal, the same
    message and details, built before the two cases are told apart, so that a scoped caller
    learns nothing about nodes outside its area (reads answer the same way).
    """
    if lock:
        result = await tx.run(LOCK[label], key=key, scope=write.scope, source=write.source)
    else:
        result = await tx.run(LOCATE[label], key=key, scope=write.scope)
    row = await result.single()
    if row is None or not row["visible"]:
        raise not_found(label.value, key, field)
    return plain(row["props"])


def not_found(type_name: str, key: str, field: str | None) -> NotFound:
    """The refusal of a key that names nothing the caller may see (absent or out of scope)."""
    return NotFound(f"No {type_name} with key {key!r}.", type=type_name, key=key, field=field)


async def fetch_row(tx: AsyncManagedTransaction, label: Label, key: str) -> dict[str, Any]:
    """The node's row for the read API's types (after the change, in the same transaction)."""
    result = await tx.run(FETCH[label], key=key)
    row = await result.single(strict=True)
    return native(row["row"])


def target(label: Label, key: str) -> str:
    """The audit target of a node: `<label>:<natural key>`."""
    return f"{label.value}:{key}"


async def write_tx(db: Database, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
    """Run `work` in one write transaction; a uniqueness clash becomes `Conflict`."""
    try:
        return await db.write_tx(work)
    except ConstraintError as error:
        raise Conflict(
            "Something with the same key already exists (it may have been created a moment ago)."
        ) from error
