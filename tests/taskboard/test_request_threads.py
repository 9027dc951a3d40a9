"""HTTP requests run their synchronous work on threads kept from one request to the
next (taskboard/request_threads.py), each request still on a thread of its own."""

import asyncio
import threading
import time

import pytest
from channels.testing import HttpCommunicator
from django.core.asgi import get_asgi_application
from django.core.signals import request_started

from taskboard.request_threads import RequestThreads

pytestmark = pytest.mark.django_db(transaction=True)


async def status_of(app, path: str = "/api/me") -> int:
    communicator = HttpCommunicator(app, "GET", path, headers=[(b"host", b"localhost")])
    response = await communicator.get_response(timeout=10)
    await communicator.wait(timeout=10)
    return response["status"]


@pytest.fixture
def thread_starts(monkeypatch) -> list[str]:
    """The threads started, but for those of the event loop's default executor."""
    started: list[str] = []
    original = threading.Thread.start

    def start(self):
        if not self.name.startswith("asyncio_"):
            started.append(self.name)
        original(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    return started


@pytest.fixture
def request_thread_names():
    """The thread each request's `request_started` receivers ran on, held a moment so
    that concurrent requests overlap there."""
    names: list[str] = []

    def record(**kwargs):
        names.append(threading.current_thread().name)
        time.sleep(0.05)

    request_started.connect(record, dispatch_uid="test-request-threads")
    yield names
    request_started.disconnect(dispatch_uid="test-request-threads")


async def test_requests_in_a_row_start_no_thread(thread_starts, request_thread_names):
    app = RequestThreads(get_asgi_application())
    assert await status_of(app) == 401
    thread_starts.clear()

    statuses = [await status_of(app) for _ in range(5)]

    assert statuses == [401] * 5
    assert thread_starts == []
    assert len(set(request_thread_names)) == 1


async def test_concurrent_requests_each_have_a_thread_and_keep_it_for_the_next(
    thread_starts, request_thread_names
):
    app = RequestThreads(get_asgi_application())

    first = await asyncio.gather(*(status_of(app) for _ in range(3)))
    first_threads = set(request_thread_names)
    request_thread_names.clear()
    thread_starts.clear()
    again = await asyncio.gather(*(status_of(app) for _ in range(3)))

    assert first == again == [401] * 3
    assert len(first_threads) == 3
    assert set(request_thread_names) == first_threads
    assert thread_starts == []
