"""The task workflow: which action moves a task from which status, and who may use it.

`TRANSITIONS` is the one list of moves. The API, the admin's actions, the board's
buttons, the chat's widgets and tools and the offline model's grammar all read it.
Two places cannot: the widget templates' JSON schemas (widgets/*.widget) and the
board's button styles (frontend/src/styles.css). A new move must be added there by
hand; tests/taskboard/test_workflow_vocabulary.py checks each place follows this list.
"""

from dataclasses import dataclass

from taskboard.models import Task

APPROVE_PERMISSION = "taskboard.approve_task"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    done_label: str
    from_status: str
    to_status: str
    needs_approver: bool
    # How the move's button reads: "forward", "finish", "refuse" or "back".
    tone: str


TODO, IN_PROGRESS, REVIEW, DONE = Task.Status

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        # action, label, done_label, from, to, needs_approver, tone
        Transition("start", "Start", "Started", TODO, IN_PROGRESS, False, "forward"),
        Transition(
            "submit", "Submit for review", "Submitted", IN_PROGRESS, REVIEW, False, "forward"
        ),
        Transition("approve", "Approve", "Approved", REVIEW, DONE, True, "finish"),
        Transition("reject", "Reject", "Rejected", REVIEW, IN_PROGRESS, True, "refuse"),
        Transition("reopen", "Reopen", "Reopened", DONE, TODO, True, "back"),
    )
}


def user_can_approve(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(APPROVE_PERMISSION))


def _permitted(moves: list[Transition], user) -> list[Transition]:
    """`moves` less those that need an approver, unless the user is one.

    The permission is looked up only when one of `moves` needs it, so a list of
    tasks in to do or in progress costs no permission queries.
    """
    if any(t.needs_approver for t in moves) and not user_can_approve(user):
        return [t for t in moves if not t.needs_approver]
    return moves


def transitions_for_user(user) -> list[Transition]:
    """Every transition this user may make, whatever the task's status."""
    return _permitted(list(TRANSITIONS.values()), user)


def available_transitions(*, status: str, user) -> list[Transition]:
    """The transitions this user may make on a task in `status`."""
    return _permitted([t for t in TRANSITIONS.values() if t.from_status == status], user)
