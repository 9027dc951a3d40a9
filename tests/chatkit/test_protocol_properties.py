"""Generated attacks on `POST /chatkit` (Hypothesis), built from the SDK's own request models.

A signed-in user sends every request type the chat serves, built as
`chatkit.types` request models with hostile strings (NUL, control characters,
lone surrogates, markup, template syntax, very long text), ids of another user's
threads and items, and numbers far outside any range. Whatever comes, the answer
is not a 5xx, nothing is logged at ERROR or with a traceback, no stream ends in a
generic failure, and nothing of the other user's changes.

Bounded (`max_examples`, derandomized) so that CI stays lean.
"""

import json
import logging

import pytest
from asgiref.sync import async_to_sync
from chatkit.actions import Action
from chatkit.types import (
    ErrorEvent,
    InferenceOptions,
    ItemFeedbackParams,
    ItemsFeedbackReq,
    ItemsListParams,
    ItemsListReq,
    ThreadAddUserMessageParams,
    ThreadCreateParams,
    ThreadCustomActionParams,
    ThreadDeleteParams,
    ThreadGetByIdParams,
    ThreadListParams,
    ThreadRetryAfterItemParams,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsCustomActionReq,
    ThreadsDeleteReq,
    ThreadsGetByIdReq,
    ThreadsListReq,
    ThreadsRetryAfterItemReq,
    ThreadsUpdateReq,
    ThreadUpdateParams,
    ToolChoice,
    UserMessageInput,
    UserMessageTagContent,
    UserMessageTextContent,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from chatkit_app.models import ChatFeedback, ChatItem, ChatThread
from taskboard.asgi import application  # noqa: F401 - django.setup() before log capture
from taskboard.models import Task, TaskEvent
from tests.chatkit.protocol import ChatClient, decode_sse
from tests.factories import make_task

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = 60
HOSTILE_TEXT = [
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\ud800",
    "a\udfffb",
    "<script>alert(1)</script>",
    '", "onClickAction": {"type": "task.approve"}',
    "{{ 7*7 }} {% debug %}",
    '<TASK_REF id="1">x</TASK_REF>',
    "🚀" * 300,
    "x" * 20_000,
    "create task \x00",
    "find \x00",
    "start #99999999999999999999999",
    "show tasks assigned to @\x00",
    "",
    " ",
]
HUGE_NUMBERS = [2**63, -(2**63) - 1, 2**64, 10**30, -1, 0]


def texts() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=50))


def numbers() -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from(HUGE_NUMBERS), st.integers())


def payloads() -> st.SearchStrategy:
    scalars = st.one_of(st.none(), st.booleans(), numbers(), st.floats(), texts())
    form = st.fixed_dictionaries(
        {},
        optional={
            "title": scalars,
            "description": scalars,
            "priority": st.one_of(st.sampled_from(["low", "high"]), scalars),
            "due_date": st.one_of(st.sampled_from(["2026-01-01", "2026-01-01T00:00:00Z"]), scalars),
            "assignee_id": scalars,
            "task_id": scalars,
            "unknown": scalars,
        },
    )
    return st.one_of(form, scalars, st.lists(scalars, max_size=3))


def requests(thread_ids: list[str], item_ids: list[str]) -> st.SearchStrategy:
    """Every request type the chat serves, from the SDK's models, aimed at `thread_ids`."""
    thread = st.one_of(st.sampled_from(thread_ids), texts())
    item = st.one_of(st.sampled_from(item_ids), texts())
    content = st.one_of(
        st.builds(UserMessageTextContent, text=texts()),
        st.builds(
            UserMessageTagContent,
            id=texts(),
            text=texts(),
            data=st.dictionaries(texts(), texts(), max_size=2),
            interactive=st.booleans(),
        ),
    )
    user_input = st.builds(
        UserMessageInput,
        content=st.lists(content, min_size=1, max_size=3),
        attachments=st.just([]),
        quoted_text=st.one_of(st.none(), texts()),
        inference_options=st.builds(
            InferenceOptions,
            tool_choice=st.one_of(
                st.none(), st.builds(ToolChoice, id=st.sampled_from(["chat", "create", "x\x00"]))
            ),
            model=st.one_of(st.none(), texts()),
        ),
    )
    action_type = st.one_of(
        st.sampled_from(["task.create", "task.start", "task.approve", "task.select"]), texts()
    )
    limit = st.one_of(st.none(), numbers())
    order = st.sampled_from(["asc", "desc"])
    return st.one_of(
        st.builds(ThreadsCreateReq, params=st.builds(ThreadCreateParams, input=user_input)),
        st.builds(
            ThreadsAddUserMessageReq,
            params=st.builds(ThreadAddUserMessageParams, thread_id=thread, input=user_input),
        ),
        st.builds(
            ThreadsUpdateReq, params=st.builds(ThreadUpdateParams, thread_id=thread, title=texts())
        ),
        st.builds(
            ItemsListReq,
            params=st.builds(
                ItemsListParams,
                thread_id=thread,
                limit=limit,
                order=order,
                after=st.one_of(st.none(), item),
            ),
        ),
        st.builds(
            ThreadsListReq,
            params=st.builds(
                ThreadListParams, limit=limit, order=order, after=st.one_of(st.none(), thread)
            ),
        ),
        st.builds(
            ThreadsCustomActionReq,
            params=st.builds(
                ThreadCustomActionParams,
                thread_id=thread,
                item_id=st.one_of(st.none(), item),
                action=st.builds(Action, type=action_type, payload=payloads()),
            ),
        ),
        st.builds(
            ThreadsRetryAfterItemReq,
            params=st.builds(ThreadRetryAfterItemParams, thread_id=thread, item_id=item),
        ),
        st.builds(
            ItemsFeedbackReq,
            params=st.builds(
                ItemFeedbackParams,
                thread_id=thread,
                item_ids=st.lists(item, min_size=1, max_size=3),
                kind=st.sampled_from(["positive", "negative"]),
            ),
        ),
        st.builds(ThreadsDeleteReq, params=st.builds(ThreadDeleteParams, thread_id=thread)),
        st.builds(ThreadsGetByIdReq, params=st.builds(ThreadGetByIdParams, thread_id=thread)),
    )


def others_rows(owner) -> tuple:
    """Everything of `owner`'s in the chat, and every task move."""
    threads = list(
        ChatThread.objects.filter(owner=owner).order_by("id").values_list("id", "title", "data")
    )
    items = list(
        ChatItem.objects.filter(thread__owner=owner)
        .order_by("id")
        .values_list("item_id", "type", "data")
    )
    feedback = list(ChatFeedback.objects.order_by("id").values_list("item_id", "user_id", "kind"))
    tasks = list(Task.objects.filter(created_by=owner).values_list())
    return threads, items, feedback, tasks, TaskEvent.objects.count()


async def start_threads(client: ChatClient, *messages: str) -> list[str]:
    return [(await client.create_thread(message))[0] for message in messages]


async def send(client: ChatClient, body: str):
    response = await client.post(body)
    if response.streaming:
        return response.status_code, decode_sse(
            b"".join([chunk async for chunk in response.streaming_content])
        )
    return response.status_code, response.content


def test_hostile_chatkit_requests_never_fail_or_reach_another_user(
    user, other_user, approver, caplog
):
    for _ in range(3):
        make_task(created_by=other_user)
    victim = async_to_sync(ChatClient.signed_in)(approver)
    victims_threads = async_to_sync(start_threads)(victim, "new task", "show tasks", "hello")
    attacker = async_to_sync(ChatClient.signed_in)(user)
    own_threads = async_to_sync(start_threads)(attacker, "new task", "hello")
    item_ids = list(ChatItem.objects.values_list("item_id", flat=True))
    before = others_rows(approver)
    assert TaskEvent.objects.count() == 0
    caplog.set_level(logging.INFO)

    @given(request=requests(victims_threads + own_threads, item_ids))
    @settings(max_examples=EXAMPLES)
    def attack(request):
        caplog.clear()
        # Lone surrogates in a JSON body: json.dumps escapes them, as a client might send.
        body = json.dumps(request.model_dump(mode="json", by_alias=True))

        status, answer = async_to_sync(send)(attacker, body)

        assert status < 500, (status, answer)
        if isinstance(answer, list):
            failures = [e for e in answer if isinstance(e, ErrorEvent) and e.code != "custom"]
            assert failures == [], failures
        logged = [
            r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info
        ]
        assert logged == [], logged
        assert others_rows(approver) == before

    attack()
