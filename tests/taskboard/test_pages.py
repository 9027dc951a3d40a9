"""Sign-in, sign-out, the board page's access rule, and /healthz."""

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_board_page_requires_sign_in(anon_client):
    response = anon_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_sign_in_page_renders_a_form(anon_client):
    response = anon_client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b"csrfmiddlewaretoken" in response.content


def test_sign_in_with_the_right_password_opens_the_board(member):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "member", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1] == ("/", 302)
    assert response.status_code == 200
    assert "csrftoken" in response.cookies


def test_sign_in_with_a_wrong_password_says_so(member):
    response = Client().post("/accounts/login/", {"username": "member", "password": "nope"})
    assert response.status_code == 200
    assert b"did not match" in response.content


def test_sign_out_needs_a_post_and_ends_the_session(member_client):
    assert member_client.get("/accounts/logout/").status_code == 405
    member_client.get("/api/me")
    token = member_client.cookies["csrftoken"].value
    response = member_client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert member_client.get("/api/me").status_code == 401


def test_healthz_reports_database_and_channel_layer(anon_client):
    response = anon_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_healthz_reports_a_broken_channel_layer(anon_client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    try:
        response = anon_client.get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json()["channel_layer"] == "failing"
    assert response.json()["database"] == "ok"
