"""Composer modes with the offline model: `create` opens with the form, `review` with the queue."""

import pytest
from asgiref.sync import sync_to_async

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


async def test_create_mode_opens_with_the_task_form_whatever_is_typed(chat):
    _, events = await chat.create_thread("I need to track something", tool="create")

    [form] = streamed_widgets(events)
    assert "task.create" in str(form.widget)
    assert assistant_texts(events) == []
    assert await Task.objects.acount() == 0


async def test_review_mode_gives_approvers_approve_and_reject_buttons(approver_chat):
    waiting = await sync_to_async(make_task)(title="Waiting", status=Task.Status.REVIEW)
    await sync_to_async(make_task)(title="Not yet", status=Task.Status.IN_PROGRESS)

    _, events = await approver_chat.create_thread("anything to review?", tool="review")

    [queue] = streamed_widgets(events)
    assert listed_task_ids(queue) == [waiting.pk]
    assert task_buttons(queue, waiting.pk) == ["task.approve", "task.reject"]
    assert "Review queue" in str(queue.widget)


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
