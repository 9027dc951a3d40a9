"""The history phase: what a chat turn costs as its thread fills with widgets.

"show tasks" with the offline model, on both servers, in two conditions:
- a fresh thread: one started with "hi" (a greeting, no widget), a new one per turn;
- a thread with 20 task lists among its last 40 items: started with "hi", then 20
  "show tasks"; every measured turn adds a user message and a list, so the last 40
  items stay 20 lists and 20 messages.
Both are built over HTTP before the timed turns, through each server itself, so the
widgets are the ones the server makes. The timed turns alternate between the four
(server, condition) pairs in blocks, as the other phases do, and each pair's server
CPU is read around its own blocks.

The model input is the converter's output for the thread's last `HISTORY_LIMIT`
items, computed in this process from the product's store, with the same code the
server runs before its first model call of a turn (`TaskboardChatServer.respond`).
"""

import json

from asgiref.sync import sync_to_async

from bench.client import Figures, figures
from bench.floor import measure_turn_share
from bench.scenario import alternate, chat_turn, progress, ratio_of, ratio_row, sequential

PROMPT = "show tasks"
GREETING = "hi"
HISTORY_WIDGETS = 20
# Targets (issue 17).
FRESH_CPU_MS = 45.0
HISTORY_CPU_RATIO = 1.2
INPUT_CHARS = 10_000
FIRST_EVENT_RATIO = 1.2


async def start_thread(client) -> str:
    """A thread started with a greeting; its id."""
    sample = await client.stream(
        {
            "type": "threads.create",
            "params": {
                "input": {
                    "content": [{"type": "input_text", "text": GREETING}],
                    "attachments": [],
                    "inference_options": {},
                }
            },
        }
    )
    if not sample.ok:
        raise RuntimeError(f"Could not start a thread: {sample.error}")
    created = [e for e in sample.events if e.get("type") == "thread.created"]
    return created[0]["thread"]["id"]


async def widget_thread(client) -> str:
    thread_id = await start_thread(client)
    for _ in range(HISTORY_WIDGETS):
        sample = await chat_turn(client, thread_id, PROMPT)
        if not sample.ok:
            raise RuntimeError(f"Could not fill the history thread: {sample.error}")
    return thread_id


async def model_input_chars(thread_id: str, user_id: int) -> tuple[int, int]:
    """(characters of the model input, widgets among the items) for the next turn."""
    from django.contrib.auth import get_user_model

    from chatkit_app.context import ChatContext
    from chatkit_app.converter import TaskboardThreadItemConverter
    from chatkit_app.server import HISTORY_LIMIT
    from chatkit_app.store import DjangoStore

    user = await get_user_model().objects.aget(pk=user_id)
    context = ChatContext(user=user)
    recent = await DjangoStore().load_thread_items(thread_id, None, HISTORY_LIMIT, "desc", context)
    items = list(reversed(recent.data))
    model_input = await TaskboardThreadItemConverter().to_agent_input(items)
    widgets = sum(1 for item in items if item.type == "widget")
    return len(json.dumps(model_input, ensure_ascii=False)), widgets


def turns_on(client, threads: list[str]):
    """A call that takes the next of `threads` for each turn."""
    queue = iter(threads)
    return lambda: chat_turn(client, next(queue), PROMPT)


def cpu_text(figs: Figures) -> str:
    return "—" if figs.cpu_ms is None else f"{figs.cpu_ms:.1f} ms"


async def history_phase(report, counts, plan, ours_server, ref_server, ours, ref) -> None:
    turns = max(4, counts.chat_turns // 2)
    warmup = 2
    progress(
        f"chat turn “{PROMPT}” on a fresh thread and with {HISTORY_WIDGETS} lists in the "
        f"history: {turns} each per server"
    )
    sides = {}
    for name, client in (("ours", ours), ("ref", ref)):
        fresh = [await start_thread(client) for _ in range(turns + warmup)]
        history = await widget_thread(client)
        # Warm both conditions (first-use costs) outside the measured turns.
        await sequential(warmup, turns_on(client, fresh[:warmup]))
        await sequential(warmup, lambda c=client, h=history: chat_turn(c, h, PROMPT))
        sides[name] = (client, fresh[warmup:], history)

    before, widgets_before = await model_input_chars(sides["ours"][1][0], plan.seq_user_id)
    ours_client, ours_fresh, ours_history = sides["ours"]
    ref_client, ref_fresh, ref_history = sides["ref"]
    runs = await alternate(
        turns,
        max(1, counts.block // 5),
        (ours_server, turns_on(ours_client, ours_fresh)),
        (ours_server, lambda: chat_turn(ours_client, ours_history, PROMPT)),
        (ref_server, turns_on(ref_client, ref_fresh)),
        (ref_server, lambda: chat_turn(ref_client, ref_history, PROMPT)),
    )
    chars, widgets = await model_input_chars(ours_history, plan.seq_user_id)

    labels = ("fresh thread · ours", "20 lists in history · ours")
    labels += ("fresh thread · reference", "20 lists in history · reference")
    ends = [run.figures() for run in runs]
    firsts = [run.figures(lambda s: s.first) for run in runs]
    for label, figs in zip(labels, ends, strict=True):
        report.add("H", f"“{PROMPT}”, {label}", figs)
    ratio_row(report, "H", "fresh thread · ours/ref", ends[0], ends[2])
    ratio_row(report, "H", "20 lists in history · ours/ref", ends[1], ends[3])
    for label, figs in zip(labels, firsts, strict=True):
        report.add("H", f"first event, {label}", figs)
    report.add(
        "H",
        "model input · ours",
        {},
        note=f"model input per turn: {chars:,} characters with {widgets} widgets among the "
        f"last 40 items; {before:,} on a fresh thread ({widgets_before} widgets)",
    )

    fresh_cpu, history_cpu = ends[0].cpu_ms, ends[1].cpu_ms
    report.verdicts["H CPU per chat turn, fresh thread"] = (
        f"{cpu_text(ends[0])} (ref {cpu_text(ends[2])})",
        f"≤ {FRESH_CPU_MS:.0f} ms",
        "PASS" if fresh_cpu is not None and fresh_cpu <= FRESH_CPU_MS else "MISS",
    )
    growth = ratio_of(history_cpu, fresh_cpu)
    report.verdicts["H CPU per chat turn, 20 lists"] = (
        f"{cpu_text(ends[1])}, {growth or 0:.2f}x fresh (ref {cpu_text(ends[3])})",
        f"≤ {HISTORY_CPU_RATIO}x fresh",
        "PASS" if growth is not None and growth <= HISTORY_CPU_RATIO else "MISS",
    )
    report.verdicts["H model input, 20 lists"] = (
        f"{chars:,} characters ({widgets} widgets)",
        f"≤ {INPUT_CHARS:,} characters",
        "PASS" if chars <= INPUT_CHARS and widgets == HISTORY_WIDGETS else "MISS",
    )
    # The first event is the user's message coming back, before the model runs.
    ours_first = [s.first for run in runs[:2] for s in run.samples if s.ok and s.first]
    ref_first = [s.first for run in runs[2:] for s in run.samples if s.ok and s.first]
    mine, theirs = figures_of(ours_first), figures_of(ref_first)
    first_ratio = ratio_of(mine.median, theirs.median)
    first_p95 = ratio_of(mine.p95, theirs.p95)
    errors = sum(figs.errors for figs in ends)
    # What of that event is the database work the reference does not do (an estimate:
    # the servers' other costs differ too, so it is no bound on the ratio).
    share = await sync_to_async(measure_turn_share)(
        thread_id=await start_thread(ours_client),
        session_key=ours_client.http.cookies["sessionid"],
        count=5 * turns,
    )
    report.add(
        "H",
        "first event, the stack's share (no server)",
        share,
        note="sign-in (session, user), the thread read, the message stored (bench/floor.py)",
    )
    report.verdicts["H first event of a chat turn"] = (
        f"{first_ratio or 0:.2f}x median, {first_p95 or 0:.2f}x p95 ref, {errors} errors",
        f"≤ {FIRST_EVENT_RATIO}x ref (median)",
        "PASS"
        if first_ratio is not None and first_ratio <= FIRST_EVENT_RATIO and not errors
        else "MISS",
    )


def figures_of(seconds: list[float]) -> Figures:
    from bench.client import Sample

    return figures([Sample(total=value) for value in seconds], 0.0)
