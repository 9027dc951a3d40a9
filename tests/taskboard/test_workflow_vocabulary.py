"""Every place that names the workflow's moves follows taskboard/transitions.py.

Most read `TRANSITIONS` and need no edit when a move is added; the tests on them
check they really do. The last tests cover the places that cannot read it (the
widget templates' JSON schemas, the board's CSS): they name the file to edit.
"""

import json
import re

import pytest
from django.conf import settings

from chatkit_app import actions, offline, tools, widgets
from taskboard.admin import TaskAdmin
from taskboard.schemas import TransitionAction
from taskboard.transitions import TRANSITIONS

ACTIONS = list(TRANSITIONS)
# Moves whose board button keeps the plain style, with no rule in styles.css.
PLAIN_BOARD_BUTTONS = {"reopen"}


def test_the_api_accepts_exactly_the_moves():
    assert [member.value for member in TransitionAction] == ACTIONS


def test_the_admin_offers_an_action_per_move():
    names = [action.__name__ for action in TaskAdmin.actions]
    assert names == [f"transition_{action}" for action in ACTIONS]


@pytest.mark.parametrize("transition", TRANSITIONS.values(), ids=ACTIONS)
def test_every_move_has_a_widget_button_style(transition):
    style, color = widgets.BUTTON_STYLES[transition.tone]
    assert widgets._button(transition) == {
        "type": f"task.{transition.action}",
        "label": transition.label,
        "style": style,
        "color": color,
    }


def test_widget_buttons_are_dispatched_for_every_move():
    assert list(actions.TRANSITION_ACTIONS) == [f"task.{action}" for action in ACTIONS]


def test_the_transition_tool_offers_every_move_to_the_model():
    schema = tools.transition_task.params_json_schema
    assert schema["properties"]["action"]["enum"] == ACTIONS
    for transition in TRANSITIONS.values():
        move = f"{transition.action}: {transition.from_status} → {transition.to_status}"
        assert move in tools.transition_task.description


@pytest.mark.parametrize("action", ACTIONS)
def test_the_offline_grammar_knows_every_move(action):
    turn = offline.Turn(f"{action} #12", frozenset({"transition_task"}))
    assert offline.plan_reply(turn) == offline.CallTool(
        "transition_task", {"task_id": 12, "action": action}
    )


def _enums(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "enum":
                yield path, value
            else:
                yield from _enums(value, f"{path}/{key}")
    elif isinstance(node, list):
        for value in node:
            yield from _enums(value, path)


@pytest.mark.parametrize("name", ["task_list", "task_card"])
def test_widget_schemas_list_every_move(name):
    """widgets/<name>.widget: its jsonSchema's action type enum must list every move."""
    template = json.loads((settings.BASE_DIR / "widgets" / f"{name}.widget").read_text())
    action_types = [
        values
        for path, values in _enums(template["jsonSchema"])
        if path.endswith("/actions/items/properties/type")
    ]
    assert action_types == [[f"task.{action}" for action in ACTIONS]]


def test_the_board_styles_every_move_or_leaves_it_plain_on_purpose():
    """frontend/src/styles.css: a `.button--<action>` rule, or the move in PLAIN_BOARD_BUTTONS."""
    css = (settings.BASE_DIR / "frontend" / "src" / "styles.css").read_text()
    styled = set(re.findall(r"\.button--([a-z_]+)", css))
    assert set(ACTIONS) - styled == PLAIN_BOARD_BUTTONS
