"""Every write to tasks goes through these functions.

Views, the API, the board consumer, the admin, agent tools and ChatKit actions
all call them; none of those holds a domain rule of its own.
"""

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from taskboard.models import Task, TaskEvent
from taskboard.transitions import TRANSITIONS, Transition, user_can_approve

EDITABLE_FIELDS = ("title", "description", "priority", "assignee_id", "due_date")
NOT_NULL_FIELDS = ("title", "description", "priority")


class TaskError(Exception):
    """A request about a task that cannot be carried out; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TaskNotFound(TaskError):
    pass


class TransitionNotPermitted(TaskError):
    pass


class TransitionNotAllowed(TaskError):
    pass


def _transition_for(action: str) -> Transition:
    try:
        return TRANSITIONS[action]
    except KeyError:
        known = ", ".join(TRANSITIONS)
        raise TransitionNotAllowed(f"Unknown action {action!r}; use one of: {known}.") from None


def task_transition(*, task_id: int, action: str, actor: AbstractBaseUser, source: str) -> Task:
    """Move a task along the workflow, once, and record who did it.

    The status is changed by a conditional UPDATE, so of several simultaneous
    requests for the same transition exactly one matches the row.
    """
    transition = _transition_for(action)
    if transition.needs_approver and not user_can_approve(actor):
        raise TransitionNotPermitted(
            f"Only approvers can {transition.action} tasks; ask someone with approval rights."
        )
    # Refusals are raised after the block, having written nothing, so the block needs
    # no savepoint of its own inside a caller's transaction (a widget's move): a
    # caller that catches the refusal goes on with its transaction intact.
    with transaction.atomic(savepoint=False):
        changed = Task.objects.filter(pk=task_id, status=transition.from_status).update(
            status=transition.to_status, updated_at=timezone.now()
        )
        task = Task.objects.select_related("assignee", "created_by").filter(pk=task_id).first()
        if task is not None and changed:
            TaskEvent.objects.create(
                task=task,
                actor=actor,
                from_status=transition.from_status,
                to_status=transition.to_status,
                source=source,
            )
            # QuerySet.update() sends no signal; this is the row's save, so it is announced
            # like any other (signals.py broadcasts it once the transaction commits).
            post_save.send(
                sender=Task,
                instance=task,
                created=False,
                update_fields=frozenset({"status", "updated_at"}),
                raw=False,
                using=router.db_for_write(Task),
            )
    if task is None:
        raise TaskNotFound(f"Task #{task_id} does not exist.")
    if not changed:
        raise TransitionNotAllowed(
            f"Task #{task_id} is {task.get_status_display().lower()}; "
            f"{transition.action} needs it to be "
            f"{Task.Status(transition.from_status).label.lower()}."
        )
    return task


def _resolve_assignee(assignee_id: int | None) -> AbstractBaseUser | None:
    if assignee_id is None:
        return None
    assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
    if assignee is None:
        raise ValidationError({"assignee_id": f"No active user with id {assignee_id}."})
    return assignee


def task_create(
    *,
    actor: AbstractBaseUser,
    title: str,
    description: str = "",
    priority: str = Task.Priority.MEDIUM,
    assignee_id: int | None = None,
    due_date: date | None = None,
) -> Task:
    """Create a task in `todo`; raises ValidationError with field messages."""
    task = Task(
        title=title,
        description=description,
        priority=priority,
        assignee=_resolve_assignee(assignee_id),
        due_date=due_date,
        created_by=actor,
        status=Task.Status.TODO,
    )
    task.full_clean()
    task.save()
    return task


def task_update(*, task_id: int, actor: AbstractBaseUser, **changes: Any) -> Task:
    """Edit a task's fields (never its status, which only transitions change)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be edited." for name in sorted(unknown)})
    # full_clean() skips blank fields, so a None for one the column requires would
    # only fail at the database.
    missing = sorted(name for name in NOT_NULL_FIELDS if name in changes and changes[name] is None)
    if missing:
        raise ValidationError({name: "This field cannot be null." for name in missing})
    with transaction.atomic():
        task = Task.objects.select_for_update().filter(pk=task_id).first()
        if task is None:
            raise TaskNotFound(f"Task #{task_id} does not exist.")
        if "assignee_id" in changes:
            task.assignee = _resolve_assignee(changes.pop("assignee_id"))
        for name, value in changes.items():
            setattr(task, name, value)
        task.full_clean()
        task.save()
    return task
