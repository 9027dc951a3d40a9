"""An in-memory ChatKit `Store` for the reference server, in the shape of OpenAI's samples.

Threads and their items live in dicts; nothing is persisted. Each thread keeps its
owner so that one user cannot read another's thread, like the product's store.
Values are copied on the way in and out, as a store that serialises would behave:
callers may mutate what they load without changing what is stored.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from chatkit.store import NotFoundError, Store
from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata


@dataclass
class ThreadState:
    owner: Any
    thread: ThreadMetadata
    items: dict[str, ThreadItem] = field(default_factory=dict)


def user_key(context: Any) -> Any:
    return getattr(context, "user_id", None)


def page_of(values: list, *, after: str | None, limit: int, key) -> Page:
    """The `limit` values following the one whose key is `after`, and whether more follow."""
    start = 0
    if after is not None:
        ids = [key(value) for value in values]
        if after not in ids:
            raise NotFoundError(f"Cursor {after} not found")
        start = ids.index(after) + 1
    chunk = values[start : start + limit]
    has_more = start + limit < len(values)
    return Page(data=chunk, has_more=has_more, after=key(chunk[-1]) if has_more and chunk else None)


class MemoryStore(Store[Any]):
    def __init__(self) -> None:
        self.threads: dict[str, ThreadState] = {}

    def _state(self, thread_id: str, context: Any) -> ThreadState:
        state = self.threads.get(thread_id)
        if state is None or state.owner != user_key(context):
            raise NotFoundError(f"Thread {thread_id} not found")
        return state

    async def load_thread(self, thread_id: str, context: Any) -> ThreadMetadata:
        return self._state(thread_id, context).thread.model_copy(deep=True)

    async def save_thread(self, thread: ThreadMetadata, context: Any) -> None:
        state = self.threads.get(thread.id)
        if state is None:
            self.threads[thread.id] = ThreadState(user_key(context), thread.model_copy(deep=True))
        elif state.owner != user_key(context):
            raise NotFoundError(f"Thread {thread.id} not found")
        else:
            state.thread = thread.model_copy(deep=True)

    async def load_threads(
        self, limit: int, after: str | None, order: str, context: Any
    ) -> Page[ThreadMetadata]:
        owner = user_key(context)
        threads = [s.thread for s in self.threads.values() if s.owner == owner]
        threads.sort(key=lambda t: t.created_at, reverse=order == "desc")
        page = page_of(threads, after=after, limit=limit, key=lambda t: t.id)
        page.data = [thread.model_copy(deep=True) for thread in page.data]
        return page

    async def delete_thread(self, thread_id: str, context: Any) -> None:
        self._state(thread_id, context)
        del self.threads[thread_id]

    async def load_thread_items(
        self, thread_id: str, after: str | None, limit: int, order: str, context: Any
    ) -> Page[ThreadItem]:
        items = list(self._state(thread_id, context).items.values())
        if order == "desc":
            items.reverse()
        page = page_of(items, after=after, limit=limit, key=lambda item: item.id)
        page.data = [item.model_copy(deep=True) for item in page.data]
        return page

    async def load_history(self, thread_id: str, limit: int, context: Any) -> list[ThreadItem]:
        """What the product's store offers the chat turn: the last `limit` items, oldest
        first, to be read only (the model's input is built from them)."""
        items = list(self._state(thread_id, context).items.values())
        return [item.model_copy() for item in items[-limit:]]

    async def add_thread_item(self, thread_id: str, item: ThreadItem, context: Any) -> None:
        # Items arrive in time order, so insertion order is the thread's order.
        self._state(thread_id, context).items[item.id] = item.model_copy(deep=True)

    async def save_item(self, thread_id: str, item: ThreadItem, context: Any) -> None:
        self._state(thread_id, context).items[item.id] = item.model_copy(deep=True)

    async def load_item(self, thread_id: str, item_id: str, context: Any) -> ThreadItem:
        item = self._state(thread_id, context).items.get(item_id)
        if item is None:
            raise NotFoundError(f"Item {item_id} not found")
        return item.model_copy(deep=True)

    async def replace_item(
        self,
        thread_id: str,
        item_id: str,
        replace: Callable[[ThreadItem], ThreadItem],
        context: Any,
        *,
        then: Callable[[], Iterable[ThreadItem]] | None = None,
        last: Callable[[], None] | None = None,
    ) -> ThreadItem:
        """What the product's store offers widget actions: `replace(item)` takes the item's
        place. `replace` does the domain's work (the ORM), so it runs on Django's sync thread.
        The items `then()` gives are added here too (chatkit adds them again: same ids)."""
        item = await self.load_item(thread_id, item_id, context)

        def replace_then_last(item: ThreadItem) -> ThreadItem:
            replaced = replace(item)
            if last is not None:
                last()  # the domain's change (the ORM), before anything is kept here
            return replaced

        replaced = await sync_to_async(replace_then_last)(item)
        await self.save_item(thread_id, replaced, context)
        for new in then() if then is not None else ():
            await self.add_thread_item(thread_id, new, context)
        return replaced

    async def delete_thread_item(self, thread_id: str, item_id: str, context: Any) -> None:
        self._state(thread_id, context).items.pop(item_id, None)

    async def save_attachment(self, attachment: Attachment, context: Any) -> None:
        raise NotImplementedError("Attachments are not supported.")

    async def load_attachment(self, attachment_id: str, context: Any) -> Attachment:
        raise NotImplementedError("Attachments are not supported.")

    async def delete_attachment(self, attachment_id: str, context: Any) -> None:
        raise NotImplementedError("Attachments are not supported.")
