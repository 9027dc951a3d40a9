"""The templates' jsonSchema compiled (chatkit_app/widget_schema.py) is never more
lenient than `jsonschema`, and compiles for every template."""

import copy
from typing import Any

import jsonschema
import pytest

from chatkit_app import widgets
from chatkit_app.widget_schema import UnsupportedSchema, compile_schema
from taskboard.models import Task

TASK = {
    "id": 7,
    "title": "Fix login",
    "description": "",
    "status": "todo",
    "status_label": "To do",
    "status_color": "secondary",
    "meta": "High priority · Unassigned",
    "actions": [{"type": "task.start", "label": "Start", "style": "primary", "color": "primary"}],
}
VALID = {
    "task_list": {
        "title": "Tasks",
        "tasks": [TASK, {**TASK, "id": 8, "actions": []}],
        "empty_text": "No tasks match.",
        "note": "",
        "more": {"status": None, "offset": 20},
    },
    "task_card": {"task": TASK, "note": "Started."},
    "task_form": {
        "values": {
            "title": "",
            "description": "",
            "priority": "medium",
            "due_date": None,
            "assignee_id": "3",
        },
        "errors": {"title": "This field is required."},
        "priorities": [{"value": "low", "label": "Low"}],
        "people": [],
    },
}
ODD_VALUES = (None, True, 0, 1.0, -1, "", "x" * 6000, "todo", [], {}, [None], {"x": 1})


def paths(node: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*path, index))
    return found


def mutations(data: dict):
    """`data` with one value replaced, one key removed or one key added, every way."""
    for path in paths(data):
        if not path:
            continue
        for value in ODD_VALUES:
            changed = copy.deepcopy(data)
            parent = changed
            for step in path[:-1]:
                parent = parent[step]
            parent[path[-1]] = value
            yield changed
        changed = copy.deepcopy(data)
        parent = changed
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict):
            del parent[path[-1]]
            yield changed
            parent[path[-1]] = data_at(data, path)
            parent["unexpected"] = 1
            yield changed


def data_at(data: Any, path: tuple) -> Any:
    for step in path:
        data = data[step]
    return data


@pytest.mark.parametrize("name", sorted(VALID))
def test_the_compiled_check_is_never_more_lenient_than_jsonschema(name):
    check = widgets.data_check(name)
    validator = widgets.data_validator(name)
    assert check(VALID[name]) and validator.is_valid(VALID[name])

    tried = refused = 0
    for data in mutations(VALID[name]):
        tried += 1
        if not validator.is_valid(data):
            refused += 1
            assert not check(data), data
    assert refused > tried // 2


def test_an_unknown_keyword_does_not_compile():
    with pytest.raises(UnsupportedSchema, match="pattern"):
        compile_schema({"type": "string", "pattern": "^a"})


def test_jsonschema_words_the_error_the_compiled_check_found():
    data = copy.deepcopy(VALID["task_card"])
    data["task"]["status"] = "archived"

    with pytest.raises(widgets.WidgetDataError, match="task/status"):
        widgets.render("task_card", data)
    assert isinstance(widgets.data_validator("task_card"), jsonschema.protocols.Validator)


def test_a_status_as_the_model_holds_it_is_checked_without_jsonschema(monkeypatch):
    # A button shows its move before making it, with `task.status` set to a
    # `Task.Status` member (a str subclass): the compiled check takes it, as jsonschema
    # does, instead of sending every click's re-render through jsonschema.
    data = copy.deepcopy(VALID["task_list"])
    data["tasks"][0]["status"] = Task.Status.IN_PROGRESS
    data["tasks"][0]["status_label"] = Task.Status.IN_PROGRESS.label

    def not_asked(name):
        raise AssertionError(f"jsonschema was asked about {name}")

    monkeypatch.setattr(widgets, "data_validator", not_asked)
    assert widgets.data_check("task_list")(data)
    assert widgets.render("task_list", data).type == "ListView"
