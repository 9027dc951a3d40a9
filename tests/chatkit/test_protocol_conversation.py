"""A conversation over `POST /chatkit` with the offline model."""

import pytest
from chatkit.types import (
    AssistantMessageItem,
    StreamOptionsEvent,
    ThreadCreatedEvent,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadUpdatedEvent,
    UserMessageItem,
)

from chatkit_app.models import ChatItem, ChatThread
from tests.chatkit.protocol import assistant_texts, of_type

pytestmark = pytest.mark.django_db(transaction=True)


async def test_threads_create_streams_the_offline_reply_and_stores_the_thread(chat, user):
    thread_id, events = await chat.create_thread("hello")

    assert isinstance(events[0], ThreadCreatedEvent)
    done = of_type(events, ThreadItemDoneEvent)
    assert isinstance(done[0].item, UserMessageItem)
    assert done[0].item.content[0].text == "hello"
    assert of_type(events, StreamOptionsEvent)
    assert of_type(events, ThreadItemAddedEvent)
    assert of_type(events, ThreadItemUpdatedEvent)
    assert assistant_texts(events) == [
        "Hello! I can help with the task board. Type `help` to see how."
    ]
    assert [event.thread.title for event in of_type(events, ThreadUpdatedEvent)] == ["hello"]

    thread = await ChatThread.objects.aget(id=thread_id)
    assert thread.owner_id == user.pk
    assert thread.title == "hello"
    types = [item.type async for item in ChatItem.objects.filter(thread=thread)]
    assert types == ["user_message", "assistant_message"]


async def test_add_user_message_continues_the_thread(chat):
    thread_id, _ = await chat.create_thread("hi")

    events = await chat.say(thread_id, "help")

    texts = assistant_texts(events)
    assert len(texts) == 1
    assert texts[0].startswith("Here is what I understand:")
    assert "`who am i`" in texts[0]
    status, page = await chat.call("items.list", thread_id=thread_id, order="asc")
    assert status == 200
    assert [item["type"] for item in page["data"]] == [
        "user_message",
        "assistant_message",
        "user_message",
        "assistant_message",
    ]


async def test_every_assistant_message_gets_its_own_id(chat):
    thread_id, first = await chat.create_thread("hello")
    second = await chat.say(thread_id, "hello")

    ids = [
        event.item.id
        for event in of_type(first + second, ThreadItemDoneEvent)
        if isinstance(event.item, AssistantMessageItem)
    ]
    assert len(ids) == 2
    assert len(set(ids)) == 2


async def test_a_tool_command_calls_the_tool_and_reports_its_result(chat):
    _, events = await chat.create_thread("who am i")

    assert assistant_texts(events) == [
        "You are signed in as Carol, a member (you cannot approve tasks)."
    ]


async def test_unknown_input_says_what_was_understood_and_how_to_ask(chat):
    _, events = await chat.create_thread("please frobnicate the   widgets")

    (text,) = assistant_texts(events)
    assert "“please frobnicate the widgets”" in text
    assert "`help`" in text
    assert "`who am i`" in text
