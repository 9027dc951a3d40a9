"""One broadcast for every change, whatever made it (taskboard/signals.py).

Each source of a change (the JSON API, the chat's tools and buttons, the admin, the
shell) is checked the same way: a board connected before the change hears exactly one
message about the task, carrying the state the database committed.
"""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client

from taskboard.models import Task
from tests.chatkit.protocol import ChatClient
from tests.chatkit.task_chat import act, streamed_widgets
from tests.conftest import connected_board, csrf_headers
from tests.factories import make_task

pytestmark = pytest.mark.django_db(transaction=True)


async def only_message(board: WebsocketCommunicator) -> dict:
    """The one message the change caused; a second one would be a double broadcast."""
    message = await board.receive_json_from(timeout=5)
    assert await board.receive_nothing(timeout=0.3)
    await board.disconnect()
    return message


def changed(message: dict) -> tuple[str, int, str, str]:
    task = message["task"]
    return message["type"], task["id"], task["status"], task["title"]


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


async def test_api_create_and_edit_are_broadcast(member_client):
    board = await connected_board(member_client)

    def create():
        return member_client.post(
            "/api/tasks",
            json.dumps({"title": "From the API"}),
            content_type="application/json",
            headers=csrf_headers(member_client),
        )

    response = await sync_to_async(create)()
    assert response.status_code == 201
    task_id = response.json()["id"]
    assert changed(await only_message(board)) == ("task.changed", task_id, "todo", "From the API")

    board = await connected_board(member_client)

    def edit():
        return member_client.patch(
            f"/api/tasks/{task_id}",
            json.dumps({"title": "Renamed in the API"}),
            content_type="application/json",
            headers=csrf_headers(member_client),
        )

    assert (await sync_to_async(edit)()).status_code == 200
    assert changed(await only_message(board)) == (
        "task.changed",
        task_id,
        "todo",
        "Renamed in the API",
    )


async def test_api_transition_is_broadcast_once(member_client):
    task = await sync_to_async(make_task)(title="Moved by the API")
    board = await connected_board(member_client)

    def start():
        return member_client.post(
            f"/api/tasks/{task.pk}/transitions",
            json.dumps({"action": "start"}),
            content_type="application/json",
            headers=csrf_headers(member_client),
        )

    assert (await sync_to_async(start)()).status_code == 200
    assert changed(await only_message(board)) == (
        "task.changed",
        task.pk,
        "in_progress",
        "Moved by the API",
    )


async def test_chat_tool_create_and_transition_are_broadcast(member, member_client):
    chat = await ChatClient.signed_in(member)
    board = await connected_board(member_client)

    await chat.create_thread("create task From the chat")

    task = await Task.objects.aget(title="From the chat")
    assert changed(await only_message(board)) == ("task.changed", task.pk, "todo", "From the chat")

    board = await connected_board(member_client)
    await chat.create_thread(f"start #{task.pk}")
    assert changed(await only_message(board)) == (
        "task.changed",
        task.pk,
        "in_progress",
        "From the chat",
    )


async def test_chat_buttons_create_and_transition_are_broadcast(member, member_client):
    chat = await ChatClient.signed_in(member)
    thread_id, events = await chat.create_thread("new task")
    [form] = streamed_widgets(events)
    board = await connected_board(member_client)

    await act(chat, thread_id, form.id, "task.create", {"title": "From the form"})

    task = await Task.objects.aget(title="From the form")
    assert changed(await only_message(board)) == ("task.changed", task.pk, "todo", "From the form")

    board = await connected_board(member_client)
    # The card took the form's place in the thread, under the same item id.
    await act(chat, thread_id, form.id, "task.start", {"task_id": task.pk})
    assert changed(await only_message(board)) == (
        "task.changed",
        task.pk,
        "in_progress",
        "From the form",
    )


async def test_admin_edit_action_and_delete_are_broadcast(member_client, staff_client):
    task = await sync_to_async(make_task)(title="In the admin")
    board = await connected_board(member_client)

    def edit():
        return staff_client.post(
            f"/admin/taskboard/task/{task.pk}/change/",
            {
                "title": "Edited in the admin",
                "description": "",
                "priority": "high",
                "assignee": "",
                "due_date": "",
                "events-TOTAL_FORMS": "0",
                "events-INITIAL_FORMS": "0",
            },
        )

    response = await sync_to_async(edit)()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert changed(await only_message(board)) == (
        "task.changed",
        task.pk,
        "todo",
        "Edited in the admin",
    )

    board = await connected_board(member_client)

    def start():
        return staff_client.post(
            "/admin/taskboard/task/",
            {"action": "transition_start", "_selected_action": [task.pk]},
        )

    assert (await sync_to_async(start)()).status_code == 302
    assert changed(await only_message(board)) == (
        "task.changed",
        task.pk,
        "in_progress",
        "Edited in the admin",
    )

    # A task with history keeps it (events cannot be deleted); one without can go.
    unused = await sync_to_async(make_task)(title="Created by mistake")
    board = await connected_board(member_client)

    def delete():
        return staff_client.post(f"/admin/taskboard/task/{unused.pk}/delete/", {"post": "yes"})

    assert (await sync_to_async(delete)()).status_code == 302
    assert await only_message(board) == {"type": "task.deleted", "id": unused.pk}


async def test_shell_saves_and_deletes_are_broadcast(member, member_client):
    board = await connected_board(member_client)

    task = await sync_to_async(Task.objects.create)(title="From the shell", created_by=member)
    assert changed(await only_message(board)) == (
        "task.changed",
        task.pk,
        "todo",
        "From the shell",
    )

    board = await connected_board(member_client)
    task.status = "done"
    await sync_to_async(task.save)()
    assert changed(await only_message(board)) == ("task.changed", task.pk, "done", "From the shell")

    board = await connected_board(member_client)
    task_id = task.pk
    await sync_to_async(task.delete)()
    assert await only_message(board) == {"type": "task.deleted", "id": task_id}


async def test_a_rolled_back_change_is_not_broadcast(member, member_client):
    board = await connected_board(member_client)

    def create_then_fail():
        with transaction.atomic():
            Task.objects.create(title="Never committed", created_by=member)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        await sync_to_async(create_then_fail)()

    assert await board.receive_nothing(timeout=0.5)
    await board.disconnect()
