from channels.generic.websocket import AsyncJsonWebsocketConsumer

from taskboard.broadcast import BOARD_GROUP


class BoardConsumer(AsyncJsonWebsocketConsumer):
    """Pushes every committed task change to signed-in boards; clients only listen."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        await self.channel_layer.group_add(BOARD_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(BOARD_GROUP, self.channel_name)

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
