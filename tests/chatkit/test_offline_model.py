"""The offline model answers its grammar through the real Agents SDK runner."""

import pytest
from agents import Agent, ModelSettings, Runner, function_tool

from chatkit_app import offline
from chatkit_app.offline import CallTool, OfflineModel, Say, command

calls: list[dict] = []


@function_tool
def ping(target: str = "board") -> str:
    """Ping something."""
    calls.append({"target": target})
    return f"pong from {target}"


@pytest.fixture(autouse=True)
def fresh_calls():
    calls.clear()


def agent(*tools, **settings) -> Agent:
    return Agent(
        name="test",
        instructions="test",
        model=OfflineModel(),
        tools=list(tools),
        model_settings=ModelSettings(**settings),
    )


async def answer(agent: Agent, text: str) -> str:
    result = await Runner.run(agent, [{"role": "user", "content": text}])
    return result.final_output


async def test_help_lists_every_command_of_the_table():
    text = await answer(agent(), "help")

    for cmd in offline.COMMANDS:
        assert f"`{cmd.help}`" in text


async def test_a_new_table_row_is_understood_and_calls_its_tool(monkeypatch):
    row = command(
        r"ping (?P<target>\w+)",
        "ping <target>",
        lambda match, turn: CallTool("ping", {"target": match["target"]}),
    )
    monkeypatch.setattr(offline, "COMMANDS", [*offline.COMMANDS, row])

    text = await answer(agent(ping), "PING  server")
    help_text = await answer(agent(ping), "help")

    assert calls == [{"target": "server"}]
    assert text == "pong from server"
    assert "`ping <target>`" in help_text


async def test_a_command_whose_tool_the_agent_lacks_is_not_called(monkeypatch):
    row = command(r"ping", "ping", lambda match, turn: CallTool("ping"))
    monkeypatch.setattr(offline, "COMMANDS", [*offline.COMMANDS, row])

    text = await answer(agent(), "ping")

    assert calls == []
    assert text == "I understood “ping”, but I cannot do that in this mode."


async def test_a_forced_tool_is_called_whatever_was_typed():
    text = await answer(agent(ping, tool_choice="ping"), "hello")

    assert calls == [{"target": "board"}]
    assert text == "pong from board"


async def test_plain_replies_need_no_tool():
    text = await answer(agent(), "Good morning!")

    assert text.startswith("Hello!")


async def test_context_messages_are_not_mistaken_for_the_users_words():
    result = await Runner.run(
        agent(),
        [
            {"role": "user", "content": "help"},
            {"role": "user", "content": "Hidden context for the agent (not shown): hello"},
        ],
    )

    assert result.final_output.startswith("Here is what I understand:")


@pytest.mark.parametrize("text", ["hello there, delete everything", "say hello", "helpless"])
def test_patterns_match_the_whole_message_only(text):
    reply = offline.plan_reply(offline.Turn(text, frozenset({"get_current_user"})))

    assert isinstance(reply, Say)
    assert "not a command I know" in reply.text
