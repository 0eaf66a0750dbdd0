"""GraphQL documents and helpers of the case workflow tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.workflow import MUTATION, CaseAction
from tests.mutations.conftest import LIUYI_GRID, WANG

RESULT = """
fragment Result on CaseTransitionResult {
  __typename
  ... on Case {
    caseId status closedAt outcome
    timeline { stepId seq action fromStatus toStatus actor note }
    mediators { personId } venues { code } referrals { department { code } }
  }
  ... on MutationError { message }
  ... on InvalidTransition { current action allowed allowedMutations }
  ... on ValidationError { fields { field code message messageZh } }
  ... on NotFound { type key field }
  ... on Forbidden { requiredRole areaCode }
  ... on Conflict { existingId }
}
"""

REPORT = (
    """
mutation Report($input: ReportCaseInput!) { reportCase(input: $input) { ...Result } }
"""
    + RESULT
)

INPUT_TYPE = {
    CaseAction.DISPATCH: "DispatchCaseInput",
    CaseAction.CLOSE: "CloseCaseInput",
}


def document(action: CaseAction) -> str:
    """The mutation document of a workflow action (not REPORT)."""
    name = MUTATION[action]
    kind = INPUT_TYPE.get(action, "CaseStepInput")
    return f"mutation Step($input: {kind}!) {{ {name}(input: $input) {{ ...Result }} }}\n" + RESULT


def step_input(action: CaseAction, case_id: str, **extra: Any) -> dict[str, Any]:
    """A valid input of `action` for `case_id` (a note; mediators for a dispatch)."""
    value: dict[str, Any] = {"caseId": case_id, "note": f"{action.value.lower()} note"}
    if action is CaseAction.DISPATCH:
        value["mediatorIds"] = [WANG]
    return value | extra


def report(run: Callable[..., dict], grid: str = LIUYI_GRID, **kwargs: Any) -> dict[str, Any]:
    """Report a case as `kwargs` say (role, area); the `reportCase` result."""
    variables = {
        "input": {
            "title": "夫妻矛盾",
            "category": "MARRIAGE_FAMILY",
            "gridCode": grid,
            "summary": "因家务琐事争吵",
            "note": "网格员上报",
        }
    }
    return run(REPORT, variables, **kwargs)["reportCase"]


def act(
    run: Callable[..., dict], action: CaseAction, case_id: str, **kwargs: Any
) -> dict[str, Any]:
    """Apply one action; the mutation's result."""
    role = kwargs.pop("role", "admin")
    area = kwargs.pop("area", None)
    result = run(document(action), {"input": step_input(action, case_id, **kwargs)}, role, area)
    return result[MUTATION[action]]


PATH_TO: dict[str, list[CaseAction]] = {
    "REPORTED": [],
    "ACCEPTED": [CaseAction.ACCEPT],
    "DISPATCHED": [CaseAction.ACCEPT, CaseAction.DISPATCH],
    "HANDLING": [CaseAction.ACCEPT, CaseAction.DISPATCH, CaseAction.RECORD_HANDLING],
    "FED_BACK": [
        CaseAction.ACCEPT,
        CaseAction.DISPATCH,
        CaseAction.RECORD_HANDLING,
        CaseAction.FEED_BACK,
    ],
    "VERIFIED": [
        CaseAction.ACCEPT,
        CaseAction.DISPATCH,
        CaseAction.RECORD_HANDLING,
        CaseAction.FEED_BACK,
        CaseAction.VERIFY,
    ],
    "CLOSED": [
        CaseAction.ACCEPT,
        CaseAction.DISPATCH,
        CaseAction.RECORD_HANDLING,
        CaseAction.FEED_BACK,
        CaseAction.VERIFY,
        CaseAction.CLOSE,
    ],
    "REJECTED": [CaseAction.REJECT],
}
"""The actions that bring a newly reported case to each status."""


def case_in(run: Callable[..., dict], status: str) -> str:
    """A new case brought to `status` through the API; its id."""
    case_id = report(run)["caseId"]
    for action in PATH_TO[status]:
        result = act(run, action, case_id)
        assert result["__typename"] == "Case", result
    return case_id
