"""A model failure in the built-in panel: the error shows with a Retry that works.

The app talks to a scripted stand-in for an OpenAI-compatible server on loopback
(OPENAI_BASE_URL): it refuses while `failing` is set, then streams an answer.
"""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.chat import NetworkGuard, panel, send, thread_items
from tests.browser.conftest import LiveApp, _fresh_database, run_live_app, sign_in

pytestmark = pytest.mark.browser

ANSWER = "Back online: the model answered."
MODEL_FAILED = "The assistant could not answer just now."


class StandIn:
    failing = True
    requests = 0


def _chunk(delta: dict, finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-standin",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "gpt-standin",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        StandIn.requests += 1
        if StandIn.failing:
            # 400 is not retried by the OpenAI client, so the failure reaches the app at once.
            body = json.dumps({"error": {"message": "stand-in refuses", "type": "invalid"}})
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self.wfile.write(_chunk({"role": "assistant", "content": ANSWER[:10]}))
        self.wfile.write(_chunk({"content": ANSWER[10:]}))
        self.wfile.write(_chunk({}, "stop"))
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def stand_in() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def failing_app(tmp_path_factory, stand_in: str) -> Iterator[LiveApp]:
    with (
        _fresh_database() as database_url,
        run_live_app(
            database_url,
            tmp_path_factory.mktemp("daphne-model"),
            CHATKIT_UI="builtin",
            OPENAI_BASE_URL=stand_in,
            CHATKIT_MODEL="gpt-standin",
        ) as app,
    ):
        yield app


@pytest.fixture
def page(browser: Browser, failing_app: LiveApp) -> Iterator[Page]:
    context = browser.new_context(base_url=failing_app.url, viewport={"width": 1440, "height": 900})
    guard = NetworkGuard(failing_app.url)
    guard.install(context)
    page = context.new_page()
    guard.watch_sockets(page)
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert guard.outside == [], guard.outside


def test_a_model_failure_shows_the_error_and_retry_answers(page: Page):
    StandIn.failing = True
    sign_in(page, "alice")
    expect(panel(page)).to_be_visible()
    send(page, "hello there")

    error = panel(page).get_by_role("alert").filter(has_text=MODEL_FAILED)
    expect(error).to_be_visible()
    assert StandIn.requests >= 1
    expect(thread_items(page, "assistant_message")).to_have_count(0)

    StandIn.failing = False
    error.get_by_role("button", name="Retry").click()
    expect(thread_items(page, "assistant_message").filter(has_text=ANSWER)).to_be_visible()
    expect(error).to_have_count(0)
    # The user's message was kept, once.
    expect(thread_items(page, "user_message").filter(has_text="hello there")).to_have_count(1)
