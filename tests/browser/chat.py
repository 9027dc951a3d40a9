"""Helpers for the chat panel's browser tests: a network guard that keeps the page
on loopback, axe-core, and ways to find the panel's parts by what a user sees."""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Locator, Page, Route, WebSocket, expect

from tests.browser.conftest import ROOT

AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


@dataclass
class NetworkGuard:
    """Aborts every request to a host other than the app's and remembers it."""

    origin: str
    outside: list[str] = field(default_factory=list)

    def install(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)

    def watch_sockets(self, page: Page) -> None:
        page.on("websocket", self._socket)

    def _is_app(self, url: str) -> bool:
        return urlsplit(url).netloc == urlsplit(self.origin).netloc

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or self._is_app(url):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort("blockedbyclient")

    def _socket(self, socket: WebSocket) -> None:
        if not self._is_app(socket.url):
            self.outside.append(socket.url)


def panel(page: Page) -> Locator:
    return page.get_by_test_id("builtin-chat")


def composer(page: Page) -> Locator:
    return panel(page).get_by_label("Message", exact=True)


def send(page: Page, text: str) -> None:
    box = composer(page)
    box.fill(text)
    box.press("Enter")


def thread_items(page: Page, kind: str) -> Locator:
    return panel(page).locator(f'[data-item-type="{kind}"]')


def last_widget(page: Page) -> Locator:
    return thread_items(page, "widget").last


def wait_idle(page: Page) -> None:
    """The answer is complete: no progress line, the send button is back."""
    expect(panel(page).locator(".chat-thread[aria-busy='true']")).to_have_count(0, timeout=15_000)


def board_card(page: Page, title: str) -> Locator:
    return page.get_by_role("article", name=title, exact=True)


def board_column(page: Page, name: str) -> Locator:
    return page.get_by_role("region", name=re.compile(rf"^{name}\b"))


def axe_violations(page: Page, selector: str = '[data-testid="builtin-chat"]') -> list[dict]:
    """axe-core's violations inside `selector`, as id, impact and the offending nodes."""
    # Colours are judged as they settle: a control that was just re-enabled fades back
    # in (a CSS transition), and half-way its contrast is not yet what the user sees.
    page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
            .map((a) => a.finished.catch(() => undefined)))"""
    )
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        """async (selector) => {
            const results = await window.axe.run(document.querySelector(selector), {
                resultTypes: ["violations"],
            });
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                nodes: v.nodes.map((n) => n.html).slice(0, 5),
            }));
        }""",
        selector,
    )
    return result


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2)
