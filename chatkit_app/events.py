"""ChatKit events the chat's task moves stream, built in one place for tools and buttons."""

from chatkit.store import Store
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    HiddenContextItem,
    ThreadItemDoneEvent,
    ThreadMetadata,
)
from django.utils import timezone

from chatkit_app.context import ChatContext


def assistant_message(
    *, store: Store, thread: ThreadMetadata, context: ChatContext, text: str
) -> ThreadItemDoneEvent:
    return ThreadItemDoneEvent(
        item=AssistantMessageItem(
            id=store.generate_item_id("message", thread, context),
            thread_id=thread.id,
            created_at=timezone.now(),
            content=[AssistantMessageContent(text=text)],
        )
    )


def hidden_context(
    *, store: Store, thread: ThreadMetadata, context: ChatContext, content: str
) -> ThreadItemDoneEvent:
    """A note for the model's next turn; the server stores it and never sends it to the client."""
    return ThreadItemDoneEvent(
        item=HiddenContextItem(
            id=store.generate_item_id("message", thread, context),
            thread_id=thread.id,
            created_at=timezone.now(),
            content=content,
        )
    )
