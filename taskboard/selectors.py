"""Reads of tasks and people: every query the views, the API, the board and the chat need."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from taskboard.models import Task


def task_list(
    *,
    status: str | None = None,
    assignee_id: int | None = None,
    priority: str | None = None,
    search: str | None = None,
) -> QuerySet[Task]:
    tasks = Task.objects.select_related("assignee", "created_by")
    if status:
        tasks = tasks.filter(status=status)
    if assignee_id is not None:
        tasks = tasks.filter(assignee_id=assignee_id)
    if priority:
        tasks = tasks.filter(priority=priority)
    if search:
        tasks = tasks.filter(Q(title__icontains=search) | Q(description__icontains=search))
    return tasks.order_by("-updated_at", "-id")


def task_get(*, task_id: int) -> Task | None:
    return Task.objects.select_related("assignee", "created_by").filter(pk=task_id).first()


def user_search(*, query: str, limit: int = 10):
    users = get_user_model().objects.filter(is_active=True)
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    return users.order_by("username")[:limit]


def tasks_by_id(task_ids) -> dict[int, Task]:
    """The tasks with these ids that still exist, by id."""
    return {
        task.pk: task for task in Task.objects.select_related("assignee").filter(pk__in=task_ids)
    }


def task_titles(task_ids) -> dict[int, tuple[str, str]]:
    """(title, status) of the tasks with these ids that still exist, by id."""
    rows = Task.objects.filter(pk__in=task_ids).values_list("pk", "title", "status")
    return {pk: (title, status) for pk, title, status in rows}


def active_user(*, user_id: int | None = None, username: str | None = None):
    """The active person with this id, or this username (any case); None if nobody."""
    people = get_user_model().objects.filter(is_active=True)
    if user_id is not None:
        return people.filter(pk=user_id).first()
    return people.filter(username__iexact=username).first()
