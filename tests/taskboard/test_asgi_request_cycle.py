"""The middleware stack under ASGI, as Daphne runs it (taskboard/middleware.py).

Django's own middleware runs its hooks on the event loop here; these tests go
through Django's ASGI handler (`AsyncClient`) and check what a browser sees: the
session written at sign-in, CSRF refusals, messages carried across a redirect,
and the security headers.
"""

import re

import pytest
from django.test import AsyncClient

from taskboard.models import Task
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def csrf_token(page: bytes) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()


async def sign_in(client: AsyncClient, username: str, password: str = PASSWORD):
    page = await client.get("/accounts/login/")
    return await client.post(
        "/accounts/login/",
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": csrf_token(page.content),
        },
    )


async def test_sign_in_writes_the_session_and_the_next_request_is_signed_in(member):
    client = AsyncClient(enforce_csrf_checks=True)
    assert (await client.get("/api/me")).status_code == 401

    response = await sign_in(client, "member")

    assert response.status_code == 302
    assert response.cookies["sessionid"].value
    me = await client.get("/api/me")
    assert me.status_code == 200
    assert me.json()["username"] == "member"


async def test_sign_out_ends_the_session(member):
    client = AsyncClient(enforce_csrf_checks=True)
    await sign_in(client, "member")
    token = client.cookies["csrftoken"].value

    response = await client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert (await client.get("/api/me")).status_code == 401


async def test_a_form_post_without_the_csrf_token_is_refused_and_signs_nobody_in(member):
    client = AsyncClient(enforce_csrf_checks=True)
    await client.get("/accounts/login/")

    response = await client.post("/accounts/login/", {"username": "member", "password": PASSWORD})

    assert response.status_code == 403
    assert "sessionid" not in response.cookies
    assert (await client.get("/api/me")).status_code == 401


async def test_a_message_survives_the_redirect_after_an_admin_action(staff):
    client = AsyncClient(enforce_csrf_checks=True)
    await sign_in(client, "staff")
    task = await Task.objects.acreate(title="Ship it")
    page = await client.get("/admin/taskboard/task/")

    response = await client.post(
        "/admin/taskboard/task/",
        {
            "action": "transition_start",
            "_selected_action": [task.pk],
            "csrfmiddlewaretoken": csrf_token(page.content),
        },
    )
    assert response.status_code == 302
    following = await client.get(response["Location"])

    assert "Start: 1 task updated." in following.content.decode()
    # Shown once: the message is gone on the page after.
    again = await client.get(response["Location"])
    assert "Start: 1 task updated." not in again.content.decode()
    await task.arefresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS


async def test_pages_carry_the_security_headers(member):
    client = AsyncClient()
    await sign_in(client, "member")
    await Task.objects.acreate(title="Anything")

    response = await client.get("/")

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Cookie" in response["Vary"]


async def test_a_missing_slash_redirects_and_an_unknown_page_is_404(member):
    client = AsyncClient()

    assert (await client.get("/accounts/login")).status_code == 301
    assert (await client.get("/no/such/page/")).status_code == 404
