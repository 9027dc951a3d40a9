"""Widget actions sent with `streaming: false` (`threads.sync_custom_action`): one JSON
answer with the re-rendered widget, the same database changes and refusals as the
streamed action, nothing else added to the thread."""

import pytest
from asgiref.sync import sync_to_async
from chatkit.types import WidgetItem

from chatkit_app.models import ChatItem
from taskboard.models import Task, TaskEvent
from tests.chatkit.protocol import ChatClient
from tests.chatkit.task_chat import streamed_widgets, task_buttons, texts, tree
from tests.factories import make_task

pytestmark = pytest.mark.django_db(transaction=True)


async def sync_act(chat: ChatClient, thread_id: str, item_id: str | None, kind: str, payload):
    return await chat.call(
        "threads.sync_custom_action",
        thread_id=thread_id,
        item_id=item_id,
        action={"type": kind, "payload": payload},
    )


async def item_types(thread_id: str) -> list[str]:
    return [row.type async for row in ChatItem.objects.filter(thread_id=thread_id).order_by("id")]


async def stored(thread_id: str, item_id: str) -> dict:
    row = await ChatItem.objects.aget(thread_id=thread_id, item_id=item_id)
    return tree(WidgetItem.model_validate(row.data))


async def test_a_sync_start_answers_the_replaced_widget_and_moves_the_task_once(chat, user):
    task = await sync_to_async(make_task)(title="Sync start")
    thread_id, events = await chat.create_thread(f"show #{task.pk}")
    [card] = streamed_widgets(events)
    before = await item_types(thread_id)

    status, body = await sync_act(chat, thread_id, card.id, "task.start", {"task_id": task.pk})

    assert status == 200, body
    updated = WidgetItem.model_validate(body["updated_item"])
    assert updated.id == card.id
    assert task_buttons(updated, task.pk) == ["task.submit"]
    assert "Started by Carol." in texts(updated)
    await task.arefresh_from_db()
    assert task.status == "in_progress"
    assert await stored(thread_id, card.id) == tree(updated)
    # The note for the model is kept; no sentence the client would not show.
    assert await item_types(thread_id) == [*before, "hidden_context_item"]

    # The same click again: refused with the reason, nothing changes.
    status, body = await sync_act(chat, thread_id, card.id, "task.start", {"task_id": task.pk})
    assert status == 400
    assert "in progress" in body["error"].lower()
    assert await TaskEvent.objects.filter(task=task).acount() == 1
    assert await item_types(thread_id) == [*before, "hidden_context_item"]


async def test_a_forged_sync_approve_by_a_member_is_refused_with_the_reason(chat):
    task = await sync_to_async(make_task)(title="Needs approval", status=Task.Status.REVIEW)
    thread_id, events = await chat.create_thread("show tasks in review")
    [listing] = streamed_widgets(events)

    status, body = await sync_act(chat, thread_id, listing.id, "task.approve", {"task_id": task.pk})

    assert (status, body) == (
        400,
        {
            "error": "Only approvers can approve tasks; "
            "ask someone with approval rights. Nothing changed."
        },
    )
    await task.arefresh_from_db()
    assert task.status == "review"


async def test_a_sync_form_shows_its_errors_then_becomes_the_task_card(chat):
    thread_id, events = await chat.create_thread("new task")
    [form] = streamed_widgets(events)
    fields = {"description": "", "priority": "medium", "due_date": None, "assignee_id": None}

    status, body = await sync_act(chat, thread_id, form.id, "task.create", {**fields, "title": ""})
    assert status == 200, body
    invalid = WidgetItem.model_validate(body["updated_item"])
    assert invalid.id == form.id
    assert any("title" in text.lower() for text in texts(invalid))
    assert await stored(thread_id, form.id) == tree(invalid)
    assert not await Task.objects.aexists()

    status, body = await sync_act(
        chat, thread_id, form.id, "task.create", {**fields, "title": "Made in one call"}
    )
    assert status == 200, body
    task = await Task.objects.aget(title="Made in one call")
    card = WidgetItem.model_validate(body["updated_item"])
    assert task_buttons(card, task.pk) == ["task.start"]


async def test_a_sync_select_stores_a_note_and_leaves_the_widget(chat):
    task = await sync_to_async(make_task)(title="Pick me")
    thread_id, events = await chat.create_thread(f"show #{task.pk}")
    [card] = streamed_widgets(events)

    status, body = await sync_act(chat, thread_id, card.id, "task.select", {"task_id": task.pk})

    assert status == 200
    assert body.get("updated_item") is None
    note = await ChatItem.objects.aget(thread_id=thread_id, type="hidden_context_item")
    assert f"selected task #{task.pk}" in note.data["content"]


@pytest.mark.parametrize(
    ("kind", "payload", "reason"),
    [
        ("rocket.launch", {}, "The action “rocket.launch” is not supported."),
        ("task.start", {"task_id": "1; drop"}, "malformed request"),
    ],
)
async def test_a_sync_action_the_chat_cannot_run_is_a_400_and_changes_nothing(
    chat, kind, payload, reason
):
    task = await sync_to_async(make_task)(title="Untouched")
    thread_id, events = await chat.create_thread(f"show #{task.pk}")
    [card] = streamed_widgets(events)
    before = await item_types(thread_id)

    status, body = await sync_act(chat, thread_id, card.id, kind, payload)

    assert status == 400
    assert reason in body["error"]
    assert await item_types(thread_id) == before
    await task.arefresh_from_db()
    assert task.status == "todo"


async def test_a_sync_action_on_someone_elses_thread_is_a_404(chat, other_chat):
    task = await sync_to_async(make_task)(title="Not yours")
    thread_id, events = await chat.create_thread(f"show #{task.pk}")
    [card] = streamed_widgets(events)

    status, _ = await sync_act(other_chat, thread_id, card.id, "task.start", {"task_id": task.pk})

    assert status == 404
    await task.arefresh_from_db()
    assert task.status == "todo"
