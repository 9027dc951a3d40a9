"""@mention entities: GET /api/entities?q= and GET /api/entities/{id}/preview."""

import pytest

from taskboard.models import Task
from tests.factories import make_task, make_user

pytestmark = pytest.mark.django_db


def test_anonymous_search_and_preview_are_refused(anon_client):
    task = make_task(title="Fix login")

    assert anon_client.get("/api/entities?q=fix").status_code == 401
    assert anon_client.get(f"/api/entities/task:{task.pk}/preview").status_code == 401


def test_search_returns_matching_tasks_and_people_as_chatkit_entities(member_client, member):
    task = make_task(title="Fix login page", status=Task.Status.REVIEW)
    make_task(title="Unrelated")
    fiona = make_user(username="fixer", first_name="Fiona", last_name="Fix")

    # A GET needs no CSRF token, like any safe request.
    response = member_client.get("/api/entities", {"q": "fix"})

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": f"task:{task.pk}",
            "title": "Fix login page",
            "group": "Tasks",
            "icon": "check-circle",
            "interactive": True,
            "data": {
                "type": "task",
                "task_id": task.pk,
                "status": "review",
                "description": f"#{task.pk} · Review",
            },
        },
        {
            "id": f"user:{fiona.pk}",
            "title": "Fiona Fix",
            "group": "People",
            "icon": "profile",
            "interactive": True,
            "data": {"type": "user", "user_id": fiona.pk, "username": "fixer"},
        },
    ]


def test_search_by_task_number_finds_that_task(member_client):
    tasks = [make_task(title=f"Task {n}") for n in range(3)]

    response = member_client.get("/api/entities", {"q": f"#{tasks[1].pk}"})

    assert response.status_code == 200
    assert response.json()[0]["id"] == f"task:{tasks[1].pk}"


def test_search_is_limited_per_group(member_client):
    for n in range(12):
        make_task(title=f"Write doc {n}")

    response = member_client.get("/api/entities", {"q": "write"})

    assert [e["group"] for e in response.json()] == ["Tasks"] * 8


def test_search_with_an_overlong_query_is_a_clear_422(member_client):
    response = member_client.get("/api/entities", {"q": "x" * 201})

    assert response.status_code == 422


def test_preview_of_a_task_is_its_card_without_buttons(approver_client):
    task = make_task(title='Fix "quotes" {{ 7*7 }}', status=Task.Status.REVIEW)

    response = approver_client.get(f"/api/entities/task:{task.pk}/preview")

    assert response.status_code == 200
    preview = response.json()["preview"]
    assert preview["type"] == "Card"
    assert preview["key"] == f"task-{task.pk}"
    assert preview["children"][0]["children"][1]["value"] == 'Fix "quotes" {{ 7*7 }}'
    assert "Button" not in str(preview)


def test_preview_of_a_person_is_empty(member_client, member):
    response = member_client.get(f"/api/entities/user:{member.pk}/preview")

    assert response.status_code == 200
    assert response.json() == {"preview": None}


@pytest.mark.parametrize(
    "entity_id", ["task", "task:", "task:abc", "task:-1", "task:0", "doc:1", "task:1:2", "1"]
)
def test_preview_of_a_malformed_id_is_a_400(member_client, entity_id):
    response = member_client.get(f"/api/entities/{entity_id}/preview")

    assert response.status_code == 400
    assert "task:<id>" in response.json()["detail"]


def test_preview_of_an_unknown_task_or_person_is_a_404(member_client):
    assert member_client.get("/api/entities/task:999999/preview").status_code == 404
    assert member_client.get("/api/entities/user:999999/preview").status_code == 404
