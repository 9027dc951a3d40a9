import contextlib
import logging

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from redis.exceptions import RedisError

from taskboard import board_watch
from taskboard.broadcast import BOARD_GROUP

logger = logging.getLogger(__name__)

# The channel layer is unreachable: the handshake is refused (HTTP 403), and the
# board tries again with backoff.
UNAVAILABLE_CLOSE_CODE = 4503


class BoardConsumer(AsyncJsonWebsocketConsumer):
    """Pushes every committed task change to signed-in boards; clients only listen."""

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except (RedisError, OSError) as exc:
            # The consumer's own channel could not be read (Redis went away under it,
            # possibly before connect() ran): refuse or close the socket, so the board
            # retries, instead of a 500 handshake or a crashed consumer.
            logger.warning("Board socket closed, the channel layer is unreachable: %s", exc)
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": UNAVAILABLE_CLOSE_CODE})

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        try:
            await self.channel_layer.group_add(BOARD_GROUP, self.channel_name)
        except Exception as exc:
            # Refused, not accepted and left deaf: the board retries with backoff.
            logger.warning("Board socket refused, the channel layer is unreachable: %s", exc)
            await self.close(code=UNAVAILABLE_CLOSE_CODE)
            return
        await self.accept()
        board_watch.track(self)

    async def disconnect(self, code: int) -> None:
        try:
            await self.channel_layer.group_discard(BOARD_GROUP, self.channel_name)
        except Exception as exc:
            logger.info("Board socket left while the channel layer is unreachable: %s", exc)

    async def receive_json(self, content, **kwargs) -> None:
        # The board is read-only over the socket; writes go through the API.
        await self.send_json({"type": "error", "detail": "This socket only sends updates."})

    async def dispatch(self, message: dict) -> None:
        # Channels runs close_old_connections() on Django's one shared sync thread
        # before every handler. For broadcasts that meant a trip per open board per
        # change, queued behind whichever request held the thread, and this handler
        # never touches the database.
        if message["type"] == "board.message":
            await self.board_message(message)
        else:
            await super().dispatch(message)

    async def board_message(self, event: dict) -> None:
        await self.send(text_data=event["text"])
