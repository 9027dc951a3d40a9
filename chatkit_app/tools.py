"""Agent tools: the chat's way to read and change tasks, through selectors and services.

Every tool answers the user itself: it streams a widget (a task list, the form, a
task card) or, when the request cannot be carried out, a short assistant message
saying why. The agents list these tools in `stop_at_tools`, so the turn ends there
and the model does not repeat the widget in prose. The returned string is what the
model sees of the result.
"""

import logging
from typing import Any, Literal

from agents import RunContextWrapper, function_tool
from asgiref.sync import sync_to_async
from chatkit.agents import AgentContext
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from chatkit_app import widgets
from chatkit_app.actions import (
    parse_due_date,
    validation_messages,
)
from chatkit_app.context import ChatContext
from chatkit_app.tool_errors import tell_user, tool_failed
from taskboard import selectors, services
from taskboard.models import Task, TaskEvent
from taskboard.schemas import user_display_name
from taskboard.transitions import TRANSITIONS, user_can_approve

logger = logging.getLogger(__name__)

ChatRunContext = RunContextWrapper[AgentContext[ChatContext]]
StatusName = Literal["todo", "in_progress", "review", "done"]
ActionName = Literal["start", "submit", "approve", "reject", "reopen"]
PriorityName = Literal["low", "medium", "high"]

STATUS_TITLES = {
    None: "Tasks",
    "todo": "Tasks to do",
    "in_progress": "Tasks in progress",
    "review": "Tasks in review",
    "done": "Done tasks",
}
REVIEW_NOTE_FOR_MEMBERS = (
    "Only approvers can approve or reject tasks; you can see the review queue but not act on it."
)


class ToolRefusal(Exception):
    """A request the tool cannot carry out; the message is shown to the user."""


def _user(ctx: ChatRunContext) -> AbstractBaseUser:
    return ctx.context.request_context.user


async def _refuse(ctx: ChatRunContext, message: str) -> str:
    """Tell the user why nothing happened, and return the same text to the model."""
    await tell_user(ctx, message)
    return message


def resolve_assignee(assignee: str | None, user: AbstractBaseUser) -> int | None:
    """A user id from "me", "user:<id>", "<id>" or a username; None for no filter."""
    if assignee is None or not assignee.strip():
        return None
    value = assignee.strip().removeprefix("@")
    if value.lower() in ("me", "mine", "myself"):
        return user.pk
    value = value.removeprefix("user:")
    people = get_user_model().objects.filter(is_active=True)
    found = (
        people.filter(pk=int(value)).first()
        if value.isdigit()
        else people.filter(username__iexact=value).first()
    )
    if found is None:
        raise ToolRefusal(f"I know nobody called {assignee!r}; mention a person with @.")
    return found.pk


def task_page(
    *,
    user: AbstractBaseUser,
    status: str | None = None,
    assignee: str | None = None,
    search: str | None = None,
    offset: int = 0,
    title: str | None = None,
    note: str = "",
) -> tuple[Any, str]:
    """The task_list widget for one page of matching tasks, and a summary for the model."""
    if offset < 0:
        raise ToolRefusal("The page offset cannot be negative.")
    assignee_id = resolve_assignee(assignee, user)
    approver = user_can_approve(user)
    if status == Task.Status.REVIEW and not approver and not note:
        note = REVIEW_NOTE_FOR_MEMBERS
    tasks = selectors.task_list(status=status, assignee_id=assignee_id, search=search or None)
    rows = list(tasks[offset : offset + widgets.PAGE_SIZE + 1])
    has_more = len(rows) > widgets.PAGE_SIZE
    rows = rows[: widgets.PAGE_SIZE]
    heading = title or STATUS_TITLES[status]
    if search:
        heading = f"{heading} matching “{search}”"
    if offset:
        heading = f"{heading} (from {offset + 1})"
    widget = widgets.build_task_list(
        tasks=rows,
        user=user,
        title=heading,
        status=status,
        next_offset=offset + widgets.PAGE_SIZE if has_more else None,
        note=note,
    )
    listed = ", ".join(f"#{task.pk} {task.title} ({task.status})" for task in rows) or "none"
    more = " More exist; offer the next page." if has_more else ""
    if note:
        more += f" The list says: {note}"
    return widget, f"Showed {len(rows)} task(s) to the user: {listed}.{more}"


@function_tool(failure_error_function=tool_failed)
async def list_tasks(
    ctx: ChatRunContext,
    status: StatusName | None = None,
    assignee: str | None = None,
    search: str | None = None,
    offset: int = 0,
) -> str:
    """Show the user an interactive list of tasks (at most 20) with a button per allowed move.

    Args:
        status: Only tasks in this status.
        assignee: Only tasks assigned to this person: "me", a username, or "user:<id>".
        search: Only tasks whose title or description contains this text.
        offset: How many matching tasks to skip (20 for the second page).
    """
    try:
        widget, summary = await sync_to_async(task_page)(
            user=_user(ctx), status=status, assignee=assignee, search=search, offset=offset
        )
    except ToolRefusal as exc:
        return await _refuse(ctx, str(exc))
    await ctx.context.stream_widget(widget)
    return summary


def review_page(user: AbstractBaseUser) -> tuple[Any, str]:
    return task_page(user=user, status=Task.Status.REVIEW, title="Review queue")


@function_tool(failure_error_function=tool_failed)
async def show_review_queue(ctx: ChatRunContext) -> str:
    """Show the tasks waiting for review, with approve and reject buttons for approvers."""
    widget, summary = await sync_to_async(review_page)(_user(ctx))
    await ctx.context.stream_widget(widget)
    return summary


def form_widget(values: dict[str, Any] | None = None, errors: dict[str, Any] | None = None):
    people = list(selectors.user_search(query="", limit=100))
    return widgets.build_task_form(people=people, values=values, errors=errors)


@function_tool(failure_error_function=tool_failed)
async def show_task_form(ctx: ChatRunContext, title: str | None = None) -> str:
    """Show the user the form for a new task (title, description, priority, due date, assignee).

    Args:
        title: A title to prefill, when the user already said one.
    """
    widget = await sync_to_async(form_widget)({"title": title or ""})
    await ctx.context.stream_widget(widget)
    return "Showed the new-task form; the user fills it in and presses Create task."


def _create(
    *,
    user: AbstractBaseUser,
    title: str,
    description: str,
    priority: str,
    assignee: str | None,
    due_date: str | None,
) -> tuple[Any, Task]:
    fields: dict[str, Any] = {"title": title, "description": description, "priority": priority}
    try:
        fields["assignee_id"] = resolve_assignee(assignee, user)
    except ToolRefusal as exc:
        raise ValidationError({"assignee_id": str(exc)}) from None
    fields["due_date"] = parse_due_date(due_date)
    task = services.task_create(actor=user, **fields)
    task = selectors.task_get(task_id=task.pk)
    card = widgets.build_task_card(task, user, note=f"Created by {user_display_name(user)}.")
    return card, task


@function_tool(failure_error_function=tool_failed)
async def create_task(
    ctx: ChatRunContext,
    title: str,
    description: str = "",
    priority: PriorityName = "medium",
    assignee: str | None = None,
    due_date: str | None = None,
) -> str:
    """Create a task in "todo" and show its card.

    Args:
        title: 1 to 200 characters.
        description: Up to 5,000 characters.
        priority: low, medium or high.
        assignee: "me", a username, or "user:<id>"; empty for nobody.
        due_date: YYYY-MM-DD, or empty for none.
    """
    try:
        card, task = await sync_to_async(_create)(
            user=_user(ctx),
            title=title,
            description=description,
            priority=priority,
            assignee=assignee,
            due_date=due_date,
        )
    except ValidationError as exc:
        return await _refuse(ctx, "The task was not created: " + validation_messages(exc))
    await ctx.context.stream_widget(card)
    return f"Created task #{task.pk} “{task.title}” (todo) and showed its card."


def _transition(*, user: AbstractBaseUser, task_id: int, action: str) -> tuple[Any, Task]:
    task = services.task_transition(
        task_id=task_id, action=action, actor=user, source=TaskEvent.Source.CHAT
    )
    task = selectors.task_get(task_id=task.pk)
    note = f"{TRANSITIONS[action].done_label} by {user_display_name(user)}."
    return widgets.build_task_card(task, user, note=note), task


@function_tool(failure_error_function=tool_failed)
async def transition_task(ctx: ChatRunContext, task_id: int, action: ActionName) -> str:
    """Move a task along the workflow and show its card.

    start: todo → in_progress; submit: in_progress → review; approve: review → done;
    reject: review → in_progress; reopen: done → todo. Approve, reject and reopen
    need an approver.

    Args:
        task_id: The task's number.
        action: The move to make.
    """
    if action not in TRANSITIONS:
        return await _refuse(
            ctx, f"Unknown action {action!r}; use one of: {', '.join(TRANSITIONS)}."
        )
    try:
        card, task = await sync_to_async(_transition)(
            user=_user(ctx), task_id=task_id, action=action
        )
    except services.TaskError as exc:
        return await _refuse(ctx, exc.message)
    await ctx.context.stream_widget(card)
    return (
        f"{TRANSITIONS[action].done_label} task #{task.pk} “{task.title}”; it is now {task.status}."
    )


def _card(*, user: AbstractBaseUser, task_id: int):
    task = selectors.task_get(task_id=task_id)
    if task is None:
        raise services.TaskNotFound(f"Task #{task_id} does not exist.")
    return widgets.build_task_card(task, user), task


@function_tool(failure_error_function=tool_failed)
async def get_task(ctx: ChatRunContext, task_id: int) -> str:
    """Show one task's card, with buttons for the moves the user may make.

    Args:
        task_id: The task's number.
    """
    try:
        card, task = await sync_to_async(_card)(user=_user(ctx), task_id=task_id)
    except services.TaskError as exc:
        return await _refuse(ctx, exc.message)
    await ctx.context.stream_widget(card)
    assignee = user_display_name(task.assignee) if task.assignee else "nobody"
    return (
        f"Showed task #{task.pk} “{task.title}”: {task.status}, {task.priority} priority, "
        f"assigned to {assignee}, due {task.due_date or 'never'}."
    )


# Every tool here streams its own answer, so each one ends the turn.
TASK_TOOLS = [list_tasks, show_review_queue, show_task_form, create_task, transition_task, get_task]
TASK_TOOL_NAMES = [tool.name for tool in TASK_TOOLS]
