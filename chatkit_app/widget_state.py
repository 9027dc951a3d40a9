"""What each task widget in a thread shows, kept as data beside the widget.

A button pressed on a widget must re-render that widget: the same tasks, in the same
order, under the same title and note, with "Show more" leading to the same page.
That is recorded when the widget is first shown, as the `state` of a
`TaskWidgetItem` (ChatKit's `WidgetItem` plus `state`), and read back from the item
the button was pressed on. Nothing is recovered from the rendered widget, so a
template can change freely.

The store keeps `state` in the item's row (`item_data`, `item_from_data`). It never
reaches the client: the field is left out of every serialisation of the item.

This module is the only one that writes or reads a state: the `show_*` functions
render a widget and its state together, `state_of` reads the state of an item,
`rerender` shows a state again from the database, and `item_data` and
`item_from_data` are how the store saves and loads it.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from chatkit.types import ThreadItem, WidgetItem
from chatkit.widgets import DynamicWidgetRoot
from django.contrib.auth.models import AbstractBaseUser
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from chatkit_app import widgets
from taskboard import selectors
from taskboard.models import Task

TaskId = Annotated[int, Field(gt=0, lt=2**63)]


class _State(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaskListState(_State):
    kind: Literal["task_list"] = "task_list"
    task_ids: list[TaskId] = Field(max_length=widgets.PAGE_SIZE)
    title: str
    note: str = ""
    # Where "Show more" leads: the list's status filter and the next page's offset.
    status: Task.Status | None = None
    next_offset: int | None = Field(None, gt=0)


class TaskCardState(_State):
    kind: Literal["task_card"] = "task_card"
    task_id: TaskId


class TaskFormState(_State):
    kind: Literal["task_form"] = "task_form"


WidgetState = Annotated[TaskListState | TaskCardState | TaskFormState, Field(discriminator="kind")]


class TaskWidgetItem(WidgetItem):
    """A widget item that remembers what it shows; see the module docstring."""

    # Always built from a template (chatkit_app/widgets.py), so the dynamic root: read
    # back from the store, it is not tried against every strict widget type first.
    widget: DynamicWidgetRoot
    # Never serialised with the item: only `item_data` writes it, for the store.
    state: WidgetState = Field(exclude=True)


class HistoryWidgetItem(TaskWidgetItem):
    """A task widget as the model's input is built from it: its state, without its
    components. See `history_item_from_data`."""

    widget: dict[str, Any] = Field(default_factory=dict)  # type: ignore[assignment]


THREAD_ITEM_ADAPTER: TypeAdapter[ThreadItem] = TypeAdapter(ThreadItem)
STATE_ADAPTER: TypeAdapter[Any] = TypeAdapter(WidgetState)
DYNAMIC_ROOTS = frozenset({"Card", "ListView", "Basic"})


def item_data(item: ThreadItem) -> dict[str, Any]:
    """The item as the store keeps it: its JSON, and a task widget's state.

    A widget built here is written from the JSON it keeps (`widgets.widget_json`).
    """
    dumped = widgets.widget_json(getattr(item, "widget", None))
    if dumped is None:
        data = item.model_dump(mode="json")
    else:
        data = item.model_dump(mode="json", exclude={"widget"})
        data["widget"] = dumped
    if isinstance(item, TaskWidgetItem):
        data["state"] = item.state.model_dump(mode="json")
    return data


def _task_widget_item(data: dict[str, Any], *, validate: bool) -> TaskWidgetItem | None:
    """A stored task widget, its widget keeping the stored JSON; None if it is not one."""
    tree = data.get("widget")
    if not (isinstance(tree, dict) and tree.get("type") in DYNAMIC_ROOTS):
        return None
    try:
        state = STATE_ADAPTER.validate_python(data["state"])
        fields = {name: value for name, value in data.items() if name not in ("widget", "state")}
        widget = widgets.template_widget(tree, validate=validate)
        return TaskWidgetItem.model_validate({**fields, "widget": widget, "state": state})
    except ValidationError:
        return None


def item_from_data(data: dict[str, Any], *, rebuild: bool = True) -> ThreadItem:
    """The stored item; a task widget comes back with the state it was shown with.

    `rebuild=False`: a task widget keeps the JSON it was stored with, without its
    components being built again as models (`widgets.template_widget(validate=False)`),
    for an item that is only sent on, type-checked or replaced. Its components were
    checked when it was built, before it was stored; a 20-task list costs about 4 ms
    to check again.
    """
    if data.get("type") == "widget" and "state" in data:
        item = _task_widget_item(data, validate=rebuild)
        if item is not None:
            return item
    # Any other item; and a state this version cannot read: it shows, its buttons refuse.
    return THREAD_ITEM_ADAPTER.validate_python(data)


def history_item_from_data(data: dict[str, Any]) -> ThreadItem:
    """The stored item for the model's input, where a task widget counts only by its state.

    The converter (`chatkit_app.converter`) reads a task widget's state, never its
    components; reading a 20-task list's components (19 kB of JSON) and checking them
    through the widget union costs about 4 ms, for every list in the history on every
    turn. So `data` may leave the widget's components out. Such an item is for the
    model only; it is never sent to the client or stored again.
    """
    if data.get("type") == "widget" and data.get("state") is not None:
        try:
            return HistoryWidgetItem.model_validate(data)
        except ValidationError:
            pass  # a state this version cannot read: the item as `item_from_data` reads it
    return item_from_data(data)


@dataclass(frozen=True)
class Shown:
    """A rendered widget and the state it was rendered from."""

    widget: DynamicWidgetRoot
    state: TaskListState | TaskCardState | TaskFormState


def show_task_list(
    *,
    tasks: list[Task],
    user: AbstractBaseUser,
    title: str = "Tasks",
    status: str | None = None,
    next_offset: int | None = None,
    note: str = "",
) -> Shown:
    state = TaskListState(
        task_ids=[task.pk for task in tasks],
        title=title,
        note=note,
        status=status,
        next_offset=next_offset,
    )
    return Shown(_list_widget(state, tasks, user), state)


def _list_widget(state: TaskListState, tasks: list[Task], user: AbstractBaseUser):
    return widgets.build_task_list(
        tasks=tasks,
        user=user,
        title=state.title,
        status=state.status,
        next_offset=state.next_offset,
        note=state.note,
    )


def show_task_card(task: Task, user: AbstractBaseUser, *, note: str = "") -> Shown:
    return Shown(widgets.build_task_card(task, user, note=note), TaskCardState(task_id=task.pk))


def show_task_form(
    *,
    people: list[Any],
    values: Any = None,
    errors: dict[str, Any] | None = None,
) -> Shown:
    values = values if isinstance(values, dict) else {}
    widget = widgets.build_task_form(people=people, values=values, errors=errors)
    return Shown(widget, TaskFormState())


def state_of(item: Any) -> TaskListState | TaskCardState | TaskFormState | None:
    """The state of a widget item shown by this app; None for any other item."""
    return item.state if isinstance(item, TaskWidgetItem) else None


def shows_task(state: Any, task_id: int) -> bool:
    if isinstance(state, TaskListState):
        return task_id in state.task_ids
    return isinstance(state, TaskCardState) and state.task_id == task_id


def shown_tasks(state: Any) -> dict[int, Task]:
    """The tasks a list or card shows, as the database has them now, by id."""
    if isinstance(state, TaskCardState):
        task = selectors.task_get(task_id=state.task_id)
        return {} if task is None else {task.pk: task}
    if isinstance(state, TaskListState):
        return selectors.tasks_by_id(state.task_ids)
    return {}


def rerender(
    state: Any, user: AbstractBaseUser, *, note: str = "", tasks: dict[int, Task] | None = None
) -> Shown | None:
    """A list or card shown again with its tasks as they are now; None if none is left.

    `tasks`: the tasks as `shown_tasks` read them, when the caller has them already.
    A card takes `note`; a list keeps its own note. Deleted tasks drop out of a list.
    """
    found = shown_tasks(state) if tasks is None else tasks
    if isinstance(state, TaskCardState):
        task = found.get(state.task_id)
        return None if task is None else show_task_card(task, user, note=note)
    if isinstance(state, TaskListState):
        listed = [found[task_id] for task_id in state.task_ids if task_id in found]
        return Shown(_list_widget(state, listed, user), state)
    return None


def new_item(shown: Shown, *, item_id: str, thread_id: str) -> TaskWidgetItem:
    return TaskWidgetItem(
        id=item_id,
        thread_id=thread_id,
        created_at=datetime.now(),
        widget=shown.widget,
        state=shown.state,
    )


def replacement(item: WidgetItem, shown: Shown) -> TaskWidgetItem:
    """`item` showing `shown` instead, in the same place in the thread."""
    return TaskWidgetItem(
        id=item.id,
        thread_id=item.thread_id,
        created_at=item.created_at,
        widget=shown.widget,
        copy_text=item.copy_text,
        state=shown.state,
    )
