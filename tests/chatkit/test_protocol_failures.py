"""Model failures and client disconnects leave the thread consistent."""

import asyncio
import json
import logging
import socket
import threading
import time

import pytest
from agents.testing import ModelStep, ScriptedModel
from asgiref.sync import sync_to_async
from chatkit.types import ErrorEvent, ThreadItemDoneEvent, UserMessageItem, WidgetItem
from openai.types.responses import (
    ResponseContentPartAddedEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseTextDeltaEvent,
)

from chatkit_app.models import ChatItem
from chatkit_app.server import MODEL_FAILED
from taskboard import services

# Imported up front: building the ASGI app runs django.setup(), which reconfigures
# logging and would drop pytest's log capture if it happened inside a test.
from taskboard.asgi import application
from taskboard.models import Task, TaskEvent
from tests.chatkit.protocol import CSRF_TOKEN, assistant_texts, of_type, user_input
from tests.chatkit.task_chat import streamed_widgets, task_buttons
from tests.factories import make_task

pytestmark = pytest.mark.django_db(transaction=True)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def item_types(thread_id: str) -> list[str]:
    return [
        item.type
        async for item in ChatItem.objects.filter(thread_id=thread_id).order_by("created_at", "id")
    ]


async def test_unreachable_model_becomes_a_retryable_error_event(chat, chat_server, settings):
    thread_id, _ = await chat.create_thread("hello")
    # A real OpenAI client pointed at a port nobody listens on.
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = f"http://127.0.0.1:{closed_port()}/v1"
    settings.CHATKIT_MODEL = "gpt-test"

    events = await chat.say(thread_id, "help")

    errors = of_type(events, ErrorEvent)
    assert len(errors) == 1
    assert errors[0].message == MODEL_FAILED
    assert errors[0].allow_retry is True
    assert assistant_texts(events) == []
    assert await item_types(thread_id) == ["user_message", "assistant_message", "user_message"]

    # The user retries once the model is back.
    settings.CHATKIT_MODEL = "offline"
    (failed,) = [
        e.item for e in of_type(events, ThreadItemDoneEvent) if isinstance(e.item, UserMessageItem)
    ]
    retried = await chat.stream("threads.retry_after_item", thread_id=thread_id, item_id=failed.id)

    assert assistant_texts(retried)[0].startswith("Here is what I understand:")
    assert await item_types(thread_id) == [
        "user_message",
        "assistant_message",
        "user_message",
        "assistant_message",
    ]


async def test_a_model_exception_becomes_a_retryable_error_event(chat, chat_server):
    thread_id, _ = await chat.create_thread("hello")
    chat_server.model = ScriptedModel([RuntimeError("model exploded")])

    events = await chat.say(thread_id, "hello")

    (error,) = of_type(events, ErrorEvent)
    assert (error.message, error.allow_retry) == (MODEL_FAILED, True)
    assert b"exploded" not in json.dumps([e.model_dump(mode="json") for e in events]).encode()


class StalledAnswer:
    """A model stream that writes half an answer and then never finishes."""

    def __init__(self) -> None:
        self.closed = asyncio.Event()

    async def __call__(self, call):
        message = ResponseOutputMessage(
            id="msg_partial", type="message", role="assistant", status="in_progress", content=[]
        )
        try:
            yield ResponseOutputItemAddedEvent(
                type="response.output_item.added", item=message, output_index=0, sequence_number=0
            )
            yield ResponseContentPartAddedEvent(
                type="response.content_part.added",
                item_id="msg_partial",
                output_index=0,
                content_index=0,
                part=ResponseOutputText(type="output_text", text="", annotations=[]),
                sequence_number=1,
            )
            yield ResponseTextDeltaEvent(
                type="response.output_text.delta",
                item_id="msg_partial",
                output_index=0,
                content_index=0,
                delta="Half an ans",
                logprobs=[],
                sequence_number=2,
            )
            await asyncio.Event().wait()
        finally:
            self.closed.set()


async def post_and_disconnect(
    chat, body: dict, *, after: bytes = b"", hang_up: asyncio.Event | None = None
) -> tuple[int | None, dict, bytes]:
    """POST through the project's ASGI app and hang up once `after` has been streamed
    (or once `hang_up` is set); status None when it hung up before any answer."""
    raw = json.dumps(body).encode()
    session = chat.client.cookies["sessionid"].value
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/chatkit",
        "raw_path": b"/chatkit",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(raw)).encode()),
            (b"cookie", f"sessionid={session}; csrftoken={CSRF_TOKEN}".encode()),
            (b"x-csrftoken", CSRF_TOKEN.encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    by_event = hang_up is not None
    hang_up = hang_up or asyncio.Event()
    sent: list[dict] = []
    body_sent = False

    async def receive():
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        await hang_up.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        streamed = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        if not by_event and after in streamed:
            hang_up.set()

    await asyncio.wait_for(application(scope, receive, send), timeout=20)
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    if start is None:
        return None, {}, b""
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    streamed = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, streamed


async def test_disconnect_mid_answer_stores_no_half_written_item(chat, chat_server, caplog):
    thread_id, _ = await chat.create_thread("hello")
    stalled = StalledAnswer()
    chat_server.model = ScriptedModel([ModelStep.stream(stalled)])
    caplog.set_level(logging.INFO)
    caplog.clear()

    status, headers, streamed = await post_and_disconnect(
        chat,
        {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread_id, "input": user_input("tell me a story")},
        },
        after=b"Half an ans",
    )

    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")
    assert headers["cache-control"] == "no-cache"
    assert headers["x-accel-buffering"] == "no"
    assert b"Half an ans" in streamed
    # The model stream was stopped, not left running.
    await asyncio.wait_for(stalled.closed.wait(), timeout=5)

    # The question is kept, the half answer is not; a hidden note records the cut.
    assert await item_types(thread_id) == [
        "user_message",
        "assistant_message",
        "user_message",
        "sdk_hidden_context",
    ]
    assert not await ChatItem.objects.filter(item_id="msg_partial").aexists()

    app_records = [r for r in caplog.records if r.name.startswith("chatkit_app")]
    assert [r.getMessage() for r in app_records] == [
        f"Chat stream closed by the client before the end "
        f"(threads.add_user_message, thread {thread_id})"
    ]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []

    # The thread carries on normally.
    chat_server.model = None
    events = await chat.say(thread_id, "hello")
    assert assistant_texts(events) == [
        "Hello! I can help with the task board. Type `help` to see how."
    ]
    status, page = await chat.call("items.list", thread_id=thread_id, order="asc")
    assert [item["type"] for item in page["data"]] == [
        "user_message",
        "assistant_message",
        "user_message",
        "user_message",
        "assistant_message",
    ]


async def test_disconnect_while_a_widget_action_writes_keeps_task_and_widget_agreeing(
    chat, monkeypatch
):
    task = await sync_to_async(make_task)(title="Cut off mid-click")
    thread_id, events = await chat.create_thread(f"show #{task.pk}")
    [card] = streamed_widgets(events)
    assert task_buttons(card, task.pk) == ["task.start"]

    # The client hangs up while the move is being written on the ORM's thread: the
    # request is cancelled there, the thread's work is not.
    loop = asyncio.get_running_loop()
    hang_up = asyncio.Event()
    wrote = threading.Event()
    transition = services.task_transition

    def slow_transition(**kwargs):
        loop.call_soon_threadsafe(hang_up.set)
        time.sleep(0.5)
        try:
            return transition(**kwargs)
        finally:
            wrote.set()

    monkeypatch.setattr(services, "task_transition", slow_transition)
    _, _, streamed = await post_and_disconnect(
        chat,
        {
            "type": "threads.custom_action",
            "params": {
                "thread_id": thread_id,
                "item_id": card.id,
                "action": {"type": "task.start", "payload": {"task_id": task.pk}},
            },
        },
        hang_up=hang_up,
    )
    assert b"thread.item.replaced" not in streamed  # cut off before the new widget
    assert await asyncio.to_thread(wrote.wait, 10)
    await asyncio.sleep(0.3)  # the rest of the thread's transaction

    # The move happened once, with its event...
    await task.arefresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS
    assert [
        (e.from_status, e.to_status, e.source)
        async for e in TaskEvent.objects.filter(task=task).order_by("id")
    ] == [("todo", "in_progress", "widget")]
    # ...and the card stored in the thread shows the buttons that now apply.
    row = await ChatItem.objects.aget(thread_id=thread_id, item_id=card.id)
    stored = WidgetItem.model_validate(row.data)
    assert task_buttons(stored, task.pk) == ["task.submit"]

    # Pressing the old button again, from the reloaded thread, changes nothing more.
    monkeypatch.setattr(services, "task_transition", transition)
    again = await chat.stream(
        "threads.custom_action",
        thread_id=thread_id,
        item_id=card.id,
        action={"type": "task.start", "payload": {"task_id": task.pk}},
    )
    assert any("is in progress" in text for text in assistant_texts(again))
    assert await TaskEvent.objects.filter(task=task).acount() == 1
