"""Everything the chat server does by going around chatkit's private API, in one place.

`ChatKitServer` offers no public hook for these; each override below names the
upstream behaviour it works around, and tests/chatkit/test_sdk_workarounds.py fails
when the SDK changes under it (a private method renamed, its signature or its output
changed), so an upgrade shows at once what to revisit.

- `process_request`: chatkit's `process()` takes the raw body and builds a
  `TypeAdapter(ChatKitReq)` for every call (about 7 ms of CPU each time). The endpoint
  validates the body once with its own adapter, to answer 400 itself, and hands the
  parsed request here, which routes it as `process()` does, to the private
  `_process_streaming` / `_process_non_streaming`.
- `_serialize` (the SSE and JSON encoder): chatkit stamps the items and threads it
  creates with naive local time, so they are sent in UTC, as the store returns them;
  and a widget's components each drop `None` from their whole subtree when dumped
  (`chatkit.widgets._drop_none` under every component's serializer), so a 20-task list
  (about 200 components) costs several ms per dump. A widget built here keeps its
  JSON (`widgets.TemplateWidget`), which is written instead.
- `_process_streaming_impl`: chatkit answers `threads.retry_after_item` for an item it
  cannot find with an empty stream; like every other unknown (or someone else's) id
  it is a 404 here, and only a user message can be answered again.
"""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, TypeVar

import pydantic_core
from chatkit.server import ChatKitServer, NonStreamingResult, StreamingResult
from chatkit.types import (
    ChatKitReq,
    Page,
    StreamingReq,
    Thread,
    ThreadsRetryAfterItemReq,
    ThreadStreamEvent,
    UserMessageItem,
    is_streaming_req,
)
from pydantic import BaseModel

from chatkit_app.store import aware
from chatkit_app.widgets import widget_json

TContext = TypeVar("TContext")

# The options chatkit's `_serialize` dumps with (chatkit/server.py).
DUMP_OPTIONS: dict[str, Any] = {
    "by_alias": True,
    "exclude_none": True,
    "context": {"exclude_metadata": True},
}


def zoned(obj: BaseModel) -> BaseModel:
    """An event whose item or thread carries its `created_at` in UTC, as the store returns it.

    chatkit stamps the items and threads it creates with naive local time; sent as
    they are, the stream would disagree with `items.list` about the same item.
    """
    for name in ("item", "thread"):
        inner = getattr(obj, name, None)
        stamp = getattr(inner, "created_at", None)
        if isinstance(stamp, datetime) and stamp.tzinfo is None:
            update = {name: inner.model_copy(update={"created_at": aware(stamp)})}
            obj = obj.model_copy(update=update)
    return obj


def _widget_paths(obj: BaseModel) -> list[tuple[tuple, dict]]:
    """Where `obj` holds widgets built here: (path to the item, the widget's JSON)."""
    found = []
    item = getattr(obj, "item", None)
    if (dumped := widget_json(getattr(item, "widget", None))) is not None:
        found.append((("item",), dumped))
    page = obj.items if isinstance(obj, Thread) else obj if isinstance(obj, Page) else None
    prefix = ("items", "data") if isinstance(obj, Thread) else ("data",)
    for index, entry in enumerate(page.data if page is not None else ()):
        if (dumped := widget_json(getattr(entry, "widget", None))) is not None:
            found.append(((*prefix, index), dumped))
    return found


def _exclusion(paths: list[tuple[tuple, dict]]) -> dict:
    """`exclude=` leaving out the widget of each item at `paths`."""
    spec: dict = {}
    for path, _ in paths:
        node = spec
        for step in path[:-1]:
            node = node.setdefault(step, {})
        node[path[-1]] = {"widget"}
    return spec


def encode(obj: BaseModel) -> bytes:
    """`obj` as chatkit's `_serialize` encodes it, in UTC, with widgets' kept JSON."""
    obj = zoned(obj)
    paths = _widget_paths(obj)
    if not paths:
        return obj.model_dump_json(**DUMP_OPTIONS).encode("utf-8")
    data = obj.model_dump(mode="json", exclude=_exclusion(paths), **DUMP_OPTIONS)
    for path, dumped in paths:
        node = data
        for step in path:
            node = node[step]
        node["widget"] = dumped
    return pydantic_core.to_json(data)


class ServerWorkarounds(ChatKitServer[TContext]):
    """The overrides of chatkit's private methods; see the module docstring."""

    async def process_request(
        self, request: ChatKitReq, context: TContext
    ) -> StreamingResult | NonStreamingResult:
        """`process()` for a request the endpoint has already parsed and checked."""
        if is_streaming_req(request):
            return StreamingResult(self._process_streaming(request, context))
        return NonStreamingResult(await self._process_non_streaming(request, context))

    def _serialize(self, obj: BaseModel) -> bytes:
        return encode(obj)

    async def _process_streaming_impl(
        self, request: StreamingReq, context: TContext
    ) -> AsyncIterator[ThreadStreamEvent]:
        if isinstance(request, ThreadsRetryAfterItemReq):
            params = request.params
            item = await self.store.load_item(params.thread_id, params.item_id, context)
            if not isinstance(item, UserMessageItem):
                raise ValueError(f"Item {params.item_id} is not a user message.")
        async for event in super()._process_streaming_impl(request, context):
            yield event
