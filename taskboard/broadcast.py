"""Send task changes to every open board over the channel layer.

`signals.py` decides when (after the commit of any change to a task row); this
module decides what the boards receive: `task.changed` with the task as the API
shows it, or `task.deleted` with its id.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from pydantic_core import to_json

from taskboard.schemas import TaskOut
from taskboard.selectors import task_get

logger = logging.getLogger(__name__)

BOARD_GROUP = "board"


def board_message(payload: dict) -> dict:
    # Encoded once here rather than by each of the open boards' consumers.
    return {"type": "board.message", "text": to_json(payload).decode()}


def _send(payload: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(BOARD_GROUP, board_message(payload))
    except Exception as exc:
        # The change is committed either way, and the request that made it succeeds;
        # boards that miss it reload when their socket comes back (board_watch.py).
        logger.warning(
            "Could not broadcast %s: %s: %s", payload.get("type"), type(exc).__name__, exc
        )


def task_changed(task) -> dict:
    """The `task.changed` message for a task row as saved."""
    return {"type": "task.changed", "task": TaskOut.from_orm(task).model_dump(mode="json")}


def broadcast_task_changed(task_id: int, message: dict | None = None) -> None:
    """Send `message`, the change as it was saved; without one, the task as the database
    holds it now (one more query)."""
    if message is None:
        task = task_get(task_id=task_id)
        if task is None:
            return
        message = task_changed(task)
    _send(message)


def broadcast_task_deleted(task_id: int) -> None:
    _send({"type": "task.deleted", "id": task_id})
