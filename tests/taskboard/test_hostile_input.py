"""Hostile input to the JSON API and the admin: a clear 4xx, the same on SQLite and
PostgreSQL, nothing written, and no error in the log.

Each case here once reached a 500 (NUL in a search on PostgreSQL, a number past 64 bits,
an explicit null) or was stored although the schema refuses it (a number as a date).
"""

import json
import logging

import pytest

from taskboard.models import Task, TaskEvent
from tests.conftest import csrf_headers
from tests.factories import make_task

pytestmark = pytest.mark.django_db

NUL = "\x00"
HUGE = 2**64
NOT_INT64 = [str(HUGE), str(-(2**63) - 1), "1" + "0" * 40]


def send(client, method: str, url: str, data) -> object:
    body = data if isinstance(data, str) else json.dumps(data)
    return getattr(client, method)(
        url, body, content_type="application/json", headers=csrf_headers(client)
    )


def fields_named(response) -> set[str]:
    return {str(error["loc"][-1]) for error in response.json()["detail"]}


def snapshot() -> list[tuple]:
    return [*Task.objects.order_by("id").values_list(), TaskEvent.objects.count()]


@pytest.fixture
def quiet_log(caplog):
    """Fails the test if anything was logged at ERROR or with a traceback."""
    caplog.set_level(logging.INFO)
    yield caplog
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


# --- searches -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/tasks", "/api/entities"])
def test_nul_in_a_search_is_422_naming_q(member_client, quiet_log, url):
    make_task(title="Something")

    response = member_client.get(url, {"q": f"some{NUL}thing"})

    assert response.status_code == 422
    assert fields_named(response) == {"q"}
    assert "NUL" in json.dumps(response.json())


@pytest.mark.parametrize("url", ["/api/tasks", "/api/entities"])
def test_other_hostile_searches_answer_200(member_client, quiet_log, url):
    make_task(title="100% <b>done</b>")
    for q in ["%", "_", "\\", "'; DROP TABLE x; --", "<b>", "ü🚀", "\x01\x7f"]:
        response = member_client.get(url, {"q": q})
        assert response.status_code == 200, (q, response.content)


# --- integers outside 64 bits ----------------------------------------------------------


@pytest.mark.parametrize("value", NOT_INT64)
@pytest.mark.parametrize("param", ["assignee", "limit", "offset"])
def test_query_integers_outside_64_bits_are_422(member_client, quiet_log, param, value):
    make_task()

    response = member_client.get("/api/tasks", {param: value})

    assert response.status_code == 422
    assert fields_named(response) == {param}


@pytest.mark.parametrize("value", NOT_INT64)
def test_path_ids_outside_64_bits_are_422_or_404(member_client, quiet_log, value):
    for method, url, data in [
        ("get", f"/api/tasks/{value}", None),
        ("patch", f"/api/tasks/{value}", {"title": "x"}),
        ("post", f"/api/tasks/{value}/transitions", {"action": "start"}),
    ]:
        response = (
            member_client.get(url) if data is None else send(member_client, method, url, data)
        )
        assert response.status_code in (404, 422), (url, response.content)


@pytest.mark.parametrize("assignee_id", [HUGE, -(2**63) - 1, 0, -1])
def test_assignee_ids_outside_the_range_are_422_and_write_nothing(
    member_client, quiet_log, assignee_id
):
    task = make_task()
    before = snapshot()

    created = send(member_client, "post", "/api/tasks", {"title": "x", "assignee_id": assignee_id})
    edited = send(member_client, "patch", f"/api/tasks/{task.pk}", {"assignee_id": assignee_id})

    assert (created.status_code, edited.status_code) == (422, 422)
    assert fields_named(created) == {"assignee_id"}
    assert fields_named(edited) == {"assignee_id"}
    assert snapshot() == before


# --- explicit null and wrong types -----------------------------------------------------


@pytest.mark.parametrize("field", ["title", "description", "priority"])
def test_explicit_null_for_a_required_field_is_422_and_changes_nothing(
    member_client, quiet_log, field
):
    task = make_task(title="Keep me", description="Keep this too")
    before = snapshot()

    response = send(member_client, "patch", f"/api/tasks/{task.pk}", {field: None})

    assert response.status_code == 422
    assert fields_named(response) == {field}
    assert snapshot() == before


@pytest.mark.parametrize("field", ["assignee_id", "due_date"])
def test_explicit_null_clears_an_optional_field(member_client, member, quiet_log, field):
    task = make_task(assignee=member, due_date="2030-01-01")

    response = send(member_client, "patch", f"/api/tasks/{task.pk}", {field: None})

    assert response.status_code == 200
    task.refresh_from_db()
    assert getattr(task, field) is None


@pytest.mark.parametrize("due_date", [0, 1767225600, 1.5, True, [2026, 1, 1], {"y": 2026}])
def test_a_number_is_not_a_date(member_client, quiet_log, due_date):
    task = make_task()
    before = snapshot()

    created = send(member_client, "post", "/api/tasks", {"title": "x", "due_date": due_date})
    edited = send(member_client, "patch", f"/api/tasks/{task.pk}", {"due_date": due_date})

    assert (created.status_code, edited.status_code) == (422, 422)
    assert fields_named(created) == {"due_date"}
    assert fields_named(edited) == {"due_date"}
    assert snapshot() == before


def test_a_date_string_is_still_accepted(member_client, quiet_log):
    response = send(member_client, "post", "/api/tasks", {"title": "x", "due_date": "2030-02-03"})

    assert response.status_code == 201
    assert response.json()["due_date"] == "2030-02-03"


@pytest.mark.parametrize("field", ["title", "description"])
def test_nul_in_task_text_is_422_naming_the_field(member_client, quiet_log, field):
    task = make_task()
    before = snapshot()
    data = {"title": "ok", field: f"a{NUL}b"}

    created = send(member_client, "post", "/api/tasks", data)
    edited = send(member_client, "patch", f"/api/tasks/{task.pk}", {field: f"a{NUL}b"})

    assert (created.status_code, edited.status_code) == (422, 422)
    assert field in fields_named(created)
    assert fields_named(edited) == {field}
    assert snapshot() == before


# --- the log ---------------------------------------------------------------------------


def test_client_errors_are_logged_as_warnings_in_one_line(member_client, caplog):
    task = make_task()
    caplog.set_level(logging.INFO)

    member_client.get("/api/tasks/999999")
    send(member_client, "patch", f"/api/tasks/{task.pk}", {"title": None})
    send(member_client, "post", f"/api/tasks/{task.pk}/transitions", {"action": "approve"})

    logged = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "django.request"]
    assert [level for level, _ in logged] == [logging.WARNING] * 3
    assert all("\n" not in message for _, message in logged)
    assert not [r for r in caplog.records if r.exc_info]


# --- the admin ---------------------------------------------------------------------------


@pytest.fixture
def admin_client(staff):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "url",
    [
        f"/admin/taskboard/task/?q=a{NUL}b",
        f"/admin/taskboard/taskevent/?q=a{NUL}b",
        f"/admin/chatkit_app/chatthread/?q=a{NUL}b",
        f"/admin/chatkit_app/chatitem/?q=a{NUL}b",
        f"/admin/chatkit_app/chatfeedback/?q=a{NUL}b",
        f"/admin/taskboard/task/?assignee__id__exact={HUGE}",
        f"/admin/taskboard/task/?status__exact=a{NUL}",
        f"/admin/taskboard/task/{HUGE}/change/",
        "/admin/taskboard/task/-1/change/",
        "/admin/chatkit_app/chatthread/a%00b/change/",
        f"/admin/chatkit_app/chatitem/{HUGE}/change/",
    ],
)
def test_hostile_admin_urls_do_not_reach_a_500(admin_client, quiet_log, url):
    make_task(title="ab")

    response = admin_client.get(url)

    assert response.status_code < 500, response.status_code


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", f"a{NUL}b"),
        ("description", f"a{NUL}b"),
        ("title", "t" * 201),
        ("priority", "urgent"),
        ("due_date", "12345"),
        ("assignee", str(HUGE)),
    ],
)
def test_hostile_admin_task_form_shows_the_field_error(admin_client, quiet_log, field, value):
    data = {"title": "ok", "description": "", "priority": "medium", "due_date": "", "assignee": ""}
    data[field] = value
    data.update({"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"})

    response = admin_client.post("/admin/taskboard/task/add/", data)

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Task.objects.exists()
