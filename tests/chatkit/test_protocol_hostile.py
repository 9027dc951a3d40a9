"""Hostile input to `POST /chatkit` gets the same clear answer on SQLite and PostgreSQL.

Each case here once reached a 500 (mostly on PostgreSQL, which cannot store NUL) or a
partial write: NUL in a message, a title, an id or a form field; a title longer than its
column; a retry after an item that is not there. Expected refusals are logged on one line
without a traceback; items in the stream carry their time zone like `items.list`.
"""

import logging
from datetime import datetime

import pytest
from asgiref.sync import sync_to_async
from chatkit.types import (
    ThreadCreatedEvent,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadUpdatedEvent,
    UserMessageItem,
    WidgetItem,
)

from chatkit_app.models import ChatItem, ChatThread
from chatkit_app.widgets import widget_nodes

# Imported up front: building the ASGI app runs django.setup(), which reconfigures
# logging and would drop pytest's log capture if it happened inside a test.
from taskboard.asgi import application  # noqa: F401
from taskboard.models import Task, TaskEvent
from tests.chatkit.protocol import assistant_texts, decode_sse, of_type, user_input
from tests.chatkit.task_chat import act, replaced_widgets, streamed_widgets, texts, tree
from tests.factories import make_task

pytestmark = pytest.mark.django_db(transaction=True)

NUL = "\x00"


async def snapshot() -> tuple:
    """Every thread and item row, to compare before and after a refused request."""
    threads = [t async for t in ChatThread.objects.order_by("id").values_list("id", "title")]
    items = [i async for i in ChatItem.objects.order_by("id").values_list("item_id", "data")]
    return threads, items, await Task.objects.acount()


async def refused(chat, body: dict) -> tuple[int, str]:
    response = await chat.post(body)
    assert not response.streaming, "a refused request must not start a stream"
    return response.status_code, response.json()["error"]


# --- NUL, which PostgreSQL cannot store --------------------------------------------


async def test_nul_in_a_new_thread_is_refused_and_leaves_no_thread(chat):
    status, message = await refused(
        chat, {"type": "threads.create", "params": {"input": user_input(f"hello{NUL}there")}}
    )

    assert status == 400
    assert "params.input.content.0.text" in message
    assert "NUL" in message
    assert await ChatThread.objects.acount() == 0
    assert await ChatItem.objects.acount() == 0


async def test_nul_in_create_task_reaches_no_tool_and_creates_nothing(chat):
    status, message = await refused(
        chat, {"type": "threads.create", "params": {"input": user_input(f"create task a{NUL}b")}}
    )

    assert status == 400
    assert "text" in message
    assert await Task.objects.acount() == 0
    assert await ChatThread.objects.acount() == 0


async def test_nul_in_a_message_is_refused_and_the_thread_is_unchanged(chat):
    thread_id, _ = await chat.create_thread("hello")
    before = await snapshot()

    status, message = await refused(
        chat,
        {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread_id, "input": user_input(f"find {NUL}")},
        },
    )

    assert status == 400
    assert "params.input.content.0.text" in message
    assert await snapshot() == before


async def test_nul_in_a_thread_title_is_refused(chat):
    thread_id, _ = await chat.create_thread("hello")
    before = await snapshot()

    status, message = await refused(
        chat, {"type": "threads.update", "params": {"thread_id": thread_id, "title": f"a{NUL}"}}
    )

    assert status == 400
    assert "params.title" in message
    assert await snapshot() == before


@pytest.mark.parametrize("field", ["thread_id", "item_id"])
async def test_nul_in_an_id_is_refused_not_a_500(chat, field):
    thread_id, _ = await chat.create_thread("hello")
    params = {"thread_id": thread_id, "item_id": "msg_1"} | {field: f"x{NUL}"}

    status, message = await refused(chat, {"type": "threads.retry_after_item", "params": params})

    assert status == 400
    assert f"params.{field}" in message


async def test_nul_in_a_feedback_item_id_is_refused(chat):
    thread_id, _ = await chat.create_thread("hello")

    status, message = await refused(
        chat,
        {
            "type": "items.feedback",
            "params": {"thread_id": thread_id, "item_ids": [f"x{NUL}"], "kind": "positive"},
        },
    )

    assert status == 400
    assert "params.item_ids.0" in message


# --- titles longer than the column --------------------------------------------------


async def test_a_title_over_500_characters_is_refused_naming_the_title(chat):
    thread_id, _ = await chat.create_thread("hello")
    before = await snapshot()

    status, message = await refused(
        chat, {"type": "threads.update", "params": {"thread_id": thread_id, "title": "t" * 501}}
    )

    assert status == 400
    assert "title" in message
    assert "500" in message
    assert await snapshot() == before


async def test_a_title_of_500_characters_is_stored_exactly(chat):
    thread_id, _ = await chat.create_thread("hello")
    title = "ü" * 499 + "🚀"

    status, thread = await chat.call("threads.update", thread_id=thread_id, title=title)

    assert status == 200
    assert thread["title"] == title
    assert (await ChatThread.objects.aget(id=thread_id)).title == title


# --- the task form widget -------------------------------------------------------------


@pytest.mark.parametrize(("field", "label"), [("title", "Title"), ("description", "Description")])
async def test_nul_in_a_form_field_rerenders_the_form_with_the_field_error(chat, field, label):
    thread_id, events = await chat.create_thread("new task")
    [form] = streamed_widgets(events)
    payload = {"title": "Fine", "description": "", "priority": "medium"}
    payload[field] = f"before{NUL}after"

    events = await act(chat, thread_id, form.id, "task.create", payload)

    assert await Task.objects.acount() == 0
    [again] = replaced_widgets(events)
    assert "control characters" in " ".join(texts(again))
    [error_caption] = [
        node
        for node in widget_nodes(tree(again))
        if node.get("type") == "Caption" and node.get("color") == "danger"
    ]
    assert "control characters" in error_caption["value"]
    [said] = assistant_texts(events)
    assert said.startswith("The task was not created.")
    assert f"{label}:" in said
    # The form is stored as re-rendered, so a reload shows it with its error.
    row = await ChatItem.objects.aget(thread_id=thread_id, item_id=form.id)
    assert "control characters" in str(row.data)


@pytest.mark.parametrize("due_date", [f"2026-01-01{NUL}", NUL, 20260101])
async def test_a_hostile_due_date_in_the_form_is_a_field_error(chat, due_date):
    thread_id, events = await chat.create_thread("new task")
    [form] = streamed_widgets(events)

    events = await act(
        chat, thread_id, form.id, "task.create", {"title": "Fine", "due_date": due_date}
    )

    assert await Task.objects.acount() == 0
    [said] = assistant_texts(events)
    assert "Due date:" in said


# --- retry after an unknown item -------------------------------------------------------


async def retry(chat, thread_id: str, item_id: str):
    return await chat.post(
        {"type": "threads.retry_after_item", "params": {"thread_id": thread_id, "item_id": item_id}}
    )


async def test_retry_after_an_unknown_item_is_404_and_changes_nothing(chat):
    thread_id, _ = await chat.create_thread("hello")
    before = await snapshot()

    response = await retry(chat, thread_id, "msg_does_not_exist")

    assert response.status_code == 404
    assert response.json() == {"error": "Not found."}
    assert await snapshot() == before


async def test_retry_after_another_users_item_is_404_and_changes_nothing(chat, other_chat):
    other_thread, _ = await other_chat.create_thread("private")
    other_item = await ChatItem.objects.filter(thread_id=other_thread).afirst()
    mine, _ = await chat.create_thread("hello")
    before = await snapshot()

    for thread_id in (mine, other_thread):
        response = await retry(chat, thread_id, other_item.item_id)
        assert response.status_code == 404

    assert await snapshot() == before


async def test_retry_after_an_assistant_message_is_400_and_changes_nothing(chat):
    thread_id, _ = await chat.create_thread("hello")
    answer = await ChatItem.objects.filter(thread_id=thread_id, type="assistant_message").afirst()
    before = await snapshot()

    response = await retry(chat, thread_id, answer.item_id)

    assert response.status_code == 400
    assert "not a user message" in response.json()["error"]
    assert await snapshot() == before


async def test_retry_after_a_user_message_still_answers(chat):
    thread_id, events = await chat.create_thread("hello")
    [question] = [
        e.item for e in of_type(events, ThreadItemDoneEvent) if isinstance(e.item, UserMessageItem)
    ]

    events = await chat.stream("threads.retry_after_item", thread_id=thread_id, item_id=question.id)

    assert assistant_texts(events)


# --- time zones in the stream -------------------------------------------------------


def stamps(events) -> list[datetime]:
    found = []
    for event in events:
        if isinstance(event, ThreadCreatedEvent | ThreadUpdatedEvent):
            found.append(event.thread.created_at)
        elif isinstance(
            event, ThreadItemAddedEvent | ThreadItemDoneEvent | ThreadItemReplacedEvent
        ):
            found.append(event.item.created_at)
    return found


async def test_items_in_the_stream_carry_a_time_zone_like_items_list(chat):
    response = await chat.post({"type": "threads.create", "params": {"input": user_input("help")}})
    body = b"".join([chunk async for chunk in response.streaming_content])
    events = decode_sse(body)
    thread_id = events[0].thread.id
    streamed = stamps(events)
    assert len(streamed) >= 3
    assert all(stamp.tzinfo is not None for stamp in streamed), streamed

    status, page = await chat.call("items.list", thread_id=thread_id, order="asc")
    assert status == 200
    listed = {item["id"]: datetime.fromisoformat(item["created_at"]) for item in page["data"]}
    assert all(stamp.tzinfo is not None for stamp in listed.values())
    done = {e.item.id: e.item.created_at for e in of_type(events, ThreadItemDoneEvent)}
    for item_id, stamp in done.items():
        assert listed[item_id] == stamp


async def test_widget_action_items_carry_a_time_zone(chat):
    thread_id, events = await chat.create_thread("new task")
    [form] = streamed_widgets(events)
    assert form.created_at.tzinfo is not None

    events = await act(chat, thread_id, form.id, "task.create", {"title": "Zoned"})

    assert all(stamp.tzinfo is not None for stamp in stamps(events))


# --- logs an operator can use ---------------------------------------------------------


def problems(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_refused_streaming_requests_log_one_line_without_traceback(chat, other_chat, caplog):
    other_thread, _ = await other_chat.create_thread("private")
    other_item = await ChatItem.objects.filter(thread_id=other_thread).afirst()
    mine, _ = await chat.create_thread("hello")
    caplog.clear()
    caplog.set_level(logging.INFO)

    bodies = [
        {
            "type": "threads.add_user_message",
            "params": {"thread_id": other_thread, "input": user_input("hi")},
        },
        {
            "type": "threads.custom_action",
            "params": {
                "thread_id": mine,
                "item_id": other_item.item_id,
                "action": {"type": "task.start", "payload": {"task_id": 1}},
            },
        },
        {"type": "threads.retry_after_item", "params": {"thread_id": mine, "item_id": "msg_x"}},
        {
            "type": "threads.add_client_tool_output",
            "params": {"thread_id": mine, "result": {}},
        },
        {
            "type": "threads.retry_after_item",
            "params": {"thread_id": "thr_x\nERROR forged line", "item_id": "msg_x"},
        },
    ]
    statuses = []
    for body in bodies:
        response = await chat.post(body)
        statuses.append(response.status_code)

    assert statuses == [404, 404, 404, 400, 404]
    assert problems(caplog) == []
    refusals = [r for r in caplog.records if r.name.startswith("chatkit_app")]
    assert len(refusals) == len(bodies)
    for record in refusals:
        assert record.levelno in (logging.INFO, logging.WARNING)
        assert "\n" not in record.getMessage()


async def test_a_real_failure_is_logged_at_error_with_its_traceback(chat, caplog, monkeypatch):
    thread_id, _ = await chat.create_thread("hello")

    async def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    from chatkit_app.store import DjangoStore

    monkeypatch.setattr(DjangoStore, "load_thread", broken)
    chat.client.raise_request_exception = False
    caplog.clear()

    response = await chat.post(
        {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread_id, "input": user_input("hi")},
        }
    )

    assert response.status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert errors, [r.getMessage() for r in caplog.records]
    assert any("database on fire" in str(r.exc_info[1]) for r in errors)


async def test_nul_in_an_action_type_is_an_error_event_not_a_500(chat):
    thread_id, events = await chat.create_thread("new task")
    [form] = streamed_widgets(events)

    response = await chat.post(
        {
            "type": "threads.custom_action",
            "params": {
                "thread_id": thread_id,
                "item_id": form.id,
                "action": {"type": f"task.{NUL}", "payload": {}},
            },
        }
    )

    assert response.status_code == 400
    assert "params.action.type" in response.json()["error"]


# --- widget action payloads --------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        {"task_id": 2**63},
        {"task_id": 2**64},
        {"task_id": 10**30},
        {"task_id": -(2**63) - 1},
        {"task_id": 1.0},
        {"task_id": f"1{NUL}"},
        {"task_id": "99999999999999999999999"},
        {"task_id": {"$gt": 0}},
    ],
)
async def test_a_hostile_task_id_changes_nothing_and_says_so(chat, payload):
    task = await sync_to_async(make_task)(title="Target")
    thread_id, events = await chat.create_thread(f"show #{task.pk}")
    [card] = streamed_widgets(events)

    events = await act(chat, thread_id, card.id, "task.start", payload)

    assert assistant_texts(events) == [
        "That button sent a malformed request (no task number); nothing changed."
    ]
    await task.arefresh_from_db()
    assert task.status == "todo"
    assert await TaskEvent.objects.acount() == 0


async def test_unknown_payload_keys_are_ignored_and_never_stored(chat):
    task = await sync_to_async(make_task)(title="Target")
    thread_id, events = await chat.create_thread(f"show #{task.pk}")
    [card] = streamed_widgets(events)
    payload = {"task_id": task.pk, "status": "done", "x": f"{NUL}<script>", "task_ids": [1, 2]}

    events = await act(chat, thread_id, card.id, "task.start", payload)

    await task.arefresh_from_db()
    assert task.status == "in_progress"
    assert await TaskEvent.objects.acount() == 1
    stored = [row.data async for row in ChatItem.objects.filter(thread_id=thread_id)]
    assert "<script>" not in str(stored)


@pytest.mark.parametrize(
    "assignee_id", [2**63, 2**64, str(2**64), "-1", -1, 0, 1.5, f"1{NUL}", "\u0661"]
)
async def test_a_hostile_assignee_in_the_form_is_a_field_error(chat, assignee_id):
    thread_id, events = await chat.create_thread("new task")
    [form] = streamed_widgets(events)

    events = await act(
        chat, thread_id, form.id, "task.create", {"title": "Fine", "assignee_id": assignee_id}
    )

    assert await Task.objects.acount() == 0
    [said] = assistant_texts(events)
    assert "Assignee:" in said
    row = await ChatItem.objects.aget(thread_id=thread_id, item_id=form.id)
    assert tree(WidgetItem.model_validate(row.data)) == tree(replaced_widgets(events)[0])
