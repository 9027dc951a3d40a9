"""The broadcast after a change sends the row as it was saved: no query after the commit."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from taskboard import broadcast, services
from taskboard.broadcast import BOARD_GROUP
from tests.factories import make_task

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_transition_is_broadcast_without_reading_the_task_again(member, monkeypatch):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(BOARD_GROUP, channel)
    task = make_task(title="Saved once")

    def no_read(**kwargs):
        raise AssertionError("the broadcast read the task again")

    monkeypatch.setattr(broadcast, "task_get", no_read)
    async_to_sync(layer.receive)(channel)  # the creation's message
    services.task_transition(task_id=task.pk, action="start", actor=member, source="api")

    message = async_to_sync(layer.receive)(channel)
    assert '"status":"in_progress"' in message["text"]
    assert f'"id":{task.pk}' in message["text"]
    async_to_sync(layer.group_discard)(BOARD_GROUP, channel)
