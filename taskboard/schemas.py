"""API shapes, shared by the JSON API and the board socket."""

from datetime import date, datetime
from enum import Enum

from django.contrib.auth.models import AbstractBaseUser
from ninja import Field, Schema
from pydantic import ConfigDict

from taskboard.models import Task
from taskboard.people import user_display_name
from taskboard.transitions import TRANSITIONS

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

    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    priority: Task.Priority = Task.Priority.MEDIUM
    assignee_id: int | None = None
    due_date: date | None = None


class TaskUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    priority: Task.Priority | None = None
    assignee_id: int | None = None
    due_date: date | None = None


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
