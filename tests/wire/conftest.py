"""The chat over real HTTP: Daphne configured for a real model, the model a stand-in.

One Daphne process per API (`chat_completions`, `responses`), started with
`OPENAI_BASE_URL` at the stand-in OpenAI server (`tests.standin_openai`) and every
HTTP proxy variable at the stand-in too, with only 127.0.0.1 exempt: a request the
app makes to any other host reaches the stand-in as a proxy request and is recorded.
The database is migrated and seeded once for both.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser.conftest import (  # noqa: F401 (a fixture)
    ApiSession,
    browser_database_url,
)
from tests.chatkit.protocol import decode_sse, user_input
from tests.live_server import Daphne, prepare_database
from tests.standin_openai import MODEL_PATHS, StandInOpenAI

APIS = ["chat_completions", "responses"]
MODEL_TIMEOUT = 1.5


@pytest.fixture(scope="package")
def standin() -> Iterator[StandInOpenAI]:
    server = StandInOpenAI().start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def seeded_database(browser_database_url: str) -> str:  # noqa: F811
    env = {**os.environ, "DATABASE_URL": browser_database_url, "CHATKIT_MODEL": "offline"}
    prepare_database(env)
    return browser_database_url


@pytest.fixture(scope="package", params=APIS)
def api(request) -> str:
    return request.param


@dataclass
class ChatApp:
    """Daphne configured for the stand-in model, and that stand-in."""

    server: Daphne
    api: str
    standin: StandInOpenAI

    @property
    def url(self) -> str:
        return self.server.url

    def log_tail(self, lines: int = 60) -> str:
        return self.server.log_tail(lines)

    def log_since(self, offset: int) -> str:
        return self.server.log_text()[offset:]

    def log_size(self) -> int:
        return len(self.server.log_text())


@pytest.fixture(scope="package")
def live_chat(api: str, standin: StandInOpenAI, seeded_database: str, tmp_path_factory):
    proxy = f"http://127.0.0.1:{standin.port}"
    env = {
        **os.environ,
        "DATABASE_URL": seeded_database,
        "DJANGO_DEBUG": "True",
        "DJANGO_LOG_LEVEL": "INFO",
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": standin.base_url,
        "OPENAI_API": api,
        "CHATKIT_MODEL": "standin-model",
        "CHATKIT_MODEL_TIMEOUT": str(MODEL_TIMEOUT),
        "HTTP_PROXY": proxy,
        "HTTPS_PROXY": proxy,
        "ALL_PROXY": proxy,
        "NO_PROXY": "127.0.0.1,localhost",
    }
    standin.reset()
    server = Daphne(env, tmp_path_factory.mktemp(f"daphne-{api}") / "daphne.log")
    try:
        yield ChatApp(server.start(timeout=240), api, standin)
    finally:
        server.stop()
    # Everything the app sent anywhere, including at exit (a trace export would go
    # out then), reached the stand-in as a model request and nothing else.
    elsewhere = [(r.method, r.path) for r in standin.everything if r.path not in MODEL_PATHS]
    assert not elsewhere, f"the app reached beyond the configured model server: {elsewhere}"


@pytest.fixture(autouse=True)
def _fresh_script(request):
    if "live_chat" in request.fixturenames:
        request.getfixturevalue("standin").reset()


class ChatSession(ApiSession):
    """A signed-in user talking ChatKit to `POST /chatkit` over HTTP."""

    def __init__(self, base_url: str, username: str) -> None:
        super().__init__(base_url, username)
        self.client.timeout = 30

    def stream(self, type: str, **params: Any) -> list:
        response = self.client.post(
            "/chatkit", json={"type": type, "params": params}, headers=self._headers()
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/event-stream")
        return decode_sse(response.content)

    def call(self, type: str, **params: Any) -> Any:
        response = self.client.post(
            "/chatkit", json={"type": type, "params": params}, headers=self._headers()
        )
        assert response.status_code == 200, response.text
        return response.json()

    def start(self, content: list[dict] | str, *, tool: str | None = None) -> tuple[str, list]:
        events = self.stream("threads.create", input=self._input(content, tool))
        return events[0].thread.id, events

    def say(self, thread_id: str, content: list[dict] | str, *, tool: str | None = None) -> list:
        return self.stream(
            "threads.add_user_message", thread_id=thread_id, input=self._input(content, tool)
        )

    def items(self, thread_id: str) -> list[dict]:
        return self.call("items.list", thread_id=thread_id, limit=100, order="asc")["data"]

    @staticmethod
    def _input(content: list[dict] | str, tool: str | None) -> dict:
        if isinstance(content, str):
            return user_input(content, tool=tool)
        return {**user_input("", tool=tool), "content": content}


@pytest.fixture
def alice(live_chat: ChatApp) -> Iterator[ChatSession]:
    session = ChatSession(live_chat.url, "alice")
    yield session
    session.close()


@pytest.fixture
def bob(live_chat: ChatApp) -> Iterator[ChatSession]:
    session = ChatSession(live_chat.url, "bob")
    yield session
    session.close()
