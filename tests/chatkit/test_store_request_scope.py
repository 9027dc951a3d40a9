"""The ORM store remembers, for one request, which threads it found to be the user's.

What it remembers must never open a thread to someone else, and must not outlive a
thread that is deleted in the meantime.
"""

from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import async_to_sync
from chatkit.store import NotFoundError
from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadMetadata
from django.db import transaction

from chatkit_app.context import ChatContext
from chatkit_app.models import ChatItem, ChatThread
from chatkit_app.store import DjangoStore

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def message(thread_id: str, n: int, text: str = "") -> AssistantMessageItem:
    return AssistantMessageItem(
        id=f"msg_{n:04d}",
        thread_id=thread_id,
        created_at=START + timedelta(seconds=n),
        content=[AssistantMessageContent(text=text or f"message {n}")],
    )


@pytest.fixture
def store() -> DjangoStore:
    return DjangoStore()


async def test_a_thread_found_for_one_user_stays_hidden_from_another_context(
    store, user, other_user
):
    alice, dave = ChatContext(user=user), ChatContext(user=other_user)
    await store.save_thread(ThreadMetadata(id="thr_a", created_at=START), alice)
    await store.add_thread_item("thr_a", message("thr_a", 1), alice)
    await store.load_thread("thr_a", alice)

    with pytest.raises(NotFoundError):
        await store.load_item("thr_a", "msg_0001", dave)
    with pytest.raises(NotFoundError):
        await store.add_thread_item("thr_a", message("thr_a", 2), dave)
    with pytest.raises(NotFoundError):
        await store.save_item("thr_a", message("thr_a", 1, "overwritten"), dave)
    with pytest.raises(NotFoundError):
        await store.delete_thread_item("thr_a", "msg_0001", dave)
    with pytest.raises(NotFoundError):
        await store.load_thread_items("thr_a", None, 20, "asc", dave)

    assert await ChatItem.objects.filter(thread_id="thr_a").acount() == 1
    stored = await store.load_item("thr_a", "msg_0001", alice)
    assert stored.content[0].text == "message 1"


async def test_a_thread_deleted_during_the_request_is_not_found_for_later_writes(store, user):
    context = ChatContext(user=user)
    await store.save_thread(ThreadMetadata(id="thr_a", created_at=START), context)
    await store.load_thread("thr_a", context)

    # Another request (say, the same user in another tab) deletes the thread.
    await ChatThread.objects.filter(id="thr_a").adelete()

    with pytest.raises(NotFoundError):
        await store.add_thread_item("thr_a", message("thr_a", 1), context)
    with pytest.raises(NotFoundError):
        await store.save_item("thr_a", message("thr_a", 2), context)
    with pytest.raises(NotFoundError):
        await store.load_item("thr_a", "msg_0001", context)
    assert await ChatItem.objects.acount() == 0


async def test_a_thread_deleted_through_the_store_is_forgotten_by_the_context(store, user):
    context = ChatContext(user=user)
    await store.save_thread(ThreadMetadata(id="thr_a", created_at=START), context)
    await store.add_thread_item("thr_a", message("thr_a", 1), context)

    await store.delete_thread("thr_a", context)

    with pytest.raises(NotFoundError):
        await store.add_thread_item("thr_a", message("thr_a", 2), context)
    with pytest.raises(NotFoundError):
        await store.load_thread_items("thr_a", None, 20, "asc", context)
    assert await ChatThread.objects.acount() == 0
    assert await ChatItem.objects.acount() == 0


async def test_an_item_added_again_keeps_its_place_and_takes_the_new_content(store, user):
    context = ChatContext(user=user)
    await store.save_thread(ThreadMetadata(id="thr_a", created_at=START), context)
    await store.add_thread_item("thr_a", message("thr_a", 1), context)
    await store.add_thread_item("thr_a", message("thr_a", 2), context)

    again = message("thr_a", 1, "second version").model_copy(
        update={"created_at": START + timedelta(hours=1)}
    )
    await store.add_thread_item("thr_a", again, ChatContext(user=user))

    page = await store.load_thread_items("thr_a", None, 20, "asc", ChatContext(user=user))
    assert [item.id for item in page.data] == ["msg_0001", "msg_0002"]
    assert page.data[0].content[0].text == "second version"
    assert await ChatItem.objects.acount() == 2


def test_an_item_added_twice_inside_a_callers_transaction_leaves_it_usable(store, user):
    # The second insert is refused by the database; the caller's transaction goes on.
    context = ChatContext(user=user)
    with transaction.atomic():
        async_to_sync(store.save_thread)(ThreadMetadata(id="thr_t", created_at=START), context)
        async_to_sync(store.add_thread_item)("thr_t", message("thr_t", 1), context)
        async_to_sync(store.add_thread_item)("thr_t", message("thr_t", 1, "again"), context)
        assert ChatItem.objects.filter(thread_id="thr_t").count() == 1

    stored = async_to_sync(store.load_item)("thr_t", "msg_0001", ChatContext(user=user))
    assert stored.content[0].text == "again"
