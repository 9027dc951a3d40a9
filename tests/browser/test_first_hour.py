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


def chat_turn(session, text: str) -> None:
    response = session.post(
        "/chatkit",
        {
            "type": "threads.create",
            "params": {
                "input": {
                    "content": [{"type": "input_text", "text": text}],
                    "attachments": [],
                    "inference_options": {},
                }
            },
        },
    )
    assert response.status_code == 200, response.text


def test_the_admin_names_people_and_statuses_as_the_board_does_and_fits_1440(
    alice_page: Page, live_app, api_as, artifacts
):
    alice = api_as(live_app.url, "alice")
    chat_turn(alice, "show tasks in review")
    chat_turn(alice, "who am i")
    page = alice_page

    page.goto("/admin/chatkit_app/chatitem/")
    table = page.locator("#result_list")
    expect(table).to_be_visible()
    expect(table).to_contain_text("Alice Approver")
    box = table.bounding_box()
    assert box and box["x"] + box["width"] <= 1440
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    page.screenshot(path=str(artifacts / "admin-chat-items-1440.png"))

    page.goto("/admin/taskboard/task/?status__exact=review")
    rows = page.locator("#result_list tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator("#result_list")).to_contain_text("Review")
    expect(page.locator("#result_list")).not_to_contain_text("In review")
    expect(page.locator("#result_list")).to_contain_text("Bob Member")
    expect(page.locator("#changelist-filter")).to_contain_text("Bob Member")

    # An action on one task says "1 task", not "1 task(s)".
    page.locator("#result_list tbody tr").filter(has_text="Dark mode for the dashboard").locator(
        "input.action-select"
    ).check()
    page.locator("select[name=action]").select_option(label="Approve selected tasks")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_have_text("Approve: 1 task updated.")
