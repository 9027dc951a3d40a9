"""Send task changes to every open board over the channel layer.

`signals.py` decides when (after the commit of any change to a task row); this
module decides what the boards receive: `task.changed` with the task as the API
shows it, or `task.deleted` with its id.
"""

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from taskboard.schemas import TaskOut
from taskboard.selectors import task_get

logger = logging.getLogger(__name__)

BOARD_GROUP = "board"


def board_message(payload: dict) -> dict:
    # Encoded once here rather than by each of the open boards' consumers.
    return {"type": "board.message", "text": json.dumps(payload)}


def _send(payload: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(BOARD_GROUP, board_message(payload))
    except Exception:
        # The change is committed either way; a board that misses it catches up on reload.
        logger.exception("Could not broadcast %s", payload.get("type"))


def broadcast_task_changed(task_id: int) -> None:
    # Read after the commit, so the boards see what the database holds.
    task = task_get(task_id=task_id)
    if task is not None:
        _send({"type": "task.changed", "task": TaskOut.from_orm(task).model_dump(mode="json")})


def broadcast_task_deleted(task_id: int) -> None:
    _send({"type": "task.deleted", "id": task_id})
