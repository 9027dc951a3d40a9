"""The built-in chat panel (CHATKIT_UI=builtin) in real Chromium against Daphne.

ChatKit's testing checklist end to end: widgets and their buttons, the task form,
approvals and refusals, "Show more", selecting a row, @mentions, composer tools,
feedback, retry, history and a hostile title. Every request to a host other than
the app's is aborted, and each test asserts none was made; axe-core checks the
start screen, a list and the form.
"""

import json
import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.chat import (
    NetworkGuard,
    assert_accessible,
    board_card,
    board_column,
    composer,
    last_widget,
    panel,
    send,
    thread_items,
    wait_idle,
)
from tests.browser.conftest import LiveApp, _fresh_database, run_live_app, sign_in

pytestmark = pytest.mark.browser

HOSTILE_TITLE = 'Fix "quotes" \\ {{ 7*7 }} </script> <img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def chat_app(tmp_path_factory) -> Iterator[LiveApp]:
    with (
        _fresh_database() as database_url,
        run_live_app(
            database_url, tmp_path_factory.mktemp("daphne-chat"), CHATKIT_UI="builtin"
        ) as app,
    ):
        yield app


@pytest.fixture
def chat_page(browser: Browser, chat_app: LiveApp) -> Iterator[Page]:
    """A fresh profile on the built-in panel; nothing may leave loopback, no dialog may open."""
    context = browser.new_context(base_url=chat_app.url, viewport={"width": 1440, "height": 900})
    guard = NetworkGuard(chat_app.url)
    guard.install(context)
    page = context.new_page()
    guard.watch_sockets(page)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert guard.outside == [], f"requests left loopback: {guard.outside}"
    assert dialogs == [], f"dialogs opened: {dialogs}"


def open_chat(page: Page, username: str) -> None:
    sign_in(page, username)
    expect(panel(page)).to_be_visible()


def api_post(page: Page, path: str, body: dict) -> dict:
    """A JSON POST from the page itself (session cookie + CSRF), as a script would send it."""
    return page.evaluate(
        """async ([path, body]) => {
            const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
            const response = await fetch(path, {
                method: "POST",
                headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                body: JSON.stringify(body),
            });
            return {status: response.status, body: await response.text()};
        }""",
        [path, body],
    )


def api_get(page: Page, path: str) -> dict:
    return page.evaluate(
        "async (path) => (await fetch(path)).json()",
        path,
    )


def create_task(page: Page, title: str, **fields) -> dict:
    response = api_post(page, "/api/tasks", {"title": title, **fields})
    assert response["status"] == 201, response
    return json.loads(response["body"])


def task_status(page: Page, task_id: int) -> str:
    return api_get(page, f"/api/tasks/{task_id}")["status"]


def list_row(page: Page, title: str):
    """The list widget's row that shows `title`."""
    return last_widget(page).get_by_role("listitem").filter(has_text=title)


def test_show_tasks_then_start_replaces_the_widget_and_moves_the_board_card(
    chat_page: Page, artifacts
):
    page = chat_page
    tag = uuid.uuid4().hex[:6]
    title = f"Chat start {tag}"
    open_chat(page, "alice")
    task = create_task(page, title)
    double = create_task(page, f"Double click {tag}")

    # The start screen: the options' greeting and prompts.
    expect(panel(page).get_by_text("What should we get done?")).to_be_visible()
    expect(panel(page).get_by_role("button", name="Show my tasks", exact=True)).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "chat-start.png"))

    panel(page).get_by_role("button", name="Show my tasks", exact=True).click()
    expect(last_widget(page).get_by_role("listitem").first).to_be_visible()
    wait_idle(page)
    send(page, f"find {tag}")
    expect(thread_items(page, "widget")).to_have_count(2)
    row = list_row(page, title)
    expect(row).to_be_visible()
    expect(row.get_by_role("button", name="Start", exact=True)).to_be_visible()
    wait_idle(page)
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "chat-list.png"))
    widgets_before = thread_items(page, "widget").count()

    row.get_by_role("button", name="Start", exact=True).click()
    # Replaced in place: same number of widgets, the row now offers the next move.
    expect(row.get_by_role("button", name="Submit for review", exact=True)).to_be_visible()
    expect(row.get_by_role("button", name="Start", exact=True)).to_have_count(0)
    assert thread_items(page, "widget").count() == widgets_before
    expect(panel(page).get_by_text(f"#{task['id']} “{title}”. It is now")).to_be_visible()
    # The board card moved, without a reload.
    expect(board_column(page, "In progress").get_by_role("article", name=title)).to_be_visible()
    assert task_status(page, task["id"]) == "in_progress"

    # A double click applies once: one move, one sentence, no refusal.
    wait_idle(page)
    list_row(page, double["title"]).get_by_role("button", name="Start", exact=True).dblclick()
    expect(
        panel(page).get_by_text(f"#{double['id']} “{double['title']}”. It is now")
    ).to_have_count(1)
    wait_idle(page)
    expect(panel(page).get_by_text("Nothing changed")).to_have_count(0)
    assert task_status(page, double["id"]) == "in_progress"


def test_the_task_form_shows_field_errors_then_becomes_the_task_card(chat_page: Page, artifacts):
    page = chat_page
    title = f"Made in the form {uuid.uuid4().hex[:6]}"
    open_chat(page, "alice")
    send(page, "new task")
    form = last_widget(page)
    expect(form.get_by_label("Title")).to_be_visible()
    wait_idle(page)
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "chat-form.png"))

    # Blank (spaces pass the browser's `required`): the server's error shows under the field.
    form.get_by_label("Title").fill("   ")
    form.get_by_role("button", name="Create task", exact=True).click()
    expect(panel(page).get_by_text("The task was not created.")).to_be_visible()
    form = last_widget(page)
    expect(form.get_by_label("Title")).to_be_visible()
    error = form.get_by_text("Give the task a title.")
    expect(error).to_be_visible()
    field_box, error_box = form.get_by_label("Title").bounding_box(), error.bounding_box()
    assert field_box and error_box and error_box["y"] >= field_box["y"] + field_box["height"] - 1

    form.get_by_label("Title").fill(title)
    form.get_by_label("Description").fill("Written in the built-in panel.")
    form.get_by_role("button", name="Create task", exact=True).click()
    expect(
        panel(page).get_by_text(re.compile(rf"Created #\d+ “{re.escape(title)}”"))
    ).to_be_visible()
    expect(last_widget(page).get_by_label("Title")).to_have_count(0)
    expect(last_widget(page)).to_contain_text(title)
    expect(board_column(page, "To do").get_by_role("article", name=title)).to_be_visible()


def test_an_approver_approves_from_the_review_list_and_a_member_cannot(
    chat_page: Page, browser: Browser, chat_app: LiveApp
):
    page = chat_page
    open_chat(page, "bob")
    title = f"Review me {uuid.uuid4().hex[:6]}"
    task = create_task(page, title)
    for action in ("start", "submit"):
        response = api_post(page, f"/api/tasks/{task['id']}/transitions", {"action": action})
        assert response["status"] == 200, response

    # The member sees the task in review, with no approve button.
    send(page, "show tasks in review")
    row = list_row(page, title)
    expect(row).to_be_visible()
    wait_idle(page)
    expect(row.get_by_role("button", name="Approve", exact=True)).to_have_count(0)

    # A forged approve on that widget is refused, and the reason is shown.
    thread_id = page.evaluate("() => localStorage.getItem('taskboard.chat.thread')")
    assert thread_id
    items = json.loads(
        api_post(
            page,
            "/chatkit",
            {"type": "items.list", "params": {"thread_id": thread_id, "order": "desc"}},
        )["body"]
    )
    widget_id = next(item["id"] for item in items["data"] if item["type"] == "widget")
    forged = api_post(
        page,
        "/chatkit",
        {
            "type": "threads.custom_action",
            "params": {
                "thread_id": thread_id,
                "item_id": widget_id,
                "action": {"type": "task.approve", "payload": {"task_id": task["id"]}},
            },
        },
    )
    assert forged["status"] == 200
    assert task_status(page, task["id"]) == "review"
    page.reload(wait_until="domcontentloaded")
    refusal = thread_items(page, "assistant_message").filter(has_text="Nothing changed")
    expect(refusal.last).to_be_visible()
    expect(refusal.last).to_contain_text("Only approvers can approve tasks")

    # The approver approves from the same kind of list.
    context = browser.new_context(base_url=chat_app.url, viewport={"width": 1440, "height": 900})
    guard = NetworkGuard(chat_app.url)
    guard.install(context)
    alice = context.new_page()
    try:
        open_chat(alice, "alice")
        send(alice, "show tasks in review")
        row = list_row(alice, title)
        row.get_by_role("button", name="Approve", exact=True).click()
        expect(alice.get_by_text(f"#{task['id']} “{title}”. It is now")).to_be_visible()
        expect(board_column(alice, "Done").get_by_role("article", name=title)).to_be_visible()
        assert task_status(alice, task["id"]) == "done"
    finally:
        context.close()
    assert guard.outside == []


def test_show_more_pages_on_and_selecting_a_row_highlights_its_board_card(chat_page: Page):
    page = chat_page
    open_chat(page, "alice")
    tag = uuid.uuid4().hex[:6]
    tasks = [create_task(page, f"Paging {tag} {n:02d}") for n in range(22)]

    send(page, f"find Paging {tag}")
    first = last_widget(page)
    expect(first.get_by_role("button", name="Show more", exact=True)).to_be_visible()
    wait_idle(page)
    first.get_by_role("button", name="Show more", exact=True).click()
    expect(thread_items(page, "user_message").last).to_have_text("show more tasks from 20")
    expect(thread_items(page, "widget")).to_have_count(2)
    wait_idle(page)
    expect(last_widget(page).get_by_role("listitem").first).to_be_visible()

    # Selecting a row of the first list highlights (and scrolls to) its board card.
    picked = tasks[0]
    first.get_by_role("button", name=picked["title"], exact=True).click()
    expect(board_card(page, picked["title"])).to_have_attribute("aria-current", "true")


def in_review(page: Page, title: str) -> dict:
    task = create_task(page, title)
    for action in ("start", "submit"):
        response = api_post(page, f"/api/tasks/{task['id']}/transitions", {"action": action})
        assert response["status"] == 200, response
    return task


def pick_mention(page: Page, typed: str, title: str) -> None:
    """Type `typed` (ending in "@" and part of a title), walk to `title`'s option, Enter."""
    box = composer(page)
    box.click()
    box.press_sequentially(typed)
    option = panel(page).get_by_role("option").filter(has_text=title)
    expect(option.first).to_be_visible()
    for _ in range(20):
        if option.first.get_attribute("aria-selected") == "true":
            break
        box.press("ArrowDown")
    box.press("Enter")


def test_a_mention_typed_with_at_becomes_a_chip_with_a_preview_and_approves_that_task(
    chat_page: Page,
):
    page = chat_page
    open_chat(page, "alice")
    title = f"Mention target {uuid.uuid4().hex[:6]}"
    task = in_review(page, title)

    pick_mention(page, f"approve @{title[:12]}", title)
    chip = panel(page).locator(".chat-composer__chips").get_by_role("button", name=f"@{title}")
    expect(chip).to_be_visible()
    expect(composer(page)).to_have_value(f"approve @{title} ")

    chip.hover()
    expect(panel(page).get_by_role("tooltip")).to_contain_text(title)

    composer(page).press("Enter")
    sent = thread_items(page, "user_message").last
    expect(sent.get_by_role("button", name=f"@{title}")).to_be_visible()
    expect(board_column(page, "Done").get_by_role("article", name=title)).to_be_visible()
    assert task_status(page, task["id"]) == "done"


def test_choosing_the_review_tool_shows_the_review_queue(chat_page: Page):
    page = chat_page
    open_chat(page, "alice")
    title = f"Queued {uuid.uuid4().hex[:6]}"
    in_review(page, title)

    review = panel(page).get_by_role("button", name="Review", exact=True)
    review.click()
    expect(review).to_have_attribute("aria-pressed", "true")
    expect(composer(page)).to_have_attribute("placeholder", "Show tasks waiting for review")
    send(page, "what needs review?")
    expect(last_widget(page)).to_contain_text("Review queue")
    expect(list_row(page, title).get_by_role("button", name="Approve", exact=True)).to_be_visible()


def test_feedback_is_stored_retry_replaces_the_answer_and_history_reopens_threads(
    chat_page: Page,
):
    page = chat_page
    open_chat(page, "alice")

    send(page, "hello")
    answer = thread_items(page, "assistant_message").last
    expect(answer).to_be_visible()
    wait_idle(page)
    first_thread = page.evaluate("() => localStorage.getItem('taskboard.chat.thread')")

    # Retry replaces the answer: still one answer, a new item.
    old_id = answer.get_attribute("data-item-id")
    answer.get_by_role("button", name="Retry this answer", exact=True).click()
    answers = thread_items(page, "assistant_message")
    expect(answers.first).not_to_have_attribute("data-item-id", old_id or "")
    wait_idle(page)
    expect(answers).to_have_count(1)

    # A thumb on the new answer (the retry dropped the old one with its feedback).
    thumb = answers.first.get_by_role("button", name="Good answer", exact=True)
    thumb.click()
    expect(thumb).to_have_attribute("aria-pressed", "true")

    # A second thread; after a reload it is still open, and history lists both.
    panel(page).get_by_role("button", name="New chat", exact=True).click()
    expect(panel(page).get_by_text("What should we get done?")).to_be_visible()
    send(page, "who am i")
    expect(thread_items(page, "assistant_message")).to_have_count(1)
    wait_idle(page)
    page.reload(wait_until="domcontentloaded")
    expect(thread_items(page, "user_message").filter(has_text="who am i")).to_be_visible()

    panel(page).get_by_role("button", name="Chat history", exact=True).click()
    history = panel(page).get_by_role("navigation", name="Chat history")
    # Newest first: the first of each title is this test's.
    expect(history.get_by_role("button", name=re.compile("^who am i", re.I)).first).to_be_visible()
    opener = history.get_by_role("button", name=re.compile("^hello", re.I)).first
    expect(opener).to_be_visible()
    opener.click()
    expect(thread_items(page, "user_message").filter(has_text="hello")).to_be_visible()
    expect(thread_items(page, "user_message").filter(has_text="who am i")).to_have_count(0)

    # Rename and delete from the history.
    panel(page).get_by_role("button", name="Chat history", exact=True).click()
    history.get_by_role("button", name=re.compile("^Rename .who am i", re.I)).first.click()
    field = history.get_by_label("Chat title")
    field.fill("Identity check")
    field.press("Enter")
    expect(history.get_by_role("button", name=re.compile("^Identity check"))).to_be_visible()
    # Delete asks first; Escape (from the keyboard) keeps the chat, Delete removes it.
    history.get_by_role("button", name=re.compile("^Delete .Identity check")).first.click()
    question = history.get_by_role("group", name=re.compile("^Delete .Identity check"))
    expect(question).to_contain_text("cannot be undone")
    expect(question.get_by_role("button", name="Cancel", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(question).to_have_count(0)
    delete = history.get_by_role("button", name=re.compile("^Delete .Identity check")).first
    expect(delete).to_be_focused()
    delete.press("Enter")
    question.get_by_role("button", name="Delete", exact=True).click()
    expect(history.get_by_role("button", name=re.compile("^Identity check"))).to_have_count(0)

    # The thumb is in /admin/ under chat feedback.
    page.goto(f"/admin/chatkit_app/chatfeedback/?q={first_thread}")
    expect(page.get_by_text("1 chat feedback")).to_be_visible()
    expect(page.locator("#result_list")).to_contain_text("positive", ignore_case=True)


def test_a_hostile_title_shows_as_text_in_the_list_the_card_and_the_chip(chat_page: Page):
    page = chat_page
    open_chat(page, "alice")
    task = create_task(page, HOSTILE_TITLE)

    send(page, 'find Fix "quotes"')
    expect(list_row(page, HOSTILE_TITLE).filter(has_text=f"#{task['id']}")).to_be_visible()
    wait_idle(page)

    pick_mention(page, 'show @Fix "quo', HOSTILE_TITLE)
    chip = panel(page).locator(".chat-composer__chips").get_by_role("button").first
    expect(chip).to_have_text(f"@{HOSTILE_TITLE}")
    composer(page).press("Enter")
    sent = thread_items(page, "user_message").last
    expect(sent.get_by_role("button")).to_have_text(f"@{HOSTILE_TITLE}")
    card = last_widget(page)
    expect(card).to_contain_text(f"#{task['id']}")
    expect(card).to_contain_text(HOSTILE_TITLE)
    assert page.locator("img[src='x']").count() == 0


def test_the_panel_is_readable_at_390_px_and_works_from_the_keyboard(chat_page: Page, artifacts):
    page = chat_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "bob")
    # Narrow screens show the board or the assistant, switched by tabs.
    page.get_by_role("tab", name="Assistant").click()
    expect(panel(page)).to_be_visible()
    prompt = panel(page).get_by_role("button", name="Show my tasks", exact=True)
    prompt.focus()
    page.keyboard.press("Enter")
    expect(last_widget(page).get_by_role("listitem").first).to_be_visible()
    wait_idle(page)
    panel(page).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "chat-narrow.png"))
    widths = page.evaluate(
        """() => {
            const panel = document.querySelector('[data-testid="builtin-chat"]');
            return {page: document.documentElement.scrollWidth, panel: panel.scrollWidth,
                    box: panel.clientWidth};
        }"""
    )
    assert widths["page"] <= 390, widths
    assert widths["panel"] <= widths["box"] + 1, widths

    # The composer from the keyboard: Shift+Enter breaks the line, Enter sends.
    box = composer(page)
    box.focus()
    page.keyboard.type("help")
    page.keyboard.press("Shift+Enter")
    expect(box).to_have_value("help\n")
    page.keyboard.press("Backspace")
    page.keyboard.press("Enter")
    expect(thread_items(page, "user_message").last).to_have_text("help")
