"""The request context handed to the ChatKit server, its store, agents and tools.

The server passes one `ChatContext` per HTTP request. Agent tools reach it as
`ctx.context.request_context` (`ctx.context` is chatkit's `AgentContext`), and
`action()` receives it as its `context` argument.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class ChatContext:
    """Who is chatting. Every store query is scoped to `user`."""

    user: AbstractBaseUser
    # Ids of threads the store has already found to belong to `user` during this
    # request, so that one action does not look the owner up once per store call.
    # A context lives for one request and one user, which bounds what it remembers.
    owned_threads: set[str] = field(default_factory=set, compare=False, repr=False)
    # Rows read ahead with the sign-in (`store.read_ahead`), taken by the
    # first load that asks for them.
    prefetched: dict[tuple, object] = field(default_factory=dict, compare=False, repr=False)
    # Items the store has written during this request, by id: the very objects, so that
    # chatkit storing the same object again (from the events of a widget action) is free.
    written: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def user_id(self) -> int:
        return self.user.pk
