"""The chat agents, one per composer tool (`chat`, `create`, `review`).

`AGENT_SPECS` is the table: each row names the agent, its instructions, its tools and
how a tool call ends the turn. Add a tool to every agent through `BASE_TOOLS`, or to
one agent through its row's `tools`; widget tools that stream their own output belong
in the row's `stop_at_tools` as well, so the turn ends after the widget (unless the
call failed: see `tool_errors`).

Tools receive `RunContextWrapper[AgentContext[ChatContext]]`: `ctx.context` is
chatkit's `AgentContext` (`stream_widget`, `thread`, `store`), and
`ctx.context.request_context.user` is the signed-in Django user.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from agents import (
    Agent,
    Model,
    ModelSettings,
    RunContextWrapper,
    Tool,
    function_tool,
)
from asgiref.sync import sync_to_async
from chatkit.agents import AgentContext

from chatkit_app.context import ChatContext
from chatkit_app.tool_errors import stop_at_tools, tool_failed
from chatkit_app.tools import TASK_TOOL_NAMES, TASK_TOOLS
from taskboard.people import user_display_name
from taskboard.transitions import user_can_approve

DEFAULT_MODE = "chat"

ChatRunContext = RunContextWrapper[AgentContext[ChatContext]]


@function_tool(failure_error_function=tool_failed)
async def get_current_user(ctx: ChatRunContext) -> str:
    """Say who the signed-in user is and whether they may approve tasks."""
    user = ctx.context.request_context.user
    approver = await sync_to_async(user_can_approve)(user)
    role = "an approver" if approver else "a member (you cannot approve tasks)"
    return f"You are signed in as {user_display_name(user)}, {role}."


BASE_TOOLS: list[Tool] = [get_current_user]

COMMON_INSTRUCTIONS = """
You are the assistant of Taskboard, a team task board. Tasks have a title, a status
(todo, in_progress, review, done), a priority, an assignee and a due date. Keep
answers short. Never invent tasks or ids; use the tools to read and change tasks.
The task tools show their result to the user as a widget, so do not repeat it in prose.
A mention of a task in the user's words appears as <TASK_REF id="12">title</TASK_REF>
and of a person as <USER_REF id="3">name</USER_REF>; pass 12 as task_id and "user:3"
as assignee. Hidden context tells you what the user did with the widgets' buttons.
Earlier widgets appear as one line each; a task is named with its title and current
status at the newest widget that shows it, and by number at older ones.
""".strip()


@dataclass(frozen=True)
class AgentSpec:
    name: str
    instructions: str
    tools: Sequence[Tool] = ()
    # Tools whose call ends the turn (widget tools: the widget is the answer).
    stop_at_tools: Sequence[str] = ()
    # A tool the agent must call first (for example the form in `create` mode).
    first_tool: str | None = None


AGENT_SPECS: dict[str, AgentSpec] = {
    "chat": AgentSpec(
        name="Taskboard assistant",
        instructions=COMMON_INSTRUCTIONS,
        tools=TASK_TOOLS,
        stop_at_tools=TASK_TOOL_NAMES,
    ),
    "create": AgentSpec(
        name="Task creator",
        instructions=COMMON_INSTRUCTIONS
        + "\nThe user wants to create a task: show the task form and help fill it in.",
        tools=TASK_TOOLS,
        stop_at_tools=TASK_TOOL_NAMES,
        first_tool="show_task_form",
    ),
    "review": AgentSpec(
        name="Reviewer",
        instructions=COMMON_INSTRUCTIONS
        + "\nThe user is reviewing: list the tasks in review and help approve or reject them.",
        tools=TASK_TOOLS,
        stop_at_tools=TASK_TOOL_NAMES,
        first_tool="show_review_queue",
    ),
}


def agent_mode(tool_choice_id: str | None) -> str:
    """The composer tool's agent, or the general one for anything unknown."""
    return tool_choice_id if tool_choice_id in AGENT_SPECS else DEFAULT_MODE


def build_agent(mode: str, *, model: Model) -> Agent[AgentContext[ChatContext]]:
    spec = AGENT_SPECS[agent_mode(mode)]
    tools = [*BASE_TOOLS, *spec.tools]
    return Agent[AgentContext[ChatContext]](
        name=spec.name,
        instructions=spec.instructions,
        model=model,
        tools=tools,
        tool_use_behavior=(
            stop_at_tools(spec.stop_at_tools) if spec.stop_at_tools else "run_llm_again"
        ),
        model_settings=ModelSettings(tool_choice=spec.first_tool),
    )
