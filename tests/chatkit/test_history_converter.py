"""A thread's history, as the converter writes it, is input both model APIs accept.

Chat Completions input goes through the Agents SDK's own converter (the step that
used to fail with `UserError: Unknown content … output_text` on the second turn);
Responses input is checked against the `openai` package's input item types.
"""

from datetime import datetime

from agents.models.chatcmpl_converter import Converter
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    HiddenContextItem,
    SDKHiddenContextItem,
    WidgetItem,
)
from chatkit.widgets import Card, Text
from openai.types.responses import ResponseInputItemParam
from pydantic import TypeAdapter

from chatkit_app.converter import TaskboardThreadItemConverter
from tests.chatkit.test_mentions_converter import message, tag, text

RESPONSES_INPUT = TypeAdapter(list[ResponseInputItemParam])


def thread_history() -> list:
    now = datetime.now()
    common = {"thread_id": "thr_1", "created_at": now}
    return [
        message(text("start "), tag("task:12", "Fix login")),
        WidgetItem(id="w_1", widget=Card(children=[Text(value="Fix login")]), **common),
        HiddenContextItem(id="h_1", content="The user pressed Start on task 12.", **common),
        AssistantMessageItem(
            id="msg_2", content=[AssistantMessageContent(text="Started it.")], **common
        ),
        SDKHiddenContextItem(id="h_2", content="The previous reply was cut off.", **common),
        AssistantMessageItem(
            id="msg_3",
            content=[AssistantMessageContent(text="One"), AssistantMessageContent(text=" two")],
            **common,
        ),
        message(text("thanks")),
    ]


async def test_history_is_accepted_by_the_chat_completions_converter():
    items = await TaskboardThreadItemConverter().to_agent_input(thread_history())

    messages = Converter.items_to_messages(items)

    assistant = [m["content"] for m in messages if m["role"] == "assistant"]
    assert assistant == ["Started it.", "One two"]
    users = [m for m in messages if m["role"] == "user"]
    assert '<TASK_REF id="12">Fix login</TASK_REF>' in str(users[0]["content"])
    assert messages[-1]["role"] == "user"
    # A widget without the app's state is read out as its words, not as its JSON.
    widget_lines = [m["content"] for m in users if "graphical UI widget" in str(m["content"])]
    assert widget_lines == [
        "The following graphical UI widget was displayed to the user: a widget reading: Fix login"
    ]


async def test_history_is_valid_responses_input():
    items = await TaskboardThreadItemConverter().to_agent_input(thread_history())

    validated = RESPONSES_INPUT.validate_python(items)

    assert [i["role"] for i in validated if i.get("role") == "assistant"] == ["assistant"] * 2
