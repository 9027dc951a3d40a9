"""The workflow table, enforced by services.task_transition."""

import pytest

from taskboard import services
from taskboard.models import Task, TaskEvent
from taskboard.transitions import TRANSITIONS
from tests.factories import make_task

pytestmark = pytest.mark.django_db

ALL_STATUSES = [s.value for s in Task.Status]
MEMBER_ACTIONS = ["start", "submit"]
APPROVER_ACTIONS = ["approve", "reject", "reopen"]


@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_approver_moves_task_from_the_required_status(approver, action):
    transition = TRANSITIONS[action]
    task = make_task(status=transition.from_status)

    result = services.task_transition(
        task_id=task.pk, action=action, actor=approver, source=TaskEvent.Source.API
    )

    task.refresh_from_db()
    assert result.status == task.status == transition.to_status
    event = TaskEvent.objects.get(task=task)
    assert (event.from_status, event.to_status, event.actor, event.source) == (
        transition.from_status,
        transition.to_status,
        approver,
        "api",
    )


@pytest.mark.parametrize("action", MEMBER_ACTIONS)
def test_member_may_start_and_submit(member, action):
    transition = TRANSITIONS[action]
    task = make_task(status=transition.from_status)

    services.task_transition(task_id=task.pk, action=action, actor=member, source="chat")

    task.refresh_from_db()
    assert task.status == transition.to_status
    assert TaskEvent.objects.filter(task=task, actor=member, source="chat").count() == 1


@pytest.mark.parametrize("action", APPROVER_ACTIONS)
def test_member_without_permission_changes_nothing(member, action):
    task = make_task(status=TRANSITIONS[action].from_status)

    with pytest.raises(services.TransitionNotPermitted, match="Only approvers"):
        services.task_transition(task_id=task.pk, action=action, actor=member, source="api")

    task.refresh_from_db()
    assert task.status == TRANSITIONS[action].from_status
    assert not TaskEvent.objects.exists()


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (action, status)
        for action, transition in TRANSITIONS.items()
        for status in ALL_STATUSES
        if status != transition.from_status
    ],
)
def test_transition_from_wrong_status_changes_nothing_and_says_why(approver, action, status):
    task = make_task(status=status)
    updated_at = task.updated_at

    with pytest.raises(services.TransitionNotAllowed) as excinfo:
        services.task_transition(task_id=task.pk, action=action, actor=approver, source="api")

    assert f"Task #{task.pk} is" in excinfo.value.message
    assert f"{action} needs it to be" in excinfo.value.message
    task.refresh_from_db()
    assert (task.status, task.updated_at) == (status, updated_at)
    assert not TaskEvent.objects.exists()


def test_unknown_action_is_refused(approver):
    task = make_task()
    with pytest.raises(services.TransitionNotAllowed, match="Unknown action 'finish'"):
        services.task_transition(task_id=task.pk, action="finish", actor=approver, source="api")
    assert not TaskEvent.objects.exists()


def test_missing_task_is_reported(approver):
    with pytest.raises(services.TaskNotFound, match="Task #999999 does not exist"):
        services.task_transition(task_id=999999, action="start", actor=approver, source="api")


def test_second_identical_transition_is_refused(member):
    task = make_task()
    services.task_transition(task_id=task.pk, action="start", actor=member, source="api")
    with pytest.raises(services.TransitionNotAllowed):
        services.task_transition(task_id=task.pk, action="start", actor=member, source="api")
    assert TaskEvent.objects.filter(task=task).count() == 1


def test_full_lifecycle_records_every_step(member, approver):
    task = make_task()
    for action, actor in [
        ("start", member),
        ("submit", member),
        ("reject", approver),
        ("submit", member),
        ("approve", approver),
        ("reopen", approver),
    ]:
        services.task_transition(task_id=task.pk, action=action, actor=actor, source="widget")

    task.refresh_from_db()
    assert task.status == "todo"
    steps = list(
        TaskEvent.objects.filter(task=task).order_by("id").values_list("from_status", "to_status")
    )
    assert steps == [
        ("todo", "in_progress"),
        ("in_progress", "review"),
        ("review", "in_progress"),
        ("in_progress", "review"),
        ("review", "done"),
        ("done", "todo"),
    ]
