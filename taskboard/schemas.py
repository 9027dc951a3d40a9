"""API shapes, shared by the JSON API and the board socket."""

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

from django.contrib.auth.models import AbstractBaseUser
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict

from taskboard.models import Task
from taskboard.people import user_display_name
from taskboard.transitions import TRANSITIONS

# Ids are 64-bit: anything outside is refused (422) before it reaches a query.
INT64_MAX = 2**63 - 1


def refuse_nul(value: str) -> str:
    """PostgreSQL cannot store or compare NUL; SQLite could, so both refuse it."""
    if "\x00" in value:
        raise ValueError("Text must not contain NUL (U+0000) characters.")
    return value


def date_string(value: Any) -> Any:
    """Dates arrive as "YYYY-MM-DD" strings; pydantic would read a number as a timestamp."""
    if value is not None and not isinstance(value, str | date):
        raise ValueError("Enter a date as a YYYY-MM-DD string.")
    return value


# What the task model accepts, stated in the schema for clients (and Schemathesis):
# no NUL anywhere; in task text no control character but tab and newlines, and a
# title that is not blank. The model's validators enforce the same rules.
NO_NUL = "^[^\\u0000]*$"
_CONTROL = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f"
CLEAN_TEXT = f"^[^{_CONTROL}]*$"
TITLE_TEXT = f"^[^{_CONTROL}]*[^\\s{_CONTROL}][^{_CONTROL}]*$"

Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
Text = Annotated[str, AfterValidator(refuse_nul), Field(json_schema_extra={"pattern": NO_NUL})]
TaskText = Annotated[
    str, AfterValidator(refuse_nul), Field(json_schema_extra={"pattern": CLEAN_TEXT})
]
TitleText = Annotated[
    str, AfterValidator(refuse_nul), Field(json_schema_extra={"pattern": TITLE_TEXT})
]
DateString = Annotated[date, BeforeValidator(date_string)]

TransitionAction = Enum("TransitionAction", {name: name for name in TRANSITIONS}, type=str)


class UserOut(Schema):
    id: int
    username: str
    display_name: str

    @staticmethod
    def resolve_display_name(obj: AbstractBaseUser) -> str:
        return user_display_name(obj)


class TaskOut(Schema):
    id: int
    title: str
    description: str
    status: Task.Status
    priority: Task.Priority
    assignee: UserOut | None
    due_date: date | None
    created_by: UserOut | None
    created_at: datetime
    updated_at: datetime


class TaskCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: TitleText = Field(min_length=1, max_length=200)
    description: TaskText = Field("", max_length=5000)
    priority: Task.Priority = Task.Priority.MEDIUM
    assignee_id: Id | None = None
    due_date: DateString | None = None


class TaskUpdateIn(Schema):
    """Only the fields sent change; `null` clears the assignee or the due date, and is
    refused (422) for the fields that cannot be empty."""

    model_config = ConfigDict(extra="forbid")

    title: TitleText = Field(None, min_length=1, max_length=200)
    description: TaskText = Field(None, max_length=5000)
    priority: Task.Priority = Field(None)
    assignee_id: Id | None = None
    due_date: DateString | None = None


class TransitionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    action: TransitionAction


class TransitionOut(Schema):
    action: str
    label: str
    from_status: str
    to_status: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    can_approve: bool
    transitions: list[TransitionOut]


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    """422: each invalid field, named by where it was (`query`, `path`, `body`) and its name."""

    detail: list[FieldErrorOut]
