"""The board page in real Chromium against the app served by Daphne.

One server and database serve the whole module; each test works on its own
seeded tasks so the order they run in does not matter.
"""

import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, Route, expect

from tests.browser.conftest import CHATKIT_CDN, sign_in

pytestmark = pytest.mark.browser

STATUS_NAMES = {"todo": "To do", "in_progress": "In progress", "review": "Review", "done": "Done"}


def column(page: Page, status: str) -> Locator:
    return page.get_by_role("region", name=re.compile(rf"^{STATUS_NAMES[status]}\b"))


def card(page: Page, title: str) -> Locator:
    return page.get_by_role("article", name=title, exact=True)


def task_by_title(session, title: str) -> dict:
    items = session.get(f"/api/tasks?q={title}").json()["items"]
    matches = [task for task in items if task["title"] == title]
    assert len(matches) == 1, items
    return matches[0]


def test_layout_puts_the_chat_beside_the_board_when_wide_and_behind_a_tab_when_narrow(
    alice_page: Page, artifacts
):
    page = alice_page
    board = page.get_by_role("region", name="Board")
    chat = page.get_by_role("region", name="Assistant")
    expect(page.get_by_role("alert").filter(has_text="could not load")).to_be_visible()
    expect(card(page, "Set up error tracking")).to_be_visible()

    wide_board, wide_chat = board.bounding_box(), chat.bounding_box()
    assert wide_board and wide_chat
    assert wide_chat["x"] >= wide_board["x"] + wide_board["width"]
    assert abs(wide_chat["y"] - wide_board["y"]) < 40
    page.screenshot(path=str(artifacts / "board-wide.png"))

    expect(page.get_by_role("tablist")).to_have_count(0)

    page.set_viewport_size({"width": 390, "height": 844})
    board_tab = page.get_by_role("tab", name="Board")
    assistant_tab = page.get_by_role("tab", name="Assistant")
    expect(board_tab).to_have_attribute("aria-selected", "true")
    todo, in_progress = column(page, "todo"), column(page, "in_progress")
    expect(todo).to_be_visible()
    expect(chat).to_be_hidden()
    todo_box, progress_box = todo.bounding_box(), in_progress.bounding_box()
    assert todo_box and progress_box
    assert progress_box["y"] >= todo_box["y"] + todo_box["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The connection state reads as a word next to its dot, not a bare dot.
    expect(page.get_by_role("status").filter(has_text="Board updates")).to_contain_text("Live")
    status_text = page.locator(".socket-status__text")
    status_box = status_text.bounding_box()
    assert status_box and status_box["width"] > 10
    page.screenshot(path=str(artifacts / "board-narrow.png"), full_page=True)

    assistant_tab.click()
    expect(chat).to_be_visible()
    expect(board).to_be_hidden()
    narrow_chat = chat.bounding_box()
    assert narrow_chat and narrow_chat["y"] < 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "board-narrow-assistant.png"))

    board_tab.click()
    expect(card(page, "Set up error tracking")).to_be_visible()


def test_signing_in_opens_the_board_with_every_task_in_its_status_column(
    alice_page: Page, live_app, api_as
):
    page = alice_page
    expect(page.get_by_role("banner")).to_contain_text("Signed in as Alice Approver")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    tasks = api_as(live_app.url, "bob").get("/api/tasks?limit=100").json()["items"]
    assert len(tasks) >= 12
    for status in STATUS_NAMES:
        titles = sorted(task["title"] for task in tasks if task["status"] == status)
        shown = column(page, status).get_by_role("heading", level=3)
        expect(shown).to_have_count(len(titles))
        assert sorted(shown.all_inner_texts()) == titles

    review_card = card(page, "Dark mode for the dashboard")
    expect(review_card).to_contain_text("Bob Member")
    expect(review_card).to_contain_text("Medium")
    expect(review_card.get_by_role("button", name="Approve")).to_be_visible()
    expect(review_card.get_by_role("button", name="Reject")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()


def test_a_member_sees_only_the_buttons_for_transitions_they_may_make(page: Page):
    sign_in(page, "bob")
    expect(page.get_by_role("banner")).to_contain_text("Signed in as Bob Member")
    review_card = card(page, "Translate the app to Spanish")
    expect(review_card).to_be_visible()
    expect(review_card.get_by_role("button")).to_have_count(0)
    start = card(page, "Fix login redirect loop").get_by_role("button", name="Start")
    expect(start).to_be_visible()


def test_a_transition_clicked_on_the_board_moves_the_card_and_is_saved(
    alice_page: Page, live_app, api_as
):
    page = alice_page
    title = "Write onboarding guide"
    expect(column(page, "todo").get_by_role("article", name=title)).to_be_visible()

    card(page, title).get_by_role("button", name="Start").click()

    moved = column(page, "in_progress").get_by_role("article", name=title)
    expect(moved).to_be_visible()
    expect(column(page, "todo").get_by_role("article", name=title)).to_have_count(0)
    expect(moved.get_by_role("button", name="Submit for review")).to_be_visible()
    assert task_by_title(api_as(live_app.url, "bob"), title)["status"] == "in_progress"


def test_transition_buttons_work_from_the_keyboard(alice_page: Page, live_app, api_as):
    page = alice_page
    title = "Migrate CI to the new runners"
    button = card(page, title).get_by_role("button", name="Submit for review")
    button.focus()
    expect(button).to_be_focused()
    page.keyboard.press("Enter")

    expect(column(page, "review").get_by_role("article", name=title)).to_be_visible()
    assert task_by_title(api_as(live_app.url, "bob"), title)["status"] == "review"


def test_a_change_another_user_makes_through_the_api_appears_without_reload(
    alice_page: Page, live_app, api_as
):
    page = alice_page
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    bob = api_as(live_app.url, "bob")

    title = "Add CSV export to reports"
    task = task_by_title(bob, title)
    response = bob.post(f"/api/tasks/{task['id']}/transitions", {"action": "start"})
    assert response.status_code == 200, response.text
    expect(column(page, "in_progress").get_by_role("article", name=title)).to_be_visible()
    expect(column(page, "todo").get_by_role("article", name=title)).to_have_count(0)

    new_title = f"Call the venue {uuid.uuid4().hex[:6]}"
    response = bob.post("/api/tasks", {"title": new_title, "priority": "high"})
    assert response.status_code == 201, response.text
    created = column(page, "todo").get_by_role("article", name=new_title)
    expect(created).to_be_visible()
    expect(created).to_contain_text("High")

    assert page.evaluate("window.__sameDocument") is True


def test_search_filters_the_board_and_live_changes_respect_the_filter(
    alice_page: Page, live_app, api_as
):
    page = alice_page
    page.get_by_role("searchbox", name="Search").fill("pricing")
    expect(page.get_by_role("article")).to_have_count(1)
    expect(card(page, "Design the new pricing page")).to_be_visible()

    bob = api_as(live_app.url, "bob")
    bob.post("/api/tasks", {"title": "Unrelated errand"})
    bob.post("/api/tasks", {"title": "Pricing FAQ"})
    expect(card(page, "Pricing FAQ")).to_be_visible()
    expect(page.get_by_role("article")).to_have_count(2)

    page.get_by_role("button", name="Clear filters").click()
    expect(card(page, "Unrelated errand")).to_be_visible()


def test_chat_panel_says_plainly_when_the_chatkit_script_is_blocked(page: Page):
    blocked: list[str] = []
    page.on("requestfailed", lambda request: blocked.append(request.url))
    sign_in(page, "alice")

    notice = page.get_by_role("alert").filter(has_text="The chat assistant could not load")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("The board still works")
    assert any(url.startswith("https://cdn.platform.openai.com/") for url in blocked), blocked

    # The board keeps working without the chat.
    title = "Upgrade Postgres to 16"
    card(page, title).get_by_role("button", name="Start").click()
    expect(column(page, "in_progress").get_by_role("article", name=title)).to_be_visible()


def test_chat_panel_gives_up_waiting_for_a_script_that_never_arrives(page: Page):
    stalled: list[Route] = []
    page.context.unroute(CHATKIT_CDN)
    # Hold the request open without answering, as a black-holed network would.
    page.context.route(CHATKIT_CDN, lambda route: stalled.append(route))
    sign_in(page, "alice")

    expect(page.get_by_role("status").filter(has_text="Loading the assistant")).to_be_visible()
    notice = page.get_by_role("alert").filter(has_text="The chat assistant could not load")
    expect(notice).to_be_visible(timeout=10_000)
    assert stalled, "the page never asked for the ChatKit script"
    expect(page.get_by_role("article").first).to_be_visible()


def test_sign_out_ends_the_session(alice_page: Page):
    page = alice_page
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Taskboard")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
