"""Two Daphne processes behind one address share PostgreSQL and Redis.

Always on PostgreSQL (a copy of the seeded database on the machine's server) and a
`redis-server` of the module's own: what is proven is that no process keeps state
another one needs, which only the shared services can show.
"""

import threading
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.faults.servers import (
    Browser,
    Daphne,
    app_stack,
    board_messages,
    db_query,
    user_input,
    widgets_in,
)

# Real servers on a shared machine: starting them is slow when it is busy.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def pair(tmp_path_factory, seeded_template) -> Iterator[tuple[Daphne, Daphne, str]]:
    workdir = tmp_path_factory.mktemp("scale-out")
    with app_stack(workdir, seeded_template, processes=2) as running:
        yield *running.apps, running.database_url


def tasks_in(browser: Browser, status: str) -> list[int]:
    response = browser.http.get("/api/tasks", params={"status": status, "limit": 100})
    assert response.status_code == 200, response.text
    return [task["id"] for task in response.json()["items"]]


def test_a_change_made_on_one_process_reaches_a_board_on_the_other(pair):
    a, b, _ = pair
    alice_a = Browser(a.url, "alice")
    alice_b = alice_a.on(b.url)
    try:
        board_b = alice_b.board_socket()
        task_id = tasks_in(alice_a, "todo")[0]
        moved = alice_a.http.post(f"/api/tasks/{task_id}/transitions", json={"action": "start"})
        assert moved.status_code == 200, moved.text
        got = board_messages(
            board_b,
            until=lambda got: any(m.get("task", {}).get("id") == task_id for m in got),
        )
        assert [m["task"]["status"] for m in got if m["task"]["id"] == task_id] == ["in_progress"]
        board_b.close()
    finally:
        alice_a.close()
        alice_b.close()


def test_a_thread_started_on_one_process_continues_on_the_other(pair):
    a, b, _ = pair
    bob_a = Browser(a.url, "bob")
    bob_b = bob_a.on(b.url)
    try:
        status, events, raw = bob_a.chat(
            {"type": "threads.create", "params": {"input": user_input("show tasks")}}
        )
        assert status == 200, raw
        thread_id = next(e["thread"]["id"] for e in events if e["type"] == "thread.created")
        [task_list] = widgets_in(events)

        # The next turn, the history and a button of A's widget, all on B.
        status, events, raw = bob_b.chat(
            {
                "type": "threads.add_user_message",
                "params": {"thread_id": thread_id, "input": user_input("who am i")},
            }
        )
        assert status == 200, raw
        assert not [e for e in events if e["type"] == "error"], raw
        todo = set(tasks_in(bob_b, "todo"))
        start_ids = [
            node["onClickAction"]["payload"]["task_id"]
            for node in _nodes(task_list["widget"])
            if node.get("type") == "Button"
            and node.get("onClickAction", {}).get("type") == "task.start"
            and node["onClickAction"]["payload"]["task_id"] in todo
        ]
        assert start_ids, "the task list shows no task to start"
        status, events, raw = bob_b.chat(
            {
                "type": "threads.custom_action",
                "params": {
                    "thread_id": thread_id,
                    "item_id": task_list["id"],
                    "action": {"type": "task.start", "payload": {"task_id": start_ids[0]}},
                },
            }
        )
        assert status == 200, raw
        assert any(e["type"] == "thread.item.replaced" for e in events), raw
        listing = bob_b.http.post(
            "/chatkit",
            json={
                "type": "items.list",
                "params": {"thread_id": thread_id, "limit": 50, "order": "asc"},
            },
        )
        assert listing.status_code == 200, listing.text
        kinds = [item["type"] for item in listing.json()["data"]]
        assert kinds[:2] == ["user_message", "widget"]
        assert kinds.count("user_message") == 2
        # And A sees what B wrote.
        threads = bob_a.http.post("/chatkit", json={"type": "threads.list", "params": {}})
        assert thread_id in [t["id"] for t in threads.json()["data"]]
    finally:
        bob_a.close()
        bob_b.close()


def _nodes(tree: dict):
    yield tree
    for child in tree.get("children") or []:
        if isinstance(child, dict):
            yield from _nodes(child)


def test_ten_simultaneous_approvals_over_both_processes_apply_once(pair):
    a, b, database_url = pair
    alice_a = Browser(a.url, "alice")
    alice_b = alice_a.on(b.url)
    try:
        task_id = tasks_in(alice_a, "todo")[-1]
        for action in ("start", "submit"):
            response = alice_a.http.post(
                f"/api/tasks/{task_id}/transitions", json={"action": action}
            )
            assert response.status_code == 200, response.text
        # Ten clients of their own (connections opened first), five on each process.
        clients = [alice_a.on(server.url) for server in [a, b] * 5]
        for client in clients:
            assert client.http.get("/api/me").status_code == 200
        ready = threading.Barrier(len(clients))
        answers: Counter[int] = Counter()

        def approve(client: Browser) -> None:
            ready.wait(timeout=30)
            response = client.http.post(
                f"/api/tasks/{task_id}/transitions", json={"action": "approve"}
            )
            answers[response.status_code] += 1

        threads = [threading.Thread(target=approve, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        for client in clients:
            client.close()

        assert answers == Counter({200: 1, 409: 9})
        rows = db_query(
            database_url,
            "SELECT from_status, to_status FROM taskboard_taskevent WHERE task_id = %s "
            "AND to_status = 'done'",
            task_id,
        )
        assert rows == [("review", "done")]
        assert alice_b.http.get(f"/api/tasks/{task_id}").json()["status"] == "done"
    finally:
        alice_a.close()
        alice_b.close()
