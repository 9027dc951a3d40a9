"""Helpers for tests that drive task widgets over `POST /chatkit`."""

from typing import Any

from chatkit.types import (
    ClientEffectEvent,
    ErrorEvent,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadStreamEvent,
    WidgetItem,
)

from chatkit_app.widgets import widget_nodes
from tests.chatkit.protocol import ChatClient, assistant_texts, decode_sse, of_type

__all__ = ["assistant_texts", "of_type"]


def streamed_widgets(events: list[ThreadStreamEvent]) -> list[WidgetItem]:
    return [
        event.item
        for event in events
        if isinstance(event, ThreadItemDoneEvent) and isinstance(event.item, WidgetItem)
    ]


def replaced_widgets(events: list[ThreadStreamEvent]) -> list[WidgetItem]:
    return [event.item for event in of_type(events, ThreadItemReplacedEvent)]


def effects(events: list[ThreadStreamEvent]) -> list[tuple[str, dict]]:
    return [(event.name, event.data) for event in of_type(events, ClientEffectEvent)]


def errors(events: list[ThreadStreamEvent]) -> list[ErrorEvent]:
    return of_type(events, ErrorEvent)


def tree(item: WidgetItem) -> dict:
    return item.widget.model_dump(mode="json", exclude_none=True)


def buttons(item: WidgetItem) -> list[tuple[str, str, Any]]:
    """(label, action type, payload) of every button in the widget."""
    return [
        (node.get("label"), node["onClickAction"]["type"], node["onClickAction"].get("payload"))
        for node in widget_nodes(tree(item))
        if node.get("type") == "Button" and "onClickAction" in node
    ]


def task_buttons(item: WidgetItem, task_id: int) -> list[str]:
    """The action types of the buttons acting on one task."""
    return [
        action
        for _, action, payload in buttons(item)
        if isinstance(payload, dict) and payload.get("task_id") == task_id
    ]


def listed_task_ids(item: WidgetItem) -> list[int]:
    return [
        int(node["key"][5:])
        for node in widget_nodes(tree(item))
        if isinstance(node.get("key"), str) and node["key"].startswith("task-")
    ]


def texts(item: WidgetItem) -> list[str]:
    return [
        node["value"] for node in widget_nodes(tree(item)) if isinstance(node.get("value"), str)
    ]


async def act(
    chat: ChatClient, thread_id: str, item_id: str | None, action_type: str, payload: Any
) -> list[ThreadStreamEvent]:
    """Press a widget button (or submit a form): `threads.custom_action`."""
    return await chat.stream(
        "threads.custom_action",
        thread_id=thread_id,
        item_id=item_id,
        action={"type": action_type, "payload": payload},
    )


async def act_raw(
    chat: ChatClient, thread_id: str, item_id: str | None, action_type: str, payload: Any
):
    """The same request, for answers that are not a successful stream."""
    response = await chat.post(
        {
            "type": "threads.custom_action",
            "params": {
                "thread_id": thread_id,
                "item_id": item_id,
                "action": {"type": action_type, "payload": payload},
            },
        }
    )
    if response.streaming:
        body = b"".join([chunk async for chunk in response.streaming_content])
        return response.status_code, decode_sse(body)
    return response.status_code, response.content


def tag(entity_id: str, text: str, **data: Any) -> dict:
    return {"type": "input_tag", "id": entity_id, "text": text, "data": data, "interactive": True}


async def say_parts(
    chat: ChatClient, thread_id: str | None, parts: list[dict], *, tool: str | None = None
) -> tuple[str, list[ThreadStreamEvent]]:
    """A user message made of text and tag parts, in a new thread when `thread_id` is None."""
    user_input = {
        "content": parts,
        "attachments": [],
        "inference_options": {"tool_choice": {"id": tool} if tool else None},
    }
    if thread_id is None:
        events = await chat.stream("threads.create", input=user_input)
        return events[0].thread.id, events
    events = await chat.stream("threads.add_user_message", thread_id=thread_id, input=user_input)
    return thread_id, events
