"""Agent tools: the model's way to read and change tasks, through `task_commands`.

Each tool translates the model's arguments into one `task_commands` call and its
outcome into what the chat shows: the widget it streams (a task list, the form, a
task card) or, when the request cannot be carried out, a short assistant message
saying why. The agents list these tools in `stop_at_tools`, so the turn ends there
and the model does not repeat the widget in prose. The returned string is what the
model sees of the result.
"""

import logging
from collections.abc import Callable
from typing import Literal

from agents import RunContextWrapper, function_tool
from asgiref.sync import sync_to_async
from chatkit.agents import AgentContext
from chatkit.types import ThreadItemDoneEvent
from django.core.exceptions import ValidationError

from chatkit_app import task_commands, widget_state
from chatkit_app.context import ChatContext
from chatkit_app.events import assistant_message
from chatkit_app.forms import tool_fields
from chatkit_app.task_commands import Outcome, Refusal
from taskboard.models import Task
from taskboard.transitions import TRANSITIONS

logger = logging.getLogger(__name__)

ChatRunContext = RunContextWrapper[AgentContext[ChatContext]]
# The JSON schemas the model sees follow the domain: a new status or transition
# appears in the tools' enums without an edit here.
StatusName = Literal[tuple(Task.Status.values)]  # type: ignore[valid-type]
ActionName = Literal[tuple(TRANSITIONS)]  # type: ignore[valid-type]
PriorityName = Literal[tuple(Task.Priority.values)]  # type: ignore[valid-type]


async def _refuse(ctx: ChatRunContext, message: str) -> str:
    """Tell the user why nothing happened, and return the same text to the model."""
    agent_context = ctx.context
    await agent_context.stream(
        assistant_message(
            store=agent_context.store,
            thread=agent_context.thread,
            context=agent_context.request_context,
            text=message,
        )
    )
    return message


async def _run(ctx: ChatRunContext, command: Callable[..., Outcome], **arguments) -> str:
    """Call `command` as the signed-in user; stream its widget, or say why it refused."""
    agent_context = ctx.context
    try:
        outcome = await sync_to_async(command)(user=agent_context.request_context.user, **arguments)
    except Refusal as exc:
        return await _refuse(ctx, str(exc))
    if outcome.shown is not None:
        item_id = agent_context.store.generate_item_id(
            "message", agent_context.thread, agent_context.request_context
        )
        item = widget_state.new_item(
            outcome.shown, item_id=item_id, thread_id=agent_context.thread.id
        )
        await agent_context.stream(ThreadItemDoneEvent(item=item))
    return outcome.summary


@function_tool
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
    return await _run(
        ctx,
        task_commands.list_tasks,
        status=status,
        assignee=assignee,
        search=search,
        offset=offset,
    )


@function_tool
async def show_review_queue(ctx: ChatRunContext) -> str:
    """Show the tasks waiting for review, with approve and reject buttons for approvers."""
    return await _run(ctx, task_commands.review_queue)


@function_tool
async def show_task_form(ctx: ChatRunContext, title: str | None = None) -> str:
    """Show the user the form for a new task (title, description, priority, due date, assignee).

    Args:
        title: A title to prefill, when the user already said one.
    """
    return await _run(ctx, task_commands.task_form, title=title)


def _create(*, user, **arguments) -> Outcome:
    try:
        fields = tool_fields(user=user, **arguments)
    except ValidationError as exc:
        summary = task_commands.validation_messages(exc)
        raise Refusal(f"The task was not created: {summary}") from None
    return task_commands.create_task(user=user, fields=fields)


@function_tool
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
    return await _run(
        ctx,
        _create,
        title=title,
        description=description,
        priority=priority,
        assignee=assignee,
        due_date=due_date,
    )


async def _transition_task(ctx: ChatRunContext, task_id: int, action: ActionName) -> str:
    return await _run(ctx, task_commands.transition_task, task_id=task_id, action=action)


def _moves() -> str:
    moves = "; ".join(f"{t.action}: {t.from_status} → {t.to_status}" for t in TRANSITIONS.values())
    *most, last = [t.action for t in TRANSITIONS.values() if t.needs_approver] or [""]
    approver = f"{', '.join(most)} and {last}" if most else last
    return f"{moves}. {approver.capitalize()} need an approver." if approver else f"{moves}."


# The description lists every move of the workflow, as transitions.py defines it.
_transition_task.__doc__ = f"""Move a task along the workflow and show its card.

    {_moves()}

    Args:
        task_id: The task's number.
        action: The move to make.
    """
transition_task = function_tool(_transition_task, name_override="transition_task")


@function_tool
async def get_task(ctx: ChatRunContext, task_id: int) -> str:
    """Show one task's card, with buttons for the moves the user may make.

    Args:
        task_id: The task's number.
    """
    return await _run(ctx, task_commands.show_task, task_id=task_id)


# Every tool here streams its own answer, so each one ends the turn.
TASK_TOOLS = [list_tasks, show_review_queue, show_task_form, create_task, transition_task, get_task]
TASK_TOOL_NAMES = [tool.name for tool in TASK_TOOLS]
