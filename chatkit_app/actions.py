"""Widget actions handled by the server: task moves, the new-task form, task selection.

- `task.start`, `task.submit`, `task.approve`, `task.reject`, `task.reopen` with
  `{"task_id": int}`: transition through the service (source `widget`), re-render the
  sender widget from the database, add hidden context for the model, stream a short
  message and the client effect `tasks.changed`.
- `task.create` with the form's fields: create the task; the form is replaced by the
  task card, or re-rendered with the field errors.
- `task.select` with `{"task_id": int}`: hidden context "the user selected task N".

Nothing in a payload is trusted: its shape is checked, the task is reloaded, the
sender widget must belong to the thread and show that task, and the service layer
checks status and permission. A refusal changes nothing and says why in the chat.
"""

import html
import logging
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

from asgiref.sync import sync_to_async
from chatkit.actions import Action
from chatkit.errors import CustomStreamError
from chatkit.store import Store
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ClientEffectEvent,
    HiddenContextItem,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    WidgetItem,
)
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from chatkit_app import widgets
from chatkit_app.context import ChatContext
from taskboard import selectors, services
from taskboard.models import Task, TaskEvent
from taskboard.schemas import user_display_name
from taskboard.transitions import TRANSITIONS

logger = logging.getLogger(__name__)

TASKS_CHANGED = "tasks.changed"
TRANSITION_ACTIONS = {f"task.{name}": name for name in TRANSITIONS}
CREATE_ACTION = "task.create"
SELECT_ACTION = "task.select"
FIELD_LABELS = {
    "title": "Title",
    "description": "Description",
    "priority": "Priority",
    "due_date": "Due date",
    "assignee_id": "Assignee",
}


class Refusal(Exception):
    """An action that cannot be carried out; the message is shown to the user."""


# Events


def assistant_message(
    *, store: Store, thread: ThreadMetadata, context: ChatContext, text: str
) -> ThreadItemDoneEvent:
    return ThreadItemDoneEvent(
        item=AssistantMessageItem(
            id=store.generate_item_id("message", thread, context),
            thread_id=thread.id,
            created_at=timezone.now(),
            content=[AssistantMessageContent(text=text)],
        )
    )


def hidden_context(
    *, store: Store, thread: ThreadMetadata, context: ChatContext, content: str
) -> ThreadItemDoneEvent:
    """A note for the model's next turn; the server stores it and never sends it to the client."""
    return ThreadItemDoneEvent(
        item=HiddenContextItem(
            id=store.generate_item_id("message", thread, context),
            thread_id=thread.id,
            created_at=timezone.now(),
            content=content,
        )
    )


def validation_messages(exc: ValidationError) -> str:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    parts = []
    for field, messages in errors.items():
        label = FIELD_LABELS.get(field)
        text = " ".join(messages)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


# Payloads


def payload_task_id(payload: Any) -> int:
    """The `task_id` of a `{"task_id": int}` payload; Refusal for any other shape."""
    task_id = payload.get("task_id") if isinstance(payload, dict) else None
    if type(task_id) is not int or not 0 < task_id < 2**63:
        raise Refusal("That button sent a malformed request (no task number); nothing changed.")
    return task_id


def parse_due_date(value: Any) -> date | None:
    """A date from "YYYY-MM-DD" or an ISO date-time (what date pickers send); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    raise ValidationError({"due_date": "Enter a date as YYYY-MM-DD."})


def parse_form(payload: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The task fields a form submission carries, and the errors of any that are malformed."""
    if not isinstance(payload, dict):
        raise Refusal("The form sent a malformed request; nothing was created.")
    fields: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    title = payload.get("title")
    if not isinstance(title, str) or not title.strip():
        errors["title"] = ["Give the task a title."]
    else:
        fields["title"] = title.strip()

    description = payload.get("description")
    if description is None:
        description = ""
    if not isinstance(description, str):
        errors["description"] = ["The description must be text."]
    else:
        fields["description"] = description

    priority = payload.get("priority") or Task.Priority.MEDIUM
    if priority in Task.Priority.values:
        fields["priority"] = priority
    else:
        errors["priority"] = ["Choose low, medium or high."]

    try:
        fields["due_date"] = parse_due_date(payload.get("due_date"))
    except ValidationError as exc:
        errors.update(exc.message_dict)

    assignee = payload.get("assignee_id")
    if assignee is None or assignee == "":
        fields["assignee_id"] = None
    elif type(assignee) is int and assignee > 0:
        fields["assignee_id"] = assignee
    elif isinstance(assignee, str) and assignee.isascii() and assignee.isdigit():
        fields["assignee_id"] = int(assignee)
    else:
        errors["assignee_id"] = ["Choose a person from the list."]
    return fields, errors


# Widgets


def widget_json(item: WidgetItem) -> dict:
    return item.widget.model_dump(mode="json", exclude_none=True)


def widget_task_ids(tree: dict) -> list[int]:
    """The tasks a task list or task card shows, in order."""
    ids: list[int] = []
    for node in widgets.widget_nodes(tree):
        key = node.get("key")
        if isinstance(key, str) and key.startswith("task-") and key[5:].isdigit():
            task_id = int(key[5:])
            if task_id not in ids:
                ids.append(task_id)
    return ids


def is_task_form(tree: dict) -> bool:
    return any(
        node.get("type") == "Form"
        and isinstance(node.get("onSubmitAction"), dict)
        and node["onSubmitAction"].get("type") == CREATE_ACTION
        for node in widgets.widget_nodes(tree)
    )


def _keyed_child(tree: dict, key: str) -> dict | None:
    for child in tree.get("children") or []:
        if isinstance(child, dict) and child.get("key") == key:
            return child
    return None


def rebuild_widget(tree: dict, user: AbstractBaseUser, *, note: str = ""):
    """The sender widget (a task list or card) re-rendered from the database, or None."""
    ids = widget_task_ids(tree)
    if not ids:
        return None
    found = {task.pk: task for task in Task.objects.select_related("assignee").filter(pk__in=ids)}
    if tree.get("type") == "Card":
        task = found.get(ids[0])
        return None if task is None else widgets.build_task_card(task, user, note=note)
    if tree.get("type") != "ListView":
        return None
    status = tree.get("status")
    title = status.get("text") if isinstance(status, dict) else None
    note_item = _keyed_child(tree, "note")
    list_note = ""
    if note_item:
        list_note = str((note_item.get("children") or [{}])[0].get("value", ""))
    more_status, next_offset = None, None
    more_item = _keyed_child(tree, "more")
    if more_item:
        for node in widgets.widget_nodes(more_item):
            action = node.get("onClickAction")
            if isinstance(action, dict) and isinstance(action.get("payload"), dict):
                offset = action["payload"].get("offset")
                candidate = action["payload"].get("status")
                if type(offset) is int and offset > 0:
                    next_offset = offset
                if candidate in Task.Status.values:
                    more_status = candidate
    return widgets.build_task_list(
        tasks=[found[task_id] for task_id in ids if task_id in found],
        user=user,
        title=title if isinstance(title, str) and title else "Tasks",
        status=more_status,
        next_offset=next_offset,
        note=list_note,
    )


def _require_sender(sender: WidgetItem | None, thread: ThreadMetadata) -> WidgetItem:
    if not isinstance(sender, WidgetItem) or sender.thread_id != thread.id:
        raise Refusal(
            "That button does not belong to a widget in this conversation; nothing changed."
        )
    return sender


# Handlers


def _store_widget(*, thread_id: str, item_id: str, user: AbstractBaseUser, widget) -> None:
    from chatkit_app.models import ChatItem

    row = ChatItem.objects.filter(
        thread_id=thread_id, thread__owner_id=user.pk, item_id=item_id
    ).first()
    if row is not None:
        row.data = {**row.data, "widget": widget.model_dump(mode="json", exclude_none=True)}
        row.save(update_fields=["data"])


def _transition(*, sender: WidgetItem, task_id: int, action: str, user: AbstractBaseUser) -> dict:
    """Apply the move (or learn why not) and re-render the sender from the database.

    The re-rendered widget is stored in the move's transaction: a client that hangs
    up while the move is being written still finds, in its thread, the buttons that
    now apply.
    """
    tree = widget_json(sender)
    if task_id not in widget_task_ids(tree):
        raise Refusal(f"Task #{task_id} is not on that widget; nothing changed.")
    with transaction.atomic():
        try:
            task = services.task_transition(
                task_id=task_id, action=action, actor=user, source=TaskEvent.Source.WIDGET
            )
        except services.TaskError as exc:
            return {"error": exc.message, "widget": rebuild_widget(tree, user)}
        note = f"{TRANSITIONS[action].done_label} by {user_display_name(user)}."
        widget = rebuild_widget(tree, user, note=note)
        if widget is not None:
            _store_widget(thread_id=sender.thread_id, item_id=sender.id, user=user, widget=widget)
    return {"task": task, "widget": widget}


async def handle_transition(
    *,
    store: Store,
    thread: ThreadMetadata,
    action_type: str,
    payload: Any,
    sender: WidgetItem | None,
    context: ChatContext,
) -> AsyncIterator[ThreadStreamEvent]:
    action = TRANSITION_ACTIONS[action_type]
    task_id = payload_task_id(payload)
    sender = _require_sender(sender, thread)
    result = await sync_to_async(_transition)(
        sender=sender, task_id=task_id, action=action, user=context.user
    )
    if result["widget"] is not None:
        yield ThreadItemReplacedEvent(item=sender.model_copy(update={"widget": result["widget"]}))
    if "error" in result:
        yield assistant_message(
            store=store, thread=thread, context=context, text=f"{result['error']} Nothing changed."
        )
        return
    task: Task = result["task"]
    status = task.get_status_display().lower()
    yield hidden_context(
        store=store,
        thread=thread,
        context=context,
        content=(
            f'<TASK_ACTION action="{action}" task_id="{task.pk}" source="widget">'
            f"{html.escape(user_display_name(context.user))} pressed {TRANSITIONS[action].label} "
            f"on task #{task.pk} “{html.escape(task.title)}”; it is now {status}."
            "</TASK_ACTION>"
        ),
    )
    yield assistant_message(
        store=store,
        thread=thread,
        context=context,
        text=f"{TRANSITIONS[action].done_label} #{task.pk} “{task.title}”. It is now {status}.",
    )
    yield ClientEffectEvent(
        name=TASKS_CHANGED, data={"task_id": task.pk, "status": task.status, "action": action}
    )


def _create_from_form(
    *, thread_id: str, item_id: str, fields: dict[str, Any], user: AbstractBaseUser
) -> tuple[Task, Any]:
    """Create the task and turn the stored form into its card, once per form.

    The form's row is locked for the duration, so a double submission creates one
    task: the second finds a card where the form was and is refused.
    """
    from chatkit_app.models import ChatItem

    with transaction.atomic():
        row = (
            ChatItem.objects.select_for_update(of=("self",))
            .filter(thread_id=thread_id, thread__owner_id=user.pk, item_id=item_id)
            .first()
        )
        if row is None or not is_task_form(row.data.get("widget") or {}):
            raise Refusal("That form was already submitted; nothing new was created.")
        task = services.task_create(actor=user, **fields)
        task = selectors.task_get(task_id=task.pk)
        card = widgets.build_task_card(task, user, note=f"Created by {user_display_name(user)}.")
        row.data = {**row.data, "widget": card.model_dump(mode="json", exclude_none=True)}
        row.save(update_fields=["data"])
    return task, card


def _form_with_errors(payload: Any, errors: dict[str, Any]):
    from chatkit_app.tools import form_widget

    values = payload if isinstance(payload, dict) else {}
    return form_widget(values=values, errors=errors)


async def handle_create(
    *,
    store: Store,
    thread: ThreadMetadata,
    payload: Any,
    sender: WidgetItem | None,
    context: ChatContext,
) -> AsyncIterator[ThreadStreamEvent]:
    sender = _require_sender(sender, thread)
    if not is_task_form(widget_json(sender)):
        raise Refusal("That form was already submitted; nothing new was created.")
    fields, errors = parse_form(payload)
    task = None
    if not errors:
        try:
            task, card = await sync_to_async(_create_from_form)(
                thread_id=thread.id, item_id=sender.id, fields=fields, user=context.user
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"form": exc.messages}
    if task is None:
        form = await sync_to_async(_form_with_errors)(payload, errors)
        yield ThreadItemReplacedEvent(item=sender.model_copy(update={"widget": form}))
        summary = validation_messages(ValidationError(errors))
        yield assistant_message(
            store=store,
            thread=thread,
            context=context,
            text=f"The task was not created. {summary} Fix the form and press Create task again.",
        )
        return
    yield ThreadItemReplacedEvent(item=sender.model_copy(update={"widget": card}))
    yield hidden_context(
        store=store,
        thread=thread,
        context=context,
        content=(
            f'<TASK_ACTION action="create" task_id="{task.pk}" source="widget">'
            f"The user created task #{task.pk} “{html.escape(task.title)}” with the form."
            "</TASK_ACTION>"
        ),
    )
    yield assistant_message(
        store=store,
        thread=thread,
        context=context,
        text=f"Created #{task.pk} “{task.title}”. It is in To do; press Start when work begins.",
    )
    yield ClientEffectEvent(
        name=TASKS_CHANGED, data={"task_id": task.pk, "status": task.status, "action": "create"}
    )


async def handle_select(
    *, store: Store, thread: ThreadMetadata, payload: Any, context: ChatContext
) -> AsyncIterator[ThreadStreamEvent]:
    task_id = payload_task_id(payload)
    task = await sync_to_async(selectors.task_get)(task_id=task_id)
    if task is None:
        raise Refusal(f"Task #{task_id} does not exist.")
    yield hidden_context(
        store=store,
        thread=thread,
        context=context,
        content=(
            f'<TASK_SELECTED task_id="{task.pk}">The user selected task #{task.pk} '
            f"“{html.escape(task.title)}” on the board.</TASK_SELECTED>"
        ),
    )


async def handle_action(
    *,
    store: Store,
    thread: ThreadMetadata,
    action: Action[str, Any],
    sender: WidgetItem | None,
    context: ChatContext,
) -> AsyncIterator[ThreadStreamEvent]:
    """Everything `ChatKitServer.action()` streams for one widget action."""
    payload = action.payload
    try:
        if action.type in TRANSITION_ACTIONS:
            events = handle_transition(
                store=store,
                thread=thread,
                action_type=action.type,
                payload=payload,
                sender=sender,
                context=context,
            )
        elif action.type == CREATE_ACTION:
            events = handle_create(
                store=store, thread=thread, payload=payload, sender=sender, context=context
            )
        elif action.type == SELECT_ACTION:
            events = handle_select(store=store, thread=thread, payload=payload, context=context)
        else:
            # Not a refusal of a known request but a request the chat has no handler
            # for: an error event, and nothing stored in the thread.
            raise CustomStreamError(f"The action “{action.type}” is not supported.")
        async for event in events:
            yield event
    except Refusal as exc:
        logger.info("Refused %s in thread %s: %s", action.type, thread.id, exc)
        yield assistant_message(store=store, thread=thread, context=context, text=str(exc))
