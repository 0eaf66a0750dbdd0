"""Case workflow mutations: `reportCase`, then accept, dispatch, handle, feed back, verify, close
(or reject, or return). Each returns `CaseTransitionResult`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from core.workflow import CaseAction
from resolvers.mutations import case as resolvers
from schema.case import Case, CaseCategory
from schema.context import Context
from schema.mutations.common import key_of, keys_of, write_of
from schema.mutations.results import (
    ConflictResult,
    ForbiddenResult,
    InvalidTransitionResult,
    NotFoundResult,
    ValidationErrorResult,
    result_of,
)

CaseTransitionResult = Annotated[
    Case
    | InvalidTransitionResult
    | ValidationErrorResult
    | NotFoundResult
    | ForbiddenResult
    | ConflictResult,
    strawberry.union(
        "CaseTransitionResult",
        description="The case after the step, or why the step was refused (nothing changed).",
    ),
]


@strawberry.input(description=f"A new dispute case ({CaseAction.REPORT.zh}).")
class ReportCaseInput:
    title: str = strawberry.field(description="Short title, e.g. 夫妻矛盾.")
    category: CaseCategory = strawberry.field(description="Dispute category.")
    grid_code: str = strawberry.field(description="The grid where the dispute arose.")
    summary: str | None = strawberry.field(default=None, description="What it is about.")
    note: str | None = strawberry.field(default=None, description="Note on the report step.")
    reporter_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Who reported it (person ids or global IDs)."
    )
    person_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The people involved (parties): person ids or global IDs."
    )
    family_codes: list[str] | None = strawberry.field(
        default=None, description="The families involved."
    )
    actor_person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person of the graph who acts, when there is one."
    )


@strawberry.input(description="One workflow step on a case.")
class CaseStepInput:
    case_id: strawberry.ID = strawberry.field(description="Case id (`C2025-000001`) or global ID.")
    note: str | None = strawberry.field(
        default=None, description="Note for the timeline; required to reject or return."
    )
    actor_person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person of the graph who acts, when there is one."
    )


@strawberry.input(
    description=f"Dispatch ({CaseAction.DISPATCH.zh}) a case: to mediators, a venue, or "
    "departments."
)
class DispatchCaseInput:
    case_id: strawberry.ID = strawberry.field(description="Case id or global ID.")
    mediator_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Mediators (调解员): person ids or global IDs."
    )
    venue_code: str | None = strawberry.field(
        default=None, description="Venue where it will be handled (mediation room, registry...)."
    )
    department_codes: list[str] | None = strawberry.field(
        default=None, description="Departments of the joint mechanism it is referred to."
    )
    note: str | None = strawberry.field(default=None, description="Note for the timeline.")
    actor_person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person of the graph who acts, when there is one."
    )


@strawberry.input(description=f"Close ({CaseAction.CLOSE.zh}) a verified case.")
class CloseCaseInput:
    case_id: strawberry.ID = strawberry.field(description="Case id or global ID.")
    outcome: str | None = strawberry.field(default=None, description="How it ended.")
    note: str | None = strawberry.field(default=None, description="Note for the timeline.")
    actor_person_id: strawberry.ID | None = strawberry.field(
        default=None, description="The person of the graph who acts, when there is one."
    )


CaseStepArg = Annotated[
    CaseStepInput,
    strawberry.argument(
        description="The case, a note for its timeline (required to reject or return) and the "
        "person who acts."
    ),
]
"""`input` of the workflow steps that take a `CaseStepInput`."""


def _actor(value: strawberry.ID | None) -> str | None:
    return key_of(value, "Person", "actorPersonId") if value else None


async def _step(
    info: Info[Context, None], action: CaseAction, input: CaseStepInput
) -> CaseTransitionResult:
    async def work() -> dict:
        step = resolvers.Step(
            case_id=key_of(input.case_id, "Case", "caseId"),
            note=input.note,
            actor_person_id=_actor(input.actor_person_id),
        )
        return await resolvers.transition(info.context.db, write_of(info), action, step)

    return await result_of(work, Case.from_row)


@strawberry.type
class CaseMutation:
    @strawberry.mutation(
        description=f"{CaseAction.REPORT.zh}: report a new case (status REPORTED)."
    )
    async def report_case(
        self,
        info: Info[Context, None],
        input: Annotated[
            ReportCaseInput,
            strawberry.argument(
                description="The new case: title, category, grid, and who and what is involved."
            ),
        ],
    ) -> CaseTransitionResult:
        async def work() -> dict:
            new = resolvers.NewCase(
                title=input.title,
                category=input.category.value,
                grid_code=input.grid_code,
                summary=input.summary,
                note=input.note,
                reporter_ids=keys_of(input.reporter_ids, "Person", "reporterIds"),
                person_ids=keys_of(input.person_ids, "Person", "personIds"),
                family_codes=list(input.family_codes or []),
                actor_person_id=_actor(input.actor_person_id),
            )
            return await resolvers.report_case(info.context.db, write_of(info), new)

        return await result_of(work, Case.from_row)

    @strawberry.mutation(description=f"{CaseAction.ACCEPT.zh}: accept a REPORTED case.")
    async def accept_case(
        self, info: Info[Context, None], input: CaseStepArg
    ) -> CaseTransitionResult:
        return await _step(info, CaseAction.ACCEPT, input)

    @strawberry.mutation(
        description=f"{CaseAction.DISPATCH.zh}: dispatch an ACCEPTED case to mediators, a venue, "
        "or departments of the joint mechanism (at least one)."
    )
    async def dispatch_case(
        self,
        info: Info[Context, None],
        input: Annotated[
            DispatchCaseInput,
            strawberry.argument(
                description="The case and where it goes: mediators, a venue or departments (at "
                "least one)."
            ),
        ],
    ) -> CaseTransitionResult:
        async def work() -> dict:
            step = resolvers.Step(
                case_id=key_of(input.case_id, "Case", "caseId"),
                note=input.note,
                actor_person_id=_actor(input.actor_person_id),
                mediator_ids=keys_of(input.mediator_ids, "Person", "mediatorIds"),
                venue_code=input.venue_code,
                department_codes=list(input.department_codes or []),
            )
            return await resolvers.transition(
                info.context.db, write_of(info), CaseAction.DISPATCH, step
            )

        return await result_of(work, Case.from_row)

    @strawberry.mutation(
        description=f"{CaseAction.RECORD_HANDLING.zh}: record handling of a DISPATCHED or "
        "HANDLING case (a visit, a mediation session); may be recorded many times."
    )
    async def record_handling(
        self, info: Info[Context, None], input: CaseStepArg
    ) -> CaseTransitionResult:
        return await _step(info, CaseAction.RECORD_HANDLING, input)

    @strawberry.mutation(
        description=f"{CaseAction.FEED_BACK.zh}: feed back the result of handling."
    )
    async def feed_back(
        self, info: Info[Context, None], input: CaseStepArg
    ) -> CaseTransitionResult:
        return await _step(info, CaseAction.FEED_BACK, input)

    @strawberry.mutation(description=f"{CaseAction.VERIFY.zh}: verify a FED_BACK case.")
    async def verify_case(
        self, info: Info[Context, None], input: CaseStepArg
    ) -> CaseTransitionResult:
        return await _step(info, CaseAction.VERIFY, input)

    @strawberry.mutation(
        description=f"{CaseAction.CLOSE.zh}: close a VERIFIED case, with its outcome."
    )
    async def close_case(
        self,
        info: Info[Context, None],
        input: Annotated[
            CloseCaseInput,
            strawberry.argument(description="The case and how it ended."),
        ],
    ) -> CaseTransitionResult:
        async def work() -> dict:
            step = resolvers.Step(
                case_id=key_of(input.case_id, "Case", "caseId"),
                note=input.note,
                outcome=input.outcome,
                actor_person_id=_actor(input.actor_person_id),
            )
            return await resolvers.transition(
                info.context.db, write_of(info), CaseAction.CLOSE, step
            )

        return await result_of(work, Case.from_row)

    @strawberry.mutation(
        description=f"{CaseAction.REJECT.zh}: reject a REPORTED or ACCEPTED case; `note` must say "
        "why."
    )
    async def reject_case(
        self, info: Info[Context, None], input: CaseStepArg
    ) -> CaseTransitionResult:
        return await _step(info, CaseAction.REJECT, input)

    @strawberry.mutation(
        description=f"{CaseAction.RETURN.zh}: send a case back one stage (DISPATCHED/HANDLING → "
        "ACCEPTED, FED_BACK/VERIFIED → HANDLING); `note` must say why."
    )
    async def return_case(
        self, info: Info[Context, None], input: CaseStepArg
    ) -> CaseTransitionResult:
        return await _step(info, CaseAction.RETURN, input)
