"""Thread and item requests over `POST /chatkit`: paging, rename, delete, feedback."""

from datetime import UTC, datetime, timedelta

import pytest
from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadMetadata

from chatkit_app.models import ChatFeedback, ChatItem, ChatThread
from chatkit_app.store import DjangoStore
from tests.chatkit.protocol import assistant_texts

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2025, 1, 1, tzinfo=UTC)


async def seed_threads(context, count: int) -> list[str]:
    store = DjangoStore()
    ids = []
    for n in range(count):
        thread_id = f"thr_seed{n:03d}"
        await store.save_thread(
            ThreadMetadata(id=thread_id, created_at=START + timedelta(minutes=n), title=f"T{n}"),
            context,
        )
        ids.append(thread_id)
    return ids


async def seed_items(context, thread_id: str, count: int) -> list[str]:
    store = DjangoStore()
    await store.save_thread(ThreadMetadata(id=thread_id, created_at=START), context)
    ids = []
    for n in range(count):
        item = AssistantMessageItem(
            id=f"msg_seed{n:03d}",
            thread_id=thread_id,
            # Pairs share a timestamp: paging must still keep insertion order.
            created_at=START + timedelta(seconds=n // 2),
            content=[AssistantMessageContent(text=f"answer {n}")],
        )
        await store.add_thread_item(thread_id, item, context)
        ids.append(item.id)
    return ids


async def walk(chat, type: str, *, limit: int, order: str, **params) -> tuple[list, list]:
    ids, flags, after = [], [], None
    while True:
        status, page = await chat.call(type, limit=limit, order=order, after=after, **params)
        assert status == 200, page
        ids += [entry["id"] for entry in page["data"]]
        flags.append(page["has_more"])
        if not page["has_more"]:
            assert "after" not in page
            return ids, flags
        assert page["after"] == page["data"][-1]["id"]
        after = page["after"]


async def test_threads_list_pages_fifty_threads_newest_first(chat, context):
    ids = await seed_threads(context, 50)

    listed, flags = await walk(chat, "threads.list", limit=20, order="desc")

    assert listed == list(reversed(ids))
    assert flags == [True, True, False]


async def test_threads_list_pages_oldest_first_in_asc_order(chat, context):
    ids = await seed_threads(context, 50)

    listed, flags = await walk(chat, "threads.list", limit=25, order="asc")

    assert listed == ids
    assert flags == [True, False]


async def test_threads_list_shows_titles_and_no_items(chat, context):
    await seed_threads(context, 2)

    status, page = await chat.call("threads.list", limit=1, order="desc")

    assert status == 200
    assert page["data"][0]["title"] == "T1"
    assert page["data"][0]["items"]["data"] == []
    assert page["has_more"] is True


async def test_items_list_pages_two_hundred_items_in_both_orders(chat, context):
    ids = await seed_items(context, "thr_items", 200)

    asc, asc_flags = await walk(chat, "items.list", thread_id="thr_items", limit=50, order="asc")
    desc, desc_flags = await walk(chat, "items.list", thread_id="thr_items", limit=30, order="desc")

    assert asc == ids
    assert asc_flags == [True, True, True, False]
    assert desc == list(reversed(ids))
    assert desc_flags == [True] * 6 + [False]


async def test_get_by_id_returns_the_thread_with_its_items(chat):
    thread_id, _ = await chat.create_thread("hello")

    status, body = await chat.call("threads.get_by_id", thread_id=thread_id)

    assert status == 200
    assert body["id"] == thread_id
    assert body["title"] == "hello"
    assert [item["type"] for item in body["items"]["data"]] == ["user_message", "assistant_message"]


async def test_threads_update_renames_the_thread(chat):
    thread_id, _ = await chat.create_thread("hello")

    status, body = await chat.call("threads.update", thread_id=thread_id, title="Release plan")

    assert status == 200
    assert body["title"] == "Release plan"
    assert (await ChatThread.objects.aget(id=thread_id)).title == "Release plan"
    _, page = await chat.call("threads.list", limit=5, order="desc")
    assert [t["title"] for t in page["data"]] == ["Release plan"]


async def test_threads_delete_removes_the_thread_and_its_items(chat):
    thread_id, _ = await chat.create_thread("hello")
    kept_id, _ = await chat.create_thread("hi")

    status, body = await chat.call("threads.delete", thread_id=thread_id)

    assert (status, body) == (200, {})
    assert not await ChatThread.objects.filter(id=thread_id).aexists()
    assert not await ChatItem.objects.filter(thread_id=thread_id).aexists()
    status, _ = await chat.call("threads.get_by_id", thread_id=thread_id)
    assert status == 404
    _, page = await chat.call("threads.list", limit=5, order="desc")
    assert [t["id"] for t in page["data"]] == [kept_id]


async def test_feedback_is_stored_for_the_admin(chat, user):
    thread_id, events = await chat.create_thread("hello")
    assert assistant_texts(events)
    answer = await ChatItem.objects.aget(thread_id=thread_id, type="assistant_message")

    status, body = await chat.call(
        "items.feedback", thread_id=thread_id, item_ids=[answer.item_id], kind="negative"
    )
    again, _ = await chat.call(
        "items.feedback", thread_id=thread_id, item_ids=[answer.item_id], kind="positive"
    )

    assert (status, body, again) == (200, {}, 200)
    feedback = [
        (f.kind, f.user_id, f.thread_id, f.item_id) async for f in ChatFeedback.objects.all()
    ]
    assert feedback == [("positive", user.pk, thread_id, answer.pk)]


async def test_feedback_on_an_unknown_item_is_refused_and_stores_nothing(chat):
    thread_id, _ = await chat.create_thread("hello")

    status, body = await chat.call(
        "items.feedback", thread_id=thread_id, item_ids=["msg_nope"], kind="positive"
    )

    assert status == 404
    assert body == {"error": "Not found."}
    assert await ChatFeedback.objects.acount() == 0


async def test_titles_are_kept_short(chat):
    thread_id, _ = await chat.create_thread("hello " * 30)

    title = (await ChatThread.objects.aget(id=thread_id)).title
    assert len(title) <= 60
    assert title.endswith("…")
