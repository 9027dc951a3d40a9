"""Panel phase: what the built-in chat panel costs the page, and how quickly its
widget buttons answer in a real browser.

- Size: the gzip size of the built page's JavaScript and CSS (frontend/dist, read
  through Vite's manifest): the entry with what it imports, then the built-in panel,
  which is its own chunk loaded on demand (everything under src/chat/ and what only
  it imports, react-markdown included). Budget: 90 kB gzip for the panel.
- Click: in Chromium (headless, every request off loopback aborted), the page signed
  in as a member with a thread whose task_list widget shows tasks in `todo`; the time
  from the click on a row's Start button (the click event's timestamp, a real input
  event from Playwright) to the frame after the replaced widget is in the DOM (that
  row now offers "Submit for review"). Each click is followed by the same action
  (`task.start` on another thread of the same user) sent over the protocol from this
  process, so both sides share the run's conditions. Target: click ≤ 1.3x the
  protocol round trip, median and p95.
- Chromium's own share: the same action sent by a plain `fetch()` in the page (no
  panel, no rendering), timed to its `thread.item.replaced` being read, after each
  click. What the click takes beyond it is what the panel and the frame add; what
  it takes beyond the protocol is the browser's network stack and its CPU on the
  machine the server runs on.

The server is the benchmark's own Daphne (DJANGO_DEBUG=0, collectstatic output,
CHATKIT_UI=builtin); the frontend is measured as built: run `npm run build` first.
"""

import asyncio
import gzip
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench import seed
from bench.client import CSRF_TOKEN, ChatKitClient, Sample, figures, sse_frames
from bench.scenario import ActionTarget, check_action, next_start

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "frontend" / "dist"
MANIFEST = DIST / ".vite" / "manifest.json"
PANEL_SOURCES = "src/chat/"
PANEL_BUDGET_KB = 90.0
CLICK_TARGET = 1.3
CLICKS_FULL, CLICKS_QUICK = 40, 20
WARMUP_CLICKS = 3
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
THREAD_STORAGE_KEY = "taskboard.chat.thread"  # frontend/src/chat/useChatSession.ts
REPLACED_MARK = "chatkit:thread.item.replaced"  # frontend/src/chat/useChatSession.ts
STEP_TIMEOUT_MS = 30_000


# Size


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def chunk_files(manifest: dict, key: str, seen: set[str]) -> list[str]:
    """The files a chunk needs at once: its JS, its CSS and its static imports', recursively."""
    if key in seen:
        return []
    seen.add(key)
    chunk = manifest[key]
    files = [chunk["file"], *chunk.get("css", [])]
    for imported in chunk.get("imports", []):
        files += chunk_files(manifest, imported, seen)
    return files


@dataclass
class Sizes:
    page: dict[str, int]  # file -> gzip bytes
    panel: dict[str, int]

    @staticmethod
    def kb(files: dict[str, int], suffix: str = "") -> float:
        return sum(size for name, size in files.items() if name.endswith(suffix)) / 1024


def built_sizes() -> Sizes:
    if not MANIFEST.exists():
        raise RuntimeError("frontend/dist is not built: run `cd frontend && npm run build`.")
    manifest = json.loads(MANIFEST.read_text())
    entries = [key for key, chunk in manifest.items() if chunk.get("isEntry")]
    seen: set[str] = set()
    page_files = [name for key in entries for name in chunk_files(manifest, key, seen)]
    panel_keys = [
        key
        for key, chunk in manifest.items()
        if chunk.get("isDynamicEntry") and chunk.get("src", key).startswith(PANEL_SOURCES)
    ]
    if not panel_keys:
        raise RuntimeError(f"The build has no lazily loaded chunk from {PANEL_SOURCES}.")
    panel_files = [name for key in panel_keys for name in chunk_files(manifest, key, seen)]
    return Sizes(
        page={name: gzip_size(DIST / name) for name in page_files},
        panel={name: gzip_size(DIST / name) for name in panel_files},
    )


def report_sizes(report, sizes: Sizes) -> None:
    panel_kb = Sizes.kb(sizes.panel)
    ok = panel_kb <= PANEL_BUDGET_KB

    def split(files: dict[str, int]) -> str:
        return f"JS {Sizes.kb(files, '.js'):.1f} kB + CSS {Sizes.kb(files, '.css'):.1f} kB"

    report.add(
        "7",
        f"page gzip {Sizes.kb(sizes.page):.1f} kB (without the panel)",
        {},
        note=f"{split(sizes.page)}: {', '.join(sizes.page)}",
    )
    report.add(
        "7",
        f"built-in panel adds {panel_kb:.1f} kB gzip",
        {},
        target=f"≤ {PANEL_BUDGET_KB:.0f} kB",
        verdict="PASS" if ok else "MISS",
        note=f"{split(sizes.panel)}, loaded on demand: {', '.join(sizes.panel)}",
    )
    report.verdicts["7 panel size"] = (
        f"{panel_kb:.1f} kB gzip (page {Sizes.kb(sizes.page) + panel_kb:.1f} kB with it)",
        f"≤ {PANEL_BUDGET_KB:.0f} kB gzip",
        "PASS" if ok else "MISS",
    )


# Seeding (synchronous ORM, before the servers start)


@dataclass
class PanelPlan:
    session: str
    browser_threads: list[ActionTarget]
    protocol: ActionTarget
    in_page: ActionTarget  # acted on by fetch() in the page, beside the panel
    clicks: int


def prepare(counts, *, quick: bool) -> PanelPlan:
    """Static files as a deployment serves them, and a member with task_list threads."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    clicks = CLICKS_QUICK if quick else CLICKS_FULL
    per = counts.widget_tasks
    user = seed.make_users("bench-panel-", 1)[0]
    browser_count = math.ceil((clicks + WARMUP_CLICKS) / per)
    ids = seed.make_tasks(per * (browser_count + 2), creator=user, prefix="Bench panel")
    chunks = [ids[n : n + per] for n in range(0, len(ids), per)]
    threads = [seed.task_list_thread(user, chunk) for chunk in chunks]
    seed.store_threads(user, threads)
    targets = [ActionTarget(t.thread.id, t.widget_id, list(t.task_ids)) for t in threads]
    return PanelPlan(seed.session_for(user), targets[:-2], targets[-2], targets[-1], clicks)


# Clicks

ARM = """([index]) => {
    // Time the next click (capture phase: before React sees it) and the first frame
    // in which row `index` of the last widget offers "Submit for review" and no Start.
    const state = {clickAt: null, shownAt: null};
    performance.clearResourceTimings();
    window.__panelClick = state;
    const rowReady = () => {
        const widgets = document.querySelectorAll('[data-item-type="widget"]');
        const widget = widgets[widgets.length - 1];
        const row = widget && widget.querySelectorAll('li[data-widget="ListViewItem"]')[index];
        if (!row) return false;
        // What a sighted user reads: a busy button's "(working)" is for screen readers.
        const labels = [...row.querySelectorAll("button")].map((b) => [...b.childNodes]
            .filter((n) => !(n.classList && n.classList.contains("cw-visually-hidden")))
            .map((n) => n.textContent).join("").trim());
        return labels.includes("Submit for review") && !labels.includes("Start");
    };
    document.addEventListener("click", (event) => { state.clickAt = event.timeStamp; },
        {capture: true, once: true});
    const observer = new MutationObserver(() => {
        if (state.clickAt === null || !rowReady()) return;
        observer.disconnect();
        // The frame that shows it: its animation frame callback, then the paint.
        requestAnimationFrame(() => setTimeout(() => { state.shownAt = performance.now(); }, 0));
    });
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


async def click_start(page, index: int) -> tuple[Sample, float | None]:
    """The click's sample, and when its `thread.item.replaced` arrived (seconds)."""
    await page.evaluate(ARM, [index])
    rows = page.locator('[data-item-type="widget"]').last.locator('li[data-widget="ListViewItem"]')
    button = rows.nth(index).get_by_role("button", name="Start", exact=True)
    started = time.perf_counter()
    try:
        await button.click(timeout=STEP_TIMEOUT_MS)
        await page.wait_for_function(
            "() => window.__panelClick.shownAt !== null", timeout=STEP_TIMEOUT_MS
        )
        # The stream's end (assistant sentence, board refresh) before the next click.
        await page.locator(".chat-thread[aria-busy='true']").wait_for(
            state="detached", timeout=STEP_TIMEOUT_MS
        )
        # Where the time went: the request sent and its first byte, from the request's
        # resource timing (recorded once its stream has ended), and the replacement's
        # arrival, from the mark the panel sets on it.
        shown, sent, first_byte, received = await page.evaluate(
            """([mark]) => {
                const {clickAt, shownAt} = __panelClick;
                const request = performance.getEntriesByType("resource").find(
                    (e) => e.name.endsWith("/chatkit") && e.startTime >= clickAt);
                const replaced = performance.getEntriesByName(mark).find(
                    (e) => e.startTime >= clickAt);
                return [shownAt - clickAt, request ? request.startTime - clickAt : null,
                        request ? request.responseStart - clickAt : null,
                        replaced ? replaced.startTime - clickAt : null];
            }""",
            [REPLACED_MARK],
        )
    except Exception as exc:  # a Playwright timeout or a page that broke
        failed = Sample(time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}"[:200])
        return failed, None
    sample = Sample(
        shown / 1000,
        first=None if sent is None else sent / 1000,
        answer=None if first_byte is None else first_byte / 1000,
    )
    return sample, None if received is None else received / 1000


async def protocol_start(client: ChatKitClient, goal: ActionTarget) -> Sample:
    """`task.start` over the protocol, read to the end of its stream.

    `first` is the time to the `thread.item.replaced` event, what the panel shows;
    `total` the round trip.
    """
    body = await next_start(goal)
    events: list[dict] = []
    replaced = None
    buffer = bytearray()
    started = time.perf_counter()
    try:
        async with client.http.stream(
            "POST", client.path, json=body, headers={"Accept": "text/event-stream"}
        ) as response:
            if response.status_code != 200:
                await response.aread()
                return Sample(time.perf_counter() - started, error=f"HTTP {response.status_code}")
            async for chunk in response.aiter_raw():
                buffer += chunk
                for event in sse_frames(buffer):
                    if replaced is None and event.get("type") == "thread.item.replaced":
                        replaced = time.perf_counter() - started
                    events.append(event)
    except Exception as exc:  # httpx errors, undecodable frames
        return Sample(time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}"[:200])
    return Sample(time.perf_counter() - started, first=replaced, error=check_action(events))


FETCH_ACTION = """async ([body, token, marker]) => {
    // The action as the panel sends it, read with nothing else done on the page.
    const started = performance.now();
    const response = await fetch("/chatkit", {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", Accept: "text/event-stream",
                  "X-CSRFToken": token},
        body: JSON.stringify(body),
    });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = "", replaced = null;
    for (;;) {
        const {done, value} = await reader.read();
        if (done) break;
        text += decoder.decode(value, {stream: true});
        if (replaced === null && text.includes(marker)) replaced = performance.now() - started;
    }
    return {status: response.status, replaced, total: performance.now() - started, text};
}"""


async def fetch_start(page, goal: ActionTarget) -> Sample:
    """`task.start` by `fetch()` in the page; `first` is its `thread.item.replaced` read."""
    body = await next_start(goal)
    started = time.perf_counter()
    try:
        got = await page.evaluate(FETCH_ACTION, [body, CSRF_TOKEN, '"type":"thread.item.replaced"'])
    except Exception as exc:  # a Playwright timeout or a page that broke
        return Sample(time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}"[:200])
    if got["status"] != 200:
        return Sample(got["total"] / 1000, error=f"HTTP {got['status']}")
    events = sse_frames(bytearray(got["text"].encode()))
    replaced = None if got["replaced"] is None else got["replaced"] / 1000
    return Sample(got["total"] / 1000, first=replaced, error=check_action(events))


async def open_thread(page, thread_id: str) -> None:
    await page.evaluate(
        "([key, id]) => window.localStorage.setItem(key, id)", [THREAD_STORAGE_KEY, thread_id]
    )
    await page.reload(wait_until="domcontentloaded")
    rows = page.locator('[data-item-type="widget"]').last.locator('li[data-widget="ListViewItem"]')
    await rows.first.get_by_role("button", name="Start", exact=True).wait_for(
        timeout=STEP_TIMEOUT_MS
    )


async def measure_clicks(report, server_url: str, plan: PanelPlan) -> None:
    from playwright.async_api import async_playwright

    host = urlsplit(server_url).netloc
    outside: list[str] = []

    async def keep_on_loopback(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == host:
            await route.continue_()
        else:
            outside.append(url)
            await route.abort("blockedbyclient")

    browser_samples: list[Sample] = []
    protocol_samples: list[Sample] = []
    in_page_samples: list[Sample] = []
    replacements: list[Sample] = []  # click → its thread.item.replaced in the page
    protocol = ChatKitClient.with_session(server_url, plan.session)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                base_url=server_url, viewport={"width": 1440, "height": 900}
            )
            await context.add_cookies(
                [
                    {"name": "sessionid", "value": plan.session, "url": server_url},
                    {"name": "csrftoken", "value": CSRF_TOKEN, "url": server_url},
                ]
            )
            await context.route("**/*", keep_on_loopback)
            page = await context.new_page()
            await page.goto("/", wait_until="domcontentloaded")
            wall = time.perf_counter()
            warm = WARMUP_CLICKS
            for thread in plan.browser_threads:
                await open_thread(page, thread.thread_id)
                for index in range(len(thread.task_ids)):
                    if len(browser_samples) >= plan.clicks:
                        break
                    sample, received = await click_start(page, index)
                    answer = await protocol_start(protocol, plan.protocol)
                    fetched = await fetch_start(page, plan.in_page)
                    if warm:
                        warm -= 1
                        continue
                    browser_samples.append(sample)
                    in_page_samples.append(fetched)
                    if received is not None:
                        replacements.append(Sample(received))
                    protocol_samples.append(answer)
            wall = time.perf_counter() - wall
        finally:
            await browser.close()
            await protocol.aclose()

    click = figures(browser_samples, wall)
    round_trip = figures(protocol_samples, wall)
    replaced = figures(protocol_samples, wall, pick=lambda s: s.first)
    in_page = figures(in_page_samples, wall, pick=lambda s: s.first)
    if outside:
        click.errors += len(outside)
        click.first_error = f"requests left loopback: {outside[:3]}"
    report.add("7", "Start click → replaced widget shown · panel", click)
    report.add(
        "7",
        "  of which: click → request sent",
        figures(browser_samples, wall, pick=lambda s: s.first),
    )
    report.add(
        "7",
        "  of which: click → first byte (stream_options)",
        figures(browser_samples, wall, pick=lambda s: s.answer),
    )
    report.add(
        "7",
        "  of which: click → replacement received",
        figures(replacements, wall),
    )
    report.add("7", "task.start round trip · protocol", round_trip)
    report.add("7", "task.start to its thread.item.replaced · protocol", replaced)
    report.add("7", "task.start to its thread.item.replaced · fetch()", in_page)
    report.add(
        "7",
        "click/fetch() in the page",
        {
            "ratio": True,
            "median": ratio(click.median, in_page.median),
            "p95": ratio(click.p95, in_page.p95),
            "p99": None,
        },
        note=(
            "what the panel and the frame add to the action Chromium sends and reads "
            "itself in the same page (fetch()/protocol: "
            f"{fmt_ratio(ratio(in_page.median, replaced.median))} median)"
        ),
    )
    median = ratio(click.median, round_trip.median)
    p95 = ratio(click.p95, round_trip.p95)
    report.add(
        "7",
        "click/round trip",
        {"ratio": True, "median": median, "p95": p95, "p99": None},
        target=f"≤ {CLICK_TARGET}x",
        verdict=verdict_of(median, p95, click.errors + round_trip.errors),
        note=(
            f"{click.count} clicks after {WARMUP_CLICKS} unmeasured, each followed by one "
            "protocol action; click to the frame that shows the new row"
        ),
    )
    report.verdicts["7 click to widget"] = (
        f"{fmt_ratio(median)} median, {fmt_ratio(p95)} p95 of the round trip",
        f"≤ {CLICK_TARGET}x (median and p95), 0 errors",
        verdict_of(median, p95, click.errors + round_trip.errors),
    )


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def verdict_of(median: float | None, p95: float | None, errors: int) -> str:
    if median is None or p95 is None:
        return "n/a"
    return "PASS" if max(median, p95) <= CLICK_TARGET and not errors else "MISS"


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def measure(report, server_url: str, plan: PanelPlan) -> None:
    """Both figures; the server must be up (run.py has waited for /healthz)."""
    print(f"  panel: bundle sizes, then {plan.clicks} Start clicks in Chromium", flush=True)
    report_sizes(report, built_sizes())
    asyncio.run(measure_clicks(report, server_url, plan))
