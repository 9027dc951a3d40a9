"""The composer tool picks the agent; the model sees the thread's history."""

import pytest
from agents.testing import ScriptedModel, assistant_message

from tests.chatkit.protocol import assistant_texts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("tool", "agent_says"),
    [
        (None, "You are the assistant of Taskboard"),
        ("chat", "You are the assistant of Taskboard"),
        ("create", "The user wants to create a task"),
        ("review", "The user is reviewing"),
        ("launch-rockets", "You are the assistant of Taskboard"),
    ],
)
async def test_composer_tool_picks_the_agent(chat, chat_server, tool, agent_says):
    model = ScriptedModel([[assistant_message("ok", item_id="msg_mode")]])
    chat_server.model = model

    _, events = await chat.create_thread("hello", tool=tool)

    assert assistant_texts(events) == ["ok"]
    instructions = model.last_call.system_instructions
    assert agent_says in instructions
    if tool in (None, "chat", "launch-rockets"):
        assert "create a task" not in instructions
        assert "reviewing" not in instructions


async def test_the_model_sees_earlier_turns(chat, chat_server):
    thread_id, _ = await chat.create_thread("hello")
    model = ScriptedModel([[assistant_message("ok", item_id="msg_history")]])
    chat_server.model = model

    await chat.say(thread_id, "who am i")

    roles_and_text = [
        (item["role"], str(item["content"])) for item in model.last_call.input if "role" in item
    ]
    assert [role for role, _ in roles_and_text] == ["user", "assistant", "user"]
    assert "hello" in roles_and_text[0][1]
    assert "who am i" in roles_and_text[2][1]
