"""Sign-in, sign-out, the board page's access rule, and /healthz."""

import re

import pytest
import redis
from django.test import AsyncClient, Client

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
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
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


@pytest.mark.django_db(transaction=True)
async def test_health_checks_leave_no_subscriptions_in_redis(settings):
    # One event loop for every request, as under Daphne, where a leak would last.
    redis_url = settings.REDIS_URL or "redis://127.0.0.1:6379/0"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_url]},
        }
    }
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    server = redis.Redis.from_url(redis_url)
    before = set(server.pubsub_channels())
    client = AsyncClient()
    try:
        for _ in range(5):
            assert (await client.get("/healthz")).json()["channel_layer"] == "ok"
        after = set(server.pubsub_channels())
    finally:
        if "default" in channel_layers.backends:
            await channel_layers.backends["default"].flush()
        channel_layers.backends.clear()
    assert after - before == set()


def test_a_wrong_password_keeps_the_username_filled_in(member):
    response = Client().post("/accounts/login/", {"username": "member", "password": "nope"})
    assert response.status_code == 200
    assert b'name="username" id="id_username" value="member"' in response.content


def test_favicon_is_served_from_the_app(anon_client):
    response = anon_client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert int(response["Content-Length"]) > 100


def test_pages_link_the_icon(anon_client):
    assert (
        b'rel="icon" href="/static/taskboard/favicon.svg"'
        in anon_client.get("/accounts/login/").content
    )


def test_api_docs_load_swagger_ui_from_the_app_not_a_cdn(member_client):
    page = member_client.get("/api/docs").content.decode()
    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert "/static/ninja/swagger-ui-bundle.js" in scripts
    assert all(url.startswith("/") for url in scripts), scripts
    bundle = member_client.get("/static/ninja/swagger-ui-bundle.js")
    assert bundle.status_code == 200
