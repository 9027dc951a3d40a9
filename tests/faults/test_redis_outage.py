"""Redis goes away and comes back while the app keeps running.

The app runs under Daphne against a `redis-server` of its own, which the test
stops and starts again, and a fresh database on the machine's PostgreSQL.
"""

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.faults.servers import (
    Browser,
    Daphne,
    RedisServer,
    app_stack,
    board_messages,
    db_query,
    user_input,
    wait_for,
    widgets_in,
)

# Real servers on a shared machine: starting them is slow when it is busy.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, seeded_template) -> Iterator[tuple[Daphne, RedisServer, str]]:
    with app_stack(tmp_path_factory.mktemp("redis-outage"), seeded_template) as running:
        yield running.apps[0], running.redis, running.database_url


def todo_task_ids(alice: Browser) -> list[int]:
    response = alice.http.get("/api/tasks", params={"status": "todo", "limit": 50})
    assert response.status_code == 200
    return [task["id"] for task in response.json()["items"]]


def changed_ids(messages: list[dict]) -> set[int]:
    return {m["task"]["id"] for m in messages if m.get("type") == "task.changed"}


def test_redis_outage_keeps_writes_and_boards_catch_up(stack):
    app, redis, database_url = stack
    alice = Browser(app.url, "alice")
    first, during, chat_created = None, None, None
    try:
        ids = todo_task_ids(alice)
        first, during = ids[0], ids[1]

        # Before: a change reaches an open board.
        board = alice.board_socket()
        assert (
            alice.http.post(f"/api/tasks/{first}/transitions", json={"action": "start"}).status_code
            == 200
        )
        board_messages(board, until=lambda got: first in changed_ids(got))

        redis.stop()

        # The open board is closed, so that it cannot show "Live" while deaf (the wait
        # gives up, and the test fails, if it is still open after 10 s).
        started = time.monotonic()
        with pytest.raises(ConnectionClosed) as closed:
            board_messages(board, until=lambda got: False, timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4012

        # Pages, the API and the chat keep working, and writes commit.
        assert alice.http.get("/").status_code == 200
        assert alice.http.get("/api/tasks").status_code == 200
        moved = alice.http.post(f"/api/tasks/{during}/transitions", json={"action": "start"})
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == "in_progress"
        created = alice.http.post("/api/tasks", json={"title": "Written while Redis was down"})
        assert created.status_code == 201, created.text
        status, events, raw = alice.chat(
            {
                "type": "threads.create",
                "params": {"input": user_input("create task Chat without Redis")},
            }
        )
        assert status == 200, raw
        assert not [e for e in events if e["type"] == "error"], raw
        assert widgets_in(events), raw
        chat_created = db_query(
            database_url, "SELECT id FROM taskboard_task WHERE title = %s", "Chat without Redis"
        )
        assert len(chat_created) == 1
        events_for_during = db_query(
            database_url,
            "SELECT from_status, to_status FROM taskboard_taskevent WHERE task_id = %s",
            during,
        )
        assert events_for_during == [("todo", "in_progress")]

        # /healthz says which part is failing.
        health = httpx.get(f"{app.url}/healthz", timeout=15)
        assert health.status_code == 503
        assert health.json() == {"status": "failing", "database": "ok", "channel_layer": "failing"}

        # A new board socket is refused cleanly (no accepted socket that hears nothing).
        with pytest.raises(InvalidStatus) as refused:
            alice.board_socket()
        assert refused.value.response.status_code == 403

        # The failed broadcasts are one WARNING line each, not a traceback.
        log = app.log_text()
        assert "WARNING taskboard.broadcast: Could not broadcast task.changed" in log
        # The channel layer's reader, failing every second, says so once (a minute).
        time.sleep(max(0.0, 5 - (time.monotonic() - started)))
        assert app.log_text().count("Unexpected exception in receive task") == 1

        redis.start()

        # The board reconnects (with backoff, as the page does) and reloads.
        board = wait_for(lambda: _try_connect(alice), timeout=20, what="a board socket again")
        reloaded = {task["id"]: task["status"] for task in _all_tasks(alice)}
        assert reloaded[during] == "in_progress"
        assert reloaded[created.json()["id"]] == "todo"
        assert reloaded[chat_created[0][0]] == "todo"
        assert wait_for(
            lambda: httpx.get(f"{app.url}/healthz", timeout=15).status_code == 200,
            timeout=20,
            what="healthz to recover",
        )

        # And live updates flow again on the new socket.
        assert (
            alice.http.post(
                f"/api/tasks/{during}/transitions", json={"action": "submit"}
            ).status_code
            == 200
        )
        got = board_messages(board, until=lambda got: during in changed_ids(got))
        assert [m["task"]["status"] for m in got if m["task"]["id"] == during] == ["review"]
        board.close()
    finally:
        alice.close()


def test_a_hung_redis_holds_up_no_write(stack):
    """Redis that takes connections and answers nothing (a hung server, a failover under
    way): a write still answers once the broadcast gives up, and /healthz says so."""
    app, redis, _ = stack
    alice = Browser(app.url, "alice")
    try:
        task_id = todo_task_ids(alice)[0]
        redis.pause()
        try:
            # alice.http gives up after 30 s.
            moved = alice.http.post(f"/api/tasks/{task_id}/transitions", json={"action": "start"})
            assert moved.status_code == 200, moved.text
            health = alice.http.get("/healthz")
            assert health.status_code == 503
            assert health.json()["channel_layer"] == "failing"
        finally:
            redis.resume()
        assert "Could not broadcast task.changed: TimeoutError" in app.log_text()

        # Once it answers again, so do the boards.
        board = wait_for(lambda: _try_connect(alice), timeout=20, what="a board socket")
        submitted = alice.http.post(f"/api/tasks/{task_id}/transitions", json={"action": "submit"})
        assert submitted.status_code == 200, submitted.text
        got = board_messages(board, until=lambda got: task_id in changed_ids(got))
        assert [m["task"]["status"] for m in got if m["task"]["id"] == task_id] == ["review"]
        board.close()
    finally:
        alice.close()


def _try_connect(browser: Browser):
    try:
        return browser.board_socket()
    except (InvalidStatus, ConnectionClosed, OSError):
        time.sleep(0.5)
        return None


def _all_tasks(browser: Browser) -> list[dict]:
    response = browser.http.get("/api/tasks", params={"limit": 100})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] <= 100, json.dumps(body)[:200]
    return body["items"]
