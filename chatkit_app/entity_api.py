"""The chat composer's @mentions as JSON endpoints: tasks and people, and task previews.

Mounted on the JSON API at /api/entities by `taskboard/urls.py`.

`GET /api/entities?q=` answers ChatKit's `entities.onTagSearch`; ids are
`task:<id>` and `user:<id>`. `GET /api/entities/{id}/preview` answers
`entities.onRequestPreview` with a task card (people have no preview).
"""

import re
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from chatkit_app.widgets import build_task_card
from taskboard import selectors
from taskboard.people import user_display_name
from taskboard.schemas import ErrorOut

router = Router(tags=["entities"])

SEARCH_LIMIT = 8
ENTITY_ID = re.compile(r"^(task|user):([1-9][0-9]{0,17})$")
TASK_NUMBER = re.compile(r"^#?([1-9][0-9]{0,17})$")


class EntityOut(Schema):
    id: str
    title: str
    group: str
    icon: str
    interactive: bool
    data: dict[str, Any]


class EntitySearch(Schema):
    q: str = Field("", max_length=200)


class PreviewOut(Schema):
    preview: dict[str, Any] | None


def task_entity(task) -> dict[str, Any]:
    return {
        "id": f"task:{task.pk}",
        "title": task.title,
        "group": "Tasks",
        "icon": "check-circle",
        "interactive": True,
        "data": {
            "type": "task",
            "task_id": task.pk,
            "status": task.status,
            "description": f"#{task.pk} · {task.get_status_display()}",
        },
    }


def user_entity(user) -> dict[str, Any]:
    return {
        "id": f"user:{user.pk}",
        "title": user_display_name(user),
        "group": "People",
        "icon": "profile",
        "interactive": True,
        "data": {"type": "user", "user_id": user.pk, "username": user.get_username()},
    }


def parse_entity_id(entity_id: str) -> tuple[str, int] | None:
    """`("task", 12)` for "task:12"; None for anything else."""
    match = ENTITY_ID.match(entity_id)
    return None if match is None else (match.group(1), int(match.group(2)))


def search_entities(query: str) -> list[dict[str, Any]]:
    query = query.strip()
    tasks = list(selectors.task_list(search=query)[:SEARCH_LIMIT])
    number = TASK_NUMBER.match(query)
    if number:
        by_id = selectors.task_get(task_id=int(number.group(1)))
        if by_id is not None and all(task.pk != by_id.pk for task in tasks):
            tasks.insert(0, by_id)
    people = selectors.user_search(query=query, limit=SEARCH_LIMIT)
    return [task_entity(task) for task in tasks] + [user_entity(user) for user in people]


@router.get("", response=list[EntityOut])
def entities(request: HttpRequest, params: Query[EntitySearch]):
    """Tasks (by title, description or number) and people (by name) matching `q`."""
    return search_entities(params.q)


@router.get("/{entity_id}/preview", response={200: PreviewOut, 400: ErrorOut, 404: ErrorOut})
def entity_preview(request: HttpRequest, entity_id: str):
    """A task card for `task:<id>`; people have no preview."""
    parsed = parse_entity_id(entity_id)
    if parsed is None:
        return Status(400, {"detail": "Entity ids look like task:<id> or user:<id>."})
    kind, pk = parsed
    if kind == "user":
        if selectors.active_user(user_id=pk) is None:
            return Status(404, {"detail": f"No person with id {pk}."})
        return Status(200, {"preview": None})
    task = selectors.task_get(task_id=pk)
    if task is None:
        return Status(404, {"detail": f"Task #{pk} does not exist."})
    card = build_task_card(task, request.user, with_actions=False)
    return Status(200, {"preview": card.model_dump(mode="json", exclude_none=True)})
