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
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

from asgiref.sync import sync_to_async
from chatkit.actions import Action
from chatkit.errors import CustomStreamError
from chatkit.store import NotFoundError
from chatkit.types import (
    ClientEffectEvent,
    SyncCustomActionResponse,
    ThreadItem,
    ThreadItemDoneEvent,
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
from taskboard.services import TaskError
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
    replaced: WidgetItem | None,
    context: ChatContext,
    streamed: bool = True,
) -> list[ThreadStreamEvent]:
    """The events that show a button's outcome, in the order the client expects them.

    `replaced` is the sender widget showing the outcome, when it changed. Unless the
    events are `streamed`, the short message is left out: a client that sent the action
    with `streaming: false` shows only the widget it gets back.
    """
    events: list[ThreadStreamEvent] = []
    if replaced is not None:
        events.append(ThreadItemReplacedEvent(item=replaced))
    if outcome.context:
        events.append(
            hidden_context(store=store, thread=thread, context=context, content=outcome.context)
        )
    if outcome.say and streamed:
        events.append(
            assistant_message(store=store, thread=thread, context=context, text=outcome.say)
        )
    if outcome.effect:
        events.append(ClientEffectEvent(name=task_commands.TASKS_CHANGED, data=outcome.effect))
    return events


def new_items(events: list[ThreadStreamEvent]) -> list[ThreadItem]:
    """The items the events add to the thread (chatkit stores each `ThreadItemDoneEvent`'s)."""
    return [event.item for event in events if isinstance(event, ThreadItemDoneEvent)]


async def _replace_sender(
    *,
    store: DjangoStore,
    thread: ThreadMetadata,
    sender: WidgetItem,
    context: ChatContext,
    run: Callable[[ThreadItem], Outcome | tuple[Outcome, Callable[[], None]]],
    refused: str,
    streamed: bool = True,
) -> list[ThreadStreamEvent]:
    """Run `run` on the sender as stored, in the store's transaction holding its row, and
    return the outcome's events.

    The sender re-rendered and the items the events add commit with whatever `run`
    wrote: a client that hangs up meanwhile still finds, in its thread, the buttons
    that now apply and what was said about the change. chatkit then stores the same
    objects again, which the store recognises as written. `run` may instead return the
    outcome and the function that makes the change: it is called after the widget and
    the new items are written, last before the commit.
    """
    events: list[ThreadStreamEvent] = []
    last: list[Callable[[], None]] = []

    def replace(item: ThreadItem) -> ThreadItem:
        result = run(item)
        if isinstance(result, tuple):
            outcome, make = result
            last.append(make)
        else:
            outcome = result
        replaced = None if outcome.shown is None else widget_state.replacement(item, outcome.shown)
        events[:] = outcome_events(
            outcome,
            store=store,
            thread=thread,
            replaced=replaced,
            context=context,
            streamed=streamed,
        )
        return item if replaced is None else replaced

    def make_last() -> None:
        for make in last:
            make()

    try:
        await store.replace_item(
            thread.id, sender.id, replace, context, then=lambda: new_items(events), last=make_last
        )
    except NotFoundError:
        raise Refusal(refused) from None
    return events


NOT_IN_THREAD = "That button does not belong to a widget in this conversation; nothing changed."


async def _transition(
    *,
    action: str,
    payload: Any,
    sender: WidgetItem | None,
    thread: ThreadMetadata,
    store: DjangoStore,
    context: ChatContext,
    streamed: bool = True,
) -> list[ThreadStreamEvent]:
    task_id = payload_task_id(payload)
    sender = _require_sender(sender, thread)

    def move(item: ThreadItem, *, shown_first: bool = True):
        state = widget_state.state_of(item)
        if shown_first and state is not None:
            # The widget is rendered and stored, then the move made, then the commit.
            ahead = task_commands.transition_from_button(
                user=context.user, task_id=task_id, action=action, on_widget=state
            )
            if ahead is not None:
                return ahead
        outcome = task_commands.transition_task(
            user=context.user, task_id=task_id, action=action, on_widget=state
        )
        if outcome.effect is None and not streamed:
            # A move the services refused: with no message to carry the reason, the
            # reason is the answer, and nothing is stored.
            raise Refusal(outcome.say or "Nothing changed.")
        return outcome

    replace_sender = partial(
        _replace_sender,
        store=store,
        thread=thread,
        sender=sender,
        context=context,
        refused=NOT_IN_THREAD,
        streamed=streamed,
    )
    try:
        return await replace_sender(run=move)
    except TaskError:
        # The move was refused after all (made by someone else meanwhile): nothing was
        # stored; the widget is shown again as the database has it, saying why.
        return await replace_sender(run=lambda item: move(item, shown_first=False))


async def _create(
    *,
    payload: Any,
    sender: WidgetItem | None,
    thread: ThreadMetadata,
    store: DjangoStore,
    context: ChatContext,
    streamed: bool = True,
) -> list[ThreadStreamEvent]:
    sender = _require_sender(sender, thread)
    if not isinstance(widget_state.state_of(sender), TaskFormState):
        raise Refusal(ALREADY_SUBMITTED)
    fields, errors = parse_form(payload)
    if errors:
        outcome = await sync_to_async(task_commands.create_task)(
            user=context.user, fields=fields, errors=errors, form=payload
        )
        replaced = widget_state.replacement(sender, outcome.shown)
        return outcome_events(
            outcome,
            store=store,
            thread=thread,
            replaced=replaced,
            context=context,
            streamed=streamed,
        )

    def create_once(item: ThreadItem) -> Outcome:
        # Of two submissions of one form, the second finds the card the first left.
        if not isinstance(widget_state.state_of(item), TaskFormState):
            raise Refusal(ALREADY_SUBMITTED)
        return task_commands.create_task(user=context.user, fields=fields, form=payload)

    return await _replace_sender(
        store=store,
        thread=thread,
        sender=sender,
        context=context,
        run=create_once,
        refused=ALREADY_SUBMITTED,
        streamed=streamed,
    )


class UnknownAction(Exception):
    """Not a refusal of a known request but a request the chat has no handler for."""


async def _run(
    *,
    store: DjangoStore,
    thread: ThreadMetadata,
    action: Action[str, Any],
    sender: WidgetItem | None,
    context: ChatContext,
    streamed: bool,
) -> list[ThreadStreamEvent]:
    """The events that show the action's outcome; Refusal when it changes nothing."""
    payload = action.payload
    if action.type in TRANSITION_ACTIONS:
        return await _transition(
            action=TRANSITION_ACTIONS[action.type],
            payload=payload,
            sender=sender,
            thread=thread,
            store=store,
            context=context,
            streamed=streamed,
        )
    if action.type == CREATE_ACTION:
        return await _create(
            payload=payload,
            sender=sender,
            thread=thread,
            store=store,
            context=context,
            streamed=streamed,
        )
    if action.type == SELECT_ACTION:
        outcome = await sync_to_async(task_commands.select_task)(
            user=context.user, task_id=payload_task_id(payload)
        )
        return outcome_events(
            outcome, store=store, thread=thread, replaced=None, context=context, streamed=streamed
        )
    raise UnknownAction(f"The action “{action.type}” is not supported.")


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
        events = await _run(
            store=store, thread=thread, action=action, sender=sender, context=context, streamed=True
        )
    except UnknownAction as exc:
        # An error event, and nothing stored in the thread.
        raise CustomStreamError(str(exc)) from None
    except Refusal as exc:
        logger.info("Refused %s in thread %s: %s", action.type, thread.id, exc)
        yield assistant_message(store=store, thread=thread, context=context, text=str(exc))
        return
    for event in events:
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
        events = await _run(
            store=store,
            thread=thread,
            action=action,
            sender=sender,
            context=context,
            streamed=False,
        )
    except (UnknownAction, Refusal) as exc:
        logger.info("Refused sync %s in thread %s: %s", action.type, thread.id, exc)
        raise ValueError(str(exc)) from None
    # Stored as chatkit stores a streamed action's items (those the action's own
    # transaction wrote are recognised and not written again).
    updated = None
    for event in events:
        if isinstance(event, ThreadItemDoneEvent):
            await store.add_thread_item(thread.id, event.item, context)
        elif isinstance(event, ThreadItemReplacedEvent):
            updated = event.item
            await store.save_item(thread.id, updated, context)
    return SyncCustomActionResponse(updated_item=updated)
