"""The app under Daphne with its own migrated, seeded database, and real Chromium.

The server runs as a subprocess on a free port, exactly as `make run` starts it,
so the tests see the built frontend, the session cookies, CSRF and the board
socket the way a browser does.
"""

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.live_server import ROOT, Daphne, prepare_database

# What a test gets from `run_live_app`: the server's `url`, its `log` and `log_tail()`.
LiveApp = Daphne

MANIFEST = ROOT / "frontend" / "dist" / ".vite" / "manifest.json"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "taskboard-demo"
CHATKIT_CDN = "https://cdn.platform.openai.com/**"


# The first test of a module also waits for its server (migrate, seed, start),
# which on a busy two-core machine can take longer than the suite's 120 s.
BROWSER_TEST_TIMEOUT = 240


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(BROWSER_TEST_TIMEOUT))


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


def _with_database_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_dsn(url: str) -> str:
    """psycopg DSN for the server's maintenance database, to create and drop ours."""
    parts = urlsplit(_with_database_name(url, "postgres"))
    return urlunsplit(parts._replace(scheme="postgresql"))


@contextmanager
def _fresh_database() -> Iterator[str]:
    """A database of its own, so the server never shares pytest-django's test database."""
    configured = os.environ.get("DATABASE_URL", "")
    if _is_postgres(configured):
        import psycopg

        name = f"taskboard_browser_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(_admin_dsn(configured), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield _with_database_name(configured, name)
        finally:
            with psycopg.connect(_admin_dsn(configured), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        directory = Path(tempfile.mkdtemp(prefix="taskboard-browser-"))
        try:
            yield f"sqlite:///{directory / 'db.sqlite3'}"
        finally:
            shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="package")
def browser_database_url() -> Iterator[str]:
    with _fresh_database() as url:
        yield url


@contextmanager
def run_live_app(
    database_url: str, log_dir: Path, *, migrate: bool = True, **settings: str
) -> Iterator[Daphne]:
    """Daphne on a free port over `database_url` (migrated and seeded unless told
    not to), with `settings` added to the environment."""
    assert MANIFEST.exists(), "The frontend is not built: run `make setup` (npm ci, npm run build)."
    env = {**os.environ, "DATABASE_URL": database_url}
    env.setdefault("DJANGO_DEBUG", "True")
    # Keep any real model out of the chat unless a test points it at a stand-in.
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    env["CHATKIT_MODEL"] = "offline"
    env.update(settings)
    if migrate:
        prepare_database(env)
    server = Daphne(env, log_dir / "daphne.log").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="package")
def live_app(browser_database_url: str, tmp_path_factory) -> Iterator[LiveApp]:
    """The app with the official panel only (CHATKIT_UI=openai): the board tests
    check what the page does when OpenAI's CDN is unreachable."""
    with run_live_app(
        browser_database_url, tmp_path_factory.mktemp("daphne"), CHATKIT_UI="openai"
    ) as app:
        yield app


# Package scope: Playwright's sync API keeps an event loop running in the main
# thread while it is open, which async tests elsewhere in the run cannot share.
@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Chromium is missing: `apt-get install chromium`."
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, live_app: LiveApp) -> Iterator[Page]:
    """A fresh browser profile where the ChatKit CDN is unreachable, as on an offline network."""
    context = browser.new_context(base_url=live_app.url, viewport={"width": 1440, "height": 900})
    context.route(CHATKIT_CDN, lambda route: route.abort("internetdisconnected"))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page: Page, username: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # "load" would wait on the CDN script, which may never arrive.
    page.wait_for_url("**/", wait_until="domcontentloaded")


@pytest.fixture
def alice_page(page: Page) -> Page:
    sign_in(page, "alice")
    return page


class ApiSession:
    """Another user, talking to the JSON API the way a script would: session cookie + CSRF."""

    def __init__(self, base_url: str, username: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=10)
        login = self.client.get("/accounts/login/")
        assert login.status_code == 200
        response = self.client.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies["csrftoken"],
            },
        )
        assert response.status_code == 302, response.text
        assert self.client.get("/api/me").status_code == 200

    def _headers(self) -> dict[str, str]:
        return {"X-CSRFToken": self.client.cookies["csrftoken"]}

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def post(self, path: str, json: dict) -> httpx.Response:
        return self.client.post(path, json=json, headers=self._headers())

    def close(self) -> None:
        self.client.close()


@pytest.fixture
def api_as():
    sessions: list[ApiSession] = []

    def open_session(base_url: str, username: str) -> ApiSession:
        session = ApiSession(base_url, username)
        sessions.append(session)
        return session

    yield open_session
    for session in sessions:
        session.close()


@pytest.fixture(scope="package")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
