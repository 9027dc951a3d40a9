"""CHATKIT_UI=auto: with OpenAI's CDN out of reach, the page falls back to the
built-in panel within the load timeout, without a reload, and the chat works."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.chat import NetworkGuard, last_widget, panel, send
from tests.browser.conftest import LiveApp, _fresh_database, run_live_app, sign_in

pytestmark = pytest.mark.browser

# frontend/src/lib/config.ts: CHATKIT_LOAD_TIMEOUT_MS.
LOAD_TIMEOUT_MS = 5000
CDN_HOST = "cdn.platform.openai.com"


@pytest.fixture(scope="module")
def auto_app(tmp_path_factory) -> Iterator[LiveApp]:
    with (
        _fresh_database() as database_url,
        run_live_app(
            database_url, tmp_path_factory.mktemp("daphne-auto"), CHATKIT_UI="auto"
        ) as app,
    ):
        yield app


@pytest.fixture
def guarded(browser: Browser, auto_app: LiveApp) -> Iterator[tuple[Page, NetworkGuard]]:
    context = browser.new_context(base_url=auto_app.url, viewport={"width": 1440, "height": 900})
    guard = NetworkGuard(auto_app.url)
    guard.install(context)
    page = context.new_page()
    guard.watch_sockets(page)
    page.set_default_timeout(10_000)
    yield page, guard
    context.close()


def test_a_blocked_cdn_falls_back_to_the_builtin_panel_and_it_chats(guarded):
    page, guard = guarded
    sign_in(page, "alice")
    expect(panel(page)).to_be_visible(timeout=LOAD_TIMEOUT_MS + 2000)
    expect(page.get_by_text("The chat assistant could not load")).to_have_count(0)

    send(page, "show tasks")
    expect(last_widget(page)).to_contain_text("Fix login redirect loop")
    # The only request that tried to leave loopback was OpenAI's script, and it was blocked.
    assert guard.outside, "the page never asked for the ChatKit script"
    assert all(CDN_HOST in url for url in guard.outside), guard.outside


def test_a_cdn_that_never_answers_falls_back_once_the_load_timeout_passes(guarded):
    page, guard = guarded
    held: list[Route] = []
    # Registered after the guard, so it wins: hold the script request open, unanswered.
    page.context.route(f"https://{CDN_HOST}/**", lambda route: held.append(route))
    # The page's timers run on a clock the test moves: the timeout is read, not raced.
    page.clock.install()
    page.clock.pause_at(datetime(2030, 1, 1, tzinfo=UTC))

    sign_in(page, "alice")
    loading = page.get_by_role("status").filter(has_text="Loading the assistant")
    expect(loading).to_be_visible()
    assistant = page.get_by_role("region", name="Assistant")
    page.clock.run_for(LOAD_TIMEOUT_MS - 100)
    expect(assistant).to_have_attribute("data-chat-ui", "auto")
    expect(loading).to_be_visible()

    page.clock.run_for(200)
    expect(assistant).to_have_attribute("data-chat-ui", "builtin")
    # The timeout has fired; the panel's own timers (React's reveal, its session) run.
    page.clock.resume()
    expect(panel(page)).to_be_visible()
    assert held, "the page never asked for the ChatKit script"
    expect(page.get_by_text("The chat assistant could not load")).to_have_count(0)
    assert guard.outside == []
