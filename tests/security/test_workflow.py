"""The case workflow state machine, exhaustively: every (status, action) pair."""

from __future__ import annotations

import itertools

import pytest

from core.model import CaseStatus
from core.workflow import (
    FINAL_STATUSES,
    MUTATION,
    TRANSITIONS,
    CaseAction,
    InvalidTransition,
    allowed_actions,
    is_final,
    next_status,
)

A, S = CaseAction, CaseStatus

EXPECTED: dict[CaseStatus | None, dict[CaseAction, CaseStatus]] = {
    None: {A.REPORT: S.REPORTED},
    S.REPORTED: {A.ACCEPT: S.ACCEPTED, A.REJECT: S.REJECTED},
    S.ACCEPTED: {A.DISPATCH: S.DISPATCHED, A.REJECT: S.REJECTED},
    S.DISPATCHED: {A.RECORD_HANDLING: S.HANDLING, A.RETURN: S.ACCEPTED},
    S.HANDLING: {A.RECORD_HANDLING: S.HANDLING, A.FEED_BACK: S.FED_BACK, A.RETURN: S.ACCEPTED},
    S.FED_BACK: {A.VERIFY: S.VERIFIED, A.RETURN: S.HANDLING},
    S.VERIFIED: {A.CLOSE: S.CLOSED, A.RETURN: S.HANDLING},
    S.CLOSED: {},
    S.REJECTED: {},
}

ALL_PAIRS = list(itertools.product([None, *CaseStatus], CaseAction))


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS, ids=lambda v: str(v))
def test_every_status_and_action(status: CaseStatus | None, action: CaseAction) -> None:
    expected = EXPECTED[status].get(action)
    if expected is not None:
        assert next_status(status, action) is expected
        return
    with pytest.raises(InvalidTransition) as raised:
        next_status(status, action)
    error = raised.value
    assert error.code == "INVALID_TRANSITION"
    assert error.current is status
    assert error.allowed == list(EXPECTED[status])
    assert error.extensions["current"] == (status.value if status else None)
    assert error.extensions["allowed"] == [a.value for a in EXPECTED[status]]
    assert MUTATION[action] in error.message
    for allowed in EXPECTED[status]:
        assert MUTATION[allowed] in error.message
    if status in FINAL_STATUSES:
        assert "none (the case is final)" in error.message


def test_the_table_has_nothing_beyond_the_expected_transitions() -> None:
    flat = {(s, a): t for s, by_action in EXPECTED.items() for a, t in by_action.items()}
    assert flat == TRANSITIONS


def test_the_happy_path_from_report_to_close() -> None:
    status = None
    path = [A.REPORT, A.ACCEPT, A.DISPATCH, A.RECORD_HANDLING, A.RECORD_HANDLING, A.FEED_BACK,
            A.VERIFY, A.CLOSE]  # fmt: skip
    for action in path:
        status = next_status(status, action)
    assert status is S.CLOSED and is_final(status)


def test_allowed_actions_are_listed_in_workflow_order() -> None:
    assert allowed_actions(S.HANDLING) == [A.RECORD_HANDLING, A.FEED_BACK, A.RETURN]
    assert allowed_actions(S.CLOSED) == [] and allowed_actions(S.REJECTED) == []


def test_no_dead_ends_every_open_case_can_still_be_closed_or_rejected() -> None:
    def reachable(start: CaseStatus) -> set[CaseStatus]:
        seen, todo = {start}, [start]
        while todo:
            current = todo.pop()
            for action in allowed_actions(current):
                target = next_status(current, action)
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    assert reachable(S.REPORTED) == set(CaseStatus)
    for status in CaseStatus:
        if not is_final(status):
            assert S.CLOSED in reachable(status), status


def test_every_action_has_a_mutation_name() -> None:
    assert set(MUTATION) == set(CaseAction)
    assert MUTATION[A.RECORD_HANDLING] == "recordHandling"
