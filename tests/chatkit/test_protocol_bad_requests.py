"""Every kind of bad request to `POST /chatkit` gets a clear 4xx and changes nothing."""

import json

import pytest
from chatkit.types import ErrorEvent

from chatkit_app.models import ChatItem, ChatThread
from tests.chatkit.protocol import ChatClient, decode_sse, user_input

pytestmark = pytest.mark.django_db(transaction=True)


async def counts() -> tuple[int, int]:
    return await ChatThread.objects.acount(), await ChatItem.objects.acount()


def create_request(text: str = "hello") -> dict:
    return {"type": "threads.create", "params": {"input": user_input(text)}}


async def test_anonymous_request_gets_401_json(db):
    anonymous = await ChatClient.signed_in(None)

    response = await anonymous.post(create_request())

    assert response.status_code == 401
    assert response.json() == {"error": "Sign in to use the chat."}
    assert await counts() == (0, 0)


async def test_request_without_csrf_token_gets_403_json(chat):
    response = await chat.post(create_request(), csrf=False)

    assert response.status_code == 403
    assert response.json() == {"error": "CSRF token missing or incorrect."}
    assert await counts() == (0, 0)


async def test_request_with_a_wrong_csrf_token_gets_403(chat):
    response = await chat.client.post(
        "/chatkit",
        data=json.dumps(create_request()),
        content_type="application/json",
        headers={"X-CSRFToken": "x" * 32},
    )

    assert response.status_code == 403
    assert await counts() == (0, 0)


async def test_get_is_not_allowed(chat):
    response = await chat.client.get("/chatkit")

    assert response.status_code == 405
    assert response["Allow"] == "POST"


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        ("{not json", "Invalid ChatKit request"),
        ("", "Invalid ChatKit request"),
        (b"\xff\xfe\x00garbage", "Invalid ChatKit request"),
        ("[]", "Invalid ChatKit request"),
        ('"threads.list"', "Invalid ChatKit request"),
        ({"type": "threads.explode", "params": {}}, "threads.explode"),
        ({"params": {}}, "type"),
        ({"type": "threads.get_by_id", "params": {}}, "thread_id"),
        ({"type": "threads.get_by_id", "params": {"thread_id": 7}}, "thread_id"),
        ({"type": "threads.list", "params": {"limit": "lots"}}, "limit"),
        ({"type": "threads.list", "params": {"order": "sideways"}}, "order"),
        ({"type": "threads.create", "params": {"input": {"content": "hi"}}}, "input"),
        ({"type": "threads.create", "params": {}}, "input"),
        (
            {
                "type": "items.feedback",
                "params": {"thread_id": "thr_1", "item_ids": ["m"], "kind": "meh"},
            },
            "kind",
        ),
        (
            {
                "type": "threads.update",
                "params": {"thread_id": "thr_1", "title": ["not", "text"]},
            },
            "title",
        ),
    ],
    ids=lambda value: str(value)[:40],
)
async def test_malformed_or_invalid_requests_get_400_with_a_message(chat, body, mentions):
    response = await chat.post(body)

    assert response.status_code == 400
    message = response.json()["error"]
    assert message.startswith("Invalid ChatKit request")
    assert mentions in message or mentions == "Invalid ChatKit request"
    assert await counts() == (0, 0)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {
                "type": "attachments.create",
                "params": {"name": "a.txt", "size": 3, "mime_type": "text/plain"},
            },
            "Attachments are not supported in this chat.",
        ),
        (
            {"type": "attachments.delete", "params": {"attachment_id": "atc_1"}},
            "Attachments are not supported in this chat.",
        ),
        (
            {
                "type": "threads.create",
                "params": {"input": {**user_input("see file"), "attachments": ["atc_1"]}},
            },
            "Attachments are not supported in this chat.",
        ),
        (
            {
                "type": "input.transcribe",
                "params": {"audio_base64": "AAAA", "mime_type": "audio/webm"},
            },
            "Dictation is not supported in this chat.",
        ),
    ],
    ids=["attachments.create", "attachments.delete", "message-with-attachment", "transcribe"],
)
async def test_unsupported_features_get_400_and_create_nothing(chat, body, message):
    response = await chat.post(body)

    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert await counts() == (0, 0)


async def test_oversized_body_gets_413(chat):
    response = await chat.post(create_request("x" * 3_000_000))

    assert response.status_code == 413
    assert await counts() == (0, 0)


async def test_retry_after_an_item_that_is_not_a_user_message_gets_400(chat):
    thread_id, _ = await chat.create_thread("hello")
    answer = await ChatItem.objects.aget(thread_id=thread_id, type="assistant_message")
    before = await counts()

    response = await chat.post(
        {
            "type": "threads.retry_after_item",
            "params": {"thread_id": thread_id, "item_id": answer.item_id},
        }
    )

    assert response.status_code == 400
    assert "not a user message" in response.json()["error"]
    assert await counts() == before


async def test_client_tool_output_without_a_pending_call_gets_400(chat):
    thread_id, _ = await chat.create_thread("hello")
    before = await counts()

    response = await chat.post(
        {
            "type": "threads.add_client_tool_output",
            "params": {"thread_id": thread_id, "result": {"ok": True}},
        }
    )

    assert response.status_code == 400
    assert await counts() == before


async def test_an_unhandled_widget_action_ends_in_an_error_event(chat):
    thread_id, _ = await chat.create_thread("hello")
    before = await counts()

    response = await chat.post(
        {
            "type": "threads.custom_action",
            "params": {"thread_id": thread_id, "action": {"type": "rocket.launch", "payload": {}}},
        }
    )

    assert response.status_code == 200
    events = decode_sse(b"".join([chunk async for chunk in response.streaming_content]))
    errors = [event for event in events if isinstance(event, ErrorEvent)]
    assert len(errors) == 1
    assert errors[0].message == "The action “rocket.launch” is not supported."
    assert errors[0].allow_retry is False
    assert await counts() == before
