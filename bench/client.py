"""Load-generating clients for the benchmark: ChatKit over HTTP (JSON and SSE), the
sign-in form, and figures (percentiles, throughput).

Every request has a timeout and every loop a bound; traffic goes to 127.0.0.1 only
(`trust_env=False`: no proxy from the environment).
"""

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

REQUEST_TIMEOUT = 30.0
CSRF_TOKEN = "benchmarkcsrftoken0123456789abcd"  # 32 characters, as Django expects
ANSWER_ITEMS = {"widget", "assistant_message"}


@dataclass
class Sample:
    total: float  # seconds from sending the request to the end of the response
    first: float | None = None  # to the first SSE event
    answer: float | None = None  # to the first widget or assistant message
    error: str | None = None
    events: list[dict] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of `values` (not empty)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Figures:
    """Latency figures in milliseconds and throughput in requests per second."""

    count: int
    errors: int
    median: float | None
    p95: float | None
    p99: float | None
    throughput: float | None
    first_error: str | None = None
    # Server CPU time (user + system) per request, where measured: unlike latency,
    # it hardly moves when other work shares the machine.
    cpu_ms: float | None = None

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def figures(samples: list[Sample], wall: float, *, pick=lambda s: s.total) -> Figures:
    values = [pick(s) * 1000 for s in samples if s.ok and pick(s) is not None]
    failed = [s for s in samples if not s.ok]
    if not values:
        return Figures(len(samples), len(failed), None, None, None, None, _first_error(failed))
    return Figures(
        count=len(samples),
        errors=len(failed),
        median=percentile(values, 0.5),
        p95=percentile(values, 0.95),
        p99=percentile(values, 0.99),
        throughput=len(values) / wall if wall > 0 else None,
        first_error=_first_error(failed),
    )


def _first_error(failed: list[Sample]) -> str | None:
    return failed[0].error if failed else None


def sse_frames(buffer: bytearray) -> list[dict]:
    """Remove every complete `data:` frame from `buffer` and return them decoded."""
    events = []
    while True:
        end = buffer.find(b"\n\n")
        if end < 0:
            return events
        frame = bytes(buffer[:end])
        del buffer[: end + 2]
        data = [line[6:] for line in frame.split(b"\n") if line.startswith(b"data: ")]
        if data:
            events.append(json.loads(b"\n".join(data)))


def is_answer(event: dict) -> bool:
    return (
        event.get("type") in ("thread.item.added", "thread.item.done")
        and (event.get("item") or {}).get("type") in ANSWER_ITEMS
    )


class ChatKitClient:
    """One user's connection to a `/chatkit` endpoint (its own cookies and connection)."""

    def __init__(
        self,
        base_url: str,
        *,
        cookies: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        path: str = "/chatkit",
    ) -> None:
        self.path = path
        self.http = httpx.AsyncClient(
            base_url=base_url,
            cookies=cookies,
            headers=headers,
            timeout=REQUEST_TIMEOUT,
            trust_env=False,
            limits=httpx.Limits(max_connections=2, max_keepalive_connections=1),
        )

    @classmethod
    def with_session(cls, base_url: str, session_key: str) -> "ChatKitClient":
        """A signed-in browser: session cookie, CSRF cookie and the matching header."""
        return cls(
            base_url,
            cookies={"sessionid": session_key, "csrftoken": CSRF_TOKEN},
            headers={"X-CSRFToken": CSRF_TOKEN},
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def stream(
        self, body: dict, *, check: Callable[[list[dict]], str | None] | None = None
    ) -> Sample:
        """POST a streaming request and read it to the end, timing the first event and answer."""
        content = json.dumps(body).encode()
        started = time.perf_counter()
        first = answer = None
        events: list[dict] = []
        buffer = bytearray()
        try:
            async with self.http.stream(
                "POST", self.path, content=content, headers={"Content-Type": "application/json"}
            ) as response:
                if response.status_code != 200:
                    await response.aread()
                    return Sample(
                        time.perf_counter() - started,
                        error=f"HTTP {response.status_code}: {response.text[:200]}",
                    )
                async for chunk in response.aiter_raw():
                    buffer += chunk
                    for event in sse_frames(buffer):
                        now = time.perf_counter()
                        if first is None:
                            first = now - started
                        if answer is None and is_answer(event):
                            answer = now - started
                        events.append(event)
        except (httpx.HTTPError, json.JSONDecodeError) as exc:
            return Sample(time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}")
        total = time.perf_counter() - started
        sample = Sample(total, first, answer, events=events)
        errors = [e for e in events if e.get("type") == "error"]
        if errors:
            sample.error = f"error event: {json.dumps(errors[0])[:200]}"
        elif not events:
            sample.error = "empty stream"
        elif check is not None:
            sample.error = check(events)
        return sample

    async def call(self, body: dict, *, check: Callable[[Any], str | None] | None = None) -> Sample:
        """POST a non-streaming request; the JSON answer is checked by `check`."""
        content = json.dumps(body).encode()
        started = time.perf_counter()
        try:
            response = await self.http.post(
                self.path, content=content, headers={"Content-Type": "application/json"}
            )
            payload = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, json.JSONDecodeError) as exc:
            return Sample(time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}")
        total = time.perf_counter() - started
        if response.status_code != 200:
            return Sample(total, error=f"HTTP {response.status_code}: {response.text[:200]}")
        return Sample(total, error=check(payload) if check else None)


async def sign_in(base_url: str, username: str, password: str) -> str:
    """Sign in through the login form, as a browser does; returns the session cookie."""
    async with httpx.AsyncClient(
        base_url=base_url, timeout=REQUEST_TIMEOUT, trust_env=False
    ) as http:
        page = await http.get("/accounts/login/")
        page.raise_for_status()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            raise RuntimeError("The login page has no CSRF token.")
        answer = await http.post(
            "/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token[1]},
        )
        session = http.cookies.get("sessionid")
        if answer.status_code != 302 or not session:
            raise RuntimeError(f"Sign-in failed for {username}: HTTP {answer.status_code}")
        return session


async def run_clients(
    count: int, per_client: int, request: Callable[[int, int], Awaitable[Sample]]
) -> tuple[list[Sample], float]:
    """`count` clients, each making `per_client` requests one after another, all at once.

    Returns every sample and the wall time of the whole run.
    """

    async def one(index: int) -> list[Sample]:
        return [await request(index, n) for n in range(per_client)]

    started = time.perf_counter()
    results = await asyncio.gather(*(one(index) for index in range(count)))
    wall = time.perf_counter() - started
    return [sample for samples in results for sample in samples], wall
