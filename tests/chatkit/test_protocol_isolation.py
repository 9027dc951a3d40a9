"""Another user's thread id behaves exactly like an id that does not exist."""

import json

import pytest

from chatkit_app.models import ChatFeedback, ChatItem, ChatThread
from tests.chatkit.protocol import user_input

pytestmark = pytest.mark.django_db(transaction=True)


def requests_on(thread_id: str, item_id: str) -> list[dict]:
    return [
        {"type": "threads.get_by_id", "params": {"thread_id": thread_id}},
        {"type": "items.list", "params": {"thread_id": thread_id}},
        {"type": "threads.update", "params": {"thread_id": thread_id, "title": "Mine now"}},
        {"type": "threads.delete", "params": {"thread_id": thread_id}},
        {
            "type": "items.feedback",
            "params": {"thread_id": thread_id, "item_ids": [item_id], "kind": "negative"},
        },
        {"type": "threads.list", "params": {"after": thread_id}},
        {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread_id, "input": user_input("hello")},
        },
        {
            "type": "threads.retry_after_item",
            "params": {"thread_id": thread_id, "item_id": item_id},
        },
        {
            "type": "threads.custom_action",
            "params": {
                "thread_id": thread_id,
                "item_id": item_id,
                "action": {"type": "task.start", "payload": {"task_id": 1}},
            },
        },
    ]


@pytest.fixture
async def carols_thread(chat) -> tuple[str, str]:
    thread_id, _ = await chat.create_thread("my private plans")
    first = await ChatItem.objects.filter(thread_id=thread_id).order_by("created_at", "id").afirst()
    return thread_id, first.item_id


async def snapshot(thread_id: str):
    thread = await ChatThread.objects.aget(id=thread_id)
    items = [(i.item_id, i.data) async for i in ChatItem.objects.filter(thread_id=thread_id)]
    return thread.title, thread.data, items, await ChatFeedback.objects.acount()


async def test_another_users_thread_answers_like_a_missing_one(other_chat, carols_thread):
    thread_id, item_id = carols_thread
    before = await snapshot(thread_id)

    for request in requests_on(thread_id, item_id):
        theirs = await other_chat.post(request)
        missing = await other_chat.post(json_replace(request, thread_id, "thr_doesnotexist"))

        assert theirs.status_code == 404, request["type"]
        assert theirs.json() == {"error": "Not found."}, request["type"]
        assert (missing.status_code, missing.json()) == (404, theirs.json()), request["type"]
        assert b"private" not in theirs.content

    assert await snapshot(thread_id) == before


async def test_another_user_does_not_see_the_thread_in_their_list(other_chat, carols_thread):
    status, page = await other_chat.call("threads.list", limit=50, order="desc")

    assert status == 200
    assert page["data"] == []
    assert page["has_more"] is False


async def test_the_owner_still_has_full_access(chat, carols_thread):
    thread_id, _ = carols_thread

    status, body = await chat.call("threads.get_by_id", thread_id=thread_id)

    assert status == 200
    assert body["title"] == "my private plans"


def json_replace(request: dict, old: str, new: str) -> dict:
    return json.loads(json.dumps(request).replace(old, new))
