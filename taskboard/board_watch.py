"""Close a process's board sockets when its channel-layer subscription was cut.

While Redis is away, the Pub/Sub layer's subscriber connection reconnects by itself
once Redis is back and subscribes again, so an open board would go on showing
*Live* having silently missed every change made in between. Instead, the sockets
of this process are closed as soon as the subscriber connection is found down,
and again when it comes back (a cut shorter than one check is caught there).
Browsers reconnect and reload the board (frontend/src/lib/socket.ts); while Redis
is down, the new sockets are refused.

The watch's set of open board sockets is also the one `consumers.BoardRelay` writes
each change to.
"""

import asyncio
import logging
import weakref

logger = logging.getLogger(__name__)

# The client should come back (Daphne's WebSocket layer only sends 1000 and 3000-4999).
RECONNECT_CLOSE_CODE = 4012
CHECK_INTERVAL = 0.5  # seconds


def subscriber_connections(layer) -> list:
    """The Redis connections the Pub/Sub layer of this event loop receives on, if any.

    channels-redis 4 has no public hook for this (its `on_disconnect`/`on_reconnect`
    options are stored but never called), so this reads its internals; should they
    change, it finds nothing and the watch does nothing, which tests/faults/
    test_redis_outage.py would show.
    """
    loop_layer = getattr(layer, "_get_layer", None)
    if loop_layer is None:
        return []  # the in-memory layer: nothing can be cut
    connections = []
    for shard in getattr(loop_layer(), "_shards", ()):
        pubsub = getattr(shard, "_pubsub", None)
        connection = getattr(pubsub, "connection", None)
        if connection is not None:
            connections.append(connection)
    return connections


class SubscriberWatch:
    def __init__(self) -> None:
        self.consumers: weakref.WeakSet = weakref.WeakSet()
        self.connections: weakref.WeakSet = weakref.WeakSet()
        self._task: asyncio.Task | None = None

    def track(self, consumer) -> None:
        """Watch `consumer`'s socket and the connection its group messages arrive on."""
        self.consumers.add(consumer)
        for connection in subscriber_connections(consumer.channel_layer):
            if connection not in self.connections:
                connection.register_connect_callback(self.on_reconnect)
                self.connections.add(connection)
        if self.connections and (self._task is None or self._task.done()):
            self._task = asyncio.get_running_loop().create_task(self._check())

    async def on_reconnect(self, connection) -> None:
        await self.close_all("the channel layer reconnected")

    async def _check(self) -> None:
        while self.consumers:
            await asyncio.sleep(CHECK_INTERVAL)
            if any(not connection.is_connected for connection in list(self.connections)):
                await self.close_all("the channel layer is unreachable")

    async def close_all(self, reason: str) -> None:
        consumers = list(self.consumers)
        self.consumers.clear()
        if not consumers:
            return
        logger.warning("Closing %d board socket(s): %s", len(consumers), reason)
        for consumer in consumers:
            try:
                await consumer.close(code=RECONNECT_CLOSE_CODE)
            except Exception as exc:  # a socket that is already going away
                logger.info("Could not close a board socket: %s", exc)


_watches: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SubscriberWatch]" = (
    weakref.WeakKeyDictionary()
)


def _watch() -> SubscriberWatch:
    """The watch of the running event loop.

    The Pub/Sub layer keeps one set of connections per event loop; a connection of
    another loop (one that has ended) is not this loop's subscription, and must not
    count as cut.
    """
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None:
        watch = _watches[loop] = SubscriberWatch()
    return watch


def track(consumer) -> None:
    """Watch `consumer`, an accepted board socket of the running event loop."""
    _watch().track(consumer)


def forget(consumer) -> None:
    """`consumer`'s socket has closed."""
    _watch().consumers.discard(consumer)


def open_boards() -> list:
    """The board sockets of the running event loop that are open and watched."""
    return list(_watch().consumers)
