"""What a newcomer meets first, in Chromium on a machine with no internet: the API
docs, the sign-in page."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def offline(page: Page) -> list[str]:
    """Abort every request that would leave the machine; return their URLs."""
    aborted: list[str] = []

    def route(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and (
            urlsplit(url).hostname not in LOOPBACK
        ):
            aborted.append(url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/*", route)
    return aborted


def test_api_docs_list_the_operations_with_no_internet(page: Page, artifacts):
    aborted = offline(page)

    page.goto("/api/docs")

    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible()
    paths = operations.all_inner_texts()
    assert "/api/tasks" in [p.replace("\u200b", "") for p in paths]
    assert any("transitions" in p for p in paths)
    assert len(paths) >= 6
    assert aborted == []
    page.screenshot(path=str(artifacts / "api-docs-offline.png"))


def test_a_wrong_password_keeps_the_username_on_a_styled_sign_in_page(page: Page, artifacts):
    aborted = offline(page)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("did not match")
    expect(page.get_by_label("Username")).to_have_value("alice")
    expect(page.get_by_label("Password")).to_be_focused()
    button = page.get_by_role("button", name="Sign in")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(59, 91, 219)"
    assert button.evaluate("b => getComputedStyle(b).color") == "rgb(255, 255, 255)"
    assert page.evaluate(
        "document.querySelector('link[rel=icon]').href.endsWith('/static/taskboard/favicon.svg')"
    )
    assert aborted == []
    page.screenshot(path=str(artifacts / "sign-in-wrong-password.png"))
