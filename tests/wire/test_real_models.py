"""The chat with a real model configuration, over HTTP through Daphne, on both APIs.

The model is the stand-in OpenAI server (`tests.standin_openai`), scripted per test;
what the app sent it is read back from its recorded requests.
"""

import json
import uuid

import pytest
from chatkit.types import (
    AssistantMessageItem,
    ErrorEvent,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemReplacedEvent,
    WidgetItem,
)

from tests.chatkit.task_chat import buttons, listed_task_ids, tag, texts
from tests.standin_openai import Cut, Fail, Slow, Text, ToolCall
from tests.wire.conftest import MODEL_TIMEOUT

# The first test of each API also waits for the database to be migrated and seeded
# and for Daphne to start, which takes minutes on a busy machine.
pytestmark = pytest.mark.timeout(600)


def answers(events) -> list[AssistantMessageItem]:
    return [
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, AssistantMessageItem)
    ]


def widgets(events) -> list[WidgetItem]:
    return [
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, WidgetItem)
    ]


def text_of(content) -> str:
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content or [])


def history(body: dict) -> list[tuple[str, str]]:
    """(role, text) of every message the app sent, on either API, without instructions."""
    messages = body["messages"] if "messages" in body else body["input"]
    return [
        (m["role"], text_of(m.get("content")))
        for m in messages
        if m.get("role") in ("user", "assistant") and m.get("type", "message") == "message"
    ]


def conversation(body: dict) -> list[tuple[str, str]]:
    """The user's typed words and the assistant's answers only (no widgets, no notes)."""
    return [
        (role, text)
        for role, text in history(body)
        if role == "assistant" or not text.startswith(("The following graphical", "Hidden", "#"))
    ]


def tool_choice(body: dict):
    return body.get("tool_choice")


def make_task(session, title: str) -> dict:
    response = session.post("/api/tasks", {"title": title})
    assert response.status_code == 201, response.text
    return response.json()


def unique(title: str) -> str:
    return f"{title} {uuid.uuid4().hex[:6]}"


def test_a_long_conversation_keeps_distinct_ids_and_sends_the_whole_history(live_chat, alice):
    standin = live_chat.standin
    replies = ["First answer.", "Second answer, longer.", "Third.", "Fourth and last."]
    standin.script(*(Text(reply) for reply in replies))
    said = ["hello", "what can you do?", "and then?", "thanks"]

    thread_id, events = alice.start(said[0])
    streamed = answers(events)
    for words in said[1:]:
        streamed += answers(alice.say(thread_id, words))

    assert [item.content[0].text for item in streamed] == replies
    items = alice.items(thread_id)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)) == 8
    assert "__fake_id__" not in ids
    assert [i["id"] for i in items if i["type"] == "assistant_message"] == [i.id for i in streamed]
    requests = standin.model_requests()
    assert len(requests) == 4
    for turn, request in enumerate(requests):
        expected = []
        for words, reply in zip(said[:turn], replies[:turn], strict=True):
            expected += [("user", words), ("assistant", reply)]
        assert conversation(request.body) == [*expected, ("user", said[turn])]


def test_show_tasks_calls_list_tasks_and_the_start_button_works(live_chat, alice):
    standin = live_chat.standin
    title = unique("Wire list")
    task = make_task(alice, title)
    arguments = {"status": None, "assignee": None, "search": title, "offset": 0}
    standin.script(ToolCall("list_tasks", arguments), Text("It is started."))

    thread_id, events = alice.start("show tasks")

    [widget] = widgets(events)
    assert listed_task_ids(widget) == [task["id"]]
    assert ("Start", "task.start", {"task_id": task["id"]}) in buttons(widget)
    [request] = standin.model_requests()
    tools = request.body["tools"]
    names = [t.get("name") or t["function"]["name"] for t in tools]
    assert "list_tasks" in names

    acted = alice.stream(
        "threads.custom_action",
        thread_id=thread_id,
        item_id=widget.id,
        action={"type": "task.start", "payload": {"task_id": task["id"]}},
    )
    assert any(isinstance(e, ThreadItemReplacedEvent) for e in acted)
    assert alice.get(f"/api/tasks/{task['id']}").json()["status"] == "in_progress"

    # The next turn carries the widget and the action's hidden note to the model.
    follow_up = alice.say(thread_id, "is it started?")
    assert [a.content[0].text for a in answers(follow_up)] == ["It is started."]
    sent = history(standin.model_requests()[-1].body)
    [shown] = [text for _, text in sent if text.startswith("The following graphical UI widget")]
    # What the list showed, in a line (not its JSON), with the task as it is now.
    assert f"#{task['id']} {title} (in_progress)" in shown
    assert len(shown) < 300
    assert any("Hidden context" in text for _, text in sent)


def test_a_mention_reaches_the_model_as_a_marker_and_the_tool_gets_its_id(live_chat, alice):
    standin = live_chat.standin
    task = make_task(alice, unique("Wire mention"))
    standin.script(
        ToolCall("transition_task", {"task_id": task["id"], "action": "start"}),
        Text("Anything else?"),
    )

    thread_id, events = alice.start(
        [{"type": "input_text", "text": "start "}, tag(f"task:{task['id']}", task["title"])]
    )

    marker = f'<TASK_REF id="{task["id"]}">{task["title"]}</TASK_REF>'
    first = standin.model_requests()[0].body
    assert ("user", f"start {marker}") in history(first)
    [card] = widgets(events)
    assert any("Started" in text for text in texts(card))
    assert alice.get(f"/api/tasks/{task['id']}").json()["status"] == "in_progress"

    # History with the tag and the earlier tool call's card is accepted on the next turn.
    assert [a.content[0].text for a in answers(alice.say(thread_id, "no"))] == ["Anything else?"]
    assert ("user", f"start {marker}") in history(standin.model_requests()[-1].body)


def test_a_retried_answer_replaces_the_old_one(live_chat, alice):
    standin = live_chat.standin
    standin.script(Text("A first try."), Text("A better answer."))
    thread_id, events = alice.start("tell me something")
    [old] = answers(events)
    user_item = next(i for i in alice.items(thread_id) if i["type"] == "user_message")

    retried = alice.stream("threads.retry_after_item", thread_id=thread_id, item_id=user_item["id"])

    [new] = answers(retried)
    assert new.content[0].text == "A better answer."
    items = alice.items(thread_id)
    assert [i["id"] for i in items] == [user_item["id"], new.id]
    assert new.id != old.id
    assert conversation(standin.model_requests()[-1].body) == [("user", "tell me something")]


@pytest.mark.parametrize(
    ("mode", "tool"), [("create", "show_task_form"), ("review", "show_review_queue")]
)
def test_composer_modes_force_their_tool(live_chat, alice, mode, tool):
    standin = live_chat.standin
    arguments = {"title": None} if tool == "show_task_form" else {}
    standin.script(ToolCall(tool, arguments))

    _, events = alice.start("let's go", tool=mode)

    [widget] = widgets(events)
    if mode == "create":
        assert "Create task" in json.dumps(widget.model_dump(mode="json"))
    else:
        assert "Review queue" in json.dumps(widget.model_dump(mode="json"))
    [request] = standin.model_requests()
    if live_chat.api == "chat_completions":
        assert tool_choice(request.body) == {"type": "function", "function": {"name": tool}}
    else:
        assert tool_choice(request.body) == {"type": "function", "name": tool}


FAILURES = {
    "http 500": ([Fail(500), Fail(500)], "could not answer"),
    "rate limit": ([Fail(429, retry_after=1), Fail(429, retry_after=1)], "rate limit"),
    "timeout": (
        [Slow(MODEL_TIMEOUT + 1.5, Text("late")), Slow(MODEL_TIMEOUT + 1.5, Text("late"))],
        "too long",
    ),
    "stream cut": ([Cut("This answer will be cut off in the middle.")], "broke off"),
}


@pytest.mark.parametrize("failure", FAILURES, ids=list(FAILURES))
def test_model_failures_end_in_an_error_the_user_can_retry(live_chat, alice, failure):
    script, says = FAILURES[failure]
    standin = live_chat.standin
    standin.script(*script)
    log_start = live_chat.log_size()

    thread_id, events = alice.start("hello?")

    [error] = [e for e in events if isinstance(e, ErrorEvent)]
    assert error.allow_retry is True
    assert says in error.message
    assert not answers(events)
    # A half answer that reached the client is taken back. (When the run fails, the
    # Agents SDK may drop it before it is sent; then there is nothing to take back.)
    shown = {
        e.item.id
        for e in events
        if isinstance(e, ThreadItemAddedEvent) and isinstance(e.item, AssistantMessageItem)
    }
    removed = {e.item_id for e in events if isinstance(e, ThreadItemRemovedEvent)}
    assert shown <= removed
    assert [i["type"] for i in alice.items(thread_id)] == ["user_message"]
    log = live_chat.log_since(log_start)
    warnings = [line for line in log.splitlines() if " WARNING " in line]
    assert len(warnings) == 1, log
    assert "Model request failed" in warnings[0]
    assert "Traceback" not in log and " ERROR " not in log, log

    # Retry works once the model answers again.
    standin.script(Text("Back again."))
    user_item = alice.items(thread_id)[0]
    retried = alice.stream("threads.retry_after_item", thread_id=thread_id, item_id=user_item["id"])
    assert [a.content[0].text for a in answers(retried)] == ["Back again."]


def test_one_failed_request_is_retried_by_the_client(live_chat, alice):
    live_chat.standin.script(Fail(500), Text("Second time lucky."))

    _, events = alice.start("hello")

    assert [a.content[0].text for a in answers(events)] == ["Second time lucky."]


BAD_CALLS = {
    "unknown status": (ToolCall("list_tasks", {"status": "blocked"}), "blocked"),
    "string for a number": (ToolCall("get_task", {"task_id": "twelve"}), "twelve"),
    "broken json": (ToolCall("get_task", '{"task_id": 1'), "not valid JSON"),
}


@pytest.mark.parametrize("case", BAD_CALLS, ids=list(BAD_CALLS))
def test_bad_tool_arguments_are_explained_to_the_user_and_the_model(live_chat, alice, case):
    call, detail = BAD_CALLS[case]
    standin = live_chat.standin
    standin.script(call, Text("Sorry, let me fix that."))
    log_start = live_chat.log_size()

    thread_id, events = alice.start("do it")

    assert not [e for e in events if isinstance(e, ErrorEvent)]
    said = [a.content[0].text for a in answers(events)]
    assert len(said) == 2 and said[1] == "Sorry, let me fix that."
    assert said[0].startswith("I could not do that") and detail in said[0]
    second = json.dumps(standin.model_requests()[1].body)
    assert "Tool error" in second and detail in second
    stored = [i["type"] for i in alice.items(thread_id)]
    assert stored == ["user_message", "assistant_message", "assistant_message"]
    assert "Traceback" not in live_chat.log_since(log_start)


def test_a_member_cannot_approve_through_the_model_and_is_told_why(live_chat, alice, bob):
    task = make_task(alice, unique("Wire approve"))
    for action in ("start", "submit"):
        alice.post(f"/api/tasks/{task['id']}/transitions", {"action": action})
    live_chat.standin.script(
        ToolCall("transition_task", {"task_id": task["id"], "action": "approve"})
    )

    _, events = bob.start("approve it")

    said = [a.content[0].text for a in answers(events)]
    assert len(said) == 1 and "approver" in said[0].lower()
    assert alice.get(f"/api/tasks/{task['id']}").json()["status"] == "review"


def test_hostile_text_from_the_model_is_stored_as_typed(live_chat, alice):
    title = 'Fix "quotes" </script> {{ 7*7 }} ", "onClickAction": {"type": "task.approve"}'
    arguments = {
        "title": title,
        "description": "",
        "priority": "high",
        "assignee": None,
        "due_date": None,
    }
    live_chat.standin.script(ToolCall("create_task", arguments))

    _, events = alice.start("create it")

    [card] = widgets(events)
    assert title in texts(card)
    assert all(action != "task.approve" for _, action, _ in buttons(card))


def test_the_app_reaches_no_host_but_the_configured_model_server(live_chat, alice):
    standin = live_chat.standin
    standin.script(Text("Hi."))

    alice.start("hello")

    # Proxy variables point at the stand-in too: a request for any other host (a
    # trace export to api.openai.com, say) would be recorded here with its target.
    hosts = {r.headers.get("host") for r in standin.everything}
    assert hosts == {f"127.0.0.1:{standin.port}"}
    assert {r.path for r in standin.everything} <= {"/v1/chat/completions", "/v1/responses"}
    assert all(r.method == "POST" for r in standin.everything)
