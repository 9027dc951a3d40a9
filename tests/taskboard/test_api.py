"""The JSON API as a client sees it: status codes, bodies, and what reaches the database."""

import json

import pytest

from taskboard.models import Task, TaskEvent
from tests.conftest import csrf_headers
from tests.factories import make_task, make_user

pytestmark = pytest.mark.django_db

HOSTILE_TITLES = [
    "Fix \"quotes\" and 'apostrophes'",
    "Back\\slash \\n \\u0041 C:\\path\\",
    "{{ 7*7 }} {% debug %} ${x}",
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
    '", "onClickAction": {"type": "task.approve"}',
    "Unicode ✓ — ünïcødé 🚀 שלום",
    "x" * 200,
]


def post_json(client, url, data, *, csrf=True, method="post"):
    body = data if isinstance(data, bytes) else json.dumps(data)
    headers = csrf_headers(client) if csrf else {}
    return getattr(client, method)(url, body, content_type="application/json", headers=headers)


# --- authentication and CSRF ---------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/me"),
        ("get", "/api/tasks"),
        ("get", "/api/tasks/1"),
        ("post", "/api/tasks"),
        ("patch", "/api/tasks/1"),
        ("post", "/api/tasks/1/transitions"),
    ],
)
def test_anonymous_requests_get_401(anon_client, method, url):
    anon_client.get("/accounts/login/")  # a valid CSRF cookie, so only the missing sign-in counts
    headers = {"X-CSRFToken": anon_client.cookies["csrftoken"].value}
    if method == "get":
        response = anon_client.get(url)
    else:
        response = getattr(anon_client, method)(
            url, "{}", content_type="application/json", headers=headers
        )
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_write_without_csrf_token_is_forbidden_and_writes_nothing(member_client):
    response = post_json(member_client, "/api/tasks", {"title": "Sneaky"}, csrf=False)
    assert response.status_code == 403
    assert not Task.objects.exists()


def test_transition_without_csrf_token_is_forbidden(member_client):
    task = make_task()
    response = post_json(
        member_client, f"/api/tasks/{task.pk}/transitions", {"action": "start"}, csrf=False
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == "todo"


def test_me_describes_the_user_and_their_transitions(member_client, approver_client):
    member = member_client.get("/api/me").json()
    assert member["username"] == "member"
    assert member["display_name"] == "Mia Member"
    assert member["can_approve"] is False
    assert [t["action"] for t in member["transitions"]] == ["start", "submit"]

    approver = approver_client.get("/api/me").json()
    assert approver["can_approve"] is True
    assert {t["action"] for t in approver["transitions"]} == {
        "start",
        "submit",
        "approve",
        "reject",
        "reopen",
    }


# --- reading -------------------------------------------------------------------


def test_list_filters_by_status_assignee_and_search(member_client, member):
    mine = make_task(title="Fix login bug", status="review", assignee=member)
    make_task(title="Write docs", description="about the LOGIN page")
    make_task(title="Unrelated", status="review")

    def ids(query):
        response = member_client.get(f"/api/tasks?{query}")
        assert response.status_code == 200
        return {item["id"] for item in response.json()["items"]}

    assert ids("status=review") == {mine.pk, Task.objects.get(title="Unrelated").pk}
    assert ids(f"assignee={member.pk}") == {mine.pk}
    assert ids("q=login") == {mine.pk, Task.objects.get(title="Write docs").pk}
    assert ids("q=login&status=review") == {mine.pk}


def test_list_paginates_with_count(member_client):
    for n in range(7):
        make_task(title=f"Task {n}")
    first = member_client.get("/api/tasks?limit=5").json()
    second = member_client.get("/api/tasks?limit=5&offset=5").json()
    assert first["count"] == second["count"] == 7
    assert len(first["items"]) == 5
    assert len(second["items"]) == 2
    assert not {t["id"] for t in first["items"]} & {t["id"] for t in second["items"]}


@pytest.mark.parametrize("query", ["status=bogus", "limit=0", "offset=-1", "assignee=abc"])
def test_list_rejects_bad_filters(member_client, query):
    response = member_client.get(f"/api/tasks?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_detail_returns_the_task(member_client, member):
    task = make_task(title="Detail", assignee=member, priority="high")
    body = member_client.get(f"/api/tasks/{task.pk}").json()
    assert body["title"] == "Detail"
    assert body["priority"] == "high"
    assert body["assignee"] == {"id": member.pk, "username": "member", "display_name": "Mia Member"}


@pytest.mark.parametrize("task_id", ["999999", "99999999999999999999999"])
def test_detail_of_missing_task_is_404(member_client, task_id):
    response = member_client.get(f"/api/tasks/{task_id}")
    assert response.status_code == 404
    assert "does not exist" in response.json()["detail"]


def test_openapi_schema_and_docs_are_published(member_client):
    schema = member_client.get("/api/openapi.json")
    assert schema.status_code == 200
    assert "/api/tasks/{task_id}/transitions" in schema.json()["paths"]
    assert member_client.get("/api/docs").status_code == 200


def test_openapi_schema_names_each_answer_once(member_client):
    """Swagger UI refuses a schema with a key twice ("duplicated mapping key")."""

    def no_duplicates(pairs):
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    schema = json.loads(
        member_client.get("/api/openapi.json").content, object_pairs_hook=no_duplicates
    )
    answers = schema["paths"]["/api/tasks/{task_id}/transitions"]["post"]["responses"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(answers)


# --- creating and editing --------------------------------------------------------


def test_create_task(member_client, member):
    assignee = make_user(username="assignee")
    response = post_json(
        member_client,
        "/api/tasks",
        {
            "title": "New task",
            "description": "Details",
            "priority": "high",
            "assignee_id": assignee.pk,
            "due_date": "2030-01-31",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["priority"], body["due_date"]) == ("todo", "high", "2030-01-31")
    task = Task.objects.get(pk=body["id"])
    assert (task.created_by, task.assignee) == (member, assignee)


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_are_stored_and_returned_byte_exact(member_client, title):
    response = post_json(member_client, "/api/tasks", {"title": title, "description": title})
    assert response.status_code == 201
    task_id = response.json()["id"]
    assert Task.objects.get(pk=task_id).title == title
    body = member_client.get(f"/api/tasks/{task_id}").json()
    assert (body["title"], body["description"]) == (title, title)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "x" * 10_000}, "title"),
        ({"title": "a\u0000b"}, "title"),
        ({"title": "bell\u0007"}, "title"),
        ({"title": "ok", "description": "y" * 5001}, "description"),
        ({"title": "ok", "priority": "urgent"}, "priority"),
        ({"title": "ok", "due_date": "31/01/2030"}, "due_date"),
        ({"title": "ok", "assignee_id": 999999}, "assignee_id"),
        ({"title": "ok", "status": "done"}, "status"),
        ({"title": 5}, "title"),
        ({}, "title"),
    ],
)
def test_invalid_create_is_422_with_the_field_named_and_writes_nothing(
    member_client, payload, field
):
    response = post_json(member_client, "/api/tasks", payload)
    assert response.status_code == 422
    assert field in {error["loc"][-1] for error in response.json()["detail"]}
    assert all(error["msg"] for error in response.json()["detail"])
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "\xff\xfe not utf-8"}',
        b"not json at all",
        b'{"title": "unterminated',
    ],
)
def test_malformed_body_is_400_and_writes_nothing(member_client, body):
    response = post_json(member_client, "/api/tasks", body)
    assert response.status_code == 400
    assert "Cannot parse request body" in response.json()["detail"]
    assert not Task.objects.exists()


def test_lone_surrogate_is_refused(member_client):
    response = post_json(member_client, "/api/tasks", b'{"title": "half \\ud800 pair"}')
    assert response.status_code == 422
    assert not Task.objects.exists()


def test_edit_changes_only_the_given_fields(member_client):
    task = make_task(title="Old", description="Keep me", priority="low")
    response = post_json(
        member_client,
        f"/api/tasks/{task.pk}",
        {"title": "New", "priority": "high"},
        method="patch",
    )
    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.title, task.description, task.priority) == ("New", "Keep me", "high")


@pytest.mark.parametrize(
    "payload",
    [{"status": "done"}, {"title": ""}, {"title": None}, {"priority": None}, {"title": "x" * 201}],
)
def test_invalid_edit_is_422_and_changes_nothing(member_client, payload):
    task = make_task(title="Stable")
    response = post_json(member_client, f"/api/tasks/{task.pk}", payload, method="patch")
    assert response.status_code == 422
    task.refresh_from_db()
    assert (task.title, task.status, task.priority) == ("Stable", "todo", "medium")


def test_edit_of_missing_task_is_404(member_client):
    response = post_json(member_client, "/api/tasks/999999", {"title": "x"}, method="patch")
    assert response.status_code == 404


# --- transitions -----------------------------------------------------------------


def test_transition_through_the_api_records_source_api(member_client, member):
    task = make_task()
    response = post_json(member_client, f"/api/tasks/{task.pk}/transitions", {"action": "start"})
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    event = TaskEvent.objects.get(task=task)
    assert (event.actor, event.source) == (member, "api")


def test_transition_refusals_have_clear_status_codes(member_client, approver_client):
    review = make_task(status="review")
    done = make_task(status="done")

    forbidden = post_json(
        member_client, f"/api/tasks/{review.pk}/transitions", {"action": "approve"}
    )
    assert forbidden.status_code == 403
    assert "Only approvers" in forbidden.json()["detail"]

    conflict = post_json(approver_client, f"/api/tasks/{done.pk}/transitions", {"action": "start"})
    assert conflict.status_code == 409
    assert "start needs it to be to do" in conflict.json()["detail"]

    missing = post_json(approver_client, "/api/tasks/999999/transitions", {"action": "start"})
    assert missing.status_code == 404

    unknown = post_json(approver_client, f"/api/tasks/{done.pk}/transitions", {"action": "fly"})
    assert unknown.status_code == 422

    assert not TaskEvent.objects.exists()
    review.refresh_from_db()
    done.refresh_from_db()
    assert (review.status, done.status) == ("review", "done")
