"""The offline model: a deterministic stand-in for a real model, built on the Agents
SDK's own scripted model (`agents.testing.ScriptedModel`).

It reads the latest user message, matches it against `COMMANDS`, and answers like a
real model would: either with a short assistant message, or with a function call to
one of the agent's tools followed, once the tool output is back, by a short message.
Every reply is a fresh `ScriptedModel` step, so one instance serves any number of
turns and keeps no state between them.

Grammar (case-insensitive; `help` lists whatever the table holds):

| you type | it does |
|---|---|
| `help` | lists the commands |
| `hi`, `hello`, `hey` | greets and points to `help` |
| `who am i` | calls `get_current_user` and says who you are signed in as |
| `show tasks`, `show tasks in review` (or todo, in progress, done) | `list_tasks` |
| `show my tasks`, `show tasks assigned to @person`, `find <text>` | `list_tasks` |
| `show more tasks [in <status>] from 20` (the list's "Show more") | `list_tasks` |
| `review queue` | `show_review_queue` |
| `new task` | `show_task_form` |
| `create task <title>` | `create_task` |
| `start #12`, `submit …`, `approve @task`, `reject …`, `reopen …` | `transition_task` |
| `show #12` | `get_task`: the task card |

Add a command by appending a `Command` to `COMMANDS`: a regular expression over the
whole message, a help line, and a `plan` that turns the match into `Say(text)` or
`CallTool(tool, arguments)`. A `CallTool` reply is followed, once the tool has run,
by the tool's output as the model's message. A tool the current agent does not offer
is never called; the model says so instead.

When the agent forces a tool (`ModelSettings.tool_choice` naming one of its tools),
the model calls that tool first, whatever was typed, as a real model must.
"""

import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agents import Model
from agents.testing import ModelCall, ModelStep, ScriptedModel, assistant_message, function_call

from taskboard.transitions import TRANSITIONS

# User-role input that ChatKit's converter adds around the user's own words.
CONTEXT_PREFIXES = (
    "Hidden context for the agent",
    "# User-provided context for @-mentions",
    "The user is referring to this in particular",
    "The following graphical UI widget",
    "A message was displayed to the user",
    "A structured input request",
    "The following image was generated",
)


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class CallTool:
    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)


Reply = Say | CallTool


@dataclass(frozen=True)
class Turn:
    """What the model sees of the current turn."""

    text: str
    tools: frozenset[str]


@dataclass(frozen=True)
class Command:
    pattern: re.Pattern[str]
    help: str
    plan: Callable[[re.Match[str], Turn], Reply]


def command(pattern: str, help: str, plan: Callable[[re.Match[str], Turn], Reply]) -> Command:
    return Command(re.compile(pattern, re.IGNORECASE | re.DOTALL), help, plan)


def help_text(match: re.Match[str] | None = None, turn: Turn | None = None) -> Say:
    lines = "\n".join(f"- `{cmd.help}`" for cmd in COMMANDS)
    return Say(f"Here is what I understand:\n{lines}")


COMMANDS: list[Command] = [
    command(r"help|\?|commands|what can you do\??", "help", help_text),
    command(
        r"(hi|hello|hey|good (morning|afternoon|evening))[!. ]*",
        "hello",
        lambda match, turn: Say("Hello! I can help with the task board. Type `help` to see how."),
    ),
    command(
        r"who ?am ?i\??|whoami",
        "who am i",
        lambda match, turn: CallTool("get_current_user"),
    ),
]


# Task commands: each reaches one of chatkit_app.tools. A task is "#12", "12" or an
# @mention, which the converter writes as <TASK_REF id="12">title</TASK_REF>.
STATUS_WORDS = {
    "todo": "todo",
    "to do": "todo",
    "to-do": "todo",
    "in progress": "in_progress",
    "in_progress": "in_progress",
    "progress": "in_progress",
    "review": "review",
    "in review": "review",
    "done": "done",
}
STATUS = r"(?P<status>to ?do|to-do|in[ _]progress|progress|in review|review|done)"
TASK = r'(?:task )?(?:#?(?P<number>\d{1,18})|<TASK_REF id="(?P<ref>\d{1,18})">.*?</TASK_REF>)'
PERSON = r'(?:<USER_REF id="(?P<user_ref>\d{1,18})">.*?</USER_REF>|@?(?P<username>[\w.@+-]+))'
STATUS_2 = STATUS.replace("?P<status>", "?P<status2>")
SHOW = r"(?:show|list)(?: me)?(?: all)?(?: the)?"
# The moves of the workflow, as transitions.py defines them: "start", "approve"…
MOVE = "(?P<action>" + "|".join(map(re.escape, TRANSITIONS)) + ")"
FIRST_MOVE, *OTHER_MOVES = TRANSITIONS


def _status(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    word = groups.get("status") or groups.get("status2")
    return STATUS_WORDS[" ".join(word.lower().split())] if word else None


def _task_id(match: re.Match[str]) -> int:
    return int(match.group("ref") or match.group("number"))


def _person(match: re.Match[str]) -> str:
    return f"user:{match.group('user_ref')}" if match.group("user_ref") else match.group("username")


def _list(**arguments: Any) -> CallTool:
    return CallTool("list_tasks", {key: value for key, value in arguments.items() if value})


TASK_COMMANDS: list[Command] = [
    command(rf"{SHOW} tasks?", "show tasks", lambda m, t: _list()),
    command(
        rf"{SHOW} (?:tasks? (?:in|with status|that are) {STATUS}|{STATUS_2} tasks?)",
        "show tasks in review (or todo, in progress, done)",
        lambda m, t: _list(status=_status(m)),
    ),
    command(
        rf"{SHOW} my tasks?(?: in {STATUS})?",
        "show my tasks",
        lambda m, t: _list(assignee="me", status=_status(m)),
    ),
    command(
        rf"{SHOW} tasks? (?:assigned to|for) {PERSON}",
        "show tasks assigned to @person",
        lambda m, t: _list(assignee=_person(m)),
    ),
    command(
        r"(?:find|search(?: for)?|show tasks matching) (?P<search>.+)",
        "find <text>",
        lambda m, t: _list(search=m["search"]),
    ),
    command(
        rf"(?:show )?more tasks?(?: in {STATUS})? (?:from|after) (?P<offset>\d{{1,9}})",
        "show more tasks from 20",
        lambda m, t: CallTool(
            "list_tasks",
            {k: v for k, v in {"status": _status(m), "offset": int(m["offset"])}.items() if v},
        ),
    ),
    command(
        r"(?:show )?(?:the )?review(?: queue)?|what needs review\??",
        "review queue",
        lambda m, t: CallTool("show_review_queue"),
    ),
    command(
        r"(?:new|add|create)(?: a)?(?: new)? task",
        "new task",
        lambda m, t: CallTool("show_task_form"),
    ),
    command(
        r"(?:create|add|new)(?: a)?(?: new)? task:? (?P<title>.+)",
        "create task <title>",
        lambda m, t: CallTool("create_task", {"title": m["title"]}),
    ),
    command(
        rf"{MOVE} {TASK}",
        f"{FIRST_MOVE} #12 (or {', '.join(OTHER_MOVES)}; @task works too)",
        lambda m, t: CallTool(
            "transition_task", {"task_id": _task_id(m), "action": m["action"].lower()}
        ),
    ),
    command(
        rf"{MOVE} @?(?P<title>.+)",
        "approve @task",
        lambda m, t: Say(
            f"Which task should I {m['action'].lower()}? Type @ and pick it from the list, "
            f"or use its number, like “{m['action'].lower()} #12”."
        ),
    ),
    command(
        rf"(?:show|open|get)? ?{TASK}",
        "show #12",
        lambda m, t: CallTool("get_task", {"task_id": _task_id(m)}),
    ),
]

COMMANDS.extend(TASK_COMMANDS)


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def _text_of(item: Any) -> str | None:
    """The text of a user-role input message, or None for anything else."""
    if not isinstance(item, dict) or item.get("role") != "user":
        return None
    content = item.get("content")
    if isinstance(content, str):
        return content
    parts = [part.get("text", "") for part in content or [] if isinstance(part, dict)]
    return "".join(parts)


def latest_user_message(items: Sequence[Any]) -> tuple[int, str]:
    """Index and text of the user's latest own message (context messages skipped)."""
    for index in range(len(items) - 1, -1, -1):
        text = _text_of(items[index])
        if text is not None and not text.startswith(CONTEXT_PREFIXES):
            return index, text
    return -1, ""


def tool_results(items: Sequence[Any]) -> list[tuple[str, dict[str, Any], str]]:
    """(tool, arguments, output) for each function call answered in `items`."""
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    results = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if item.get("type") == "function_call":
            try:
                arguments = json.loads(item.get("arguments") or "{}")
            except ValueError:
                arguments = {}
            calls[item["call_id"]] = (item.get("name", ""), arguments)
        elif item.get("type") == "function_call_output" and item.get("call_id") in calls:
            name, arguments = calls[item["call_id"]]
            output = item.get("output")
            results.append((name, arguments, output if isinstance(output, str) else str(output)))
    return results


def _understood(text: str) -> Say:
    shown = " ".join(text.split())
    if len(shown) > 80:
        shown = shown[:79] + "…"
    heard = f"I read “{shown}”, but" if shown else "I got an empty message, and"
    commands = ", ".join(f"`{cmd.help}`" for cmd in COMMANDS)
    return Say(
        f"{heard} that is not a command I know. I am the offline model and understand "
        f"a fixed set of commands: {commands}."
    )


def plan_reply(turn: Turn) -> Reply:
    """What to do about the user's message, before any tool ran."""
    text = " ".join(turn.text.split())
    for cmd in COMMANDS:
        match = cmd.pattern.fullmatch(text)
        if match is None:
            continue
        reply = cmd.plan(match, turn)
        if isinstance(reply, CallTool) and reply.tool not in turn.tools:
            return Say(f"I understood “{cmd.help}”, but I cannot do that in this mode.")
        return reply
    return _understood(text)


def _forced_tool(call: ModelCall, tools: frozenset[str]) -> str | None:
    choice = call.model_settings.tool_choice
    if isinstance(choice, str) and choice in tools:
        return choice
    return None


def respond(call: ModelCall) -> ModelStep:
    """One model response to `call`, as the scripted model's responder."""
    items = (
        call.input if isinstance(call.input, list) else [{"role": "user", "content": call.input}]
    )
    tools = frozenset(getattr(tool, "name", "") for tool in call.tools)
    index, text = latest_user_message(items)
    done = tool_results(items[index + 1 :])
    turn = Turn(text=text, tools=tools)

    if done:
        _tool, _arguments, output = done[-1]
        return _say(output)

    forced = _forced_tool(call, tools)
    reply = CallTool(forced) if forced else plan_reply(turn)
    if isinstance(reply, CallTool):
        return ModelStep(
            output=[function_call(reply.tool, reply.arguments, call_id=new_id("call"))],
            response_id=new_id("resp"),
        )
    return _say(reply.text)


def _say(text: str) -> ModelStep:
    return ModelStep(
        output=[assistant_message(text, item_id=new_id("msg"))], response_id=new_id("resp")
    )


class OfflineModel(Model):
    """An Agents SDK `Model` that answers `COMMANDS` without any network."""

    def _script(self) -> ScriptedModel:
        return ScriptedModel([ModelStep.respond(respond)])

    async def get_response(self, *args: Any, **kwargs: Any):
        return await self._script().get_response(*args, **kwargs)

    def stream_response(self, *args: Any, **kwargs: Any):
        return self._script().stream_response(*args, **kwargs)
