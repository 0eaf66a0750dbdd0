"""The GraphQL schema: one module per aggregate, assembled here into Query and Schema."""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionResult

from core.database import run_off_loop
from core.errors import AppError
from schema.activity import ActivityQuery
from schema.area import AreaQuery
from schema.brand import BrandQuery
from schema.case import CaseQuery
from schema.council import CouncilQuery
from schema.department import DepartmentQuery
from schema.errors import ErrorCodes, is_input_error
from schema.family import FamilyQuery
from schema.federation import FederationQuery
from schema.grid import GridQuery
from schema.limits import LIMIT_EXTENSIONS
from schema.mutations import AuditQuery, Mutation
from schema.network import NetworkQuery
from schema.node import NodeQuery
from schema.person import PersonQuery
from schema.project import ProjectQuery
from schema.search import SearchQuery
from schema.sisters_group import SistersGroupQuery
from schema.system import SystemQuery
from schema.tracing import RoundTripTrace
from schema.venue import VenueQuery
from schema.viewer import ViewerQuery

log = logging.getLogger("gridgraph.graphql")


@strawberry.type(description="Read the governance network.")
class Query(
    NodeQuery,
    AreaQuery,
    GridQuery,
    PersonQuery,
    FederationQuery,
    SistersGroupQuery,
    CouncilQuery,
    DepartmentQuery,
    VenueQuery,
    BrandQuery,
    ProjectQuery,
    ActivityQuery,
    FamilyQuery,
    CaseQuery,
    SearchQuery,
    NetworkQuery,
    SystemQuery,
    ViewerQuery,
    AuditQuery,
):
    pass


def _is_unexpected(error: GraphQLError) -> bool:
    """Client-actionable errors (AppError, validation) pass; everything else is masked."""
    original = error.original_error
    if original is None:
        return False  # a GraphQL syntax or validation error: safe and useful to show
    if is_input_error(error):
        return False  # a bad argument or variable value (e.g. a date), found before execution
    return not isinstance(original, AppError)


MASKED_MESSAGE = "Internal server error; quote the request id when reporting it."


def _masked(error: GraphQLError) -> GraphQLError:
    return GraphQLError(
        MASKED_MESSAGE,
        error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR"},
    )


class GridgraphSchema(strawberry.Schema):
    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:  # type: ignore[override]
        """The operation, parsed, validated and executed in a worker thread (`run_off_loop`),
        and a last guard on what comes back.

        Validating a document within every limit can take most of a second of CPU (graphql-core's
        overlapping-fields rule), and so can completing the largest pages; on the service's event
        loop either would hold every other request, `/healthz` included. An error still without
        a code escaped the extensions (Strawberry catches an exception raised while preparing
        the operation and answers with its message); it was logged by `process_errors`, and is
        masked here.
        """
        result = await run_off_loop(super().execute(*args, **kwargs))
        if result.errors:
            result.errors = [
                error if "code" in (error.extensions or {}) else _masked(error)
                for error in result.errors
            ]
        return result

    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def]
        for error in errors:
            if _is_unexpected(error):
                log.error(
                    "unexpected error at %s",
                    error.path,
                    exc_info=error.original_error,
                    extra={"fields": {"path": error.path}},
                )


schema = GridgraphSchema(
    query=Query,
    mutation=Mutation,
    extensions=[
        ErrorCodes,  # first, so that it sees every error last (extensions exit in reverse)
        lambda: MaskErrors(
            should_mask_error=_is_unexpected,
            error_message=MASKED_MESSAGE,
        ),
        *LIMIT_EXTENSIONS,
        RoundTripTrace,
    ],
)
