"""The floor of a `task.start`: only the work the click cannot do without, timed in the
benchmark's own process against the same database and a widget of the same 20 tasks.

One floor click is: parse the request body (a ChatKit request adapter built once),
the SQL the action needs in one transaction (the thread and the widget's row, the
conditional UPDATE of the task, its TaskEvent, the widget's 20 tasks, the widget's
row rewritten, the two items the chat adds), the widget's dict built from the
template, the stream's events encoded as JSON, and one PUBLISH of the board message
(to a channel nobody reads). No HTTP server, no session, no chatkit server: what a
hand-written endpoint would still pay. Ours and the reference read as multiples of it.

`measure_turn_share` times the other kind of floor: what DESIGN.md's stack has a chat
turn do before its first event that the reference (no sign-in, a store of dicts) does
not: Django's session sign-in (the session and the user), the thread read from the
database, and the user's message inserted and committed, each through the product's
own functions (the endpoint's sign-in, the store's insert), in this process, with no
HTTP server and no hand-off between threads. It says how much of ours' first event is
that work; it is no bound on ours/ref, since the two servers' other costs (Daphne and
Django, uvicorn and FastAPI) differ too.
"""

import json
import time
import uuid

from django.db import connection, transaction
from django.utils import timezone
from pydantic import TypeAdapter
from pydantic_core import to_json

from bench.client import Figures, percentile

PUBLISH_CHANNEL = "taskboard-bench-floor"


def _figures(walls: list[float], cpu: float) -> Figures:
    """Figures of timed runs: `walls` in ms, `cpu` the seconds of CPU they took in all."""
    count = len(walls)
    return Figures(
        count=count,
        errors=0,
        median=percentile(walls, 0.5),
        p95=percentile(walls, 0.95),
        p99=percentile(walls, 0.99),
        throughput=count / (sum(walls) / 1000),
        cpu_ms=cpu * 1000 / count,
    )


def measure_floor(goal, *, count: int, user_id: int, redis_url: str, reset) -> Figures:
    """`count` floor clicks on `goal` (an ActionTarget); wall and CPU per click."""
    from chatkit.types import ChatKitReq

    from chatkit_app import widgets
    from taskboard.models import Task

    adapter: TypeAdapter = TypeAdapter(ChatKitReq)
    template = widgets.load_template("task_list").template
    publisher = None
    if redis_url:
        import redis

        publisher = redis.Redis.from_url(redis_url)
    # The widget's row is held while the task moves (SQLite locks the whole database).
    lock = " FOR UPDATE OF i" if connection.vendor == "postgresql" else ""
    labels = dict(Task.Status.choices)
    priorities = dict(Task.Priority.choices)

    def click(task_id: int) -> bytes:
        body = json.dumps(
            {
                "type": "threads.custom_action",
                "params": {
                    "thread_id": goal.thread_id,
                    "item_id": goal.widget_id,
                    "action": {"type": "task.start", "payload": {"task_id": task_id}},
                },
            }
        ).encode()
        request = adapter.validate_json(body)
        params = request.params
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.data, i.data FROM chatkit_app_chatthread t "
                "JOIN chatkit_app_chatitem i ON i.thread_id = t.id "
                "WHERE t.id = %s AND t.owner_id = %s AND i.item_id = %s" + lock,
                [params.thread_id, user_id, params.item_id],
            )
            cursor.fetchone()
            cursor.execute(
                "UPDATE taskboard_task SET status = 'in_progress', updated_at = %s "
                "WHERE id = %s AND status = 'todo'",
                [now, task_id],
            )
            cursor.execute(
                "INSERT INTO taskboard_taskevent (task_id, actor_id, from_status, to_status, "
                "source, created_at) VALUES (%s, %s, 'todo', 'in_progress', 'widget', %s)",
                [task_id, user_id, now],
            )
            cursor.execute(
                "SELECT t.id, t.title, t.description, t.status, t.priority, t.due_date, "
                "u.first_name, u.last_name, u.username FROM taskboard_task t "
                "LEFT JOIN auth_user u ON u.id = t.assignee_id WHERE t.id IN ("
                + ", ".join(["%s"] * len(goal.task_ids))
                + ")",
                list(goal.task_ids),
            )
            rows = {row[0]: row for row in cursor.fetchall()}
            tasks = []
            for pk in goal.task_ids:
                _, title, description, status, priority, _due, first, last, username = rows[pk]
                who = f"{first} {last}".strip() or username if username else "Unassigned"
                start = status == "todo"
                tasks.append(
                    {
                        "id": pk,
                        "title": title,
                        "description": description,
                        "status": status,
                        "status_label": labels[status],
                        "status_color": "info",
                        "meta": f"{priorities[priority]} priority · {who}",
                        "actions": [
                            {
                                "type": "task.start",
                                "label": "Start",
                                "style": "primary",
                                "color": "primary",
                            }
                        ]
                        if start
                        else [],
                    }
                )
            widget = json.loads(
                template.render(
                    title="Tasks", tasks=tasks, empty_text="No tasks.", note="", more=None
                )
            )
            item = {"id": params.item_id, "type": "widget", "widget": widget}
            cursor.execute(
                "UPDATE chatkit_app_chatitem SET data = %s WHERE thread_id = %s AND item_id = %s",
                [to_json(item).decode(), params.thread_id, params.item_id],
            )
            for kind in ("hidden_context_item", "assistant_message"):
                cursor.execute(
                    "INSERT INTO chatkit_app_chatitem (thread_id, item_id, type, created_at, data)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    [params.thread_id, f"floor_{uuid.uuid4().hex}", kind, now, "{}"],
                )
        events = [
            {"type": "thread.item.replaced", "item": item},
            {"type": "thread.item.done", "item": {"type": "assistant_message", "text": "Started"}},
            {"type": "client_effect", "name": "tasks.changed", "data": {"task_id": task_id}},
        ]
        stream = b"".join(b"data: " + to_json(event) + b"\n\n" for event in events)
        if publisher is not None:
            message = {"type": "task.changed", "task": {"id": task_id, "status": "in_progress"}}
            publisher.publish(PUBLISH_CHANNEL, to_json(message))
        return stream

    walls: list[float] = []
    cpu = 0.0
    next_task = 0
    for _ in range(count):
        if next_task >= len(goal.task_ids):
            reset(goal.task_ids)
            next_task = 0
        task_id = goal.task_ids[next_task]
        next_task += 1
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        click(task_id)
        walls.append((time.perf_counter() - wall_start) * 1000)
        cpu += time.process_time() - cpu_start
    if publisher is not None:
        publisher.close()
    return _figures(walls, cpu)


def measure_turn_share(*, thread_id: str, session_key: str, count: int, warmup: int = 5) -> Figures:
    """`count` times (after `warmup` untimed) what the endpoint and the store do with the
    database before a turn's first event in `thread_id`, signed in by `session_key`; wall
    and CPU per turn."""
    from chatkit.types import ChatKitReq
    from django.conf import settings
    from django.http import HttpRequest
    from django.utils.module_loading import import_string

    from bench import seed
    from bench.scenario import user_input
    from chatkit_app.store import DjangoStore
    from chatkit_app.views import sign_in

    adapter: TypeAdapter = TypeAdapter(ChatKitReq)
    session_store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    walls: list[float] = []
    cpu = 0.0
    for n in range(warmup + count):
        # The request parsed and the message built, as the reference does too.
        text = f"show tasks ({n})"
        parsed = adapter.validate_python(
            {
                "type": "threads.add_user_message",
                "params": {"thread_id": thread_id, "input": user_input(text)},
            }
        )
        item = seed.user_message(thread_id, text, timezone.now())
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        request = HttpRequest()
        request.session = session_store(session_key)
        context = sign_in(request, parsed)  # the session, the user, the thread
        if context is None or thread_id not in context.owned_threads:
            raise RuntimeError("The turn's session or thread is not the bench user's")
        DjangoStore._insert_row(thread_id, item.id, DjangoStore._item_fields(item))
        if n >= warmup:
            walls.append((time.perf_counter() - wall_start) * 1000)
            cpu += time.process_time() - cpu_start
    return _figures(walls, cpu)
