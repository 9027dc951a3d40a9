"""What a widget button costs the server, counted rather than timed: trips to the
request's sync thread (each a hand-off between threads) and statements."""

import pytest
from asgiref import sync
from chatkit.types import ThreadItemDoneEvent, ThreadItemReplacedEvent
from django.db.backends import utils

from chatkit_app import widgets
from chatkit_app.context import ChatContext
from chatkit_app.models import ChatItem
from chatkit_app.store import DjangoStore
from taskboard.models import Task, TaskEvent
from tests.chatkit.protocol import decode_sse, user_input
from tests.chatkit.task_chat import act, assistant_texts, effects, of_type, streamed_widgets

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def trips(monkeypatch) -> list[str]:
    """The name of every function sent to the sync thread from async code."""
    sent: list[str] = []
    original = sync.SyncToAsync.__call__

    async def counting(self, *args, **kwargs):
        sent.append(getattr(self.func, "__qualname__", type(self.func).__name__))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counting)
    return sent


@pytest.fixture
def statements(monkeypatch) -> list[str]:
    """The SQL of every statement sent to the database, from any thread."""
    sent: list[str] = []
    original = utils.CursorWrapper._execute

    def recording(self, sql, params, *ignored_wrapper):
        sent.append(sql)
        return original(self, sql, params, *ignored_wrapper)

    monkeypatch.setattr(utils.CursorWrapper, "_execute", recording)
    return sent


async def test_a_button_takes_three_trips_to_the_sync_thread(chat, trips):
    tasks = [await Task.objects.acreate(title=f"Task {n}") for n in range(3)]
    thread_id, events = await chat.create_thread("show tasks")
    [widget] = streamed_widgets(events)
    trips.clear()

    events = await act(chat, thread_id, widget.id, "task.start", {"task_id": tasks[1].pk})

    # Django's request_started receivers, signing in with the thread and its widget read
    # ahead, and the move with everything it stores.
    assert len(trips) <= 3, trips
    assert of_type(events, ThreadItemReplacedEvent)
    assert effects(events) == [
        ("tasks.changed", {"task_id": tasks[1].pk, "status": "in_progress", "action": "start"})
    ]
    assert assistant_texts(events) == [f"Started #{tasks[1].pk} “Task 1”. It is now in progress."]
    # Stored once each, in the thread: the re-rendered widget, the note, the message.
    kinds = [row.type async for row in ChatItem.objects.filter(thread_id=thread_id)]
    assert kinds.count("hidden_context_item") == 1
    assert kinds.count("assistant_message") == 1
    assert await TaskEvent.objects.filter(task_id=tasks[1].pk).acount() == 1


async def test_a_button_reads_and_writes_in_nine_statements(chat, statements):
    tasks = [await Task.objects.acreate(title=f"Task {n}") for n in range(3)]
    thread_id, events = await chat.create_thread("show tasks")
    [widget] = streamed_widgets(events)
    statements.clear()

    await act(chat, thread_id, widget.id, "task.start", {"task_id": tasks[1].pk})

    # Signing in: the session, the user, then the thread with the widget in one read.
    # The move: the widget locked, its tasks, the widget and the two new items written,
    # the task moved and read back, its event. No savepoint around the move.
    reads = [sql for sql in statements if sql.startswith("SELECT")]
    # (SQLite's backend sends its BEGIN as a statement; psycopg sends PostgreSQL's itself.)
    writes = [sql for sql in statements if not sql.startswith(("SELECT", "BEGIN"))]
    assert len(reads) == 6, reads
    assert [sql.split()[0] for sql in writes] == ["UPDATE", "INSERT", "UPDATE", "INSERT"]
    assert (await Task.objects.aget(pk=tasks[1].pk)).status == Task.Status.IN_PROGRESS


async def test_a_message_is_answered_after_three_trips_to_the_sync_thread(chat, trips):
    thread_id, _ = await chat.create_thread("hello")
    trips.clear()

    # The endpoint answers once the stream's first event is ready.
    response = await chat.post(
        {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread_id, "input": user_input("show tasks")},
        }
    )
    before_first_event = list(trips)
    events = decode_sse(b"".join([chunk async for chunk in response.streaming_content]))

    # Django's request_started receivers, signing in with the thread read ahead, and the
    # message stored: the stream then opens with the message.
    assert len(before_first_event) <= 3, before_first_event
    assert isinstance(events[0], ThreadItemDoneEvent)
    assert events[0].item.content[0].text == "show tasks"


async def test_a_move_made_meanwhile_is_refused_after_the_widget_was_rendered(
    chat, user, monkeypatch
):
    # The widget is rendered as the move will leave it, then the move is made last
    # before the commit. Should someone else make it in between, nothing is kept and
    # the widget is shown again as the database has it.
    from chatkit_app import widget_state

    task = await Task.objects.acreate(title="Raced")
    thread_id, events = await chat.create_thread("show tasks")
    [widget] = streamed_widgets(events)
    await Task.objects.filter(pk=task.pk).aupdate(status=Task.Status.IN_PROGRESS)
    read = widget_state.shown_tasks
    stale = []

    def read_before_the_other_move(state):
        tasks = read(state)
        if not stale:  # the first read: as it stood before the other move
            stale.append(True)
            tasks[task.pk].status = Task.Status.TODO
        return tasks

    monkeypatch.setattr(widget_state, "shown_tasks", read_before_the_other_move)
    events = await act(chat, thread_id, widget.id, "task.start", {"task_id": task.pk})

    assert stale
    assert assistant_texts(events) == [
        f"Task #{task.pk} is in progress; start needs it to be to do. Nothing changed."
    ]
    assert effects(events) == []
    assert await TaskEvent.objects.filter(task_id=task.pk).acount() == 0
    kinds = [row.type async for row in ChatItem.objects.filter(thread_id=thread_id)]
    assert kinds.count("hidden_context_item") == 0
    assert kinds.count("assistant_message") == 1


async def test_the_last_items_read_before_each_answer_keep_a_stored_list_as_stored(
    chat, user, monkeypatch
):
    # chatkit reads a thread's last two items before every answer, only to look at their
    # types; the items list sends them on as they are. A stored 20-task list is not
    # checked again component by component (about 4 ms each time).
    for n in range(20):
        await Task.objects.acreate(title=f"Task {n}")
    thread_id, events = await chat.create_thread("show tasks")
    [widget] = streamed_widgets(events)
    stored = (await ChatItem.objects.aget(thread_id=thread_id, item_id=widget.id)).data

    def rebuilt(*args, **kwargs):
        raise AssertionError("a stored widget was rebuilt")

    monkeypatch.setattr(widgets.TemplateWidget, "model_validate", rebuilt)
    page = await DjangoStore().load_thread_items(thread_id, None, 2, "desc", ChatContext(user=user))

    [loaded] = [item for item in page.data if item.id == widget.id]
    assert widgets.widget_json(loaded.widget) == stored["widget"]
