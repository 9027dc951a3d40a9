"""The broadcast after a change sends the row as it was saved: no query after the commit."""

import pytest
from asgiref.sync import sync_to_async

from taskboard import broadcast, services
from tests.conftest import connected_board
from tests.factories import make_task

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_transition_is_broadcast_without_reading_the_task_again(
    member_client, member, monkeypatch
):
    task = await sync_to_async(make_task)(title="Saved once")
    board = await connected_board(member_client)

    def no_read(**kwargs):
        raise AssertionError("the broadcast read the task again")

    monkeypatch.setattr(broadcast, "task_get", no_read)
    await sync_to_async(services.task_transition)(
        task_id=task.pk, action="start", actor=member, source="api"
    )

    message = await board.receive_json_from(timeout=5)
    assert message["type"] == "task.changed"
    assert (message["task"]["id"], message["task"]["status"]) == (task.pk, "in_progress")
    assert message["task"]["title"] == "Saved once"
    await board.disconnect()
