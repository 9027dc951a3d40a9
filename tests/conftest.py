import os

import pytest
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client
from hypothesis import HealthCheck, settings
from pytest_django.fixtures import _set_suffix_to_test_databases

from tests.factories import make_user

# Generated tests (Hypothesis, Schemathesis) run the same examples on every run,
# keep no example database and have no deadline: a shared machine is slow at times.
settings.register_profile(
    "taskboard",
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile("taskboard")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """Give each test run its own test database, so runs side by side never share one."""
    _set_suffix_to_test_databases(suffix=f"p{os.getpid()}")


@pytest.fixture(scope="session", autouse=True)
def _release_test_database(django_db_setup, django_db_blocker):
    """Let PostgreSQL drop the test database at the end of the run.

    Async tests leave pooled connections checked out in the thread their ORM calls
    ran in, and PostgreSQL refuses to drop a database that has sessions.
    """
    yield
    with django_db_blocker.unblock():
        connection = connections["default"]
        if connection.vendor != "postgresql":
            return
        if connection.settings_dict["NAME"] != connection.settings_dict["TEST"]["NAME"]:
            return  # No test in this run used the database, so none was made.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connection.close()


@pytest.fixture
def member(db):
    return make_user(username="member", first_name="Mia", last_name="Member")


@pytest.fixture
def approver(db):
    return make_user(username="approver", approver=True)


@pytest.fixture
def staff(db):
    return make_user(username="staff", staff=True, is_superuser=True)


def _client_for(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def member_client(member) -> Client:
    return _client_for(member)


@pytest.fixture
def approver_client(approver) -> Client:
    return _client_for(approver)


@pytest.fixture
def anon_client() -> Client:
    return Client(enforce_csrf_checks=True)


def csrf_headers(client: Client) -> dict[str, str]:
    """The header a browser would send: the CSRF cookie, which /api/me sets, echoed back."""
    client.get("/api/me")
    return {"X-CSRFToken": client.cookies["csrftoken"].value}


def board_socket(
    client: Client | None, *, origin: bytes = b"http://testserver"
) -> WebsocketCommunicator:
    """A /ws/board/ socket as the page opens it, with `client`'s session if any."""
    from taskboard.asgi import application

    headers = [(b"origin", origin), (b"host", b"testserver")]
    if client is not None:
        session = client.cookies["sessionid"].value
        headers.append((b"cookie", f"sessionid={session}".encode()))
    return WebsocketCommunicator(application, "/ws/board/", headers=headers)


async def connected_board(client: Client) -> WebsocketCommunicator:
    board = board_socket(client)
    accepted, _ = await board.connect()
    assert accepted
    return board
