"""Generated attacks on the JSON API: Schemathesis against `/api/openapi.json`.

Every operation the schema publishes is called with generated input, valid
(positive) and invalid (negative), signed in as a member and as an approver,
through Django's whole request stack (the WSGI handler: middleware, session,
CSRF). Every check Schemathesis has runs on each answer: no 5xx, status codes,
content types, headers and bodies as the schema documents them, invalid input
refused, valid input accepted, a request without the session refused.

Bounded (a few examples per operation, derandomized) so that CI stays lean.
"""

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from hypothesis import given, settings
from schemathesis import GenerationMode
from schemathesis.auths import AuthStorage

from taskboard.models import Task
from tests.factories import make_task, make_user

pytestmark = pytest.mark.django_db

CSRF_TOKEN = "s" * 32
# Small enough that the module runs in a minute or two on a busy two-core machine.
EXAMPLES = 8
APP = WSGIHandler()
# Fetched the way any client fetches it (no database access is needed for it).
SCHEMA = schemathesis.openapi.from_wsgi("/api/openapi.json", APP)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture
def shared_connection(db):
    """Requests share the test's database connection, as with Django's test client:
    the handler must not close it at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    # Some tasks for generated ids and filters to hit.
    for status in Task.Status.values:
        make_task(status=status)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def signed_in(*, approver: bool) -> AuthStorage:
    """A new user's session cookie, applied to each generated case by Schemathesis
    (so that its auth checks know what to leave out)."""
    client = Client()
    client.force_login(make_user(approver=approver))
    session = client.cookies["sessionid"].value

    class SessionCookie:
        def get(self, case, context):
            return session

        def set(self, case, data, context):
            case.cookies = {**(case.cookies or {}), "sessionid": data}

    storage = AuthStorage()
    storage.auth(refresh_interval=None)(SessionCookie)
    return storage


def with_existing_assignee(case):
    # JSON Schema's "integer" admits 7.0 as well as 7.
    if isinstance(case.body, dict) and isinstance(case.body.get("assignee_id"), int | float):
        case.body["assignee_id"] = get_user_model().objects.order_by("pk").first().pk
    return case


def test_every_operation_is_covered():
    labels = {operation.label for operation in OPERATIONS}
    assert {
        "GET /api/me",
        "GET /api/tasks",
        "POST /api/tasks",
        "GET /api/tasks/{task_id}",
        "PATCH /api/tasks/{task_id}",
        "POST /api/tasks/{task_id}/transitions",
        "GET /api/entities",
        "GET /api/entities/{entity_id}/preview",
    } <= labels


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("role", ["member", "approver"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_api_answers_as_its_schema_says(shared_connection, operation, role, mode):
    auth = signed_in(approver=role == "approver")

    strategy = operation.as_strategy(generation_mode=mode, auth_storage=auth)
    if mode == GenerationMode.POSITIVE:
        # The schema cannot say "an existing user": valid cases name one.
        strategy = strategy.map(with_existing_assignee)

    @given(case=strategy)
    @settings(max_examples=EXAMPLES)
    def attack(case):
        case.call_and_validate(
            cookies={"csrftoken": CSRF_TOKEN}, headers={"X-CSRFToken": CSRF_TOKEN}, app=APP
        )

    attack()
