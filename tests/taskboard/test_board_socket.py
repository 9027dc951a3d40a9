"""The /ws/board/ socket: who may listen, and what they hear after committed changes."""

import asyncio
import json
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from taskboard import services
from taskboard.broadcast import BOARD_GROUP, board_message
from tests.conftest import board_socket, connected_board, csrf_headers
from tests.factories import make_task

pytestmark = pytest.mark.django_db(transaction=True)


async def test_anonymous_connection_is_refused():
    communicator = board_socket(None)
    accepted, code = await communicator.connect()
    assert not accepted
    assert code == 4401


async def test_connection_from_a_foreign_origin_is_refused(member_client):
    communicator = board_socket(member_client, origin=b"http://evil.example")
    accepted, _ = await communicator.connect()
    assert not accepted


async def test_api_transition_reaches_every_connected_board(member_client, approver_client):
    task = await sync_to_async(make_task)(title="Broadcast me")
    boards = [await connected_board(member_client), await connected_board(approver_client)]

    def start_through_api():
        return member_client.post(
            f"/api/tasks/{task.pk}/transitions",
            json.dumps({"action": "start"}),
            content_type="application/json",
            headers=csrf_headers(member_client),
        )

    response = await sync_to_async(start_through_api)()
    assert response.status_code == 200

    for board in boards:
        message = await board.receive_json_from(timeout=5)
        assert message["type"] == "task.changed"
        assert message["task"]["id"] == task.pk
        assert message["task"]["status"] == "in_progress"
        assert message["task"]["title"] == "Broadcast me"
        await board.disconnect()


async def test_service_calls_and_creations_are_broadcast(member_client, member):
    board = await connected_board(member_client)

    created = await sync_to_async(services.task_create)(actor=member, title="Fresh")
    message = await board.receive_json_from(timeout=5)
    assert message == {"type": "task.changed", "task": message["task"]}
    assert (message["task"]["id"], message["task"]["status"]) == (created.pk, "todo")

    await sync_to_async(services.task_transition)(
        task_id=created.pk, action="start", actor=member, source="chat"
    )
    message = await board.receive_json_from(timeout=5)
    assert (message["task"]["id"], message["task"]["status"]) == (created.pk, "in_progress")
    await board.disconnect()


async def test_deletion_is_broadcast(member_client):
    task = await sync_to_async(make_task)()
    task_id = task.pk
    board = await connected_board(member_client)

    await sync_to_async(task.delete)()

    assert await board.receive_json_from(timeout=5) == {"type": "task.deleted", "id": task_id}
    await board.disconnect()


async def test_refused_transition_broadcasts_nothing(member_client, member):
    task = await sync_to_async(make_task)(status="review")
    board = await connected_board(member_client)

    with pytest.raises(services.TransitionNotPermitted):
        await sync_to_async(services.task_transition)(
            task_id=task.pk, action="approve", actor=member, source="api"
        )

    assert await board.receive_nothing(timeout=0.5)
    await board.disconnect()


async def test_the_socket_does_not_take_commands(member_client):
    board = await connected_board(member_client)
    await board.send_json_to({"type": "task.changed", "task": {"id": 1, "status": "done"}})
    reply = await board.receive_json_from(timeout=5)
    assert reply["type"] == "error"
    await board.disconnect()


async def test_broadcasts_do_not_wait_for_the_busy_database_thread(member_client):
    """Boards hear changes while Django's sync thread is busy with someone's ORM work."""
    board = await connected_board(member_client)
    holding, release = threading.Event(), threading.Event()

    def hold_the_thread():
        holding.set()
        release.wait(10)

    busy = asyncio.ensure_future(sync_to_async(hold_the_thread)())
    try:
        assert await asyncio.to_thread(holding.wait, 5)
        await get_channel_layer().group_send(
            BOARD_GROUP, board_message({"type": "task.deleted", "id": 7})
        )
        assert await board.receive_json_from(timeout=2) == {"type": "task.deleted", "id": 7}
    finally:
        release.set()
        await busy
    await board.disconnect()


async def test_open_boards_of_a_process_hear_each_change_through_one_group_member(
    member_client, approver_client, monkeypatch
):
    # Each change is received once per process and written to every board in one pass,
    # rather than once per socket through Channels' dispatch loop.
    layer = get_channel_layer()
    members: set[str] = set()
    group_add = layer.group_add

    async def counted_group_add(group, channel):
        if group == BOARD_GROUP:
            members.add(channel)
        await group_add(group, channel)

    monkeypatch.setattr(layer, "group_add", counted_group_add)
    boards = [
        await connected_board(member_client),
        await connected_board(approver_client),
        await connected_board(member_client),
    ]
    assert len(members) == 1

    await layer.group_send(BOARD_GROUP, board_message({"type": "task.deleted", "id": 9}))

    for board in boards:
        assert await board.receive_json_from(timeout=2) == {"type": "task.deleted", "id": 9}
    await boards[0].disconnect()
    await layer.group_send(BOARD_GROUP, board_message({"type": "task.deleted", "id": 10}))
    for board in boards[1:]:
        assert await board.receive_json_from(timeout=2) == {"type": "task.deleted", "id": 10}
        await board.disconnect()
    assert await boards[0].receive_nothing(timeout=0.2)
