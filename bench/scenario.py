"""What the benchmark seeds and measures; bench/run.py sets up Django and the servers.

Comparability with the reference: both servers run the same `TaskboardChatServer`
class against the same database for tasks, and every client has its own thread
with its own task_list widget of tasks in `todo`, so `task.start` always applies.
When a client has started every task on its widget, its tasks are put back in
`todo` between two requests (outside the timed window), the same way for both.
"""

import asyncio
import contextlib
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import websockets
from asgiref.sync import sync_to_async
from websockets.asyncio.client import connect

from bench import seed
from bench.client import (
    ChatKitClient,
    Figures,
    Sample,
    figures,
    percentile,
    run_clients,
    sign_in,
)
from bench.floor import measure_floor

ACTION = "task.start"
CHAT_PROMPT = "show tasks"
# The task list tool at full size: the filters a user reaches through the grammar.
TOOL_PROMPTS = ("show tasks", "show tasks in review", "show my tasks", "find billing")
FANOUT_TIMEOUT = 10.0
PHASE_TIMEOUT = 1200.0
REFERENCE_USER_HEADER = "X-Bench-User"


@dataclass
class ActionTarget:
    """One client's thread, its task_list widget, and the tasks on it."""

    thread_id: str
    widget_id: str
    task_ids: list[int]
    next: int = 0


@dataclass
class Plan:
    login_username: str
    seq_user_id: int
    client_user_ids: list[int]
    client_sessions: list[str]
    ours_clients: list[ActionTarget]
    ref_clients: list[ActionTarget]
    ours_seq: ActionTarget
    ref_seq: ActionTarget
    ours_memory: ActionTarget
    fanout: ActionTarget
    floor: ActionTarget
    ours_chat_thread: str
    ref_chat_thread: str
    history_session: str
    # size -> (thread id, id of the item in the middle of the thread)
    item_threads: dict[int, tuple[str, str]]
    # size -> (session of the user owning that many threads, id of the middle thread)
    thread_owners: dict[int, tuple[str, str]]
    reference_seed_path: Path
    base_tasks: int = 0
    task_creator_id: int = 0
    extra: dict = field(default_factory=dict)


def target(entry: seed.SeededThread) -> ActionTarget:
    return ActionTarget(entry.thread.id, entry.widget_id, list(entry.task_ids))


def seed_all(counts, workdir: Path, *, history: bool = True) -> Plan:
    """Everything both servers need, before they start (synchronous ORM).

    `history`: the long threads and thread lists only the lists phase reads.
    """
    started = time.perf_counter()
    seed.migrate()
    clients = seed.make_users("bench-client-", counts.clients)
    seq_user = seed.make_password_user("bench-seq", LOGIN_PASSWORD)
    history_user = seed.make_users("bench-history-", 1)[0]
    list_owners = seed.make_users("bench-threads-", len(counts.history))

    per = counts.widget_tasks
    needed = per * (2 * len(clients) + 5)
    ids = seed.make_tasks(needed, creator=seq_user, prefix="Bench action")
    chunks = [ids[n : n + per] for n in range(0, needed, per)]

    ours_entries, ref_entries = [], []
    for n, user in enumerate(clients):
        ours = seed.task_list_thread(user, chunks[2 * n])
        seed.store_threads(user, [ours])
        ours_entries.append(ours)
        ref_entries.append((user.pk, seed.task_list_thread(user, chunks[2 * n + 1])))
    rest = chunks[2 * len(clients) :]
    ours_seq = seed.task_list_thread(seq_user, rest[0])
    ours_memory = seed.task_list_thread(seq_user, rest[1])
    fanout = seed.task_list_thread(seq_user, rest[2])
    floor = seed.task_list_thread(seq_user, rest[4])
    ours_chat = seed.history_thread(10)
    seed.store_threads(seq_user, [ours_seq, ours_memory, fanout, floor, ours_chat])
    ref_seq = seed.task_list_thread(seq_user, rest[3])
    ref_chat = seed.history_thread(10)
    ref_entries += [(seq_user.pk, ref_seq), (seq_user.pk, ref_chat)]

    item_threads = {}
    for size in counts.history if history else ():
        entry = seed.history_thread(size)
        seed.store_threads(history_user, [entry])
        item_threads[size] = (entry.thread.id, entry.items[size // 2].id)
    thread_owners = {}
    for owner, size in zip(list_owners, counts.history if history else (), strict=False):
        threads = seed.many_threads(size)
        seed.store_threads(owner, threads)
        # threads.list is newest first; the middle one starts a page deep in the list.
        thread_owners[size] = (seed.session_for(owner), threads[size // 2].thread.id)

    seed.analyze()
    seed_path = workdir / "reference-seed.json"
    seed_path.write_text(json.dumps(seed.reference_seed(ref_entries)))
    plan = Plan(
        login_username=seq_user.username,
        seq_user_id=seq_user.pk,
        client_user_ids=[user.pk for user in clients],
        client_sessions=[seed.session_for(user) for user in clients],
        ours_clients=[target(entry) for entry in ours_entries],
        ref_clients=[target(entry) for _, entry in ref_entries[: len(clients)]],
        ours_seq=target(ours_seq),
        ref_seq=target(ref_seq),
        ours_memory=target(ours_memory),
        fanout=target(fanout),
        floor=target(floor),
        ours_chat_thread=ours_chat.thread.id,
        ref_chat_thread=ref_chat.thread.id,
        history_session=seed.session_for(history_user),
        item_threads=item_threads,
        thread_owners=thread_owners,
        reference_seed_path=seed_path,
        base_tasks=seed.task_count(),
        task_creator_id=seq_user.pk,
    )
    print(
        f"Seeded {plan.base_tasks} tasks, {len(clients) + 5} users and chat history "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return plan


LOGIN_PASSWORD = "bench-sign-in-9f3k"


# Requests


def user_input(text: str) -> dict:
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
    }


def check_action(events: list[dict]) -> str | None:
    types = {event.get("type") for event in events}
    if "thread.item.replaced" not in types:
        return "no widget replacement in the action's stream"
    effects = [e for e in events if e.get("type") == "client_effect"]
    if not any(e.get("name") == "tasks.changed" for e in effects):
        texts = [
            part.get("text")
            for e in events
            if e.get("type") == "thread.item.done"
            for part in (e.get("item") or {}).get("content") or []
            if isinstance(part, dict)
        ]
        return f"the action did not change the task: {texts[:1]}"
    return None


def check_widget_answer(events: list[dict]) -> str | None:
    for event in events:
        item = event.get("item") or {}
        if event.get("type") == "thread.item.done" and item.get("type") == "widget":
            return None
    return "no widget in the answer"


def page_check(expected: int):
    def check(payload) -> str | None:
        got = len(payload.get("data") or [])
        return None if got == expected else f"expected {expected} rows, got {got}"

    return check


async def next_start(goal: ActionTarget) -> dict:
    """The request for `task.start` on the widget's next task in `todo` (all of them are
    put back in `todo` once each has been started)."""
    if goal.next >= len(goal.task_ids):
        await sync_to_async(seed.reset_tasks)(goal.task_ids)
        goal.next = 0
    task_id = goal.task_ids[goal.next]
    goal.next += 1
    body = {
        "type": "threads.custom_action",
        "params": {
            "thread_id": goal.thread_id,
            "item_id": goal.widget_id,
            "action": {"type": ACTION, "payload": {"task_id": task_id}},
        },
    }
    return body


async def start_task(client: ChatKitClient, goal: ActionTarget) -> Sample:
    """`task.start` from the client's widget on its next task in `todo`."""
    return await client.stream(await next_start(goal), check=check_action)


async def chat_turn(client: ChatKitClient, thread_id: str, text: str) -> Sample:
    body = {
        "type": "threads.add_user_message",
        "params": {"thread_id": thread_id, "input": user_input(text)},
    }
    return await client.stream(body, check=check_widget_answer)


async def sequential(count: int, call) -> tuple[list[Sample], float]:
    started = time.perf_counter()
    samples = [await call() for _ in range(count)]
    return samples, time.perf_counter() - started


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0  # server CPU seconds

    def figures(self, pick=lambda s: s.total) -> Figures:
        return with_cpu(figures(self.samples, self.wall, pick=pick), self.cpu)


async def alternate(total: int, block: int, *sides) -> list[Run]:
    """Servers in turn, `block` requests at a time, so drift hits them alike.

    Each side is a (server, call) pair; returns one Run per side.
    """
    runs = [Run() for _ in sides]
    done = 0
    while done < total:
        n = min(block, total - done)
        for run, (server, call) in zip(runs, sides, strict=True):
            cpu = server.cpu()
            samples, wall = await sequential(n, call)
            run.samples += samples
            run.wall += wall
            run.cpu += server.cpu() - cpu
        done += n
    return runs


def with_cpu(figs: Figures, cpu: float) -> Figures:
    figs.cpu_ms = cpu * 1000 / figs.count if figs.count else None
    return figs


class PeakRss:
    """Samples a server's RSS every 20 ms while active."""

    def __init__(self, server) -> None:
        self.server = server
        self.peak = 0
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            self.peak = max(self.peak, self.server.rss())
            await asyncio.sleep(0.02)

    async def __aenter__(self) -> "PeakRss":
        self.peak = self.server.rss()
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self.peak = max(self.peak, self.server.rss())


# Phases


def mb(value: int) -> float:
    return value / (1024 * 1024)


async def measure(report, counts, plan: Plan, ours_server, ref_server, phases) -> None:
    others = [server.wait_ready() for server in plan.extra.get("ours_more", ())]
    await asyncio.wait_for(
        asyncio.gather(ours_server.wait_ready(), ref_server.wait_ready(), *others), 120
    )
    session = await sign_in(ours_server.url, plan.login_username, LOGIN_PASSWORD)
    ours = ChatKitClient.with_session(ours_server.url, session)
    ref = ChatKitClient(ref_server.url, headers={REFERENCE_USER_HEADER: str(plan.seq_user_id)})
    try:
        await asyncio.wait_for(
            run_phases(report, counts, plan, ours_server, ref_server, ours, ref, phases),
            PHASE_TIMEOUT,
        )
    finally:
        await ours.aclose()
        await ref.aclose()


async def run_phases(report, counts, plan, ours_server, ref_server, ours, ref, phases) -> None:
    if "memory" in phases:
        await memory_phase(report, counts, plan, ours_server, ours)
    if "actions" in phases:
        await action_phases(report, counts, plan, ours_server, ref_server, ours, ref)
    if "chat" in phases:
        await chat_phase(report, counts, plan, ours_server, ref_server, ours, ref)
    if "history" in phases:
        from bench.history import history_phase

        await history_phase(report, counts, plan, ours_server, ref_server, ours, ref)
    if "lists" in phases:
        await list_phase(report, counts, plan, ours_server)
    if "tools" in phases:
        await tool_phase(report, counts, plan, ours)
    if "fanout" in phases:
        await fanout_phase(report, counts, plan, ours_server, ours)
    if "load" in phases:
        from bench.load import load_phase

        await load_phase(report, counts, ours_server, plan.extra["load"])


def progress(message: str) -> None:
    print(f"  {message}", flush=True)


async def memory_phase(report, counts, plan, server, client) -> None:
    """Sequential actions on a fresh server: RSS after the first N and after all."""
    progress(f"memory: {counts.memory_total} sequential actions")
    samples: list[Sample] = []
    started = time.perf_counter()
    rss_start = server.rss()
    cpu = server.cpu()
    rss_first = None
    for n in range(counts.memory_total):
        samples.append(await start_task(client, plan.ours_memory))
        if n + 1 == counts.memory_first:
            rss_first = server.rss()
    rss_total = server.rss()
    wall = time.perf_counter() - started
    figs = with_cpu(figures(samples, wall), server.cpu() - cpu)
    report.add("6", f"{counts.memory_total} sequential actions (ours)", figs)
    growth = rss_total / rss_first - 1
    report.memory.update(
        {
            "rss_at_start_mb": round(mb(rss_start), 1),
            f"rss_after_{counts.memory_first}_actions_mb": round(mb(rss_first), 1),
            f"rss_after_{counts.memory_total}_actions_mb": round(mb(rss_total), 1),
            "growth": f"{growth * 100:+.1f}%",
        }
    )
    report.verdicts["6 RSS growth"] = (
        f"{mb(rss_first):.1f} → {mb(rss_total):.1f} MB ({growth * 100:+.1f}%)",
        f"after {counts.memory_total} ≤ +10% of after {counts.memory_first}",
        "PASS" if growth <= 0.10 else "MISS",
    )


async def action_phases(report, counts, plan, ours_server, ref_server, ours, ref) -> None:
    progress(f"action round trip, 1 client: {counts.sequential} per server")
    await sequential(counts.warmup, lambda: start_task(ref, plan.ref_seq))
    await sequential(counts.warmup, lambda: start_task(ours, plan.ours_seq))
    ours_run, ref_run = await alternate(
        counts.sequential,
        counts.block,
        (ours_server, lambda: start_task(ours, plan.ours_seq)),
        (ref_server, lambda: start_task(ref, plan.ref_seq)),
    )
    one_ours, one_ref = ours_run.figures(), ref_run.figures()
    report.add("1", "task.start, 1 client · ours", one_ours)
    report.add("1", "task.start, 1 client · reference", one_ref)
    ratio_row(report, "1", "task.start, 1 client · ours/ref", one_ours, one_ref)

    progress(f"action floor: {counts.sequential} clicks in the bench process")
    floor = await sync_to_async(measure_floor)(
        plan.floor,
        count=counts.sequential,
        user_id=plan.seq_user_id,
        redis_url=os.environ.get("REDIS_URL", ""),
        reset=seed.reset_tasks,
    )
    report.add(
        "1",
        "task.start floor (no server)",
        floor,
        note="parse, the SQL, the widget dict, JSON, one PUBLISH (bench/floor.py)",
    )
    ratio_row(report, "1", "task.start, 1 client · ours/floor", one_ours, floor)
    ratio_row(report, "1", "task.start, 1 client · ref/floor", one_ref, floor)

    more = list(plan.extra.get("ours_more", ()))
    processes = 1 + len(more)
    progress(
        f"action round trip, {counts.clients} clients x {counts.per_client}"
        f" in {counts.rounds} rounds per server"
        + (f", and on {processes} processes" if more else "")
    )
    ours_clients = [ChatKitClient.with_session(ours_server.url, s) for s in plan.client_sessions]
    ref_clients = [
        ChatKitClient(ref_server.url, headers={REFERENCE_USER_HEADER: str(user_id)})
        for user_id in plan.client_user_ids
    ]
    # The same users spread over every process in turn (they share the database).
    spread_servers = [ours_server, *more]
    spread_clients = [
        ChatKitClient.with_session(spread_servers[i % processes].url, session)
        for i, session in enumerate(plan.client_sessions)
    ]
    # Both servers in turn, a round each, so that drift on a shared machine hits them alike.
    many = {"ours": Run(), "ref": Run(), "spread": Run()}
    sides = [
        ("ours", [ours_server], ours_clients, plan.ours_clients),
        ("ref", [ref_server], ref_clients, plan.ref_clients),
    ]
    if more:
        sides.append(("spread", spread_servers, spread_clients, plan.ours_clients))
    try:
        async with PeakRss(ours_server) as ours_peak, PeakRss(ref_server) as ref_peak:
            for _ in range(counts.rounds):
                for name, servers, clients, goals in sides:
                    cpu = sum(server.cpu() for server in servers)
                    samples, wall = await run_clients(
                        counts.clients,
                        counts.per_client // counts.rounds,
                        lambda i, n, clients=clients, goals=goals: start_task(clients[i], goals[i]),
                    )
                    many[name].samples += samples
                    many[name].wall += wall
                    many[name].cpu += sum(server.cpu() for server in servers) - cpu
    finally:
        for client in ours_clients + ref_clients + spread_clients:
            await client.aclose()
    many_ours, many_ref = many["ours"].figures(), many["ref"].figures()
    label = f"task.start, {counts.clients} clients"
    report.add("1", f"{label} · ours", many_ours)
    report.add("1", f"{label} · reference", many_ref)
    ratio_row(report, "1", f"{label} · ours/ref", many_ours, many_ref)
    ratio_row(report, "1", f"{label} · ours/floor", many_ours, floor)
    if more:
        spread = many["spread"].figures()
        report.add("1", f"{label} · ours, {processes} processes", spread)
        ratio_row(report, "1", f"{label} · {processes} proc./1 proc.", spread, many_ours)
        report.verdicts[f"1 action, {counts.clients} clients, {processes} processes"] = (
            f"{fmt_num(spread.throughput)} req/s vs {fmt_num(many_ours.throughput)} on one, "
            f"{fmt_num(spread.median)} ms median",
            "printed beside one process",
            "n/a" if spread.errors == 0 else "MISS",
        )

    for name, figs, ref_figs in (
        ("1 action, 1 client", one_ours, one_ref),
        (f"1 action, {counts.clients} clients", many_ours, many_ref),
    ):
        median = ratio_of(figs.median, ref_figs.median)
        p95 = ratio_of(figs.p95, ref_figs.p95)
        errors = figs.errors + ref_figs.errors
        ok = median is not None and p95 is not None and max(median, p95) <= 0.8 and not errors
        report.verdicts[name] = (
            f"{fmt_ratio(median)} median, {fmt_ratio(p95)} p95, {figs.errors} errors",
            "≤ 0.8x ref (median and p95), 0 errors",
            "PASS" if ok else "MISS",
        )
    cpu = one_ours.cpu_ms
    report.verdicts["1 server CPU per task.start"] = (
        f"{fmt_num(cpu)} ms (floor {fmt_num(floor.cpu_ms)}, ref {fmt_num(one_ref.cpu_ms)}; "
        f"{fmt_num(many_ours.cpu_ms)} at {counts.clients} clients)",
        "≤ 25 ms (stretch ≤ 15 ms)",
        "n/a"
        if cpu is None
        else ("PASS" if cpu <= 25 else "MISS") + (" (stretch)" if cpu <= 15 else ""),
    )
    report.memory["peak_rss_50_clients_mb"] = round(mb(ours_peak.peak), 1)
    report.memory["reference_peak_rss_50_clients_mb"] = round(mb(ref_peak.peak), 1)
    report.verdicts["6 peak RSS"] = (
        f"{mb(ours_peak.peak):.1f} MB (ref {mb(ref_peak.peak):.1f} MB)",
        "< 250 MB",
        "PASS" if ours_peak.peak < 250 * 1024 * 1024 else "MISS",
    )


def cpu_verdict(cpu: float | None) -> str:
    if cpu is None:
        return "n/a"
    return "PASS (stretch)" if cpu <= 15 else "PASS" if cpu <= 25 else "MISS"


def ratio_of(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def ratio_row(report, figure: str, label: str, ours: Figures, ref: Figures) -> float | None:
    values = {
        "ratio": True,
        "median": ours.median / ref.median if ours.median and ref.median else None,
        "p95": ours.p95 / ref.p95 if ours.p95 and ref.p95 else None,
        "p99": ours.p99 / ref.p99 if ours.p99 and ref.p99 else None,
        "cpu_ms": ours.cpu_ms / ref.cpu_ms if ours.cpu_ms and ref.cpu_ms else None,
    }
    report.add(figure, label, values)
    return values["median"]


async def chat_phase(report, counts, plan, ours_server, ref_server, ours, ref) -> None:
    progress(f"chat turn “{CHAT_PROMPT}”: {counts.chat_turns} per server")
    await sequential(2, lambda: chat_turn(ours, plan.ours_chat_thread, CHAT_PROMPT))
    await sequential(2, lambda: chat_turn(ref, plan.ref_chat_thread, CHAT_PROMPT))
    ours_run, ref_run = await alternate(
        counts.chat_turns,
        max(1, counts.block // 5),
        (ours_server, lambda: chat_turn(ours, plan.ours_chat_thread, CHAT_PROMPT)),
        (ref_server, lambda: chat_turn(ref, plan.ref_chat_thread, CHAT_PROMPT)),
    )
    for what, pick in (
        ("first event", lambda s: s.first),
        ("end of stream", lambda s: s.total),
    ):
        o, r = ours_run.figures(pick), ref_run.figures(pick)
        report.add("2", f"chat “{CHAT_PROMPT}”, {what} · ours", o)
        report.add("2", f"chat “{CHAT_PROMPT}”, {what} · reference", r)
        ratio_row(report, "2", f"chat, {what} · ours/ref", o, r)


async def list_phase(report, counts, plan, server) -> None:
    progress(f"items.list / threads.list at {', '.join(map(str, counts.history))}")
    history = ChatKitClient.with_session(server.url, plan.history_session)
    owners = {
        size: ChatKitClient.with_session(server.url, session)
        for size, (session, _) in plan.thread_owners.items()
    }
    page = 20
    kinds = {
        "items.list newest page": lambda size: history.call(
            {
                "type": "items.list",
                "params": {"thread_id": plan.item_threads[size][0], "limit": page, "order": "desc"},
            },
            check=page_check(min(page, size)),
        ),
        "items.list page mid-history": lambda size: history.call(
            {
                "type": "items.list",
                "params": {
                    "thread_id": plan.item_threads[size][0],
                    "limit": page,
                    "order": "desc",
                    "after": plan.item_threads[size][1],
                },
            },
            check=page_check(min(page, size // 2)),
        ),
        "threads.list newest page": lambda size: owners[size].call(
            {"type": "threads.list", "params": {"limit": page, "order": "desc"}},
            check=page_check(min(page, size)),
        ),
        "threads.list page mid-list": lambda size: owners[size].call(
            {
                "type": "threads.list",
                "params": {"limit": page, "order": "desc", "after": plan.thread_owners[size][1]},
            },
            # Newest first: the middle thread has size // 2 older ones after it.
            check=page_check(min(page, size // 2)),
        ),
    }
    smallest, largest = counts.history[0], counts.history[-1]
    try:
        for kind, call in kinds.items():
            for size in counts.history:
                await call(size)  # warm the connection and caches
            samples: dict[int, list[Sample]] = {size: [] for size in counts.history}
            walls = dict.fromkeys(counts.history, 0.0)
            # Round-robin over the sizes, so that drift affects them alike.
            for _ in range(counts.list_requests):
                for size in counts.history:
                    started = time.perf_counter()
                    samples[size].append(await call(size))
                    walls[size] += time.perf_counter() - started
            figs = {size: figures(samples[size], walls[size]) for size in counts.history}
            for size in counts.history:
                report.add("3", f"{kind} @ {size:,}", figs[size])
            growth = (
                figs[largest].median / figs[smallest].median
                if figs[largest].median and figs[smallest].median
                else None
            )
            report.verdicts[f"3 {kind}"] = (
                f"{fmt_ratio(growth)} ({largest:,} vs {smallest})",
                "≤ 1.3x",
                "PASS" if growth is not None and growth <= 1.3 else "MISS",
            )
    finally:
        await history.aclose()
        for client in owners.values():
            await client.aclose()


async def tool_phase(report, counts, plan, ours) -> None:
    missing = counts.tasks_total - plan.base_tasks
    if missing > 0:
        creator = await sync_to_async(_user)(plan.task_creator_id)
        await sync_to_async(seed.make_tasks)(
            missing, creator=creator, prefix="Bench filler", status=None
        )
        await sync_to_async(seed.analyze)()
    total = await sync_to_async(seed.task_count)()
    progress(f"task list tool with {total:,} tasks: {counts.tool_turns} turns per prompt")
    for prompt in TOOL_PROMPTS:
        await chat_turn(ours, plan.ours_chat_thread, prompt)
        samples, wall = await sequential(
            counts.tool_turns, lambda p=prompt: chat_turn(ours, plan.ours_chat_thread, p)
        )
        report.add("4", f"“{prompt}” @ {total:,} tasks · end", figures(samples, wall))
    plan.extra["tasks_total"] = total


def _user(pk: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=pk)


async def fanout_phase(report, counts, plan, server, client) -> None:
    progress(f"board fan-out: {counts.sockets} sockets x {counts.changes} changes")
    ws_url = server.url.replace("http://", "ws://") + "/ws/board/"
    state = {
        "task_id": None,
        "seen": set(),
        "this_change": [],
        "done": asyncio.Event(),
    }

    async def open_socket(index: int):
        session = plan.client_sessions[index % len(plan.client_sessions)]
        return await connect(
            ws_url,
            origin=server.url,
            additional_headers={"Cookie": f"sessionid={session}"},
            proxy=None,
            open_timeout=20,
            compression=None,
        )

    async def listen(index: int, socket) -> None:
        try:
            async for raw in socket:
                arrived = time.time()
                message = json.loads(raw)
                task = message.get("task") or {}
                if (
                    message.get("type") == "task.changed"
                    and task.get("id") == state["task_id"]
                    and index not in state["seen"]
                ):
                    committed = datetime.fromisoformat(task["updated_at"]).timestamp()
                    state["seen"].add(index)
                    state["this_change"].append(arrived - committed)
                    if len(state["seen"]) == len(sockets):
                        state["done"].set()
        except websockets.ConnectionClosed:
            pass

    started = time.perf_counter()
    opened = await asyncio.gather(
        *(open_socket(i) for i in range(counts.sockets)), return_exceptions=True
    )
    connect_time = time.perf_counter() - started
    sockets = [s for s in opened if not isinstance(s, BaseException)]
    refused = [s for s in opened if isinstance(s, BaseException)]
    if refused:
        progress(f"{len(refused)} of {counts.sockets} sockets failed to connect: {refused[0]!r}")
    listeners = [asyncio.create_task(listen(i, s)) for i, s in enumerate(sockets)]
    missed = 0
    action_errors = 0
    # Per change: commit → first socket, and first → last socket (serial delivery).
    firsts: list[float] = []
    spreads: list[float] = []
    latencies: list[float] = []
    # The first broadcast to freshly opened sockets is slower (each connection's first
    # frame); it is reported in the note, not counted, as the other phases warm up.
    warmup_last: float | None = None
    try:
        for change in range(counts.changes + 1):
            goal = plan.fanout
            if goal.next >= len(goal.task_ids):
                await sync_to_async(seed.reset_tasks)(goal.task_ids)
                goal.next = 0
            state["task_id"] = goal.task_ids[goal.next]
            state["seen"] = set()
            state["this_change"] = []
            state["done"] = asyncio.Event()
            sample = await start_task(client, goal)
            if not sample.ok:
                action_errors += 1
                continue
            try:
                await asyncio.wait_for(state["done"].wait(), FANOUT_TIMEOUT)
            except TimeoutError:
                missed += len(sockets) - len(state["seen"])
            arrivals = [value * 1000 for value in state["this_change"]]
            if change == 0:
                warmup_last = max(arrivals, default=None)
            elif arrivals:
                latencies.extend(arrivals)
                firsts.append(min(arrivals))
                spreads.append(max(arrivals) - min(arrivals))
            await asyncio.sleep(0.05)
    finally:
        for socket in sockets:
            await socket.close()
        for listener in listeners:
            listener.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)

    errors = missed + action_errors + len(refused) * (counts.changes + 1)
    figs = Figures(
        count=counts.sockets * counts.changes,
        errors=errors,
        median=percentile(latencies, 0.5) if latencies else None,
        p95=percentile(latencies, 0.95) if latencies else None,
        p99=percentile(latencies, 0.99) if latencies else None,
        throughput=None,
        first_error=f"{len(refused)} sockets refused, {missed} deliveries missed, "
        f"{action_errors} actions failed"
        if errors
        else None,
    )
    report.add(
        "5",
        f"fan-out commit → {counts.sockets} sockets",
        figs,
        note=(
            f"{len(sockets)} of {counts.sockets} sockets connected in {connect_time:.2f} s; "
            f"per change, median commit → first socket {fmt_num(median_of(firsts))} ms, "
            f"first → last socket {fmt_num(median_of(spreads))} ms; the uncounted first "
            f"change reached its last socket in {fmt_num(warmup_last)} ms"
        ),
    )
    report.verdicts["5 fan-out p95"] = (
        f"{fmt_num(figs.p95)} ms, {errors} missed",
        "< 20 ms",
        "PASS" if figs.p95 is not None and figs.p95 < 20 and not errors else "MISS",
    )


def median_of(values: list[float]) -> float | None:
    return percentile(values, 0.5) if values else None


def fmt_num(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"
