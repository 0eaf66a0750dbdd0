"""The dispute-case workflow as a state machine (上报→受理→分派→处置→反馈→核查→结案).

Pure: no database, no GraphQL. The case mutations ask `next_status` whether an action is allowed
from the case's current status, inside the same write transaction that records the step, and turn
`InvalidTransition` into the schema's typed error (current status and allowed next steps).

    report          (new)       -> REPORTED
    accept          REPORTED    -> ACCEPTED      reject  REPORTED | ACCEPTED -> REJECTED
    dispatch        ACCEPTED    -> DISPATCHED    return  DISPATCHED -> ACCEPTED (re-dispatch)
    record handling DISPATCHED | HANDLING -> HANDLING    return  HANDLING -> ACCEPTED
    feed back       HANDLING    -> FED_BACK      return  FED_BACK -> HANDLING (not resolved)
    verify          FED_BACK    -> VERIFIED      return  VERIFIED -> HANDLING (verification failed)
    close           VERIFIED    -> CLOSED

CLOSED and REJECTED are final. Handling may be recorded more than once (each visit or mediation
session is a step); every other action moves the case on.
"""

from __future__ import annotations

from core.auth import AccessRole
from core.errors import AppError
from core.model import CaseStatus
from core.vocabulary import Term, Vocabulary


class CaseAction(Vocabulary):
    """What a caseworker does to a case; each is one mutation and one timeline step."""

    REPORT = "REPORT", Term("上报", "report")
    ACCEPT = "ACCEPT", Term("受理", "accept")
    DISPATCH = (
        "DISPATCH",
        Term(
            "分派", "dispatch", note="to mediators, a venue, or a department of the joint mechanism"
        ),
    )
    RECORD_HANDLING = "RECORD_HANDLING", Term("处置", "record handling")
    FEED_BACK = "FEED_BACK", Term("反馈", "feed back")
    VERIFY = "VERIFY", Term("核查", "verify")
    CLOSE = "CLOSE", Term("结案", "close")
    REJECT = "REJECT", Term("不予受理", "reject", aliases=("驳回",))
    RETURN = "RETURN", Term("退回", "return")


MUTATION: dict[CaseAction, str] = {
    CaseAction.REPORT: "reportCase",
    CaseAction.ACCEPT: "acceptCase",
    CaseAction.DISPATCH: "dispatchCase",
    CaseAction.RECORD_HANDLING: "recordHandling",
    CaseAction.FEED_BACK: "feedBack",
    CaseAction.VERIFY: "verifyCase",
    CaseAction.CLOSE: "closeCase",
    CaseAction.REJECT: "rejectCase",
    CaseAction.RETURN: "returnCase",
}
"""The GraphQL mutation of each action (named in error messages)."""

TRANSITIONS: dict[tuple[CaseStatus | None, CaseAction], CaseStatus] = {
    (None, CaseAction.REPORT): CaseStatus.REPORTED,
    (CaseStatus.REPORTED, CaseAction.ACCEPT): CaseStatus.ACCEPTED,
    (CaseStatus.REPORTED, CaseAction.REJECT): CaseStatus.REJECTED,
    (CaseStatus.ACCEPTED, CaseAction.DISPATCH): CaseStatus.DISPATCHED,
    (CaseStatus.ACCEPTED, CaseAction.REJECT): CaseStatus.REJECTED,
    (CaseStatus.DISPATCHED, CaseAction.RECORD_HANDLING): CaseStatus.HANDLING,
    (CaseStatus.DISPATCHED, CaseAction.RETURN): CaseStatus.ACCEPTED,
    (CaseStatus.HANDLING, CaseAction.RECORD_HANDLING): CaseStatus.HANDLING,
    (CaseStatus.HANDLING, CaseAction.FEED_BACK): CaseStatus.FED_BACK,
    (CaseStatus.HANDLING, CaseAction.RETURN): CaseStatus.ACCEPTED,
    (CaseStatus.FED_BACK, CaseAction.VERIFY): CaseStatus.VERIFIED,
    (CaseStatus.FED_BACK, CaseAction.RETURN): CaseStatus.HANDLING,
    (CaseStatus.VERIFIED, CaseAction.CLOSE): CaseStatus.CLOSED,
    (CaseStatus.VERIFIED, CaseAction.RETURN): CaseStatus.HANDLING,
}
"""Every allowed (current status, action) and the status it leads to; anything else is refused."""

FINAL_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.REJECTED})

PATH = "→".join(status.zh for status in CaseStatus if status is not CaseStatus.REJECTED)
"""The main path of the workflow in its terms: 上报→受理→分派→处置→反馈→核查→结案."""

REQUIRED_ROLE = AccessRole.CASEWORKER
"""Every workflow action needs at least this role (and the case inside the caller's area)."""


class InvalidTransition(AppError):
    """The action is not allowed from the case's current status."""

    code = "INVALID_TRANSITION"

    def __init__(self, current: CaseStatus | None, action: CaseAction) -> None:
        allowed = allowed_actions(current)
        steps = ", ".join(MUTATION[a] for a in allowed) or "none (the case is final)"
        where = f"a case in status {current.value}" if current else "a case that does not exist"
        super().__init__(
            f"{MUTATION[action]} is not allowed for {where}; allowed next steps: {steps}.",
            current=current.value if current else None,
            action=action.value,
            allowed=[a.value for a in allowed],
        )
        self.current = current
        self.action = action
        self.allowed = allowed


def allowed_actions(status: CaseStatus | None) -> list[CaseAction]:
    """The actions allowed from `status` (None: a case not reported yet), in workflow order."""
    return [action for action in CaseAction if (status, action) in TRANSITIONS]


def next_status(status: CaseStatus | None, action: CaseAction) -> CaseStatus:
    """The status `action` leads to from `status`, or `InvalidTransition`."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise InvalidTransition(status, action) from None


def is_final(status: CaseStatus) -> bool:
    return status in FINAL_STATUSES
