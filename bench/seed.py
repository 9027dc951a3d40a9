"""Benchmark data, written straight through the ORM (synchronous; call before or
between measurements, never inside a timed request).

Chat threads are stored in the exact shape `DjangoStore` writes (ChatKit's pydantic
JSON plus the query columns); the benchmark's HTTP traffic reads them back through
the store, so a mismatch shows up as request errors rather than passing unnoticed.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    InferenceOptions,
    ThreadItem,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
)
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import transaction

from chatkit_app import widget_state
from chatkit_app.models import ChatItem, ChatThread
from taskboard.models import Task

BATCH = 1000
WORDS = (
    "login",
    "billing",
    "export",
    "search",
    "onboarding",
    "invoice",
    "dashboard",
    "mobile",
    "report",
    "backup",
)


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def migrate() -> None:
    call_command("migrate", interactive=False, verbosity=0)


# People and sessions


def make_users(prefix: str, count: int) -> list:
    """`count` members named `<prefix><n>`; they sign in by session cookie only."""
    User = get_user_model()
    people = []
    for n in range(count):
        person = User(username=f"{prefix}{n}", first_name=f"Bench {n}")
        person.set_unusable_password()
        people.append(person)
    User.objects.bulk_create(people, batch_size=BATCH)
    return list(User.objects.filter(username__startswith=prefix).order_by("id"))


def make_password_user(username: str, password: str):
    return get_user_model().objects.create_user(
        username=username, password=password, first_name="Bench"
    )


def session_for(user) -> str:
    """A signed-in session, as the login view would leave it; returns the cookie value."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


# Tasks


def make_tasks(count: int, *, creator, prefix: str, status: str = Task.Status.TODO) -> list[int]:
    statuses = list(Task.Status.values)
    priorities = list(Task.Priority.values)
    rows = [
        Task(
            title=f"{prefix} {WORDS[n % len(WORDS)]} {n}",
            description=f"Benchmark task {n} about {WORDS[(n * 7) % len(WORDS)]}.",
            status=status or statuses[n % len(statuses)],
            priority=priorities[n % len(priorities)],
            created_by=creator,
            assignee=creator if n % 3 == 0 else None,
        )
        for n in range(count)
    ]
    with transaction.atomic():
        Task.objects.bulk_create(rows, batch_size=BATCH)
    return list(
        Task.objects.filter(title__startswith=f"{prefix} ")
        .order_by("id")
        .values_list("id", flat=True)
    )


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would have in a database that grew
    to this size: straight after a bulk load, PostgreSQL still plans for empty tables
    (a page of one owner's 10,000 threads: sort of all 10,000, 4.7 ms, instead of a
    backward index scan, 0.03 ms)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def reset_tasks(task_ids: list[int]) -> int:
    """Put tasks back in `todo` so that `task.start` applies to them again."""
    return Task.objects.filter(pk__in=task_ids).update(status=Task.Status.TODO)


def task_count() -> int:
    return Task.objects.count()


# Chat threads


def user_message(thread_id: str, text: str, at: datetime) -> UserMessageItem:
    return UserMessageItem(
        id=new_id("msg"),
        thread_id=thread_id,
        created_at=at,
        content=[UserMessageTextContent(text=text)],
        inference_options=InferenceOptions(),
    )


def assistant_message(thread_id: str, text: str, at: datetime) -> AssistantMessageItem:
    return AssistantMessageItem(
        id=new_id("msg"),
        thread_id=thread_id,
        created_at=at,
        content=[AssistantMessageContent(text=text)],
    )


def conversation(thread_id: str, count: int, start: datetime) -> list[ThreadItem]:
    """`count` alternating user and assistant messages, one second apart."""
    items: list[ThreadItem] = []
    for n in range(count):
        at = start + timedelta(seconds=n)
        if n % 2 == 0:
            items.append(
                user_message(thread_id, f"What about the {WORDS[n % 10]} tasks? ({n})", at)
            )
        else:
            text = f"Here is what I know about {WORDS[n % 10]}: nothing is blocked. ({n})"
            items.append(assistant_message(thread_id, text, at))
    return items


@dataclass
class SeededThread:
    thread: ThreadMetadata
    items: list[ThreadItem]
    widget_id: str | None = None
    task_ids: tuple[int, ...] = ()


def task_list_thread(user, task_ids: list[int], *, history: int = 2) -> SeededThread:
    """A thread ending in a task_list widget over `task_ids`, as "show tasks" leaves it."""
    start = datetime.now(UTC) - timedelta(hours=1)
    thread = ThreadMetadata(id=new_id("thr"), created_at=start, title="Benchmark tasks")
    items = conversation(thread.id, history, start)
    tasks = list(Task.objects.select_related("assignee").filter(pk__in=task_ids).order_by("id"))
    widget = widget_state.new_item(
        widget_state.show_task_list(tasks=tasks, user=user, title="Tasks"),
        item_id=new_id("msg"),
        thread_id=thread.id,
    ).model_copy(update={"created_at": start + timedelta(seconds=history)})
    return SeededThread(thread, [*items, widget], widget.id, tuple(task_ids))


def history_thread(count: int) -> SeededThread:
    start = datetime.now(UTC) - timedelta(days=30)
    thread = ThreadMetadata(id=new_id("thr"), created_at=start, title=f"History of {count}")
    return SeededThread(thread, conversation(thread.id, count, start))


def store_threads(owner, seeded: list[SeededThread]) -> None:
    """Write threads and their items as DjangoStore stores them, in bulk."""
    thread_rows, item_rows = [], []
    for entry in seeded:
        thread = entry.thread
        thread_rows.append(
            ChatThread(
                id=thread.id,
                owner=owner,
                title=thread.title or "",
                created_at=thread.created_at,
                data=thread.model_dump(mode="json"),
            )
        )
        for item in entry.items:
            item_rows.append(
                ChatItem(
                    thread_id=thread.id,
                    item_id=item.id,
                    type=item.type,
                    created_at=item.created_at,
                    data=widget_state.item_data(item),
                )
            )
    with transaction.atomic():
        ChatThread.objects.bulk_create(thread_rows, batch_size=BATCH)
        ChatItem.objects.bulk_create(item_rows, batch_size=BATCH)


def many_threads(count: int) -> list[SeededThread]:
    """`count` short threads, one minute apart."""
    start = datetime.now(UTC) - timedelta(days=60)
    result = []
    for n in range(count):
        at = start + timedelta(minutes=n)
        thread = ThreadMetadata(id=new_id("thr"), created_at=at, title=f"Chat {n}")
        result.append(SeededThread(thread, [user_message(thread.id, f"hello {n}", at)]))
    return result


def reference_seed(entries: list[tuple[int, SeededThread]]) -> dict:
    """The reference server's starting state: (owner id, thread) pairs as JSON."""
    return {
        "threads": [
            {
                "owner": owner_id,
                "thread": entry.thread.model_dump(mode="json"),
                "items": [widget_state.item_data(item) for item in entry.items],
            }
            for owner_id, entry in entries
        ]
    }
