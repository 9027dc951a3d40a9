"""The Redis channel layer keeps apps on different Redis databases apart.

Pub/Sub channels belong to the whole Redis server, so the settings put the
database number into the layer's prefix. Runs against the local Redis.
"""

import asyncio

from django.utils.module_loading import import_string

from taskboard.broadcast import BOARD_GROUP, board_message
from taskboard.settings import redis_channel_layer

REDIS = "redis://127.0.0.1:6379"


def layer_for(url: str):
    config = redis_channel_layer(url)
    return import_string(config["BACKEND"])(**config["CONFIG"])


async def board_on(layer) -> str:
    channel = await layer.new_channel()
    await layer.group_add(BOARD_GROUP, channel)
    return channel


async def receive(layer, channel: str, *, within: float):
    try:
        return await asyncio.wait_for(layer.receive(channel), within)
    except TimeoutError:
        return None


async def test_a_broadcast_reaches_boards_on_its_own_redis_database_only():
    sender = layer_for(f"{REDIS}/12")
    same, other = layer_for(f"{REDIS}/12"), layer_for(f"{REDIS}/13")
    message = board_message({"type": "task.deleted", "id": 7})
    try:
        on_same, on_other = await board_on(same), await board_on(other)

        await sender.group_send(BOARD_GROUP, message)

        assert await receive(same, on_same, within=2.0) == message
        assert await receive(other, on_other, within=0.5) is None
    finally:
        for layer in (sender, same, other):
            await layer.flush()
