"""Widget buttons over `POST /chatkit` (`threads.custom_action`), with the database checked
after every step: the end-to-end path, refusals, double submission and the board socket."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from chatkit.types import StreamOptionsEvent, WidgetItem

from chatkit_app.models import ChatItem
from chatkit_app.widgets import widget_nodes
from taskboard.models import Task, TaskEvent
from tests.chatkit.protocol import ChatClient
from tests.chatkit.task_chat import (
    act,
    act_raw,
    assistant_texts,
    buttons,
    effects,
    errors,
    listed_task_ids,
    replaced_widgets,
    streamed_widgets,
    task_buttons,
    texts,
    tree,
)
from tests.conftest import connected_board
from tests.factories import make_task

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = 'Fix "quotes" \\ {{ 7*7 }} </script> ", "onClickAction": {"type": "task.approve"}'


async def stored_widget(thread_id: str, item_id: str) -> dict:
    """The widget as the store keeps it, in the same form as `tree()` of a streamed one."""
    row = await ChatItem.objects.aget(thread_id=thread_id, item_id=item_id)
    return tree(WidgetItem.model_validate(row.data))


async def hidden_notes(thread_id: str) -> list[str]:
    return [
        row.data["content"]
        async for row in ChatItem.objects.filter(thread_id=thread_id, type="hidden_context_item")
    ]


async def events_of(task: Task) -> list[tuple[str, str, str, int]]:
    return [
        (event.from_status, event.to_status, event.source, event.actor_id)
        async for event in TaskEvent.objects.filter(task=task).order_by("id")
    ]


async def card_after_create(chat: ChatClient, thread_id: str, form_id: str, **fields):
    payload = {"description": "", "priority": "medium", "due_date": None, "assignee_id": None}
    return await act(chat, thread_id, form_id, "task.create", {**payload, **fields})


async def test_create_start_submit_approve_through_widget_buttons(
    chat, user, approver_chat, approver
):
    # The form, from the offline model.
    thread_id, events = await chat.create_thread("new task")
    [form] = streamed_widgets(events)
    assert buttons(form) == []  # the form submits with its own submit button
    assert "Create task" in str(form.widget)

    # task.create: the form becomes the task card.
    events = await card_after_create(
        chat,
        thread_id,
        form.id,
        title="Ship the release",
        description="Tag and publish",
        priority="high",
        due_date="2030-01-02",
        assignee_id=str(user.pk),
    )
    task = await Task.objects.aget(title="Ship the release")
    assert (task.status, task.priority, task.description) == ("todo", "high", "Tag and publish")
    assert (str(task.due_date), task.assignee_id, task.created_by_id) == (
        "2030-01-02",
        user.pk,
        user.pk,
    )
    [card] = replaced_widgets(events)
    assert card.id == form.id
    assert task_buttons(card, task.pk) == ["task.start"]
    assert await stored_widget(thread_id, form.id) == tree(card)
    assert assistant_texts(events) == [
        f"Created #{task.pk} “Ship the release”. It is in To do; press Start when work begins."
    ]
    assert effects(events) == [
        ("tasks.changed", {"task_id": task.pk, "status": "todo", "action": "create"})
    ]

    # task.start from the card.
    events = await act(chat, thread_id, card.id, "task.start", {"task_id": task.pk})
    await task.arefresh_from_db()
    assert task.status == "in_progress"
    assert await events_of(task) == [("todo", "in_progress", "widget", user.pk)]
    [card] = replaced_widgets(events)
    assert task_buttons(card, task.pk) == ["task.submit"]
    assert "In progress" in str(card.widget)
    assert "Started by Carol." in texts(card)
    assert assistant_texts(events) == [
        f"Started #{task.pk} “Ship the release”. It is now in progress."
    ]
    assert effects(events) == [
        ("tasks.changed", {"task_id": task.pk, "status": "in_progress", "action": "start"})
    ]

    # task.submit: a member's card has no approve button afterwards.
    events = await act(chat, thread_id, card.id, "task.submit", {"task_id": task.pk})
    await task.arefresh_from_db()
    assert task.status == "review"
    [card] = replaced_widgets(events)
    assert task_buttons(card, task.pk) == []

    # The approver lists the review queue in their own thread and approves.
    review_thread, events = await approver_chat.create_thread("show tasks in review")
    [review_list] = streamed_widgets(events)
    assert listed_task_ids(review_list) == [task.pk]
    assert task_buttons(review_list, task.pk) == ["task.approve", "task.reject"]
    events = await act(
        approver_chat, review_thread, review_list.id, "task.approve", {"task_id": task.pk}
    )
    await task.arefresh_from_db()
    assert task.status == "done"
    [review_list] = replaced_widgets(events)
    assert listed_task_ids(review_list) == [task.pk]
    assert task_buttons(review_list, task.pk) == ["task.reopen"]
    assert "Done" in texts(review_list) or "Done" in str(review_list.widget)
    assert assistant_texts(events) == [f"Approved #{task.pk} “Ship the release”. It is now done."]

    assert await events_of(task) == [
        ("todo", "in_progress", "widget", user.pk),
        ("in_progress", "review", "widget", user.pk),
        ("review", "done", "widget", approver.pk),
    ]
    # The model will see each step on its next turn.
    notes = await hidden_notes(thread_id)
    assert len(notes) == 3
    assert f'action="create" task_id="{task.pk}"' in notes[0]
    assert "pressed Start" in notes[1]
    assert "pressed Submit for review" in notes[2]
    assert "pressed Approve" in (await hidden_notes(review_thread))[0]


async def test_reject_and_reopen_buttons_move_the_task_back(approver_chat, approver):
    task = await sync_to_async(make_task)(title="Loop", status=Task.Status.REVIEW)
    thread_id, events = await approver_chat.create_thread(f"show #{task.pk}")
    [card] = streamed_widgets(events)

    events = await act(approver_chat, thread_id, card.id, "task.reject", {"task_id": task.pk})
    await task.arefresh_from_db()
    assert task.status == "in_progress"
    [card] = replaced_widgets(events)
    assert task_buttons(card, task.pk) == ["task.submit"]

    await sync_to_async(Task.objects.filter(pk=task.pk).update)(status=Task.Status.DONE)
    events = await act(approver_chat, thread_id, card.id, "task.reopen", {"task_id": task.pk})
    await task.arefresh_from_db()
    assert task.status == "todo"
    assert [e[:3] for e in await events_of(task)] == [
        ("review", "in_progress", "widget"),
        ("done", "todo", "widget"),
    ]


async def test_approve_by_a_member_changes_nothing_and_says_why(chat):
    task = await sync_to_async(make_task)(title="Needs approval", status=Task.Status.REVIEW)
    thread_id, events = await chat.create_thread("show tasks in review")
    [listing] = streamed_widgets(events)
    assert task_buttons(listing, task.pk) == []

    # A forged click: the member's own list shows the task, but not an approve button.
    events = await act(chat, thread_id, listing.id, "task.approve", {"task_id": task.pk})

    await task.arefresh_from_db()
    assert task.status == "review"
    assert await events_of(task) == []
    assert assistant_texts(events) == [
        "Only approvers can approve tasks; ask someone with approval rights. Nothing changed."
    ]
    assert effects(events) == []
    assert not errors(events)


async def test_a_move_from_the_wrong_status_changes_nothing_and_says_why(chat):
    task = await sync_to_async(make_task)(title="Fresh")
    thread_id, events = await chat.create_thread(f"show #{task.pk}")
    [card] = streamed_widgets(events)

    events = await act(chat, thread_id, card.id, "task.submit", {"task_id": task.pk})

    await task.arefresh_from_db()
    assert task.status == "todo"
    assert await events_of(task) == []
    assert assistant_texts(events) == [
        f"Task #{task.pk} is to do; submit needs it to be in progress. Nothing changed."
    ]
    assert effects(events) == []


async def test_a_task_deleted_since_the_widget_was_shown_is_reported_missing(chat):
    task = await sync_to_async(make_task)(title="Soon gone")
    thread_id, events = await chat.create_thread("show tasks")
    [listing] = streamed_widgets(events)
    await Task.objects.filter(pk=task.pk).adelete()

    events = await act(chat, thread_id, listing.id, "task.start", {"task_id": task.pk})

    assert assistant_texts(events) == [f"Task #{task.pk} does not exist. Nothing changed."]
    [listing] = replaced_widgets(events)
    assert task.pk not in listed_task_ids(listing)
    assert await TaskEvent.objects.acount() == 0


async def test_a_task_the_widget_does_not_show_is_refused(chat):
    shown = await sync_to_async(make_task)(title="Shown")
    thread_id, events = await chat.create_thread(f"show #{shown.pk}")
    [card] = streamed_widgets(events)
    hidden = await sync_to_async(make_task)(title="Not on the card")

    for task_id in (hidden.pk, 999_999):
        events = await act(chat, thread_id, card.id, "task.start", {"task_id": task_id})
        assert assistant_texts(events) == [
            f"Task #{task_id} is not on that widget; nothing changed."
        ]
        assert replaced_widgets(events) == []
    assert await Task.objects.filter(status="todo").acount() == 2
    assert await TaskEvent.objects.acount() == 0


@pytest.mark.parametrize(
    "payload",
    [None, {}, {"task_id": None}, {"task_id": "1"}, {"task_id": True}, {"task_id": -1}, [1], "1"],
)
async def test_a_malformed_payload_changes_nothing_and_says_so(chat, payload):
    task = await sync_to_async(make_task)(title="Target")
    thread_id, events = await chat.create_thread(f"show #{task.pk}")
    [card] = streamed_widgets(events)

    events = await act(chat, thread_id, card.id, "task.start", payload)

    assert assistant_texts(events) == [
        "That button sent a malformed request (no task number); nothing changed."
    ]
    assert not errors(events)
    await task.arefresh_from_db()
    assert task.status == "todo"


async def test_an_action_without_a_sender_widget_is_refused(chat):
    task = await sync_to_async(make_task)(title="Target")
    thread_id, _ = await chat.create_thread("hello")

    events = await act(chat, thread_id, None, "task.start", {"task_id": task.pk})

    assert assistant_texts(events) == [
        "That button does not belong to a widget in this conversation; nothing changed."
    ]
    await task.arefresh_from_db()
    assert task.status == "todo"


async def test_a_sender_from_another_users_thread_is_not_found(chat, other_chat):
    task = await sync_to_async(make_task)(title="Theirs")
    other_thread, events = await other_chat.create_thread(f"show #{task.pk}")
    [their_card] = streamed_widgets(events)
    my_thread, _ = await chat.create_thread("hello")

    # Their widget id in my thread, and their thread outright.
    for thread_id in (my_thread, other_thread):
        status, body = await act_raw(
            chat, thread_id, their_card.id, "task.start", {"task_id": task.pk}
        )
        assert status == 404
        assert body == b'{"error": "Not found."}'
    await task.arefresh_from_db()
    assert task.status == "todo"
    assert await stored_widget(other_thread, their_card.id) == tree(their_card)


async def test_a_sender_that_is_not_a_widget_is_refused(chat):
    task = await sync_to_async(make_task)(title="Target")
    thread_id, events = await chat.create_thread("hello")
    message_id = events[1].item.id  # the user's own message

    status, body = await act_raw(chat, thread_id, message_id, "task.start", {"task_id": task.pk})

    assert status == 200
    assert [type(event).__name__ for event in body] == ["ErrorEvent"]
    await task.arefresh_from_db()
    assert task.status == "todo"


async def test_a_double_click_applies_once(chat, user):
    task = await sync_to_async(make_task)(title="Click me twice")
    thread_id, events = await chat.create_thread(f"show #{task.pk}")
    [card] = streamed_widgets(events)

    first, second = await asyncio.gather(
        act(chat, thread_id, card.id, "task.start", {"task_id": task.pk}),
        act(chat, thread_id, card.id, "task.start", {"task_id": task.pk}),
    )

    await task.arefresh_from_db()
    assert task.status == "in_progress"
    assert await events_of(task) == [("todo", "in_progress", "widget", user.pk)]
    messages = sorted(assistant_texts(first) + assistant_texts(second))
    assert messages == [
        f"Started #{task.pk} “Click me twice”. It is now in progress.",
        f"Task #{task.pk} is in progress; start needs it to be to do. Nothing changed.",
    ]


async def test_a_form_submitted_twice_creates_one_task(chat):
    thread_id, events = await chat.create_thread("new task")
    [form] = streamed_widgets(events)

    first = await card_after_create(chat, thread_id, form.id, title="Only once")
    second = await card_after_create(chat, thread_id, form.id, title="Only once")

    assert await Task.objects.filter(title="Only once").acount() == 1
    assert len(replaced_widgets(first)) == 1
    assert replaced_widgets(second) == []
    assert assistant_texts(second) == ["That form was already submitted; nothing new was created."]


@pytest.mark.parametrize(
    ("fields", "field_error", "message"),
    [
        ({"title": "   "}, "Give the task a title.", "Title: Give the task a title."),
        (
            {"title": "x" * 201},
            "at most 200 characters",
            "Title: Ensure this value has at most 200",
        ),
        ({"title": "Ok", "priority": "urgent"}, "Choose low, medium or high.", "Priority:"),
        ({"title": "Ok", "due_date": "someday"}, "Enter a date as YYYY-MM-DD.", "Due date:"),
        ({"title": "Ok", "assignee_id": "999999"}, "No active user with id 999999.", "Assignee:"),
        ({"title": "Ok", "assignee_id": {"id": 1}}, "Choose a person from the list.", "Assignee:"),
        ({"title": "Ok", "description": "d" * 5001}, "at most 5000 characters", "Description:"),
    ],
)
async def test_form_errors_rerender_the_form_and_are_reported_in_chat(
    chat, fields, field_error, message
):
    thread_id, events = await chat.create_thread("new task")
    [form] = streamed_widgets(events)

    events = await card_after_create(chat, thread_id, form.id, **fields)

    assert await Task.objects.acount() == 0
    [again] = replaced_widgets(events)
    assert again.id == form.id
    assert any(field_error in text for text in texts(again))
    [title_input] = [n for n in widget_nodes(tree(again)) if n.get("name") == "title"]
    assert title_input["defaultValue"] == fields["title"][:1000]
    [said] = assistant_texts(events)
    assert said.startswith("The task was not created.")
    assert message in said
    assert effects(events) == []

    # Fixed, the same form creates the task.
    events = await card_after_create(chat, thread_id, form.id, title="Fixed title")
    assert await Task.objects.filter(title="Fixed title").acount() == 1


async def test_a_malformed_form_payload_is_refused(chat):
    thread_id, events = await chat.create_thread("new task")
    [form] = streamed_widgets(events)

    events = await act(chat, thread_id, form.id, "task.create", ["title"])

    assert assistant_texts(events) == ["The form sent a malformed request; nothing was created."]
    assert await Task.objects.acount() == 0


async def test_task_create_from_a_non_form_widget_is_refused(chat):
    task = await sync_to_async(make_task)(title="A card")
    thread_id, events = await chat.create_thread(f"show #{task.pk}")
    [card] = streamed_widgets(events)

    events = await act(chat, thread_id, card.id, "task.create", {"title": "Sneaky"})

    assert assistant_texts(events) == ["That form was already submitted; nothing new was created."]
    assert not await Task.objects.filter(title="Sneaky").aexists()


async def test_hostile_title_through_the_form_is_stored_and_shown_exactly(chat):
    thread_id, events = await chat.create_thread("new task")
    [form] = streamed_widgets(events)

    events = await card_after_create(chat, thread_id, form.id, title=HOSTILE)

    task = await Task.objects.aget()
    assert task.title == HOSTILE
    [card] = replaced_widgets(events)
    assert HOSTILE in texts(card)
    assert [action for _, action, _ in buttons(card)] == ["task.start"]
    assert assistant_texts(events) == [
        f"Created #{task.pk} “{HOSTILE}”. It is in To do; press Start when work begins."
    ]


async def test_task_select_records_hidden_context_and_shows_nothing(chat):
    task = await sync_to_async(make_task)(title="Pick me")
    thread_id, events = await chat.create_thread("show tasks")
    [listing] = streamed_widgets(events)

    events = await act(chat, thread_id, listing.id, "task.select", {"task_id": task.pk})

    assert [type(event) for event in events] == [StreamOptionsEvent]
    [note] = await hidden_notes(thread_id)
    assert f"The user selected task #{task.pk} “Pick me”" in note


async def test_task_select_of_an_unknown_task_says_so(chat):
    thread_id, _ = await chat.create_thread("hello")

    events = await act(chat, thread_id, None, "task.select", {"task_id": 999_999})

    assert assistant_texts(events) == ["Task #999999 does not exist."]
    assert await hidden_notes(thread_id) == []


async def test_an_unknown_action_type_is_an_error_event_and_stores_nothing(chat):
    thread_id, _ = await chat.create_thread("hello")
    before = await ChatItem.objects.filter(thread_id=thread_id).acount()

    events = await act(chat, thread_id, None, "task.delete_everything", {"task_id": 1})

    assert [(e.message, e.allow_retry) for e in errors(events)] == [
        ("The action “task.delete_everything” is not supported.", False)
    ]
    assert assistant_texts(events) == []
    assert await ChatItem.objects.filter(thread_id=thread_id).acount() == before


async def test_board_socket_hears_task_changed_after_a_widget_action(chat):
    task = await sync_to_async(make_task)(title="Watched")
    thread_id, events = await chat.create_thread(f"show #{task.pk}")
    [card] = streamed_widgets(events)
    board = await connected_board(chat.client)

    await act(chat, thread_id, card.id, "task.start", {"task_id": task.pk})

    # The board group is shared; skip news about other tasks.
    message = await board.receive_json_from(timeout=5)
    while message.get("task", {}).get("id") != task.pk:
        message = await board.receive_json_from(timeout=5)
    assert message["type"] == "task.changed"
    assert message["task"]["status"] == "in_progress"
    assert message["task"]["title"] == "Watched"
    await board.disconnect()
