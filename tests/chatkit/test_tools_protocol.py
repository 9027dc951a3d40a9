"""Agent tools reached through the offline model's grammar over `POST /chatkit`:
each streams its widget (or says why not) and the database reflects every change."""

import pytest
from asgiref.sync import sync_to_async
from chatkit.types import AssistantMessageItem, ThreadItemDoneEvent, WidgetItem

from chatkit_app import offline
from taskboard.models import Task, TaskEvent
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


def newest_first(tasks: list[Task]) -> list[int]:
    return [task.pk for task in sorted(tasks, key=lambda t: (t.updated_at, t.pk), reverse=True)]


async def test_show_tasks_streams_the_list_widget_and_ends_the_turn(chat):
    tasks = [await sync_to_async(make_task)(title=f"Task {n}") for n in range(3)]

    _, events = await chat.create_thread("show tasks")

    [listing] = streamed_widgets(events)
    assert listed_task_ids(listing) == newest_first(tasks)
    assert "Task 0" in texts(listing)
    # The widget is the answer: no assistant prose repeats it.
    assert assistant_texts(events) == []
    done = [e.item for e in events if isinstance(e, ThreadItemDoneEvent)]
    assert [type(item) for item in done][-1] is WidgetItem


async def test_more_than_twenty_tasks_get_a_show_more_button_and_a_second_page(chat):
    tasks = [await sync_to_async(make_task)(title=f"Bulk {n}") for n in range(25)]
    order = newest_first(tasks)

    thread_id, events = await chat.create_thread("show tasks")
    [first_page] = streamed_widgets(events)
    assert listed_task_ids(first_page) == order[:20]
    assert buttons(first_page)[-1] == ("Show more", "tasks.more", {"offset": 20})

    # What the chat panel sends for tasks.more.
    events = await chat.say(thread_id, "show more tasks from 20")
    [second_page] = streamed_widgets(events)
    assert listed_task_ids(second_page) == order[20:]
    assert "Show more" not in [label for label, _, _ in buttons(second_page)]


async def test_status_filter_and_show_more_keep_the_status(chat):
    for n in range(22):
        await sync_to_async(make_task)(title=f"Review {n}", status=Task.Status.REVIEW)
    await sync_to_async(make_task)(title="Not in review")

    thread_id, events = await chat.create_thread("show tasks in review")
    [listing] = streamed_widgets(events)
    assert len(listed_task_ids(listing)) == 20
    assert buttons(listing)[-1] == ("Show more", "tasks.more", {"status": "review", "offset": 20})

    events = await chat.say(thread_id, "show more tasks in review from 20")
    [rest] = streamed_widgets(events)
    assert len(listed_task_ids(rest)) == 2


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("show todo tasks", "todo"),
        ("list tasks in progress", "in_progress"),
        ("show me the done tasks", "done"),
        ("Show tasks in review", "review"),
    ],
)
async def test_status_words_reach_the_list_filter(chat, text, status):
    by_status = {
        s: await sync_to_async(make_task)(title=f"A {s}", status=s) for s in Task.Status.values
    }

    _, events = await chat.create_thread(text)

    [listing] = streamed_widgets(events)
    assert listed_task_ids(listing) == [by_status[status].pk]


async def test_show_my_tasks_lists_only_tasks_assigned_to_me(chat, user, other_user):
    mine = await sync_to_async(make_task)(title="Mine", assignee=user)
    await sync_to_async(make_task)(title="Theirs", assignee=other_user)
    await sync_to_async(make_task)(title="Nobody's")

    _, events = await chat.create_thread("show my tasks")

    [listing] = streamed_widgets(events)
    assert listed_task_ids(listing) == [mine.pk]


async def test_find_searches_titles(chat):
    hit = await sync_to_async(make_task)(title="Fix the login form")
    await sync_to_async(make_task)(title="Write docs")

    _, events = await chat.create_thread("find login")

    [listing] = streamed_widgets(events)
    assert listed_task_ids(listing) == [hit.pk]
    assert "Tasks matching “login”" in str(listing.widget)


async def test_transition_buttons_follow_the_users_permissions(chat, approver_chat):
    task = await sync_to_async(make_task)(title="Reviewed", status=Task.Status.REVIEW)

    _, member_events = await chat.create_thread("show tasks")
    _, approver_events = await approver_chat.create_thread("show tasks")

    assert task_buttons(streamed_widgets(member_events)[0], task.pk) == []
    [approver_list] = streamed_widgets(approver_events)
    assert task_buttons(approver_list, task.pk) == ["task.approve", "task.reject"]
    labels = [label for label, _, _ in buttons(approver_list)]
    assert labels == ["Approve", "Reject"]


async def test_new_task_streams_the_form(chat, other_user):
    _, events = await chat.create_thread("new task")

    [form] = streamed_widgets(events)
    dumped = str(form.widget)
    assert "task.create" in dumped
    assert "dave" in dumped  # people to assign
    assert assistant_texts(events) == []


async def test_create_task_with_a_title_creates_it_and_shows_its_card(chat, user):
    _, events = await chat.create_thread("create task Write the changelog")

    task = await Task.objects.aget()
    assert (task.title, task.status, task.created_by_id) == ("Write the changelog", "todo", user.pk)
    [card] = streamed_widgets(events)
    assert task_buttons(card, task.pk) == ["task.start"]
    assert "Created by Carol." in texts(card)


async def test_start_by_number_moves_the_task_with_source_chat(chat, user):
    task = await sync_to_async(make_task)(title="Begin")

    _, events = await chat.create_thread(f"start #{task.pk}")

    await task.arefresh_from_db()
    assert task.status == "in_progress"
    event = await TaskEvent.objects.aget(task=task)
    assert (event.source, event.actor_id) == ("chat", user.pk)
    [card] = streamed_widgets(events)
    assert task_buttons(card, task.pk) == ["task.submit"]


async def test_a_refused_tool_call_tells_the_user_why_and_changes_nothing(chat):
    task = await sync_to_async(make_task)(title="Guarded", status=Task.Status.REVIEW)
    thread_id, events = await chat.create_thread(f"approve #{task.pk}")

    assert streamed_widgets(events) == []
    assert assistant_texts(events) == [
        "Only approvers can approve tasks; ask someone with approval rights."
    ]
    await task.arefresh_from_db()
    assert task.status == "review"

    events = await chat.say(thread_id, "start #999999")
    assert assistant_texts(events) == ["Task #999999 does not exist."]

    events = await chat.say(thread_id, "show tasks assigned to nobody-here")
    assert assistant_texts(events) == [
        "I know nobody called 'nobody-here'; mention a person with @."
    ]
    assert await TaskEvent.objects.acount() == 0


async def test_create_task_with_an_invalid_title_reports_the_error(chat):
    _, events = await chat.create_thread("create task " + "x" * 201)

    [said] = assistant_texts(events)
    assert said.startswith("The task was not created: Title: Ensure this value has at most 200")
    assert await Task.objects.acount() == 0


async def test_show_a_task_by_number_streams_its_card(approver_chat):
    task = await sync_to_async(make_task)(title="Look at me", status=Task.Status.DONE)

    _, events = await approver_chat.create_thread(f"show task {task.pk}")

    [card] = streamed_widgets(events)
    assert "Look at me" in texts(card)
    assert task_buttons(card, task.pk) == ["task.reopen"]


async def test_help_lists_the_task_commands(chat):
    _, events = await chat.create_thread("help")

    [said] = assistant_texts(events)
    for phrase in ("show tasks", "show my tasks", "new task", "create task <title>", "start #12"):
        assert phrase in said


async def test_a_user_message_item_is_stored_for_every_command(chat):
    thread_id, _ = await chat.create_thread("show tasks")
    status, page = await chat.call("items.list", thread_id=thread_id, order="asc")

    assert status == 200
    assert [item["type"] for item in page["data"]] == ["user_message", "widget"]
    assert not any(isinstance(item, AssistantMessageItem) for item in page["data"])


@pytest.mark.parametrize(
    ("text", "arguments"),
    [
        ("show more tasks from 20", {"offset": 20}),
        ("show more tasks in in_progress from 40", {"status": "in_progress", "offset": 40}),
        ("show more tasks in review from 20", {"status": "review", "offset": 20}),
    ],
)
def test_the_show_more_message_of_the_chat_panel_pages_the_list(text, arguments):
    tools = frozenset({"list_tasks"})

    reply = offline.plan_reply(offline.Turn(text, tools))

    assert reply == offline.CallTool("list_tasks", arguments)
