"""The load phase: many clients at once, every kind of traffic, and nothing lost.

`--only load` (or part of a full run): `load_clients` users, each with its own
session, chat thread, task_list widget, tasks and board socket, for `load_seconds`,
each looping over a mix of widget actions, chat turns ("show tasks", offline model),
API transitions and API edits. Every user approves, so tasks go round the whole
workflow (todo → in progress → review → done → todo) through transitions only, each
writing a TaskEvent. Each client owns its tasks, so every move it asks for applies.

Afterwards it reconciles three counts that must be equal: transitions acknowledged
to clients (an action's `tasks.changed` effect, an API 200), TaskEvent rows written,
and `task.changed` messages for those tasks seen on each board socket. Edits are
reconciled the same way (acknowledged = seen on each socket). Any difference is an
error, as is any failed request.
"""

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
import websockets
from asgiref.sync import sync_to_async
from websockets.asyncio.client import connect

from bench import seed
from bench.client import ChatKitClient, Sample, figures

NEXT_ACTION = {"todo": "start", "in_progress": "submit", "review": "approve", "done": "reopen"}
AFTER = {"todo": "in_progress", "in_progress": "review", "review": "done", "done": "todo"}
# One client's round: what it does, in turn, until the time is up.
ROUND = ("action", "chat", "transition", "action", "edit", "action", "chat", "transition")
WIDGET_TASKS = 8
API_TASKS = 2
DRAIN_TIMEOUT = 15.0
PREFIX = "bench-load-"


@dataclass
class LoadClient:
    session: str
    thread_id: str
    widget_id: str
    widget_tasks: list[int]
    api_tasks: list[int]
    edit_task: int
    status: dict[int, str] = field(default_factory=dict)
    turn: int = 0


@dataclass
class LoadPlan:
    clients: list[LoadClient]
    first_event_id: int


def seed_load(count: int) -> LoadPlan:
    """`count` approvers, each with a task_list thread, its tasks, and one task to edit."""
    from django.contrib.auth.models import Permission

    from taskboard.models import TaskEvent

    users = seed.make_users(PREFIX, count)
    approve = Permission.objects.get(codename="approve_task", content_type__app_label="taskboard")
    approve.user_set.add(*users)
    per = WIDGET_TASKS + API_TASKS + 1
    ids = seed.make_tasks(count * per, creator=users[0], prefix="Bench load")
    clients = []
    for n, user in enumerate(users):
        mine = ids[n * per : (n + 1) * per]
        thread = seed.task_list_thread(user, mine[:WIDGET_TASKS])
        seed.store_threads(user, [thread])
        clients.append(
            LoadClient(
                session=seed.session_for(user),
                thread_id=thread.thread.id,
                widget_id=thread.widget_id,
                widget_tasks=mine[:WIDGET_TASKS],
                api_tasks=mine[WIDGET_TASKS : WIDGET_TASKS + API_TASKS],
                edit_task=mine[-1],
                status=dict.fromkeys(mine[: WIDGET_TASKS + API_TASKS], "todo"),
            )
        )
    first_event_id = (TaskEvent.objects.order_by("-id").values_list("id", flat=True).first()) or 0
    return LoadPlan(clients, first_event_id)


def events_written(plan: LoadPlan) -> int:
    from taskboard.models import TaskEvent

    moved = [task for client in plan.clients for task in client.status]
    return TaskEvent.objects.filter(id__gt=plan.first_event_id, task_id__in=moved).count()


class Tally:
    """What the clients were told happened."""

    def __init__(self) -> None:
        self.samples: dict[str, list[Sample]] = {kind: [] for kind in set(ROUND)}
        self.transitions = 0
        self.edits = 0


async def one_action(chat: ChatKitClient, client: LoadClient, tally: Tally) -> Sample:
    task_id = client.widget_tasks[client.turn % len(client.widget_tasks)]
    action = NEXT_ACTION[client.status[task_id]]
    body = {
        "type": "threads.custom_action",
        "params": {
            "thread_id": client.thread_id,
            "item_id": client.widget_id,
            "action": {"type": f"task.{action}", "payload": {"task_id": task_id}},
        },
    }

    def applied(events: list[dict]) -> str | None:
        for event in events:
            if event.get("type") == "client_effect" and event.get("name") == "tasks.changed":
                data = event.get("data") or {}
                if data.get("task_id") == task_id and data.get("action") == action:
                    return None
        return f"task.{action} on #{task_id} was not applied"

    sample = await chat.stream(body, check=applied)
    if sample.ok:
        client.status[task_id] = AFTER[client.status[task_id]]
        tally.transitions += 1
    return sample


async def one_chat(chat: ChatKitClient, client: LoadClient, tally: Tally) -> Sample:
    body = {
        "type": "threads.add_user_message",
        "params": {
            "thread_id": client.thread_id,
            "input": {
                "content": [{"type": "input_text", "text": "show tasks"}],
                "attachments": [],
                "inference_options": {},
            },
        },
    }

    def answered(events: list[dict]) -> str | None:
        done = [e for e in events if e.get("type") == "thread.item.done"]
        if any((e.get("item") or {}).get("type") == "widget" for e in done):
            return None
        return "no task list in the answer"

    return await chat.stream(body, check=answered)


async def one_transition(http: httpx.AsyncClient, client: LoadClient, tally: Tally) -> Sample:
    task_id = client.api_tasks[client.turn % len(client.api_tasks)]
    action = NEXT_ACTION[client.status[task_id]]
    started = time.perf_counter()
    try:
        response = await http.post(f"/api/tasks/{task_id}/transitions", json={"action": action})
    except httpx.HTTPError as exc:
        return Sample(time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}")
    sample = Sample(time.perf_counter() - started)
    if response.status_code != 200:
        sample.error = f"HTTP {response.status_code}: {response.text[:200]}"
    else:
        client.status[task_id] = AFTER[client.status[task_id]]
        tally.transitions += 1
    return sample


async def one_edit(http: httpx.AsyncClient, client: LoadClient, tally: Tally) -> Sample:
    started = time.perf_counter()
    try:
        response = await http.patch(
            f"/api/tasks/{client.edit_task}",
            json={"description": f"Edited by the load run, turn {client.turn}."},
        )
    except httpx.HTTPError as exc:
        return Sample(time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}")
    sample = Sample(time.perf_counter() - started)
    if response.status_code != 200:
        sample.error = f"HTTP {response.status_code}: {response.text[:200]}"
    else:
        tally.edits += 1
    return sample


class Board:
    """One client's board socket, counting the changes it sees."""

    def __init__(self, moved: set[int], edited: set[int]) -> None:
        self.moved, self.edited = moved, edited
        self.seen: Counter[str] = Counter()
        self.closed_early: str | None = None
        self.socket = None
        self.task: asyncio.Task | None = None

    async def open(self, url: str, session: str) -> None:
        self.socket = await connect(
            url.replace("http://", "ws://") + "/ws/board/",
            origin=url,
            additional_headers={"Cookie": f"sessionid={session}"},
            proxy=None,
            open_timeout=30,
            compression=None,
            max_queue=None,
        )
        self.task = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        try:
            async for raw in self.socket:
                message = json.loads(raw)
                task_id = (message.get("task") or {}).get("id")
                if message.get("type") != "task.changed":
                    continue
                if task_id in self.moved:
                    self.seen["transitions"] += 1
                elif task_id in self.edited:
                    self.seen["edits"] += 1
        except websockets.ConnectionClosed as closed:
            self.closed_early = f"socket closed by the server: {closed}"

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)


async def load_phase(report, counts, server, plan: LoadPlan) -> None:
    duration = counts.load_seconds
    print(
        f"  load: {len(plan.clients)} clients for {duration:.0f} s "
        "(widget actions, chat turns, API transitions and edits, a board socket each)",
        flush=True,
    )
    tally = Tally()
    moved = {task for client in plan.clients for task in client.status}
    edited = {client.edit_task for client in plan.clients}
    boards = [Board(moved, edited) for _ in plan.clients]
    opened = await asyncio.gather(
        *(b.open(server.url, c.session) for b, c in zip(boards, plan.clients, strict=True)),
        return_exceptions=True,
    )
    refused = [o for o in opened if isinstance(o, BaseException)]
    chats = [ChatKitClient.with_session(server.url, c.session) for c in plan.clients]
    https = [
        httpx.AsyncClient(
            base_url=server.url,
            cookies=dict(chat.http.cookies),
            headers=dict(chat.http.headers),
            timeout=30.0,
            trust_env=False,
        )
        for chat in chats
    ]
    deadline = time.perf_counter() + duration

    async def run(index: int) -> None:
        client, chat, http = plan.clients[index], chats[index], https[index]
        # Staggered starts, so the clients do not move in lock step.
        client.turn = index
        while time.perf_counter() < deadline:
            kind = ROUND[client.turn % len(ROUND)]
            if kind == "action":
                sample = await one_action(chat, client, tally)
            elif kind == "chat":
                sample = await one_chat(chat, client, tally)
            elif kind == "transition":
                sample = await one_transition(http, client, tally)
            else:
                sample = await one_edit(http, client, tally)
            tally.samples[kind].append(sample)
            client.turn += 1

    cpu = server.cpu()
    started = time.perf_counter()
    try:
        await asyncio.gather(*(run(n) for n in range(len(plan.clients))))
        wall = time.perf_counter() - started
        cpu = server.cpu() - cpu
        # Let the last broadcasts arrive.
        for _ in range(int(DRAIN_TIMEOUT / 0.1)):
            if not any(
                b.seen["transitions"] < tally.transitions or b.seen["edits"] < tally.edits
                for b in boards
                if b.socket is not None and b.closed_early is None
            ):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # and anything beyond what was acknowledged
    finally:
        for board in boards:
            await board.close()
        for chat in chats:
            await chat.aclose()
        for http in https:
            await http.aclose()

    written = await sync_to_async(events_written)(plan)
    listening = [b for b in boards if b.socket is not None]
    seen_moves = sorted(b.seen["transitions"] for b in listening)
    seen_edits = sorted(b.seen["edits"] for b in listening)
    deaf = [b for b in listening if b.closed_early]
    all_samples = [s for samples in tally.samples.values() for s in samples]
    labels = {
        "action": "widget action",
        "chat": "chat turn",
        "transition": "API transition",
        "edit": "API edit",
    }
    for kind in ("action", "chat", "transition", "edit"):
        figs = figures(tally.samples[kind], wall)
        row = report.add("L", f"load: {labels[kind]}", figs)
        if figs.first_error:
            row.note = f"first error: {figs.first_error}"
    overall = figures(all_samples, wall)
    overall.cpu_ms = cpu * 1000 / overall.count if overall.count else None
    reconciled = (
        not refused
        and not deaf
        and tally.transitions == written
        and seen_moves
        and seen_moves[0] == seen_moves[-1] == tally.transitions
        and seen_edits[0] == seen_edits[-1] == tally.edits
    )
    mismatch = 0 if reconciled else 1
    errors = overall.errors + len(refused) + len(deaf) + mismatch
    note = (
        f"reconciliation: transitions acknowledged {tally.transitions} = TaskEvent rows "
        f"{written} = seen on each of {len(listening)} board sockets "
        f"{_span(seen_moves)}; edits acknowledged {tally.edits} = seen {_span(seen_edits)}"
        f" → {'exact' if reconciled else 'MISMATCH'}"
    )
    if refused:
        note += f"; {len(refused)} sockets refused: {refused[0]!r}"
    if deaf:
        note += f"; {len(deaf)} sockets closed early: {deaf[0].closed_early}"
    row = report.add("L", f"load: all, {len(plan.clients)} clients, {wall:.0f} s", overall)
    row.note = note
    # The rows per kind already counted the failed requests.
    report.errors += len(refused) + len(deaf) + mismatch - overall.errors
    report.verdicts["L load errors, reconciliation"] = (
        f"{errors} errors, {'exact' if reconciled else 'mismatch'}",
        "0 errors, exact",
        "PASS" if errors == 0 else "MISS",
    )
    report.load = {
        "transitions_acknowledged": tally.transitions,
        "task_events_written": written,
        "transitions_seen_per_socket": [seen_moves[0], seen_moves[-1]] if seen_moves else [],
        "edits_acknowledged": tally.edits,
        "edits_seen_per_socket": [seen_edits[0], seen_edits[-1]] if seen_edits else [],
        "sockets": len(listening),
        "refused": len(refused),
    }


def _span(values: list[int]) -> str:
    if not values:
        return "—"
    return str(values[0]) if values[0] == values[-1] else f"{values[0]} to {values[-1]}"
