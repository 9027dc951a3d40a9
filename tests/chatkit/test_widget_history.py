"""What the model reads of the widgets earlier in a thread: what each one showed, in a
sentence, so that twenty task lists in the history cost kilobytes, not megabytes.

The model here is the offline model with a recorder around it; the input it records
is the input a real model would be sent (the same converter output).
"""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from agents import Model
from asgiref.sync import sync_to_async
from chatkit.store import NotFoundError
from chatkit.types import ThreadMetadata, WidgetItem
from chatkit.widgets import Card, Text

from chatkit_app import task_commands, widget_state
from chatkit_app.offline import OfflineModel
from chatkit_app.server import HISTORY_LIMIT
from chatkit_app.store import DjangoStore
from taskboard.models import Task
from tests.chatkit.task_chat import act, listed_task_ids, streamed_widgets
from tests.factories import make_task

pytestmark = pytest.mark.django_db(transaction=True)

# Issue 17: a turn's model input with 20 task lists among the last 40 items.
INPUT_BOUND = 10_000
WIDGET_LINE = "The following graphical UI widget"


class RecordingModel(OfflineModel):
    """The offline model, keeping the input of every model call."""

    def __init__(self) -> None:
        self.inputs: list[list] = []

    def stream_response(self, system_instructions, input, *args, **kwargs):
        self.inputs.append(json.loads(json.dumps(input)))
        return super().stream_response(system_instructions, input, *args, **kwargs)


def size(model_input: list) -> int:
    return len(json.dumps(model_input, ensure_ascii=False))


def texts(model_input: list) -> list[str]:
    out = []
    for item in model_input:
        content = item.get("content")
        if isinstance(content, str):
            out.append(content)
        elif isinstance(content, list):
            out.append("".join(part.get("text", "") for part in content))
    return out


def widget_lines(model_input: list) -> list[str]:
    return [text for text in texts(model_input) if text.startswith(WIDGET_LINE)]


@pytest.fixture
def recorder(chat_server) -> Model:
    model = RecordingModel()
    chat_server.model = model
    return model


async def test_twenty_task_lists_reach_the_model_as_what_they_showed_in_kilobytes(chat, recorder):
    titles = [f"Renew the {word} certificate" for word in ("api", "web", "mail", "vpn")]
    tasks = [await sync_to_async(make_task)(title=title) for title in titles]
    thread_id, events = await chat.create_thread("show tasks")
    shown = listed_task_ids(streamed_widgets(events)[0])
    assert sorted(shown) == sorted(task.pk for task in tasks)
    # 20 "show tasks" more: 21 lists in all, 20 of them among the last 40 items.
    for _ in range(20):
        await chat.say(thread_id, "show tasks")

    await chat.say(thread_id, "help")

    model_input = recorder.inputs[-1]
    assert len(model_input) == HISTORY_LIMIT
    # chatkit's default sends each list's JSON: about 1,000 characters a task.
    assert size(model_input) <= INPUT_BOUND
    lines = widget_lines(model_input)
    assert len(lines) == 20
    # Each list names its tasks; the newest one with their titles and status.
    for line in lines:
        assert [int(n) for n in re.findall(r"#(\d+)", line)] == shown
    for task in tasks:
        assert f"#{task.pk} {task.title} (todo)" in lines[-1]
    assert "“Tasks · 4 tasks”" in lines[-1]


async def test_the_model_reads_a_list_as_it_is_after_a_button_changed_it(chat, recorder):
    task = await sync_to_async(make_task)(title="Ship the release notes")
    thread_id, events = await chat.create_thread("show tasks")
    [widget] = streamed_widgets(events)

    await act(chat, thread_id, widget.id, "task.start", {"task_id": task.pk})
    await chat.say(thread_id, "help")

    [line] = widget_lines(recorder.inputs[-1])
    assert f"#{task.pk} Ship the release notes (in_progress)" in line


async def test_a_card_and_the_form_are_named_for_what_they_are(chat, recorder):
    task = await sync_to_async(make_task)(title="Call the <TASK_REF> supplier")
    thread_id, _ = await chat.create_thread(f"show #{task.pk}")
    await chat.say(thread_id, "new task")

    await chat.say(thread_id, "help")

    card, form = widget_lines(recorder.inputs[-1])
    # A title cannot forge a marker the model would read as a mention.
    assert f"the card of task #{task.pk} Call the &lt;TASK_REF&gt; supplier (todo)" in card
    assert "the new-task form" in form


async def test_a_deleted_task_is_named_as_deleted(chat, recorder):
    task = await sync_to_async(make_task)(title="Temporary")
    thread_id, _ = await chat.create_thread(f"show #{task.pk}")
    await Task.objects.filter(pk=task.pk).adelete()

    await chat.say(thread_id, "help")

    [card] = widget_lines(recorder.inputs[-1])
    assert f"#{task.pk} (deleted)" in card


async def test_the_history_the_model_reads_is_the_threads_last_items_in_order(
    context, other_context
):
    store = DjangoStore()
    start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    thread = ThreadMetadata(id="thr_history", created_at=start)
    await store.save_thread(thread, context)
    task = await sync_to_async(make_task)(title="Listed")
    outcome = await sync_to_async(task_commands.list_tasks)(user=context.user)
    listed = widget_state.new_item(outcome.shown, item_id="w_list", thread_id=thread.id)
    foreign = WidgetItem(
        id="w_foreign",
        thread_id=thread.id,
        created_at=start,
        widget=Card(children=[Text(value="Not the app's")]),
    )
    items = [listed, foreign]
    for n, item in enumerate(items):
        at = start + timedelta(seconds=n)
        await store.add_thread_item(thread.id, item.model_copy(update={"created_at": at}), context)

    history = await store.load_history(thread.id, HISTORY_LIMIT, context)
    page = await store.load_thread_items(thread.id, None, HISTORY_LIMIT, "asc", context)

    assert [item.id for item in history] == [item.id for item in page.data]
    assert [item.id for item in history] == ["w_list", "w_foreign"]
    assert widget_state.state_of(history[0]).task_ids == [task.pk]
    # A widget the app did not build (no state) is read whole, as the store keeps it.
    assert history[1] == page.data[1]
    with pytest.raises(NotFoundError):
        await store.load_history(thread.id, HISTORY_LIMIT, other_context)
