"""Fixtures for the built-in chat panel's Vitest suite, written from the real server.

1. `widget-components.json`: every component type the templates in `widgets/` can
   produce, from two sources that must agree: each template rendered by its real
   builder with data that takes every branch, and the `"type"` names written in the
   template text. Vitest fails when the renderer has no component for one of them.
2. `streams/*.sse`: the bytes `POST /chatkit` sends for the chat's main journeys
   (show tasks, a widget button, the task form, a create refused then accepted, a
   model failure), recorded through the same request path the panel uses. Ids and
   times are replaced by stable placeholders, so re-recording an unchanged server
   rewrites identical files and `git diff` shows exactly what the server changed.

Both are rewritten on every run; `make test` runs pytest before Vitest, so the
reducer is always checked against the current server's streams.
"""

import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings

from chatkit_app.widgets import (
    FORM_FIELDS,
    WIDGETS_DIR,
    build_task_card,
    build_task_form,
    build_task_list,
)
from taskboard.models import Task
from tests.chatkit.protocol import ChatClient, decode_sse, user_input
from tests.factories import make_task, make_user

FIXTURES = settings.BASE_DIR / "frontend" / "src" / "chat" / "__fixtures__"
HOSTILE = 'Fix "quotes" \\ {{ 7*7 }} </script> <img src=x onerror=alert(1)>'
TEMPLATE_TYPE = re.compile(r'\\"type\\":\\"([A-Z][A-Za-z.]*)\\"')


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def component_types(node: Any) -> set[str]:
    """The `type` of the root and of every node under `children`, recursively."""
    types = {node["type"]}
    for child in node.get("children") or []:
        types |= component_types(child)
    return types


def template_types() -> dict[str, set[str]]:
    """Per template file: the component types its template text names."""
    return {
        path.stem: set(TEMPLATE_TYPE.findall(path.read_text()))
        for path in sorted(Path(WIDGETS_DIR).glob("*.widget"))
    }


def rendered_types(approver, member, described: Task, bare: Task) -> dict[str, set[str]]:
    """Per template: the component types its builder produces with data that takes every branch."""
    built = {
        "task_list": [
            build_task_list(tasks=[described, bare], user=approver, next_offset=20, note="Note"),
            build_task_list(tasks=[], user=member),
        ],
        "task_card": [
            build_task_card(described, approver, note="Approved."),
            build_task_card(bare, member, with_actions=False),
        ],
        "task_form": [
            build_task_form(
                people=[approver, member],
                values={"title": "x", "due_date": "2030-01-02", "assignee_id": str(member.pk)},
                errors={field: "Wrong." for field in ("__all__", *FORM_FIELDS)},
            ),
            build_task_form(people=[]),
        ],
    }
    return {
        name: set().union(*(component_types(w.model_dump(exclude_none=True)) for w in widgets))
        for name, widgets in built.items()
    }


def write(name: str, content: str | bytes) -> None:
    path = FIXTURES / name
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


@pytest.mark.django_db
def test_every_component_type_of_the_templates_is_listed_for_the_renderer():
    approver = make_user(username="fixture-approver", approver=True, first_name="Ada")
    member = make_user(username="fixture-member", first_name="Max")
    described = make_task(
        title=HOSTILE, description="Steps", assignee=member, status=Task.Status.REVIEW
    )
    bare = make_task(title="Plain")

    named = template_types()
    rendered = rendered_types(approver, member, described, bare)

    # A template without a builder here would go unrendered: add it to rendered_types.
    assert set(rendered) == set(named)
    for name, types in named.items():
        assert rendered[name] == types, f"{name}: data here does not reach every branch"
    every = sorted(set().union(*named.values()))
    assert {"Card", "ListView", "ListViewItem", "Form", "Input", "Button"} <= set(every)
    write(
        "widget-components.json",
        json.dumps(
            {"all": every, "byTemplate": {name: sorted(types) for name, types in named.items()}},
            indent=2,
        )
        + "\n",
    )


ID = re.compile(r"\b([a-z]+)_([0-9a-f]{8})\b")
TIME = re.compile(r'"created_at":"([^"]+)"')


class Normalizer:
    """Replaces ids and times with placeholders, the same value always by the same placeholder."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.times: dict[str, str] = {}

    def id(self, match: re.Match) -> str:
        original = match.group(0)
        if original not in self.ids:
            self.ids[original] = f"{match.group(1)}_{len(self.ids) + 1:08d}"
        return self.ids[original]

    def time(self, match: re.Match) -> str:
        original = match.group(1)
        if original not in self.times:
            seconds = len(self.times)
            self.times[original] = f"2026-01-01T00:{seconds // 60:02d}:{seconds % 60:02d}"
        return f'"created_at":"{self.times[original]}"'

    def __call__(self, body: bytes) -> bytes:
        text = ID.sub(self.id, body.decode())
        return TIME.sub(self.time, text).encode()


class Recorder:
    def __init__(self, chat: ChatClient) -> None:
        self.chat = chat
        self.normalize = Normalizer()

    async def record(self, name: str, request_type: str, **params: Any) -> list:
        """Send a streaming request, write its normalized bytes, return its decoded events."""
        response = await self.chat.post({"type": request_type, "params": params})
        assert response.status_code == 200, response.content
        body = b"".join([chunk async for chunk in response.streaming_content])
        write(f"streams/{name}.sse", self.normalize(body))
        return decode_sse(body)


def of(events: list, event_type: str) -> list:
    return [event for event in events if event.type == event_type]


def widget_ids(events: list) -> list[str]:
    return [
        event.item.id for event in of(events, "thread.item.done") if event.item.type == "widget"
    ]


@pytest.mark.django_db(transaction=True, reset_sequences=True)
async def test_record_the_chat_streams_the_panel_reads(settings):
    approver = await sync_to_async(make_user)(
        username="ada", approver=True, first_name="Ada", last_name="Lovelace"
    )
    await sync_to_async(make_task)(title=HOSTILE, status=Task.Status.REVIEW)
    todo = await sync_to_async(make_task)(title="Write the release notes")
    recorder = Recorder(await ChatClient.signed_in(approver))

    events = await recorder.record("show-tasks", "threads.create", input=user_input("show tasks"))
    thread_id = events[0].thread.id
    [list_id] = widget_ids(events)
    assert of(events, "thread.updated")[0].thread.title == "show tasks"

    events = await recorder.record(
        "widget-action",
        "threads.custom_action",
        thread_id=thread_id,
        item_id=list_id,
        action={"type": "task.start", "payload": {"task_id": todo.pk}},
    )
    assert [event.item.id for event in of(events, "thread.item.replaced")] == [list_id]

    events = await recorder.record(
        "task-form",
        "threads.add_user_message",
        thread_id=thread_id,
        input=user_input("new task"),
    )
    [form_id] = widget_ids(events)

    fields = {"description": "", "priority": "high", "due_date": None, "assignee_id": None}
    events = await recorder.record(
        "create-refused",
        "threads.custom_action",
        thread_id=thread_id,
        item_id=form_id,
        action={"type": "task.create", "payload": {**fields, "title": ""}},
    )
    [refused] = of(events, "thread.item.replaced")
    assert "danger" in json.dumps(refused.item.widget.model_dump())

    events = await recorder.record(
        "create-task",
        "threads.custom_action",
        thread_id=thread_id,
        item_id=form_id,
        action={"type": "task.create", "payload": {**fields, "title": "Plan the launch"}},
    )
    assert of(events, "thread.item.replaced")
    assert await Task.objects.filter(title="Plan the launch").aexists()

    # The model is unreachable: a real OpenAI client pointed at a closed port.
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = f"http://127.0.0.1:{closed_port()}/v1"
    settings.CHATKIT_MODEL = "gpt-test"
    events = await recorder.record(
        "model-failure", "threads.add_user_message", thread_id=thread_id, input=user_input("help")
    )
    [error] = of(events, "error")
    assert error.allow_retry is True
