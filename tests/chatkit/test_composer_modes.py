"""Composer modes with the offline model: `create` opens with the form, `review` with the queue."""

import pytest
from asgiref.sync import sync_to_async

from chatkit_app.widgets import widget_nodes
from taskboard.models import Task
from tests.chatkit.task_chat import (
    assistant_texts,
    buttons,
    listed_task_ids,
    streamed_widgets,
    task_buttons,
    texts,
)
from tests.factories import make_task

pytestmark = pytest.mark.django_db(transaction=True)


def form_title(form) -> str:
    [title] = [
        node
        for node in widget_nodes(form.widget.model_dump(exclude_none=True))
        if node.get("type") == "Input" and node.get("name") == "title"
    ]
    return title.get("defaultValue", "")


async def test_create_mode_opens_with_the_task_form_whatever_is_typed(chat):
    _, events = await chat.create_thread("I need to track something", tool="create")

    [form] = streamed_widgets(events)
    assert "task.create" in str(form.widget)
    assert assistant_texts(events) == []
    assert await Task.objects.acount() == 0


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("bug in export", "bug in export"),
        ("create task Fix the   export", "Fix the export"),
        ("new task", ""),
        ("show tasks", ""),
    ],
)
async def test_create_mode_titles_the_form_with_what_was_typed(chat, typed, title):
    _, events = await chat.create_thread(typed, tool="create")

    [form] = streamed_widgets(events)
    assert form_title(form) == title
    assert await Task.objects.acount() == 0


async def test_review_mode_gives_approvers_approve_and_reject_buttons(approver_chat):
    waiting = await sync_to_async(make_task)(title="Waiting", status=Task.Status.REVIEW)
    await sync_to_async(make_task)(title="Not yet", status=Task.Status.IN_PROGRESS)

    _, events = await approver_chat.create_thread("anything to review?", tool="review")

    [queue] = streamed_widgets(events)
    assert listed_task_ids(queue) == [waiting.pk]
    assert task_buttons(queue, waiting.pk) == ["task.approve", "task.reject"]
    assert queue.widget.status["text"] == "Review queue · 1 task"


async def test_review_mode_shows_members_the_queue_without_buttons_and_says_why(chat):
    waiting = await sync_to_async(make_task)(title="Waiting", status=Task.Status.REVIEW)

    _, events = await chat.create_thread("review", tool="review")

    [queue] = streamed_widgets(events)
    assert listed_task_ids(queue) == [waiting.pk]
    assert buttons(queue) == []
    assert any("Only approvers can approve or reject tasks" in t for t in texts(queue))


async def test_chat_mode_answers_the_grammar(chat):
    _, events = await chat.create_thread("show tasks", tool="chat")

    assert len(streamed_widgets(events)) == 1
