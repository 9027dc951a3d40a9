"""The request context handed to the ChatKit server, its store, agents and tools.

The server passes one `ChatContext` per HTTP request. Agent tools reach it as
`ctx.context.request_context` (`ctx.context` is chatkit's `AgentContext`), and
`action()` receives it as its `context` argument.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest


@dataclass(frozen=True)
class ChatContext:
    """Who is chatting. Every store query is scoped to `user`."""

    user: AbstractBaseUser
    request: HttpRequest | None = None

    @property
    def user_id(self) -> int:
        return self.user.pk
