"""ChatKit's `Store` on the Django ORM.

Every query is scoped to `context.user`: a thread id that belongs to somebody else
behaves exactly like one that does not exist (`NotFoundError`), so nothing leaks.
Item calls first make sure the thread is the user's; the answer is remembered on
the request's context (`ChatContext.owned_threads`), so the several store calls of
one request look the owner up once.
A write is one statement in the usual case: an INSERT for a new item, an UPDATE for
one replaced in place.
Pages are keyset scans over (`created_at`, `id`) that fetch `limit + 1` rows to
learn `has_more`.
Items are stored as their JSON plus, for a task widget, the state it was shown with
(`widget_state.item_data` / `item_from_data`). `replace_item` rewrites one item under
its row lock, for a change that must happen once (a form submitted twice), and can
add the items that tell of the change in the same transaction.

Each store call from async code is one trip to the request's sync thread, a hand-off
between threads and a wait for the GIL. A widget action takes two: the sign-in, which reads
the thread and the widget ahead in the same trip (`read_ahead`), and `replace_item`
(the change, the widget and the new items); chatkit then hands the same item objects
back to be stored, which `context.written` recognises.
"""

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from datetime import UTC, datetime
from typing import Any, Literal

from asgiref.sync import sync_to_async
from chatkit.store import NotFoundError, Store
from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata
from django.db import IntegrityError, transaction
from django.db.models import Case, F, JSONField, OuterRef, Q, QuerySet, Subquery, Value, When

from chatkit_app.context import ChatContext
from chatkit_app.models import ChatFeedback, ChatItem, ChatThread
from chatkit_app.widget_state import history_item_from_data, item_data, item_from_data

MAX_PAGE_SIZE = 100
TITLE_MAX_LENGTH = ChatThread._meta.get_field("title").max_length
NUL = "\x00"


class AttachmentsNotSupported(Exception):
    """The chat offers no file uploads; attachment calls end here."""

    message = "Attachments are not supported in this chat."

    def __str__(self) -> str:
        return self.message


def aware(value: datetime) -> datetime:
    """Return `value` in UTC; ChatKit stamps items with naive local time."""
    if value.tzinfo is None:
        # astimezone() on a naive datetime reads it as the machine's local time.
        value = value.astimezone()
    return value.astimezone(UTC)


def nul_field(value: Any, path: str = "") -> str | None:
    """The path of the first string in `value` that holds NUL, which PostgreSQL cannot store.

    SQLite would keep it, so it is refused everywhere: the same answer on both databases.
    """
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        children = value.items()
    elif isinstance(value, list | tuple):
        children = enumerate(value)
    else:
        return None
    for key, child in children:
        found = nul_field(child, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def check_title(title: str | None) -> None:
    """ValueError (a 400 at the endpoint) for a thread title the column cannot hold."""
    if title is None:
        return
    if NUL in title:
        raise ValueError("title: text must not contain NUL (U+0000) characters.")
    if len(title) > TITLE_MAX_LENGTH:
        raise ValueError(
            f"title: at most {TITLE_MAX_LENGTH} characters (this one has {len(title)})."
        )


def page_size(limit: int | None) -> int:
    return max(1, min(limit or 20, MAX_PAGE_SIZE))


def keyset_page(
    queryset: QuerySet, *, cursor: tuple[datetime, object] | None, limit: int, order: str
) -> tuple[list, bool]:
    """Rows after `cursor` in (`created_at`, `pk`) order, and whether more follow."""
    descending = order == "desc"
    if cursor is not None:
        created_at, pk = cursor
        if descending:
            after = Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk)
        else:
            after = Q(created_at__gt=created_at) | Q(created_at=created_at, pk__gt=pk)
        queryset = queryset.filter(after)
    ordering = ("-created_at", "-pk") if descending else ("created_at", "pk")
    rows = list(queryset.order_by(*ordering)[: limit + 1])
    return rows[:limit], len(rows) > limit


def sort_order(order: str) -> Literal["asc", "desc"]:
    return "asc" if order == "asc" else "desc"


def read_ahead(thread_id: str, item_id: str | None, context: ChatContext) -> None:
    """Read the thread (and one of its items) for the next `load_thread` and `load_item`
    of this request, from the database thread the caller is already on, in one query.
    Whatever is missing is left to those calls, which answer NotFoundError as usual."""
    if item_id is None:
        sender_data = Value(None, output_field=JSONField())
    else:
        sender = ChatItem.objects.filter(thread_id=OuterRef("pk"), item_id=item_id)
        sender_data = Subquery(sender.order_by().values("data"), output_field=JSONField())
    thread = ChatThread.objects.filter(owner_id=context.user_id, id=thread_id)
    found = thread.values_list("data", sender_data).first()
    if found is None:
        return
    thread_data, item_data = found
    context.owned_threads.add(thread_id)
    context.prefetched["thread", thread_id] = thread_data
    if item_data is not None:
        # A widget action's sender: the button's widget.
        context.prefetched["item", thread_id, item_id] = item_from_data(item_data, rebuild=False)


class DjangoStore(Store[ChatContext]):
    """Threads, items and feedback in the database, one user at a time."""

    # Threads

    def _threads(self, context: ChatContext) -> QuerySet[ChatThread]:
        return ChatThread.objects.filter(owner_id=context.user_id)

    async def _thread(self, thread_id: str, context: ChatContext) -> ChatThread:
        thread = await self._threads(context).filter(id=thread_id).afirst()
        if thread is None:
            raise NotFoundError(f"Thread {thread_id} not found")
        context.owned_threads.add(thread_id)
        return thread

    async def _own(self, thread_id: str, context: ChatContext) -> None:
        """NotFoundError unless the thread is the user's (asked once per request)."""
        if thread_id in context.owned_threads:
            return
        if not await self._threads(context).filter(id=thread_id).aexists():
            raise NotFoundError(f"Thread {thread_id} not found")
        context.owned_threads.add(thread_id)

    async def load_thread(self, thread_id: str, context: ChatContext) -> ThreadMetadata:
        data = context.prefetched.pop(("thread", thread_id), None)
        if data is None:
            data = (await self._thread(thread_id, context)).data
        return ThreadMetadata.model_validate(data)

    async def save_thread(self, thread: ThreadMetadata, context: ChatContext) -> None:
        check_title(thread.title)
        created_at = aware(thread.created_at)
        data = thread.model_copy(update={"created_at": created_at}).model_dump(mode="json")
        fields = {"title": thread.title or "", "data": data}
        updated = await self._threads(context).filter(id=thread.id).aupdate(**fields)
        if not updated:
            try:
                await sync_to_async(self._create_thread)(
                    thread_id=thread.id, created_at=created_at, context=context, **fields
                )
            except IntegrityError:
                # The id exists but belongs to another user: same answer as a missing thread.
                raise NotFoundError(f"Thread {thread.id} not found") from None
        context.owned_threads.add(thread.id)

    @staticmethod
    def _create_thread(*, thread_id: str, created_at: datetime, context: ChatContext, **fields):
        with transaction.atomic():
            ChatThread.objects.create(
                id=thread_id, owner_id=context.user_id, created_at=created_at, **fields
            )

    async def load_threads(
        self, limit: int, after: str | None, order: str, context: ChatContext
    ) -> Page[ThreadMetadata]:
        limit = page_size(limit)
        cursor = None
        if after:
            anchor = await self._thread(after, context)
            cursor = (anchor.created_at, anchor.pk)
        rows, has_more = await sync_to_async(keyset_page)(
            self._threads(context), cursor=cursor, limit=limit, order=sort_order(order)
        )
        data = [ThreadMetadata.model_validate(row.data) for row in rows]
        return Page(data=data, has_more=has_more, after=data[-1].id if has_more else None)

    async def delete_thread(self, thread_id: str, context: ChatContext) -> None:
        thread = await self._thread(thread_id, context)
        context.owned_threads.discard(thread_id)
        # Items and feedback go with the thread (ON DELETE CASCADE, one transaction).
        await thread.adelete()

    # Items

    def _items(self, thread_id: str, context: ChatContext) -> QuerySet[ChatItem]:
        """The thread's items, through its owner, so the query itself is scoped to the user."""
        return ChatItem.objects.filter(thread_id=thread_id, thread__owner_id=context.user_id)

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: str,
        context: ChatContext,
    ) -> Page[ThreadItem]:
        limit = page_size(limit)
        await self._own(thread_id, context)
        cursor = None
        if after:
            anchor = await ChatItem.objects.filter(thread_id=thread_id, item_id=after).afirst()
            if anchor is None:
                raise NotFoundError(f"Item {after} not found in thread {thread_id}")
            cursor = (anchor.created_at, anchor.pk)
        rows, has_more = await sync_to_async(keyset_page)(
            ChatItem.objects.filter(thread_id=thread_id),
            cursor=cursor,
            limit=limit,
            order=sort_order(order),
        )
        # Sent on to the client as stored (`items.list`), or only type-checked (chatkit
        # reads the last two items before every answer): widgets are not rebuilt.
        data = [item_from_data(row.data, rebuild=False) for row in rows]
        return Page(data=data, has_more=has_more, after=data[-1].id if has_more else None)

    async def load_history(
        self, thread_id: str, limit: int, context: ChatContext
    ) -> list[ThreadItem]:
        """The thread's last `limit` items, oldest first, to build the model's input from.

        Task widgets come back with their state only checked (`history_item_from_data`).
        """
        await self._own(thread_id, context)
        return await sync_to_async(self._history)(thread_id, page_size(limit))

    @staticmethod
    def _history(thread_id: str, limit: int) -> list[ThreadItem]:
        # A task widget's row is read without its components: its state says what it showed.
        rows = (
            ChatItem.objects.filter(thread_id=thread_id)
            .order_by("-created_at", "-pk")
            .annotate(
                whole=Case(
                    When(type="widget", then=Value(None)),
                    default=F("data"),
                    output_field=JSONField(),
                )
            )
            .values_list(
                "pk",
                "item_id",
                "type",
                "whole",
                "data__state",
                "data__created_at",
                "data__copy_text",
            )[:limit]
        )
        items = []
        for pk, item_id, kind, whole, state, created_at, copy_text in reversed(list(rows)):
            if whole is None and state is None:  # a widget without state: read whole
                whole = ChatItem.objects.values_list("data", flat=True).get(pk=pk)
            if whole is None:
                whole = {
                    "type": kind,
                    "id": item_id,
                    "thread_id": thread_id,
                    "created_at": created_at,
                    "copy_text": copy_text,
                    "state": state,
                }
            items.append(history_item_from_data(whole))
        return items

    @staticmethod
    def _item_fields(item: ThreadItem) -> dict:
        created_at = aware(item.created_at)
        data = item_data(item.model_copy(update={"created_at": created_at}))
        return {"type": item.type, "created_at": created_at, "data": data}

    async def _update_item(self, thread_id: str, item_id: str, fields: dict) -> bool:
        """Write `fields` over the stored item with this id; False if there is none."""
        rows = ChatItem.objects.filter(thread_id=thread_id, item_id=item_id)
        return bool(await rows.aupdate(**fields))

    async def _insert_item(self, thread_id: str, item_id: str, fields: dict) -> bool:
        """Store a new item; False if the thread already has one with this id, or is gone."""
        try:
            await sync_to_async(self._insert_row)(thread_id, item_id, fields)
        except IntegrityError:
            return False
        return True

    @staticmethod
    def _insert_row(thread_id: str, item_id: str, fields: dict) -> None:
        # One INSERT in autocommit. Inside a caller's transaction it takes a savepoint,
        # so that a refused insert does not spoil the rest of that transaction.
        guard = (
            transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()
        )
        with guard:
            ChatItem.objects.create(thread_id=thread_id, item_id=item_id, **fields)

    def _gone(self, thread_id: str, context: ChatContext) -> NotFoundError:
        # The thread was deleted since this request found it.
        context.owned_threads.discard(thread_id)
        return NotFoundError(f"Thread {thread_id} not found")

    @staticmethod
    def _written(item: ThreadItem, context: ChatContext) -> bool:
        """This very item was stored during the request (by `replace_item`)."""
        return context.written.get(item.id) is item

    async def add_thread_item(self, thread_id: str, item: ThreadItem, context: ChatContext) -> None:
        if self._written(item, context):
            return
        await self._own(thread_id, context)
        fields = self._item_fields(item)
        if await self._insert_item(thread_id, item.id, fields):
            return
        # An item added twice (a workflow carried over between turns is stored
        # again at the end of the turn) keeps its first place and takes the new content.
        if not await self._update_item(thread_id, item.id, {"data": fields["data"]}):
            raise self._gone(thread_id, context)

    async def save_item(self, thread_id: str, item: ThreadItem, context: ChatContext) -> None:
        if self._written(item, context):
            return
        await self._own(thread_id, context)
        fields = self._item_fields(item)
        # Replaced in place, keeping its position: usually one UPDATE (a widget after an action).
        replacement = {"type": fields["type"], "data": fields["data"]}
        if await self._update_item(thread_id, item.id, replacement):
            return
        if await self._insert_item(thread_id, item.id, fields):
            return
        # Stored by a concurrent request after the update, or the thread is gone.
        if not await self._update_item(thread_id, item.id, replacement):
            raise self._gone(thread_id, context)

    async def load_item(self, thread_id: str, item_id: str, context: ChatContext) -> ThreadItem:
        prefetched = context.prefetched.pop(("item", thread_id, item_id), None)
        if prefetched is not None:
            return prefetched
        data = (
            await self._items(thread_id, context)
            .filter(item_id=item_id)
            .values_list("data", flat=True)
            .afirst()
        )
        if data is None:
            raise NotFoundError(f"Item {item_id} not found in thread {thread_id}")
        context.owned_threads.add(thread_id)
        return item_from_data(data)

    async def replace_item(
        self,
        thread_id: str,
        item_id: str,
        replace: Callable[[ThreadItem], ThreadItem],
        context: ChatContext,
        *,
        then: Callable[[], Iterable[ThreadItem]] | None = None,
        last: Callable[[], None] | None = None,
    ) -> ThreadItem:
        """Store `replace(item)` in place of the item, holding its row meanwhile.

        `replace` runs in the same transaction, so what it writes commits together
        with the new item, or, if it raises, neither does. Calls on one item take turns:
        each sees the item the one before it stored. NotFoundError if there is no item.
        `then()`, called after `replace`, gives new items to add to the thread in the
        same transaction (what the chat says about the change). `last()` runs after all
        of that, just before the commit: a change the item already shows as made, so that
        what others hear of at the commit follows it as closely as possible.
        """
        return await sync_to_async(self._replace_item)(
            thread_id, item_id, replace, context, then, last
        )

    def _replace_item(
        self, thread_id, item_id, replace, context: ChatContext, then, last
    ) -> ThreadItem:
        added: list[ThreadItem] = []
        with transaction.atomic():
            row = (
                self._items(thread_id, context)
                .select_for_update(of=("self",))
                .filter(item_id=item_id)
                .first()
            )
            if row is None:
                raise NotFoundError(f"Item {item_id} not found in thread {thread_id}")
            item = replace(item_from_data(row.data, rebuild=False))
            fields = self._item_fields(item)
            row.type, row.data = fields["type"], fields["data"]
            row.save(update_fields=["type", "data"])
            added = list(then()) if then is not None else []
            ChatItem.objects.bulk_create(
                ChatItem(thread_id=row.thread_id, item_id=new.id, **self._item_fields(new))
                for new in added
            )
            if last is not None:
                last()
        context.owned_threads.add(thread_id)
        for stored in (item, *added):
            context.written[stored.id] = stored
        return item

    async def delete_thread_item(self, thread_id: str, item_id: str, context: ChatContext) -> None:
        await self._own(thread_id, context)
        await ChatItem.objects.filter(thread_id=thread_id, item_id=item_id).adelete()

    # Feedback (not part of ChatKit's Store interface; the server calls it)

    async def save_feedback(
        self, thread_id: str, item_ids: list[str], kind: str, context: ChatContext
    ) -> int:
        """Record `kind` on each item; raises NotFoundError if any item is not in the thread."""
        await self._own(thread_id, context)
        return await sync_to_async(self._save_feedback)(thread_id, item_ids, kind, context)

    @staticmethod
    def _save_feedback(thread_id: str, item_ids: list[str], kind: str, context) -> int:
        wanted = set(item_ids)
        items = list(ChatItem.objects.filter(thread_id=thread_id, item_id__in=wanted))
        if len(items) != len(wanted):
            raise NotFoundError(f"Item not found in thread {thread_id}")
        with transaction.atomic():
            for item in items:
                ChatFeedback.objects.update_or_create(
                    item=item,
                    user_id=context.user_id,
                    defaults={"kind": kind, "thread_id": thread_id},
                )
        return len(items)

    # Attachments: the composer offers no uploads.

    async def save_attachment(self, attachment: Attachment, context: ChatContext) -> None:
        raise AttachmentsNotSupported

    async def load_attachment(self, attachment_id: str, context: ChatContext) -> Attachment:
        raise AttachmentsNotSupported

    async def delete_attachment(self, attachment_id: str, context: ChatContext) -> None:
        raise AttachmentsNotSupported
