"""Widget buttons: each action is translated into one call of `task_commands`.

- `task.start`, `task.submit`, `task.approve`, `task.reject`, `task.reopen` (one per
  transition) with `{"task_id": int}`: `transition_task` on the sender widget's state.
- `task.create` with the form's fields: `create_task`, once per form; the form is
  replaced by the task's card, or re-rendered with the field errors.
- `task.select` with `{"task_id": int}`: `select_task`, hidden context for the model.

Sent with `streaming: false` (`threads.sync_custom_action`), the same action answers
with the re-rendered sender alone (`handle_sync_action`).

The outcome becomes events in one order: the sender widget re-rendered in place,
hidden context for the model, a short message, and the client effect `tasks.changed`.

Nothing in a payload is trusted: its shape is checked here, the sender widget must
belong to the thread and (per its stored state) show that task, and the services
check status and permission. A refusal changes nothing and says why in the chat.
"""

import logging
from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from chatkit.actions import Action
from chatkit.errors import CustomStreamError
from chatkit.store import NotFoundError
from chatkit.types import (
    ClientEffectEvent,
    SyncCustomActionResponse,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    WidgetItem,
)

from chatkit_app import task_commands, widget_state
from chatkit_app.context import ChatContext
from chatkit_app.events import assistant_message, hidden_context
from chatkit_app.forms import parse_form
from chatkit_app.store import DjangoStore
from chatkit_app.task_commands import Outcome, Refusal
from chatkit_app.widget_state import TaskFormState
from taskboard.transitions import TRANSITIONS

logger = logging.getLogger(__name__)

TRANSITION_ACTIONS = {f"task.{name}": name for name in TRANSITIONS}
CREATE_ACTION = "task.create"
SELECT_ACTION = "task.select"
ALREADY_SUBMITTED = "That form was already submitted; nothing new was created."


def payload_task_id(payload: Any) -> int:
    """The `task_id` of a `{"task_id": int}` payload; Refusal for any other shape."""
    task_id = payload.get("task_id") if isinstance(payload, dict) else None
    if type(task_id) is not int or not 0 < task_id < 2**63:
        raise Refusal("That button sent a malformed request (no task number); nothing changed.")
    return task_id


def _require_sender(sender: WidgetItem | None, thread: ThreadMetadata) -> WidgetItem:
    if not isinstance(sender, WidgetItem) or sender.thread_id != thread.id:
        raise Refusal(
            "That button does not belong to a widget in this conversation; nothing changed."
        )
    return sender


def outcome_events(
    outcome: Outcome,
    *,
    store: DjangoStore,
    thread: ThreadMetadata,
    sender: WidgetItem | None,
    context: ChatContext,
) -> list[ThreadStreamEvent]:
    """The events that show a button's outcome, in the order the client expects them."""
    events: list[ThreadStreamEvent] = []
    if outcome.shown is not None and sender is not None:
        item = widget_state.replacement(sender, outcome.shown)
        events.append(ThreadItemReplacedEvent(item=item))
    if outcome.context:
        events.append(
            hidden_context(store=store, thread=thread, context=context, content=outcome.context)
        )
    if outcome.say:
        events.append(
            assistant_message(store=store, thread=thread, context=context, text=outcome.say)
        )
    if outcome.effect:
        events.append(ClientEffectEvent(name=task_commands.TASKS_CHANGED, data=outcome.effect))
    return events


async def _transition(
    *,
    action: str,
    payload: Any,
    sender: WidgetItem | None,
    thread: ThreadMetadata,
    store: DjangoStore,
    context: ChatContext,
) -> tuple[Outcome, WidgetItem]:
    task_id = payload_task_id(payload)
    sender = _require_sender(sender, thread)
    outcomes: list[Outcome] = []

    def move(item):
        # Runs in the store's transaction: the move and the widget re-rendered after it
        # commit together, so a client that hangs up while the move is being written
        # still finds, in its thread, the buttons that now apply.
        outcome = task_commands.transition_task(
            user=context.user, task_id=task_id, action=action, on_widget=widget_state.state_of(item)
        )
        outcomes.append(outcome)
        return item if outcome.shown is None else widget_state.replacement(item, outcome.shown)

    try:
        await store.replace_item(thread.id, sender.id, move, context)
    except NotFoundError:
        raise Refusal(
            "That button does not belong to a widget in this conversation; nothing changed."
        ) from None
    return outcomes[0], sender


async def _create(
    *,
    payload: Any,
    sender: WidgetItem | None,
    thread: ThreadMetadata,
    store: DjangoStore,
    context: ChatContext,
) -> tuple[Outcome, WidgetItem]:
    sender = _require_sender(sender, thread)
    if not isinstance(widget_state.state_of(sender), TaskFormState):
        raise Refusal(ALREADY_SUBMITTED)
    fields, errors = parse_form(payload)
    if errors:
        outcome = await sync_to_async(task_commands.create_task)(
            user=context.user, fields=fields, errors=errors, form=payload
        )
        return outcome, sender
    outcomes: list[Outcome] = []

    def create_once(item):
        # Runs in the store's transaction, holding the form's row: of two submissions
        # of one form, the second finds the card the first left and is refused.
        if not isinstance(widget_state.state_of(item), TaskFormState):
            raise Refusal(ALREADY_SUBMITTED)
        outcome = task_commands.create_task(user=context.user, fields=fields, form=payload)
        outcomes.append(outcome)
        return widget_state.replacement(item, outcome.shown)

    try:
        await store.replace_item(thread.id, sender.id, create_once, context)
    except NotFoundError:
        raise Refusal(ALREADY_SUBMITTED) from None
    return outcomes[0], sender


async def _run(
    *,
    store: DjangoStore,
    thread: ThreadMetadata,
    action: Action[str, Any],
    sender: WidgetItem | None,
    context: ChatContext,
) -> tuple[Outcome, WidgetItem | None]:
    """The action's outcome and the sender it applies to; Refusal when it changes nothing."""
    payload = action.payload
    if action.type in TRANSITION_ACTIONS:
        return await _transition(
            action=TRANSITION_ACTIONS[action.type],
            payload=payload,
            sender=sender,
            thread=thread,
            store=store,
            context=context,
        )
    if action.type == CREATE_ACTION:
        return await _create(
            payload=payload, sender=sender, thread=thread, store=store, context=context
        )
    if action.type == SELECT_ACTION:
        outcome = await sync_to_async(task_commands.select_task)(
            user=context.user, task_id=payload_task_id(payload)
        )
        return outcome, sender
    raise UnknownAction(f"The action “{action.type}” is not supported.")


class UnknownAction(Exception):
    """Not a refusal of a known request but a request the chat has no handler for."""


async def handle_action(
    *,
    store: DjangoStore,
    thread: ThreadMetadata,
    action: Action[str, Any],
    sender: WidgetItem | None,
    context: ChatContext,
) -> AsyncIterator[ThreadStreamEvent]:
    """Everything `ChatKitServer.action()` streams for one widget action."""
    try:
        outcome, sender = await _run(
            store=store, thread=thread, action=action, sender=sender, context=context
        )
    except UnknownAction as exc:
        # An error event, and nothing stored in the thread.
        raise CustomStreamError(str(exc)) from None
    except Refusal as exc:
        logger.info("Refused %s in thread %s: %s", action.type, thread.id, exc)
        yield assistant_message(store=store, thread=thread, context=context, text=str(exc))
        return
    for event in outcome_events(
        outcome, store=store, thread=thread, sender=sender, context=context
    ):
        yield event


async def handle_sync_action(
    *,
    store: DjangoStore,
    thread: ThreadMetadata,
    action: Action[str, Any],
    sender: WidgetItem | None,
    context: ChatContext,
) -> SyncCustomActionResponse:
    """What `ChatKitServer.sync_action()` answers for an action sent with `streaming: false`.

    The same action as `handle_action`, answered with one item: the sender widget as
    re-rendered (none when the action leaves it as it was). The note for the model is
    stored in the thread as a streamed action stores it; the sentence a streamed action
    adds is left out, since the client would only see it after a reload, and the board
    hears of the change over its socket. A refusal, a move the services refuse (a
    double click, a member's approve) or an unknown action changes nothing and raises
    ValueError with the reason, which the endpoint answers with a 400. A form with
    invalid fields is not refused: it comes back with the errors under its fields.
    """
    try:
        outcome, sender = await _run(
            store=store, thread=thread, action=action, sender=sender, context=context
        )
    except (UnknownAction, Refusal) as exc:
        logger.info("Refused sync %s in thread %s: %s", action.type, thread.id, exc)
        raise ValueError(str(exc)) from None
    if action.type in TRANSITION_ACTIONS and outcome.effect is None:
        # A move the services refused: its reason is the answer (the widget, stored
        # as the database has it, shows the buttons that apply on the next load).
        logger.info("Refused sync %s in thread %s: %s", action.type, thread.id, outcome.say)
        raise ValueError(outcome.say or "Nothing changed.")
    if outcome.context:
        note = hidden_context(store=store, thread=thread, context=context, content=outcome.context)
        await store.add_thread_item(thread.id, note.item, context)
    if outcome.shown is None or sender is None:
        return SyncCustomActionResponse(updated_item=None)
    item = widget_state.replacement(sender, outcome.shown)
    # As the streamed replacement is saved: a form re-rendered with its errors is kept too.
    await store.save_item(thread.id, item, context)
    return SyncCustomActionResponse(updated_item=item)
