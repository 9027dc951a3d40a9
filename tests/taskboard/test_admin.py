"""The Django admin: open to staff, closed to others, transitions through the service."""

import pytest
from django.test import Client

from taskboard.models import TaskEvent
from tests.factories import make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/taskboard/task/",
        "/admin/taskboard/task/add/",
        "/admin/taskboard/taskevent/",
        "/admin/taskboard/task/?q=login&status__exact=review",
    ],
)
def test_admin_pages_load_for_staff(admin_client_, url):
    make_task(title="Fix login", status="review")
    assert admin_client_.get(url).status_code == 200


def test_task_change_page_loads_for_staff(admin_client_):
    task = make_task()
    assert admin_client_.get(f"/admin/taskboard/task/{task.pk}/change/").status_code == 200


@pytest.mark.parametrize("url", ["/admin/", "/admin/taskboard/task/"])
def test_admin_is_refused_to_members_and_anonymous(member_client, anon_client, url):
    for client in (member_client, anon_client):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_admin_action_transitions_through_the_service(admin_client_, staff):
    todo = make_task(status="todo")
    done = make_task(status="done")

    response = admin_client_.post(
        "/admin/taskboard/task/",
        {"action": "transition_start", "_selected_action": [todo.pk, done.pk]},
        follow=True,
    )

    assert response.status_code == 200
    todo.refresh_from_db()
    done.refresh_from_db()
    assert (todo.status, done.status) == ("in_progress", "done")
    event = TaskEvent.objects.get()
    assert (event.task, event.source, event.actor) == (todo, "admin", staff)
    text = response.content.decode()
    assert "Start: 1 task updated." in text
    assert f"Task #{done.pk} is done" in text


def test_task_events_are_read_only_in_admin(admin_client_, staff):
    task = make_task()
    event = TaskEvent.objects.create(
        task=task, actor=staff, from_status="todo", to_status="in_progress", source="api"
    )
    assert admin_client_.get("/admin/taskboard/taskevent/add/").status_code == 403
    response = admin_client_.post(
        f"/admin/taskboard/taskevent/{event.pk}/change/", {"source": "chat"}
    )
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.source == "api"
