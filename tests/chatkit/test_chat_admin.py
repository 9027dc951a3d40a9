"""Threads, items and feedback are visible, read-only, in the Django admin."""

import pytest
from django.contrib.admin.utils import quote
from django.test import Client
from django.urls import reverse

from chatkit_app.models import ChatFeedback, ChatItem, ChatThread

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client_(django_user_model) -> Client:
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-1")
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
async def conversation(chat):
    thread_id, _ = await chat.create_thread("who am i")
    answer = await ChatItem.objects.aget(thread_id=thread_id, type="assistant_message")
    status, _ = await chat.call(
        "items.feedback", thread_id=thread_id, item_ids=[answer.item_id], kind="negative"
    )
    assert status == 200
    return thread_id


def change_url(thread_id: str) -> str:
    # The admin escapes "_" in primary keys; an unescaped "thr_26…" would read as "thr&…".
    return reverse("admin:chatkit_app_chatthread_change", args=[quote(thread_id)])


def test_thread_page_shows_its_items_read_only(admin_client_, conversation):
    response = admin_client_.get(change_url(conversation))

    assert response.status_code == 200
    page = response.content.decode()
    assert "who am i" in page
    assert "You are signed in as Carol" in page
    assert 'name="items-0-item_id"' not in page  # no editable inline fields
    assert 'name="_save"' not in page


def test_threads_cannot_be_added_or_edited_in_the_admin(admin_client_, conversation):
    assert admin_client_.get("/admin/chatkit_app/chatthread/add/").status_code == 403

    response = admin_client_.post(change_url(conversation), {"title": "Hacked"})

    assert response.status_code == 403
    assert ChatThread.objects.get(id=conversation).title == "who am i"


def test_feedback_is_listed_with_the_answer(admin_client_, conversation):
    response = admin_client_.get("/admin/chatkit_app/chatfeedback/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "negative" in page
    assert "You are signed in as Carol" in page
    assert ChatFeedback.objects.count() == 1


def test_thread_list_shows_owner_and_title(admin_client_, conversation):
    response = admin_client_.get("/admin/chatkit_app/chatthread/")

    assert response.status_code == 200
    # The owner by name, as the board names people (carol's full name is "Carol").
    assert '<td class="field-owner_name">Carol</td>' in response.content.decode()
    assert "who am i" in response.content.decode()
