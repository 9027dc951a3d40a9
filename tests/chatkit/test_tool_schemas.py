"""Every tool's parameters pass OpenAI's strict function-calling rules.

The check is the packages' own: the Agents SDK's `ensure_strict_json_schema` and the
`openai` package's strict-schema pass (what `openai.pydantic_function_tool` applies)
leave a schema unchanged only when it already follows the rules (every object closed
with `additionalProperties: false`, every property required, optional ones nullable).
"""

import copy

import pytest
from agents import FunctionTool
from agents.strict_schema import ensure_strict_json_schema
from openai.lib._pydantic import _ensure_strict_json_schema as openai_strict

from chatkit_app.agents import AGENT_SPECS, build_agent
from chatkit_app.offline import OfflineModel

TOOLS = {
    tool.name: tool
    for mode in AGENT_SPECS
    for tool in build_agent(mode, model=OfflineModel()).tools
    if isinstance(tool, FunctionTool)
}


def test_every_agent_has_its_tools():
    assert {"list_tasks", "create_task", "transition_task", "get_current_user"} <= set(TOOLS)


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_tool_schema_is_strict_by_the_sdks_own_rules(name):
    tool = TOOLS[name]
    schema = tool.params_json_schema

    assert tool.strict_json_schema is True
    assert ensure_strict_json_schema(copy.deepcopy(schema)) == schema
    assert openai_strict(copy.deepcopy(schema), path=(), root=copy.deepcopy(schema)) == schema
