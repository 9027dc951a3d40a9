"""Plain factory functions for test data."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from taskboard.models import Task

_counter = itertools.count(1)
PASSWORD = "correct horse battery"


def make_user(*, username: str | None = None, approver: bool = False, staff: bool = False, **extra):
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=staff, **extra
    )
    if approver:
        user.user_permissions.add(
            Permission.objects.get(codename="approve_task", content_type__app_label="taskboard")
        )
    return user


def make_task(*, title: str | None = None, status: str = Task.Status.TODO, **fields) -> Task:
    return Task.objects.create(title=title or f"Task {next(_counter)}", status=status, **fields)
