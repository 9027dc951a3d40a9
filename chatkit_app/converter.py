"""Turns stored thread items into model input.

chatkit's `ThreadItemConverter` handles messages, widgets and hidden context; this
subclass adds what the app's composer produces: @mention tags. A tag for a task
becomes `<TASK_REF id="12">Fix login</TASK_REF>` and a tag for a person
`<USER_REF id="3">Bob Builder</USER_REF>`, in place in the user's words, so
"approve @Fix login" reaches the model as "approve <TASK_REF id="12">Fix login</TASK_REF>".
Tags with ids the app does not issue stay as plain "@text".

Earlier answers go back as assistant messages with plain string content, the one
form both APIs accept: chatkit's default (`output_text` parts) is refused by the
Agents SDK's Chat Completions converter ("Unknown content").

Widgets go back as one sentence each, written from the state the app keeps with the
widget (`widget_state`), never from the widget's JSON. chatkit's default writes the
whole widget as JSON (about 19,000 characters for a list of 20 tasks, re-sent on
every turn); what the model needs is what the widget showed: which list or card,
which tasks, whether more pages follow. Each task is named with its title and
current status at the newest widget that shows it, by number only at older ones, so
twenty "show tasks" in a row cost twenty short lines and one list of titles. At most
`DETAILED_TASKS` tasks are described in full per turn; the model reads any other
with `get_task`.
"""

import copy
import html
import re
from collections.abc import Sequence

from agents import TResponseInputItem
from asgiref.sync import sync_to_async
from chatkit.agents import ThreadItemConverter
from chatkit.types import (
    AssistantMessageItem,
    ThreadItem,
    UserMessageItem,
    UserMessageTagContent,
    UserMessageTextContent,
    WidgetItem,
)
from openai.types.responses import EasyInputMessageParam, ResponseInputTextParam

from chatkit_app.widget_state import TaskCardState, TaskFormState, TaskListState, state_of
from taskboard import selectors

ENTITY_ID = re.compile(r"^(task|user):([1-9][0-9]{0,17})$")
MARKERS = {"task": "TASK_REF", "user": "USER_REF"}


def tag_marker(tag: UserMessageTagContent) -> str:
    """The marker for a tag; its text is escaped so it cannot close or forge a marker."""
    match = ENTITY_ID.match(tag.id)
    text = html.escape(tag.text, quote=False)
    if match is None:
        return f"@{text}"
    name = MARKERS[match.group(1)]
    return f'<{name} id="{match.group(2)}">{text}</{name}>'


# Tasks described with title and status per turn (two pages of a list); older
# mentions are by number. Keeps the model input to a few thousand characters.
DETAILED_TASKS = 40
TITLE_SHOWN = 60
# Characters of a widget this app did not build (no state) shown to the model.
FOREIGN_WIDGET_TEXT = 600
WIDGET_INTRO = "The following graphical UI widget was displayed to the user: "


def _one_line(text: str, limit: int) -> str:
    """`text` on one line, escaped like a tag's text, at most `limit` characters."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=False)


def _task_ids(state) -> list[int]:
    if isinstance(state, TaskListState):
        return list(state.task_ids)
    if isinstance(state, TaskCardState):
        return [state.task_id]
    return []


def _widget_text(widget) -> str:
    """The words a widget without state shows (its values, labels and titles)."""
    words: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key in ("title", "value", "label", "text"):
                value = node.get(key)
                if isinstance(value, str) and value.strip():
                    words.append(value)
            for child in node.values():
                if isinstance(child, dict | list):
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(widget.model_dump(exclude_none=True) if hasattr(widget, "model_dump") else widget)
    return _one_line(" | ".join(words), FOREIGN_WIDGET_TEXT)


class TaskboardThreadItemConverter(ThreadItemConverter):
    def __init__(self) -> None:
        # Per conversion (see `to_agent_input`): task id -> (title, status) for the
        # tasks to describe in full, and which widget describes each.
        self._tasks: dict[int, tuple[str, str]] = {}
        self._detailed_at: dict[int, str] = {}
        self._prepared = False

    async def to_agent_input(
        self, thread_items: Sequence[ThreadItem] | ThreadItem
    ) -> list[TResponseInputItem]:
        """The default conversion, after one look-up of the tasks the widgets name.

        Runs on a copy of the converter, so that conversions that interleave (one
        server instance, many requests) never share the look-up.
        """
        items = list(thread_items) if isinstance(thread_items, Sequence) else [thread_items]
        conversion = copy.copy(self)
        await conversion._prepare(items)
        return await super(TaskboardThreadItemConverter, conversion).to_agent_input(items)

    async def _prepare(self, items: Sequence[ThreadItem]) -> None:
        """Choose, newest first, the widget at which each task is described in full."""
        detailed_at: dict[int, str] = {}
        for item in reversed(items):
            if not isinstance(item, WidgetItem):
                continue
            for task_id in _task_ids(state_of(item)):
                if task_id not in detailed_at and len(detailed_at) < DETAILED_TASKS:
                    detailed_at[task_id] = item.id
        ids = list(detailed_at)
        self._tasks = await sync_to_async(selectors.task_titles)(ids) if ids else {}
        self._detailed_at = detailed_at
        self._prepared = True

    def _task(self, task_id: int, widget_id: str) -> str:
        if self._detailed_at.get(task_id) != widget_id:
            return f"#{task_id}"
        found = self._tasks.get(task_id)
        if found is None:
            return f"#{task_id} (deleted)"
        title, status = found
        return f"#{task_id} {_one_line(title, TITLE_SHOWN)} ({status})"

    async def widget_to_input(self, item: WidgetItem) -> TResponseInputItem | None:
        """What the widget showed, in a sentence; see the module docstring."""
        if not self._prepared:
            conversion = copy.copy(self)
            await conversion._prepare([item])
            return await conversion.widget_to_input(item)
        state = state_of(item)
        if isinstance(state, TaskListState):
            names = [self._task(task_id, item.id) for task_id in state.task_ids]
            shown = ", ".join(names) if names else "no tasks"
            text = f"the task list “{_one_line(state.title, TITLE_SHOWN)}”: {shown}."
            if state.next_offset is not None:
                text += f" More match, from offset {state.next_offset}."
            if state.note:
                text += f" The list says: {_one_line(state.note, TITLE_SHOWN * 2)}"
        elif isinstance(state, TaskCardState):
            text = f"the card of task {self._task(state.task_id, item.id)}."
        elif isinstance(state, TaskFormState):
            text = "the new-task form, which the user fills in and submits with Create task."
        else:
            text = f"a widget reading: {_widget_text(item.widget)}"
        return EasyInputMessageParam(type="message", role="user", content=WIDGET_INTRO + text)

    async def tag_to_message_content(self, tag: UserMessageTagContent) -> ResponseInputTextParam:
        return ResponseInputTextParam(
            type="input_text", text=f"The user mentioned {tag_marker(tag)}."
        )

    async def user_message_to_input(self, item: UserMessageItem, is_last_message: bool = True):
        """The default conversion, with each tag written as its marker where it was typed."""
        inputs = await super().user_message_to_input(item, is_last_message)
        if not any(isinstance(part, UserMessageTagContent) for part in item.content):
            return inputs
        text = "".join(
            part.text if isinstance(part, UserMessageTextContent) else tag_marker(part)
            for part in item.content
        )
        first, *rest = inputs
        first["content"][0]["text"] = text
        return [first, *rest]

    async def assistant_message_to_input(self, item: AssistantMessageItem) -> EasyInputMessageParam:
        text = "".join(part.text for part in item.content)
        return EasyInputMessageParam(type="message", role="assistant", content=text)
