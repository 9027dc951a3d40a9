"""PostgreSQL goes away and comes back while Daphne keeps running.

The app runs against a PostgreSQL cluster of its own (initdb + pg_ctl on a free
port), loaded with a copy of the seeded database, and the in-memory channel layer.
"""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.faults.servers import (
    Browser,
    Daphne,
    PostgresCluster,
    app_environment,
    copy_database,
    create_database,
    db_query,
    user_input,
    widgets_in,
)

# Real servers on a shared machine: starting them is slow when it is busy.
pytestmark = pytest.mark.timeout(600)

UNAVAILABLE = "The database is unavailable just now. Try again in a moment."
CYCLE = {"todo": "start", "in_progress": "submit", "review": "approve", "done": "reopen"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory, seeded_template) -> Iterator[tuple[Daphne, PostgresCluster, str]]:
    cluster = PostgresCluster()
    try:
        started = time.monotonic()
        cluster.init()
        cluster.start()
        database_url = create_database(cluster.url())
        copy_database(seeded_template, database_url)
        print(f"own PostgreSQL cluster ready in {time.monotonic() - started:.1f} s")
        env = app_environment(database_url, "")
        app = Daphne(env, tmp_path_factory.mktemp("pg-restart") / "daphne.log").start()
        try:
            yield app, cluster, database_url
        finally:
            app.stop()
    finally:
        cluster.destroy()


def task_statuses(database_url: str) -> dict[int, str]:
    return dict(db_query(database_url, "SELECT id, status FROM taskboard_task"))


def last_event_id(database_url: str) -> int:
    return db_query(database_url, "SELECT coalesce(max(id), 0) FROM taskboard_taskevent")[0][0]


def assert_every_move_recorded(database_url: str, before: dict[int, str], since: int) -> None:
    """Each task is where its TaskEvents since `since` lead from `before`, with no gap."""
    rows = db_query(
        database_url,
        "SELECT task_id, from_status, to_status FROM taskboard_taskevent WHERE id > %s ORDER BY id",
        since,
    )
    expected = dict(before)
    for task_id, from_status, to_status in rows:
        assert from_status == expected[task_id], f"task {task_id}: an event does not follow on"
        expected[task_id] = to_status
    assert task_statuses(database_url) == expected


def test_requests_during_an_outage_get_503_and_the_pool_recovers(stack):
    app, cluster, database_url = stack
    alice = Browser(app.url, "alice")
    pid = app.process.pid
    try:
        todo = [t["id"] for t in alice.http.get("/api/tasks?status=todo").json()["items"]]
        target = todo[0]
        events_before = db_query(
            database_url, "SELECT count(*) FROM taskboard_taskevent WHERE task_id = %s", target
        )[0][0]

        cluster.stop()

        # Every kind of request, at once (each waits for the pool's timeout).
        requests = {
            "api read": lambda: alice.http.get("/api/tasks"),
            "api write": lambda: alice.http.post(
                f"/api/tasks/{target}/transitions", json={"action": "start"}
            ),
            "page": lambda: alice.http.get("/"),
            "chat stream": lambda: alice.http.post(
                "/chatkit",
                json={"type": "threads.create", "params": {"input": user_input("show tasks")}},
            ),
            "chat json": lambda: alice.http.post(
                "/chatkit", json={"type": "threads.list", "params": {}}
            ),
            "healthz": lambda: httpx.get(f"{app.url}/healthz", timeout=30),
        }
        with ThreadPoolExecutor(len(requests)) as pool:
            futures = {name: pool.submit(call) for name, call in requests.items()}
            answers = {name: future.result() for name, future in futures.items()}

        for name in ("api read", "api write"):
            assert answers[name].status_code == 503, (name, answers[name].text)
            assert answers[name].json() == {"detail": UNAVAILABLE}
            assert answers[name].headers["Retry-After"] == "5"
        assert answers["page"].status_code == 503
        assert answers["page"].text == UNAVAILABLE
        assert answers["chat json"].status_code == 503
        assert answers["chat json"].json() == {"error": UNAVAILABLE}
        stream = answers["chat stream"]
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.text.count("data: ") == 1
        assert '"type":"error"' in stream.text and '"allow_retry":true' in stream.text
        assert UNAVAILABLE in stream.text
        assert answers["healthz"].status_code == 503
        assert answers["healthz"].json()["database"] == "failing"
        log = app.log_text()
        assert "WARNING taskboard.middleware: Database unavailable for GET /api/tasks" in log
        assert "Internal Server Error" not in log

        cluster.start()

        # Straight away, without restarting Daphne: the first requests succeed.
        assert alice.http.get("/api/tasks").status_code == 200
        moved = alice.http.post(f"/api/tasks/{target}/transitions", json={"action": "start"})
        assert moved.status_code == 200, moved.text
        status, events, raw = alice.chat(
            {"type": "threads.create", "params": {"input": user_input("show tasks")}}
        )
        assert status == 200 and widgets_in(events), raw
        assert httpx.get(f"{app.url}/healthz", timeout=30).status_code == 200
        assert app.process.pid == pid and app.process.poll() is None

        # The write refused during the outage left nothing; the one after wrote one event.
        events_after = db_query(
            database_url,
            "SELECT from_status, to_status FROM taskboard_taskevent WHERE task_id = %s ORDER BY id",
            target,
        )
        assert len(events_after) == events_before + 1
        assert events_after[-1] == ("todo", "in_progress")
    finally:
        alice.close()


def test_after_a_quick_restart_the_first_requests_succeed(stack):
    app, cluster, _ = stack
    alice = Browser(app.url, "alice")
    try:
        # Idle connections in the pool, which the restart kills behind its back.
        with ThreadPoolExecutor(4) as pool:
            warm = list(pool.map(lambda _: alice.on(app.url).http.get("/api/tasks"), range(4)))
        assert [r.status_code for r in warm] == [200] * 4

        cluster.pg_ctl("restart", "-m", "fast")

        answers = [alice.http.get("/api/tasks").status_code for _ in range(6)]
        assert answers == [200] * 6
    finally:
        alice.close()


def test_a_restart_under_load_leaves_no_move_without_its_event(stack):
    app, cluster, database_url = stack
    before = task_statuses(database_url)
    since = last_event_id(database_url)
    statuses: Counter[int] = Counter()
    stop = threading.Event()

    def mover(browser: Browser, task_ids: list[int]) -> None:
        try:
            while not stop.is_set():
                for task_id in task_ids:
                    current = task_statuses_cache.get(task_id, before[task_id])
                    response = browser.http.post(
                        f"/api/tasks/{task_id}/transitions", json={"action": CYCLE[current]}
                    )
                    statuses[response.status_code] += 1
                    if response.status_code == 200:
                        task_statuses_cache[task_id] = response.json()["status"]
                    elif response.status_code == 409:
                        fresh = browser.http.get(f"/api/tasks/{task_id}")
                        if fresh.status_code == 200:
                            task_statuses_cache[task_id] = fresh.json()["status"]
                    else:
                        time.sleep(0.2)
        finally:
            browser.close()

    task_statuses_cache: dict[int, str] = {}
    ids = sorted(before)[:6]
    movers = [
        threading.Thread(target=mover, args=(Browser(app.url, "alice"), ids[0::2])),
        threading.Thread(target=mover, args=(Browser(app.url, "alice"), ids[1::2])),
    ]
    for thread in movers:
        thread.start()
    try:
        time.sleep(2)
        cluster.pg_ctl("restart", "-m", "fast")
        time.sleep(3)
    finally:
        stop.set()
        for thread in movers:
            thread.join(timeout=60)

    # Only clear answers: applied, refused for the status, or unavailable.
    assert set(statuses) <= {200, 409, 503}, statuses
    assert statuses[200] > 0, statuses
    assert_every_move_recorded(database_url, before, since)
    # And it still answers, on the same process.
    assert Browser(app.url, "bob").http.get("/api/tasks").status_code == 200
    assert "Internal Server Error" not in app.log_text()
