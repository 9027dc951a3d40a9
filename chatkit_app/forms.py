"""Task fields from what the chat sends: the new-task form's submission, or a tool call.

Both return the fields `services.task_create` takes. A form's malformed fields come
back as errors to show under each field; a tool call's first malformed field is
raised as a `ValidationError`, which the model is told about.
"""

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from chatkit_app.task_commands import Refusal, resolve_assignee
from taskboard.models import Task


def parse_due_date(value: Any) -> date | None:
    """A date from "YYYY-MM-DD" or an ISO date-time (what date pickers send); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    raise ValidationError({"due_date": "Enter a date as YYYY-MM-DD."})


def parse_form(payload: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The task fields a form submission carries, and the errors of any that are malformed."""
    if not isinstance(payload, dict):
        raise Refusal("The form sent a malformed request; nothing was created.")
    fields: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    title = payload.get("title")
    if not isinstance(title, str) or not title.strip():
        errors["title"] = ["Give the task a title."]
    else:
        fields["title"] = title.strip()

    description = payload.get("description")
    if description is None:
        description = ""
    if not isinstance(description, str):
        errors["description"] = ["The description must be text."]
    else:
        fields["description"] = description

    priority = payload.get("priority") or Task.Priority.MEDIUM
    if priority in Task.Priority.values:
        fields["priority"] = priority
    else:
        errors["priority"] = ["Choose low, medium or high."]

    try:
        fields["due_date"] = parse_due_date(payload.get("due_date"))
    except ValidationError as exc:
        errors.update(exc.message_dict)

    assignee = payload.get("assignee_id")
    if assignee is None or assignee == "":
        fields["assignee_id"] = None
    elif type(assignee) is int and assignee > 0:
        fields["assignee_id"] = assignee
    elif isinstance(assignee, str) and assignee.isascii() and assignee.isdigit():
        fields["assignee_id"] = int(assignee)
    else:
        errors["assignee_id"] = ["Choose a person from the list."]
    return fields, errors


def tool_fields(
    *,
    user: AbstractBaseUser,
    title: str,
    description: str,
    priority: str,
    assignee: str | None,
    due_date: str | None,
) -> dict[str, Any]:
    """The fields of a `create_task` call; ValidationError for a person or date not understood."""
    fields: dict[str, Any] = {"title": title, "description": description, "priority": priority}
    try:
        fields["assignee_id"] = resolve_assignee(assignee, user)
    except Refusal as exc:
        raise ValidationError({"assignee_id": str(exc)}) from None
    fields["due_date"] = parse_due_date(due_date)
    return fields
