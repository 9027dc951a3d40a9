"""The chat's one doorway onto tasks: one function per thing the chat can do with them.

The model's tools (`tools.py`) and the widgets' buttons (`actions.py`) both end up
here. Each function reads through `taskboard.selectors` or writes through
`taskboard.services`, and returns an `Outcome`: the widget to show, the sentence to
say, the hidden context for the model, the client effect, and the summary a tool
returns to the model. The adapters use the parts their side needs and turn them into
ChatKit events. A request that cannot be carried out raises `Refusal`, whose message
is shown to the user.

| move | function | from a tool | from a button |
|---|---|---|---|
| list | `list_tasks` | `list_tasks`, `show_review_queue` | (the client's "Show more") |
| show | `show_task` | `get_task` | |
| form | `task_form` | `show_task_form` | |
| create | `create_task` | `create_task` | `task.create` |
| transition | `transition_task` | `transition_task` | `task.start`, `task.approve`… |
| select | `select_task` | | `task.select` |

Every function touches the database: call it from sync code (`sync_to_async`).
"""

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from chatkit_app import widget_state, widgets
from chatkit_app.widget_state import Shown
from taskboard import selectors, services
from taskboard.models import Task, TaskEvent
from taskboard.people import user_display_name
from taskboard.transitions import TRANSITIONS, user_can_approve

TASKS_CHANGED = "tasks.changed"
STATUS_TITLES = {
    None: "Tasks",
    "todo": "Tasks to do",
    "in_progress": "Tasks in progress",
    "review": "Tasks in review",
    "done": "Done tasks",
}
REVIEW_NOTE_FOR_MEMBERS = (
    "Only approvers can approve or reject tasks; you can see the review queue but not act on it."
)
FIELD_LABELS = {
    "title": "Title",
    "description": "Description",
    "priority": "Priority",
    "due_date": "Due date",
    "assignee_id": "Assignee",
}


class Refusal(Exception):
    """A request that cannot be carried out; the message is shown to the user."""


@dataclass(frozen=True)
class Outcome:
    """What one chat move produced; each adapter uses the parts its side shows."""

    summary: str  # what a tool returns to the model
    shown: Shown | None = None  # the widget to show (or to put in the sender's place)
    say: str | None = None  # a sentence for the user, after a button
    context: str | None = None  # hidden context for the model's next turn, after a button
    effect: dict[str, Any] | None = None  # data of the client effect `tasks.changed`


def validation_messages(exc: ValidationError) -> str:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    parts = []
    for field, messages in errors.items():
        label = FIELD_LABELS.get(field)
        text = " ".join(messages)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


def resolve_assignee(assignee: str | None, user: AbstractBaseUser) -> int | None:
    """A user id from "me", "user:<id>", "<id>" or a username; None for no filter."""
    if assignee is None or not assignee.strip():
        return None
    value = assignee.strip().removeprefix("@")
    if value.lower() in ("me", "mine", "myself"):
        return user.pk
    value = value.removeprefix("user:")
    found = (
        selectors.active_user(user_id=int(value))
        if value.isdigit()
        else selectors.active_user(username=value)
    )
    if found is None:
        raise Refusal(f"I know nobody called {assignee!r}; mention a person with @.")
    return found.pk


# List and show


def list_tasks(
    *,
    user: AbstractBaseUser,
    status: str | None = None,
    assignee: str | None = None,
    search: str | None = None,
    offset: int = 0,
    title: str | None = None,
    note: str = "",
) -> Outcome:
    """One page (20) of matching tasks as a list widget, with a summary for the model."""
    if offset < 0:
        raise Refusal("The page offset cannot be negative.")
    assignee_id = resolve_assignee(assignee, user)
    if status == Task.Status.REVIEW and not note and not user_can_approve(user):
        note = REVIEW_NOTE_FOR_MEMBERS
    tasks = selectors.task_list(status=status, assignee_id=assignee_id, search=search or None)
    rows = list(tasks[offset : offset + widgets.PAGE_SIZE + 1])
    has_more = len(rows) > widgets.PAGE_SIZE
    rows = rows[: widgets.PAGE_SIZE]
    heading = title or STATUS_TITLES[status]
    if search:
        heading = f"{heading} matching “{search}”"
    # How many match in all, as a heading reads: "Review queue · 3 tasks".
    total = len(rows) if offset == 0 and not has_more else tasks.count()
    heading = f"{heading} · {widgets.count_label(total)}"
    if offset:
        heading = f"{heading} (from {offset + 1})"
    shown = widget_state.show_task_list(
        tasks=rows,
        user=user,
        title=heading,
        status=status,
        next_offset=offset + widgets.PAGE_SIZE if has_more else None,
        note=note,
    )
    listed = ", ".join(f"#{task.pk} {task.title} ({task.status})" for task in rows) or "none"
    more = " More exist; offer the next page." if has_more else ""
    if note:
        more += f" The list says: {note}"
    return Outcome(f"Showed {len(rows)} task(s) to the user: {listed}.{more}", shown)


def review_queue(*, user: AbstractBaseUser) -> Outcome:
    return list_tasks(user=user, status=Task.Status.REVIEW, title="Review queue")


def show_task(*, user: AbstractBaseUser, task_id: int) -> Outcome:
    task = selectors.task_get(task_id=task_id)
    if task is None:
        raise Refusal(f"Task #{task_id} does not exist.")
    assignee = user_display_name(task.assignee) if task.assignee else "nobody"
    return Outcome(
        f"Showed task #{task.pk} “{task.title}”: {task.status}, {task.priority} priority, "
        f"assigned to {assignee}, due {task.due_date or 'never'}.",
        widget_state.show_task_card(task, user),
    )


# Form and create


def _form(values: Any = None, errors: dict[str, Any] | None = None) -> Shown:
    people = list(selectors.user_search(query="", limit=100))
    return widget_state.show_task_form(people=people, values=values, errors=errors)


def task_form(*, user: AbstractBaseUser, title: str | None = None) -> Outcome:
    return Outcome(
        "Showed the new-task form; the user fills it in and presses Create task.",
        _form({"title": title or ""}),
    )


def create_task(
    *,
    user: AbstractBaseUser,
    fields: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    form: Any = None,
) -> Outcome:
    """Create a task in to do and show its card.

    `errors` are those the adapter found reading its input. `form` is what the user
    typed, when the request came from the form: on any error the form is shown again
    with it, and the outcome says what to fix. From a tool, an error is a Refusal.
    """
    if not errors:
        try:
            task = services.task_create(actor=user, **fields)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"form": exc.messages}
    if errors:
        summary = validation_messages(ValidationError(errors))
        if form is None:
            raise Refusal("The task was not created: " + summary)
        text = f"The task was not created. {summary} Fix the form and press Create task again."
        return Outcome(text, _form(form, errors), say=text)
    from_form = form is not None
    return Outcome(
        f"Created task #{task.pk} “{task.title}” (todo) and showed its card.",
        widget_state.show_task_card(task, user, note=f"Created by {user_display_name(user)}."),
        say=f"Created #{task.pk} “{task.title}”. It is in To do; press Start when work begins.",
        context=(
            f'<TASK_ACTION action="create" task_id="{task.pk}" source="widget">'
            f"The user created task #{task.pk} “{html.escape(task.title)}” with the form."
            "</TASK_ACTION>"
        )
        if from_form
        else None,
        effect={"task_id": task.pk, "status": task.status, "action": "create"},
    )


# Transition and select


def transition_task(
    *, user: AbstractBaseUser, task_id: int, action: str, on_widget: Any = None
) -> Outcome:
    """Make the move and show the task's card, or, from a button, re-render its widget.

    `on_widget` is the state of the widget whose button was pressed (None from a tool):
    the task must be on it. A move the service refuses is a Refusal from a tool; from
    a button the widget is re-rendered as the database has it and the outcome says why.
    """
    from_button = on_widget is not None
    if from_button and not widget_state.shows_task(on_widget, task_id):
        raise Refusal(f"Task #{task_id} is not on that widget; nothing changed.")
    if action not in TRANSITIONS:
        raise Refusal(f"Unknown action {action!r}; use one of: {', '.join(TRANSITIONS)}.")
    source = TaskEvent.Source.WIDGET if from_button else TaskEvent.Source.CHAT
    # The widget's other tasks are read before the move: from the move to its commit
    # (when the boards hear of it) there is only the widget to render and store.
    shown = widget_state.shown_tasks(on_widget) if from_button else {}
    try:
        task = services.task_transition(task_id=task_id, action=action, actor=user, source=source)
    except services.TaskError as exc:
        if not from_button:
            raise Refusal(exc.message) from None
        text = f"{exc.message} Nothing changed."
        # Read again: the refusal may come from a change made since (a task moved or gone).
        return Outcome(text, widget_state.rerender(on_widget, user), say=text)
    return _moved(user=user, task=task, action=action, on_widget=on_widget, shown=shown)


def _moved(
    *, user: AbstractBaseUser, task: Task, action: str, on_widget: Any, shown: dict[int, Task]
) -> Outcome:
    """The outcome of a move made: `task` as the move left it."""
    from_button = on_widget is not None
    move = TRANSITIONS[action]
    note = f"{move.done_label} by {user_display_name(user)}."
    status = task.get_status_display().lower()
    return Outcome(
        f"{move.done_label} task #{task.pk} “{task.title}”; it is now {task.status}.",
        widget_state.rerender(on_widget, user, note=note, tasks={**shown, task.pk: task})
        if from_button
        else widget_state.show_task_card(task, user, note=note),
        say=f"{move.done_label} #{task.pk} “{task.title}”. It is now {status}.",
        context=(
            f'<TASK_ACTION action="{action}" task_id="{task.pk}" source="widget">'
            f"{html.escape(user_display_name(user))} pressed {move.label} "
            f"on task #{task.pk} “{html.escape(task.title)}”; it is now {status}."
            "</TASK_ACTION>"
        )
        if from_button
        else None,
        effect={"task_id": task.pk, "status": task.status, "action": action},
    )


def transition_from_button(
    *, user: AbstractBaseUser, task_id: int, action: str, on_widget: Any
) -> tuple[Outcome, Callable[[], None]] | None:
    """A button's move, shown before it is made: its outcome, and the function that
    makes it (raising `services.TaskError` if the service refuses after all).

    The caller stores the outcome and then makes the move, last in its transaction, so
    that the boards hear of the move as soon after it as the commit allows. None when
    the move would not apply as the widget's tasks stand (not on the widget, another
    status, not an approver): `transition_task` then says why.
    """
    move = TRANSITIONS.get(action)
    if move is None or not widget_state.shows_task(on_widget, task_id):
        return None
    shown = widget_state.shown_tasks(on_widget)
    task = shown.get(task_id)
    if task is None or task.status != move.from_status:
        return None
    if move.needs_approver and not user_can_approve(user):
        return None
    task.status = move.to_status  # as the move leaves it

    def make() -> None:
        services.task_transition(
            task_id=task_id, action=action, actor=user, source=TaskEvent.Source.WIDGET
        )

    return _moved(user=user, task=task, action=action, on_widget=on_widget, shown=shown), make


def select_task(*, user: AbstractBaseUser, task_id: int) -> Outcome:
    """Tell the model which task the user picked on the board or in a list."""
    task = selectors.task_get(task_id=task_id)
    if task is None:
        raise Refusal(f"Task #{task_id} does not exist.")
    return Outcome(
        f"The user selected task #{task.pk}.",
        context=(
            f'<TASK_SELECTED task_id="{task.pk}">The user selected task #{task.pk} '
            f"“{html.escape(task.title)}” on the board.</TASK_SELECTED>"
        ),
    )
