"""Build the chat's widgets from the templates in widgets/.

Every builder turns domain objects into plain data, validates it against the
template's `jsonSchema`, then renders the template. The templates insert every
value through `tojson`, so user text (titles, names) can never change a widget's
structure or add an action.

Each widget is built once and keeps its JSON (`TemplateWidget`, `widget_json`): the
store and the event stream write that instead of dumping the 200-odd components
again (see chatkit_app/sdk_workarounds.py for why a dump is costly).

Builders touch related objects and permissions, so call them from sync code
(`sync_to_async` in async callers).
"""

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from functools import cache
from typing import Any

import jsonschema
from chatkit.widgets import DynamicWidgetRoot, WidgetTemplate
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from jinja2 import Environment, StrictUndefined
from pydantic import PrivateAttr
from pydantic_core import PydanticSerializationError, to_json

from chatkit_app.widget_schema import Check, compile_schema
from taskboard.models import Task
from taskboard.people import user_display_name
from taskboard.transitions import Transition, available_transitions

WIDGETS_DIR = settings.BASE_DIR / "widgets"
PAGE_SIZE = 20
FORM_FIELDS = ("title", "description", "priority", "due_date", "assignee_id")

STATUS_COLORS = {
    Task.Status.TODO: "secondary",
    Task.Status.IN_PROGRESS: "info",
    Task.Status.REVIEW: "warning",
    Task.Status.DONE: "success",
}
# (style, color) of a move's button, by its tone in transitions.py: forward moves
# are the primary button; moves back are secondary.
BUTTON_STYLES = {
    "forward": ("primary", "primary"),
    "finish": ("primary", "success"),
    "refuse": ("secondary", "danger"),
    "back": ("secondary", "secondary"),
}


DESCRIPTION_SHOWN = 1000


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class WidgetDataError(ValueError):
    """The data does not match the widget template's schema."""


def _to_json(value: Any, **kwargs: Any) -> str:
    """`tojson`'s encoder: pydantic-core's (a tenth of `json.dumps`'s cost per value).

    Jinja still makes the result safe to embed (`<`, `>`, `&` and `'` escaped); a
    value it cannot encode (a lone surrogate) goes to `json.dumps` as before.
    """
    try:
        return to_json(value).decode()
    except (PydanticSerializationError, ValueError, TypeError):
        return json.dumps(value, **kwargs)


# chatkit's own template environment (`Environment(undefined=StrictUndefined)`), with
# the faster encoder behind `tojson`; WidgetTemplate takes a compiled template.
TEMPLATES = Environment(undefined=StrictUndefined)
TEMPLATES.policies["json.dumps_function"] = _to_json
TEMPLATES.policies["json.dumps_kwargs"] = {}


@cache
def load_template(name: str) -> WidgetTemplate:
    definition = json.loads((WIDGETS_DIR / f"{name}.widget").read_text(encoding="utf-8"))
    return WidgetTemplate({**definition, "template": TEMPLATES.from_string(definition["template"])})


@cache
def data_validator(name: str) -> jsonschema.protocols.Validator:
    """The template's jsonSchema, checked once; `jsonschema.validate` re-checks it every call."""
    schema = load_template(name).data_schema
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@cache
def data_check(name: str) -> Check:
    """The template's jsonSchema compiled (chatkit_app/widget_schema.py): True only if valid."""
    return compile_schema(load_template(name).data_schema)


class TemplateWidget(DynamicWidgetRoot):
    """A widget built from a template here, holding the tree it was built from, and the
    JSON it serialises to once asked (`widget_json`)."""

    _tree: dict[str, Any] | None = PrivateAttr(None)
    _json: dict[str, Any] | None = PrivateAttr(None)


# A component's own fields, in the order chatkit's models declare and dump them; any
# other key of a template's component is an extra field, dumped after them.
COMPONENT_FIELDS = ("key", "id", "type", "children")


def drop_none(node: Any) -> Any:
    """Plain JSON without null values (inside a component: its extra fields)."""
    if isinstance(node, dict):
        return {k: drop_none(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [drop_none(v) for v in node if v is not None]
    return node


def component_json(node: dict[str, Any]) -> dict[str, Any]:
    """A template's component as chatkit streams it (`model_dump_json(exclude_none=True)`):
    its fields first, then the rest, without null values.

    chatkit's serializer gives the same, but walks each subtree again at every level.
    """
    dumped = {}
    for name in COMPONENT_FIELDS:
        value = node.get(name)
        if value is None:
            continue
        if name == "children":
            if isinstance(value, dict):
                value = component_json(value)
            else:
                value = [component_json(child) for child in value if child is not None]
        dumped[name] = value
    for name, value in node.items():
        if name not in COMPONENT_FIELDS and value is not None:
            dumped[name] = drop_none(value)
    return dumped


def template_widget(tree: dict[str, Any], *, validate: bool = True) -> TemplateWidget:
    """`tree` (a template's output, or a widget as stored) as a widget that knows its JSON.

    `validate=False` skips building the components' models, for a stored widget that is
    only about to be replaced (a button's sender): its JSON stays right, its `children`
    stay plain dicts.
    """
    if validate:
        widget = TemplateWidget.model_validate(tree)
    else:
        widget = TemplateWidget.model_construct(**tree)
    widget._tree = tree
    return widget


def widget_json(widget: Any) -> dict[str, Any] | None:
    """The JSON of a widget built here (as `model_dump(exclude_none=True)` gives it); None
    for any other widget."""
    if not isinstance(widget, TemplateWidget) or widget._tree is None:
        return None
    if widget._json is None:
        widget._json = component_json(widget._tree)
    return widget._json


def render(name: str, data: Mapping[str, Any]) -> TemplateWidget:
    """Validate `data` against the template's jsonSchema, then build the widget."""
    if not data_check(name)(data):
        # jsonschema decides and words the error; the compiled check is only ever stricter.
        error = jsonschema.exceptions.best_match(data_validator(name).iter_errors(data))
        if error is not None:
            path = "/".join(str(part) for part in error.absolute_path) or "(root)"
            raise WidgetDataError(f"{name} widget data invalid at {path}: {error.message}")
    # What WidgetTemplate.build does, keeping the tree the template rendered.
    tree = json.loads(load_template(name).template.render(**data))
    return template_widget(tree)


def action_type(transition: Transition) -> str:
    return f"task.{transition.action}"


def _button(transition: Transition) -> dict[str, str]:
    style, color = BUTTON_STYLES[transition.tone]
    return {
        "type": action_type(transition),
        "label": transition.label,
        "style": style,
        "color": color,
    }


def due_date_label(day: date) -> str:
    """A due date as the board shows it (en-US): "Dec 13, 2026"."""
    return f"{day:%b} {day.day}, {day.year}"


def count_label(count: int) -> str:
    return f"{count} task" if count == 1 else f"{count} tasks"


def task_meta(task: Task) -> str:
    parts = [f"{task.get_priority_display()} priority"]
    parts.append(user_display_name(task.assignee) if task.assignee else "Unassigned")
    if task.due_date:
        parts.append(f"Due {due_date_label(task.due_date)}")
    return " · ".join(parts)


def task_data(task: Task, user: AbstractBaseUser | None, *, with_actions: bool = True) -> dict:
    """One task as widget data, with a button per transition `user` may make from its status."""
    transitions = available_transitions(status=task.status, user=user) if with_actions else []
    return {
        "id": task.pk,
        "title": task.title,
        "description": shorten(task.description, DESCRIPTION_SHOWN),
        "status": task.status,
        "status_label": task.get_status_display(),
        "status_color": STATUS_COLORS[task.status],
        "meta": task_meta(task),
        "actions": [_button(t) for t in transitions],
    }


def task_list_data(
    *,
    tasks: Iterable[Task],
    user: AbstractBaseUser,
    title: str = "Tasks",
    status: str | None = None,
    next_offset: int | None = None,
    note: str = "",
    with_actions: bool = True,
) -> dict:
    return {
        "title": title,
        "tasks": [task_data(task, user, with_actions=with_actions) for task in tasks],
        "empty_text": "No tasks match.",
        "note": note,
        "more": None if next_offset is None else {"status": status, "offset": next_offset},
    }


def build_task_list(**kwargs: Any) -> TemplateWidget:
    """Up to 20 tasks; `next_offset` (when more exist) adds a "Show more" button."""
    return render("task_list", task_list_data(**kwargs))


def build_task_card(
    task: Task, user: AbstractBaseUser | None, *, note: str = "", with_actions: bool = True
) -> TemplateWidget:
    return render(
        "task_card", {"task": task_data(task, user, with_actions=with_actions), "note": note}
    )


def form_values(values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The form's fields as the template expects them: strings, or null where empty."""
    values = values or {}

    def text(name: str, limit: int) -> str:
        # Refill what was typed, cut to what the template accepts; validation reports the
        # rest. NUL is left out: the refilled form is stored, and PostgreSQL cannot hold it.
        value = values.get(name)
        return value[:limit].replace("\x00", "") if isinstance(value, str) else ""

    def optional(name: str) -> str | None:
        value = values.get(name)
        if value is None or value == "" or isinstance(value, (dict, list, bool)):
            return None
        return str(value)[:100].replace("\x00", "") or None

    priority = values.get("priority")
    return {
        "title": text("title", 1000),
        "description": text("description", 10000),
        "priority": priority if priority in Task.Priority.values else Task.Priority.MEDIUM,
        "due_date": optional("due_date"),
        "assignee_id": optional("assignee_id"),
    }


def form_errors(errors: Mapping[str, Any] | None) -> dict[str, str]:
    """Field errors keyed by form field; anything else is a form-level error."""
    result: dict[str, list[str]] = {}
    for field, messages in (errors or {}).items():
        key = field if field in FORM_FIELDS else "form"
        if isinstance(messages, str):
            messages = [messages]
        result.setdefault(key, []).extend(str(m) for m in messages)
    return {key: " ".join(messages) for key, messages in result.items() if messages}


def build_task_form(
    *,
    people: Iterable[AbstractBaseUser],
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, Any] | None = None,
) -> TemplateWidget:
    """The new-task form, refilled with `values` and showing `errors` under their fields."""
    return render(
        "task_form",
        {
            "values": form_values(values),
            "errors": form_errors(errors),
            "priorities": [
                {"value": value, "label": label} for value, label in Task.Priority.choices
            ],
            "people": [
                {"value": str(person.pk), "label": user_display_name(person)} for person in people
            ],
        },
    )


def widget_nodes(node: Any) -> Iterator[dict]:
    """Every component (and other mapping) in a widget tree, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from widget_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from widget_nodes(value)
