"""A task widget's state (chatkit_app/widget_state.py): kept by the store, read back by a
button, never sent to the client, and enough to re-render the widget as it was shown."""

import json

import pytest
from asgiref.sync import sync_to_async

from chatkit_app import task_commands, widget_state
from chatkit_app.store import DjangoStore
from chatkit_app.widget_state import TaskCardState, TaskFormState, TaskListState
from taskboard.models import Task
from tests.chatkit.protocol import user_input
from tests.chatkit.task_chat import (
    act,
    buttons,
    listed_task_ids,
    replaced_widgets,
    streamed_widgets,
    texts,
    tree,
)
from tests.factories import make_task

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_list_state_survives_the_store_and_rerenders_the_same_widget(context):
    tasks = [await sync_to_async(make_task)(title=f"Kept {n}") for n in range(3)]
    shown = await sync_to_async(widget_state.show_task_list)(
        tasks=tasks,
        user=context.user,
        title="Tasks in review (from 21)",
        status=Task.Status.REVIEW,
        next_offset=40,
        note="A note of the list.",
    )
    store = DjangoStore()
    thread = await _thread(store, context)
    item = widget_state.new_item(shown, item_id="msg_state", thread_id=thread.id)

    await store.add_thread_item(thread.id, item, context)
    loaded = await store.load_item(thread.id, "msg_state", context)

    assert widget_state.state_of(loaded) == TaskListState(
        task_ids=[task.pk for task in tasks],
        title="Tasks in review (from 21)",
        note="A note of the list.",
        status="review",
        next_offset=40,
    )
    again = await sync_to_async(widget_state.rerender)(widget_state.state_of(loaded), context.user)
    assert again.widget.model_dump(mode="json") == shown.widget.model_dump(mode="json")


async def test_card_and_form_states_survive_the_store(context):
    task = await sync_to_async(make_task)(title="Card")
    store = DjangoStore()
    thread = await _thread(store, context)
    card = await sync_to_async(widget_state.show_task_card)(task, context.user)
    form = await sync_to_async(widget_state.show_task_form)(people=[])

    for item_id, shown in (("msg_card", card), ("msg_form", form)):
        item = widget_state.new_item(shown, item_id=item_id, thread_id=thread.id)
        await store.add_thread_item(thread.id, item, context)

    card_item = await store.load_item(thread.id, "msg_card", context)
    form_item = await store.load_item(thread.id, "msg_form", context)
    assert widget_state.state_of(card_item) == TaskCardState(task_id=task.pk)
    assert widget_state.state_of(form_item) == TaskFormState()


async def test_a_button_rerenders_a_list_from_its_state_not_from_its_template(chat, monkeypatch):
    for n in range(22):
        await sync_to_async(make_task)(title=f"Review {n}", status=Task.Status.REVIEW)
    thread_id, events = await chat.create_thread("show tasks in review")
    [listing] = streamed_widgets(events)
    first = listed_task_ids(listing)[0]

    # The button must not go back to the rendered widget for what it needs.
    def unreadable(item):
        raise AssertionError("the rendered widget was read back")

    monkeypatch.setattr("chatkit_app.widgets.widget_nodes", unreadable)
    # A member may not approve: nothing changes, and the list is shown again as it was,
    # with its title, its note for members and its "Show more" (status and offset).
    events = await act(chat, thread_id, listing.id, "task.approve", {"task_id": first})
    monkeypatch.undo()

    [again] = replaced_widgets(events)
    assert tree(again) == tree(listing)
    assert tree(listing)["status"]["text"] == "Tasks in review · 22 tasks"
    assert buttons(listing)[-1] == ("Show more", "tasks.more", {"status": "review", "offset": 20})
    assert task_commands.REVIEW_NOTE_FOR_MEMBERS in texts(listing)


async def test_the_state_never_reaches_the_client(chat):
    task = await sync_to_async(make_task)(title="Private state")
    response = await chat.post(
        {"type": "threads.create", "params": {"input": user_input(f"show #{task.pk}")}}
    )
    streamed = b"".join([chunk async for chunk in response.streaming_content])
    assert b"Private state" in streamed
    assert b'"state"' not in streamed
    thread_id = json.loads(streamed.split(b"\n\n")[0].removeprefix(b"data: "))["thread"]["id"]

    status, page = await chat.call("items.list", thread_id=thread_id)

    assert status == 200
    [widget] = [item for item in page["data"] if item["type"] == "widget"]
    assert "state" not in widget


async def _thread(store, context):
    from datetime import datetime

    from chatkit.types import ThreadMetadata

    thread = ThreadMetadata(id="thr_state", created_at=datetime.now())
    await store.save_thread(thread, context)
    return thread
