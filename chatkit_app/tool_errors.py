"""What the model and the user see when a tool call cannot run.

A real model sometimes sends arguments a tool cannot take (a status that does not
exist, a word where a number goes, broken JSON). The Agents SDK then calls the
tool's `failure_error_function` instead of the tool; `tool_failed` is that function
for every tool here. It says what was wrong, in words checked against the tool's own
JSON schema: in the chat as an assistant message, and to the model as the tool's
output, starting with `TOOL_ERROR`. `stop_at_tools` (used as the agents'
`tool_use_behavior`) ends the turn after a widget tool as usual, but lets the model
try again after a tool error, so that it can correct its call.
"""

import json
import logging
from collections.abc import Sequence
from typing import Any

from agents import FunctionTool, RunContextWrapper, ToolsToFinalOutputResult
from agents.exceptions import ModelBehaviorError
from agents.tool import FunctionToolResult
from agents.tool_context import ToolContext
from jsonschema import Draft202012Validator

from chatkit_app.events import assistant_message

logger = logging.getLogger(__name__)

TOOL_ERROR = "Tool error: "
MAX_PROBLEMS = 3


def argument_problems(ctx: RunContextWrapper[Any]) -> list[str]:
    """Why the call's arguments do not fit the tool's schema, one phrase each."""
    if not isinstance(ctx, ToolContext):
        return []
    try:
        arguments = json.loads(ctx.tool_arguments or "{}")
    except ValueError:
        return ["the arguments are not valid JSON"]
    tools = ctx.agent.tools if ctx.agent is not None else []
    tool = next((t for t in tools if getattr(t, "name", None) == ctx.tool_name), None)
    if not isinstance(tool, FunctionTool):
        return []
    problems = []
    for error in Draft202012Validator(tool.params_json_schema).iter_errors(arguments):
        where = ".".join(str(part) for part in error.absolute_path)
        problems.append(f"{where}: {error.message}" if where else error.message)
    return problems[:MAX_PROBLEMS]


async def tell_user(ctx: RunContextWrapper[Any], text: str) -> None:
    """Stream a short assistant message from inside a tool call."""
    agent_context = ctx.context
    await agent_context.stream(
        assistant_message(
            store=agent_context.store,
            thread=agent_context.thread,
            context=agent_context.request_context,
            text=text,
        )
    )


async def tool_failed(ctx: RunContextWrapper[Any], error: Exception) -> str:
    """The tool's output when it could not run; the user is told in the chat as well."""
    name = getattr(ctx, "tool_name", "the tool")
    if isinstance(error, ModelBehaviorError):
        problems = argument_problems(ctx) or ["the arguments do not fit the tool"]
        detail = "; ".join(problems)
        logger.warning("Model called %s with unusable arguments: %s", name, detail)
        shown = f"I could not do that: the request had invalid values ({detail})."
    else:
        logger.error("Tool %s failed", name, exc_info=error)
        detail = "it failed unexpectedly"
        shown = "I could not do that: something went wrong on the server. Try again."
    await tell_user(ctx, shown)
    return (
        f"{TOOL_ERROR}{name} did not run: {detail}. The user was told. "
        "Call it again with valid arguments, or ask the user."
    )


def is_tool_error(output: Any) -> bool:
    return isinstance(output, str) and output.startswith(TOOL_ERROR)


def stop_at_tools(names: Sequence[str]):
    """Like the SDK's `StopAtTools`, except after a tool error: then the model goes on."""
    stop = frozenset(names)

    def behavior(
        ctx: RunContextWrapper[Any], results: list[FunctionToolResult]
    ) -> ToolsToFinalOutputResult:
        for result in results:
            if result.tool.name in stop and not is_tool_error(result.output):
                return ToolsToFinalOutputResult(is_final_output=True, final_output=result.output)
        return ToolsToFinalOutputResult(is_final_output=False, final_output=None)

    return behavior
