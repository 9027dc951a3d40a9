import pytest

from chatkit_app.context import ChatContext
from chatkit_app.server import get_chat_server
from tests.chatkit.protocol import ChatClient
from tests.factories import make_user


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        username="carol", password="chat-pass-1", first_name="Carol"
    )


@pytest.fixture
def approver(django_user_model):
    return make_user(username="alice", approver=True, first_name="Alice", last_name="Approver")


@pytest.fixture
async def approver_chat(approver) -> ChatClient:
    return await ChatClient.signed_in(approver)


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(username="dave", password="chat-pass-2")


@pytest.fixture
def context(user) -> ChatContext:
    return ChatContext(user=user)


@pytest.fixture
def other_context(other_user) -> ChatContext:
    return ChatContext(user=other_user)


@pytest.fixture
async def chat(user) -> ChatClient:
    """`POST /chatkit` as `user`, CSRF token included."""
    return await ChatClient.signed_in(user)


@pytest.fixture
async def other_chat(other_user) -> ChatClient:
    return await ChatClient.signed_in(other_user)


@pytest.fixture
def chat_server(monkeypatch):
    """The server the endpoint uses; tests may set `.model` (restored afterwards)."""
    server = get_chat_server()
    monkeypatch.setattr(server, "model", None)
    return server
