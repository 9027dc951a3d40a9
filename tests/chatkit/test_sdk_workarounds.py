"""chatkit_app/sdk_workarounds.py goes around chatkit's private API; these tests fail
when the SDK changes under it, so an upgrade shows what to revisit.

Each checks that the upstream behaviour worked around is still there (the private
method, its signature, what it does), and that the workaround gives what chatkit
itself would have given, where it replaces chatkit's own work.
"""

import inspect
from datetime import UTC, datetime

import pytest
from chatkit.server import ChatKitServer
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    Page,
    Thread,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadsRetryAfterItemReq,
    WidgetItem,
)

from chatkit_app import sdk_workarounds, widget_state, widgets
from chatkit_app.context import ChatContext
from chatkit_app.server import TaskboardChatServer
from chatkit_app.store import DjangoStore
from taskboard.models import Task
from tests.factories import make_task

pytestmark = pytest.mark.django_db


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_private_methods_overridden_still_exist_with_their_signatures():
    assert parameters(ChatKitServer._serialize) == ["self", "obj"]
    assert parameters(ChatKitServer._process_streaming_impl) == ["self", "request", "context"]
    assert parameters(ChatKitServer._process_streaming) == ["self", "request", "context"]
    assert parameters(ChatKitServer._process_non_streaming) == ["self", "request", "context"]
    assert parameters(ChatKitServer.process) == ["self", "request", "context"]


def test_process_still_builds_a_request_adapter_per_call():
    # Why the endpoint parses the body itself and calls process_request: should chatkit
    # build its adapter once, process() could be used again.
    assert "TypeAdapter[ChatKitReq](ChatKitReq)" in inspect.getsource(ChatKitServer.process)


def test_chatkit_still_walks_each_widget_subtree_at_every_level():
    # Why widgets keep their JSON: every component's serializer drops None from the
    # whole subtree it was given, the children's already-dropped ones included.
    source = inspect.getsource(
        __import__("chatkit.widgets", fromlist=["WidgetComponentBase"]).WidgetComponentBase
    )
    assert "_drop_none(dumped)" in source


def task_list(user, *, more: bool) -> widget_state.Shown:
    tasks = [make_task(title=f"Task <{n}> “quoted”", created_by=user) for n in range(3)]
    for task in tasks[1:]:
        Task.objects.filter(pk=task.pk).update(status=Task.Status.IN_PROGRESS)
    tasks = list(Task.objects.select_related("assignee").order_by("pk"))
    # With "Show more" for all tasks, the payload holds a null status chatkit drops.
    return widget_state.show_task_list(
        tasks=tasks, user=user, title="Tasks", status=None, next_offset=20 if more else None
    )


def sdk_encoding(obj) -> bytes:
    """What chatkit's own `_serialize` gives for `obj`, in UTC as the workaround sends it."""
    return ChatKitServer._serialize(None, sdk_workarounds.zoned(obj))  # type: ignore[arg-type]


@pytest.mark.parametrize("more", [True, False])
def test_widget_events_encode_as_chatkit_encodes_them(user, more):
    shown = task_list(user, more=more)
    item = widget_state.new_item(shown, item_id="msg_1", thread_id="thr_1")
    card = widget_state.new_item(
        widget_state.show_task_card(Task.objects.first(), user, note="Started."),
        item_id="msg_2",
        thread_id="thr_1",
    )

    for event in (ThreadItemDoneEvent(item=item), ThreadItemReplacedEvent(item=card)):
        assert sdk_workarounds.encode(event) == sdk_encoding(event)


def test_pages_and_threads_with_widgets_encode_as_chatkit_encodes_them(user):
    widget = widget_state.new_item(task_list(user, more=True), item_id="msg_1", thread_id="thr_1")
    message = AssistantMessageItem(
        id="msg_2",
        thread_id="thr_1",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        content=[AssistantMessageContent(text="Here they are.")],
    )
    page = Page(data=[message, widget, message], has_more=False)
    thread = Thread(id="thr_1", created_at=datetime(2026, 1, 1), title="T", items=page)

    assert sdk_workarounds.encode(page) == sdk_encoding(page)
    assert sdk_workarounds.encode(thread) == sdk_encoding(thread)


def test_a_stored_widget_streams_as_chatkit_would_stream_it(user):
    shown = task_list(user, more=True)
    item = widget_state.new_item(shown, item_id="msg_1", thread_id="thr_1")
    loaded = widget_state.item_from_data(widget_state.item_data(item))

    assert isinstance(loaded, widget_state.TaskWidgetItem)
    assert loaded.state == shown.state
    assert widgets.widget_json(loaded.widget) == loaded.widget.model_dump(
        mode="json", exclude_none=True
    )
    # A widget item chatkit built itself (not from a template here) takes chatkit's path.
    plain = WidgetItem(id="m", thread_id="t", created_at=datetime.now(), widget=shown.widget)
    plain = plain.model_copy(update={"widget": plain.widget.model_copy()})
    event = ThreadItemDoneEvent(item=plain)
    assert sdk_workarounds.encode(event) == sdk_encoding(event)


def test_stream_times_are_sent_in_utc(user):
    naive = ThreadMetadata(id="thr_1", created_at=datetime(2026, 1, 1, 12, 0))

    encoded = sdk_workarounds.encode(ThreadItemDoneEvent(item=task_item_at(user, naive)))

    assert b'"created_at":"2026-01-01T' in encoded
    assert b"+00:00" in encoded or b"Z" in encoded


def task_item_at(user, thread: ThreadMetadata) -> widget_state.TaskWidgetItem:
    item = widget_state.new_item(task_list(user, more=False), item_id="msg_1", thread_id=thread.id)
    return item.model_copy(update={"created_at": thread.created_at})


@pytest.mark.django_db(transaction=True)
async def test_chatkit_still_answers_a_retry_after_an_unknown_item_with_an_empty_stream(user):
    # Why _process_streaming_impl checks the item first (the endpoint answers 404).
    store = DjangoStore()
    server = TaskboardChatServer(store)
    context = ChatContext(user=user)
    thread = ThreadMetadata(id="thr_retry", created_at=datetime.now(UTC))
    await store.save_thread(thread, context)
    request = ThreadsRetryAfterItemReq(
        params={"thread_id": thread.id, "item_id": "msg_does_not_exist"}
    )

    upstream = [
        event async for event in ChatKitServer._process_streaming_impl(server, request, context)
    ]

    assert upstream == []
