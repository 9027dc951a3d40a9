import asyncio
import contextlib
import logging
import weakref

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from redis.exceptions import RedisError

from taskboard import board_watch
from taskboard.broadcast import BOARD_GROUP

logger = logging.getLogger(__name__)

# The channel layer is unreachable: the handshake is refused (HTTP 403), and the
# board tries again with backoff.
UNAVAILABLE_CLOSE_CODE = 4503


class BoardRelay:
    """The board group's messages, received once per event loop and written to each of
    its open board sockets (those `board_watch` tracks) in one pass.

    Each socket a member of the group itself cost, per change and per socket, a hop
    through the channel layer's queue and Channels' dispatch loop (several task
    wake-ups, and Channels' close_old_connections() trip to a sync thread unless the
    consumer skipped it): with 100 boards open, their handlers ran from 2 to 10 ms
    after the commit, and Daphne writes no frame before the loop has run them all.
    One pass writes all 100 within about 5 ms of the commit.
    """

    def __init__(self, layer) -> None:
        self.layer = layer
        self.channel: str | None = None
        self._task: asyncio.Task | None = None

    async def subscribe(self) -> None:
        """Be in the group (again: layers let a membership expire after a day)."""
        if self.channel is None:
            self.channel = await self.layer.new_channel()
        await self.layer.group_add(BOARD_GROUP, self.channel)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._relay())

    async def _relay(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except Exception as exc:
                # The layer's own reconnection brings the subscription back; the
                # sockets are closed meanwhile (board_watch.py) and refetch.
                logger.warning("Board messages could not be received: %s", exc)
                await asyncio.sleep(1)
                continue
            if message.get("type") != "board.message":
                continue
            for socket in board_watch.open_boards():
                try:
                    await socket.send(text_data=message["text"])
                except Exception as exc:  # a socket that is going away
                    logger.info("Could not send to a board socket: %s", exc)


_relays: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, BoardRelay]" = (
    weakref.WeakKeyDictionary()
)


def board_relay(layer) -> BoardRelay:
    """The relay of the running event loop (a channel layer's connections are per loop)."""
    loop = asyncio.get_running_loop()
    relay = _relays.get(loop)
    if relay is None or relay.layer is not layer:
        relay = _relays[loop] = BoardRelay(layer)
    return relay


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
        relay = board_relay(self.channel_layer)
        try:
            await relay.subscribe()
        except Exception as exc:
            # Refused, not accepted and left deaf: the board retries with backoff.
            logger.warning("Board socket refused, the channel layer is unreachable: %s", exc)
            await self.close(code=UNAVAILABLE_CLOSE_CODE)
            return
        await self.accept()
        board_watch.track(self)

    async def disconnect(self, code: int) -> None:
        board_watch.forget(self)

    async def receive_json(self, content, **kwargs) -> None:
        # The board is read-only over the socket; writes go through the API.
        await self.send_json({"type": "error", "detail": "This socket only sends updates."})
