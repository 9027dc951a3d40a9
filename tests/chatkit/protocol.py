"""Talking ChatKit to `POST /chatkit` from tests, the way the chat panel does.

`ChatClient` wraps Django's `AsyncClient` with CSRF checks enforced and a valid
token cookie + header, signed in as one user. Streamed answers are decoded from
SSE into `chatkit.types` events with `decode_sse`.
"""

import json
from typing import Any

from chatkit.types import (
    AssistantMessageItem,
    ThreadItemDoneEvent,
    ThreadStreamEvent,
)
from django.http import HttpResponse
from django.test import AsyncClient
from pydantic import TypeAdapter

CHATKIT_URL = "/chatkit"
CSRF_TOKEN = "t" * 32
EVENT_ADAPTER: TypeAdapter[ThreadStreamEvent] = TypeAdapter(ThreadStreamEvent)


def decode_sse(body: bytes) -> list[ThreadStreamEvent]:
    """Every `data:` frame of an event stream, validated as a ChatKit event."""
    events = []
    for frame in body.decode().split("\n\n"):
        lines = [line[len("data: ") :] for line in frame.splitlines() if line.startswith("data: ")]
        if lines:
            events.append(EVENT_ADAPTER.validate_json("\n".join(lines)))
    return events


def user_input(text: str, *, tool: str | None = None) -> dict[str, Any]:
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {"tool_choice": {"id": tool} if tool else None},
    }


def assistant_texts(events: list[ThreadStreamEvent]) -> list[str]:
    """The text of every finished assistant message in `events`."""
    return [
        "".join(part.text for part in event.item.content)
        for event in events
        if isinstance(event, ThreadItemDoneEvent) and isinstance(event.item, AssistantMessageItem)
    ]


def of_type(events: list[ThreadStreamEvent], kind: type) -> list:
    return [event for event in events if isinstance(event, kind)]


class ChatClient:
    def __init__(self, client: AsyncClient) -> None:
        self.client = client

    @classmethod
    async def signed_in(cls, user) -> "ChatClient":
        client = AsyncClient(enforce_csrf_checks=True)
        if user is not None:
            await client.aforce_login(user)
        client.cookies["csrftoken"] = CSRF_TOKEN
        return cls(client)

    async def post(self, body: dict | str | bytes, *, csrf: bool = True) -> HttpResponse:
        """POST a raw body (a dict is sent as JSON)."""
        data = json.dumps(body) if isinstance(body, dict) else body
        headers = {"X-CSRFToken": CSRF_TOKEN} if csrf else {}
        return await self.client.post(
            CHATKIT_URL, data=data, content_type="application/json", headers=headers
        )

    async def call(self, type: str, **params: Any) -> tuple[int, Any]:
        """A non-streaming request: (status, decoded JSON body)."""
        response = await self.post({"type": type, "params": params})
        assert not response.streaming, f"{type} answered with a stream"
        return response.status_code, json.loads(response.content)

    async def stream(self, type: str, **params: Any) -> list[ThreadStreamEvent]:
        """A streaming request that must succeed: its decoded events."""
        response = await self.post({"type": type, "params": params})
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/event-stream")
        return decode_sse(b"".join([chunk async for chunk in response.streaming_content]))

    async def create_thread(
        self, text: str, *, tool: str | None = None
    ) -> tuple[str, list[ThreadStreamEvent]]:
        events = await self.stream("threads.create", input=user_input(text, tool=tool))
        return events[0].thread.id, events

    async def say(
        self, thread_id: str, text: str, *, tool: str | None = None
    ) -> list[ThreadStreamEvent]:
        return await self.stream(
            "threads.add_user_message", thread_id=thread_id, input=user_input(text, tool=tool)
        )
