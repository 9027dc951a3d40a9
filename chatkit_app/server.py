"""The ChatKit server: runs an agent for each user message and keeps the thread.

`get_chat_server()` is the one instance the HTTP view uses. Widget actions arrive
in `action()`; agents and their tools are defined in `chatkit_app.agents`.
"""

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from datetime import datetime
from functools import cache
from typing import Any

import openai
from agents import Model, RunConfig, Runner, RunResultStreaming, StreamEvent
from chatkit.agents import AgentContext, stream_agent_response
from chatkit.errors import CustomStreamError, StreamError
from chatkit.types import (
    Action,
    AssistantMessageItem,
    FeedbackKind,
    SDKHiddenContextItem,
    SyncCustomActionResponse,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
    UserMessageTagContent,
    UserMessageTextContent,
    WidgetItem,
)

from chatkit_app.actions import handle_action, handle_sync_action
from chatkit_app.agents import agent_mode, build_agent
from chatkit_app.context import ChatContext
from chatkit_app.converter import TaskboardThreadItemConverter
from chatkit_app.llm import chat_model, configure_logging, configure_tracing, tracing_enabled
from chatkit_app.sdk_workarounds import ServerWorkarounds
from chatkit_app.store import DjangoStore

logger = logging.getLogger(__name__)

# How many recent items the model sees; older ones stay in the thread for the user.
HISTORY_LIMIT = 40
TITLE_LENGTH = 60
MAX_TURNS = 8
# How long a cancelled run may take to wind down before its task is cancelled.
STOP_TIMEOUT = 5
MODEL_FAILED = "The assistant could not answer just now. Try again in a moment."
MODEL_BUSY = "The model is busy (rate limit reached). Try again in a moment."
MODEL_SLOW = "The model took too long to answer. Try again."
MODEL_CUT = "The connection to the model broke off mid-answer. Try again."


# What the HTTP client raises when a connection it had opened breaks (a connection
# that could not be opened is a ConnectError); matched by name, whichever copy of
# httpx the OpenAI client uses.
CONNECTION_BROKE = {"RemoteProtocolError", "ReadError"}


def connection_broke(error: BaseException) -> bool:
    """Whether `error` comes from a model connection that broke once it was open."""
    cause = error.__cause__
    while cause is not None:
        if type(cause).__name__ in CONNECTION_BROKE:
            return True
        cause = cause.__cause__
    return False


def model_failure(error: openai.APIError, *, mid_answer: bool) -> str:
    """What to tell the user about a failed model request.

    `mid_answer` says part of an answer was shown. The Agents SDK drops the events it
    has queued when a run fails, so a cut answer may have shown nothing yet: a
    connection that broke once open is also a cut.
    """
    if isinstance(error, openai.RateLimitError):
        return MODEL_BUSY
    if isinstance(error, openai.APITimeoutError):
        return MODEL_SLOW
    if isinstance(error, openai.APIConnectionError) and (mid_answer or connection_broke(error)):
        return MODEL_CUT
    return MODEL_FAILED


def message_text(item: UserMessageItem) -> str:
    parts = []
    for part in item.content:
        if isinstance(part, UserMessageTextContent):
            parts.append(part.text)
        elif isinstance(part, UserMessageTagContent):
            parts.append(f"@{part.text}")
    return " ".join("".join(parts).split())


def thread_title(item: UserMessageItem) -> str:
    text = message_text(item) or "New chat"
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"


_END = object()


def relay(
    source: AsyncIterator[ThreadStreamEvent], *, stop: Callable[[], None]
) -> AsyncGenerator[ThreadStreamEvent, None]:
    """Iterate `source` in a task of its own.

    When the request is cancelled (the client disconnected), the cancellation stops
    here instead of reaching into `source`: chatkit's `stream_agent_response` would
    otherwise abandon its internal tasks. On the way out, `stop()` ends the agent
    run and `source` is given a moment to finish on its own.
    """

    async def generator() -> AsyncGenerator[ThreadStreamEvent, None]:
        queue: asyncio.Queue = asyncio.Queue()

        async def pump() -> None:
            try:
                async for event in source:
                    queue.put_nowait(event)
            except Exception as error:
                queue.put_nowait(error)
            finally:
                queue.put_nowait(_END)

        task = asyncio.create_task(pump())
        try:
            while (event := await queue.get()) is not _END:
                if isinstance(event, Exception):
                    raise event
                yield event
        finally:
            if not task.done():
                stop()
            done, _ = await asyncio.wait({task}, timeout=STOP_TIMEOUT)
            if not done:
                task.cancel()

    return generator()


class QuietRun:
    """A streamed run whose event stream ends, instead of raising, when the run fails.

    chatkit's `stream_agent_response` merges the run's events with its own queue in
    two tasks; an exception from the run leaves the queue's task pending, to be
    destroyed later with an asyncio error in the log. Ending the stream lets chatkit
    cancel that task; `error` keeps the failure for the caller to raise.
    """

    def __init__(self, result: RunResultStreaming) -> None:
        self.result = result
        self.error: Exception | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.result, name)

    async def stream_events(self) -> AsyncIterator[StreamEvent]:
        try:
            async for event in self.result.stream_events():
                yield event
        except Exception as error:
            self.error = error


class AssistantMessageIds:
    """Give each assistant message the model streams an id of the store's.

    The Agents SDK names every Chat Completions message `__fake_id__`, and another
    server's Responses ids are unique only to that server; chatkit stores items under
    the id it is given. Model messages are the ones that open with
    `ThreadItemAddedEvent`; messages the tools stream arrive done, with store ids
    already, and pass through unchanged.
    """

    def __init__(self, new_id: Callable[[], str]) -> None:
        self.new_id = new_id
        # The model's id of the message being streamed -> its store id.
        self.open: dict[str, str] = {}

    def __call__(self, event: ThreadStreamEvent) -> ThreadStreamEvent:
        if isinstance(event, ThreadItemAddedEvent) and isinstance(event.item, AssistantMessageItem):
            self.open[event.item.id] = self.new_id()
            return ThreadItemAddedEvent(item=self._renamed(event.item))
        if isinstance(event, ThreadItemUpdatedEvent) and event.item_id in self.open:
            return event.model_copy(update={"item_id": self.open[event.item_id]})
        if (
            isinstance(event, ThreadItemDoneEvent)
            and isinstance(event.item, AssistantMessageItem)
            and event.item.id in self.open
        ):
            item = self._renamed(event.item)
            del self.open[event.item.id]
            return ThreadItemDoneEvent(item=item)
        return event

    def _renamed(self, item: AssistantMessageItem) -> AssistantMessageItem:
        return item.model_copy(update={"id": self.open[item.id]})

    def unfinished(self) -> list[str]:
        """Store ids of messages that were started and never finished."""
        return list(self.open.values())


class TaskboardChatServer(ServerWorkarounds[ChatContext]):
    def __init__(self, store: DjangoStore | None = None, *, model: Model | None = None) -> None:
        super().__init__(store or DjangoStore())
        self.store: DjangoStore
        # None: pick the model from settings at every turn (see chatkit_app.llm).
        self.model = model
        self.converter = TaskboardThreadItemConverter()

    async def respond(
        self,
        thread: ThreadMetadata,
        input_user_message: UserMessageItem | None,
        context: ChatContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        tool_choice = None
        if input_user_message is not None:
            choice = input_user_message.inference_options.tool_choice
            tool_choice = choice.id if choice else None
            if not thread.title:
                # The server saves the thread and tells the client once this changes.
                thread.title = thread_title(input_user_message)

        agent = build_agent(agent_mode(tool_choice), model=self.model or chat_model())
        agent_context = AgentContext(thread=thread, store=self.store, request_context=context)
        recent = await self.store.load_history(thread.id, HISTORY_LIMIT, context)
        agent_input = await self.converter.to_agent_input(recent)

        result = Runner.run_streamed(
            agent,
            agent_input,
            context=agent_context,
            max_turns=MAX_TURNS,
            run_config=RunConfig(
                workflow_name="Taskboard chat",
                tracing_disabled=not tracing_enabled(),
            ),
        )
        run = QuietRun(result)
        events = relay(stream_agent_response(agent_context, run), stop=result.cancel)
        ids = AssistantMessageIds(lambda: self.store.generate_item_id("message", thread, context))
        try:
            async for event in events:
                yield ids(event)
            if run.error is not None:
                raise run.error
        except (CustomStreamError, StreamError):
            raise
        except openai.APIError as error:
            # Expected when a model service fails: one line, no traceback.
            logger.warning(
                "Model request failed in thread %s: %s: %s",
                thread.id,
                type(error).__name__,
                error,
            )
            unfinished = ids.unfinished()
            for item_id in unfinished:
                # The half-written answer leaves the client's screen (it was never stored).
                yield ThreadItemRemovedEvent(item_id=item_id)
            message = model_failure(error, mid_answer=bool(unfinished))
            raise CustomStreamError(message, allow_retry=True) from None
        except Exception as error:
            logger.exception("Agent run failed in thread %s", thread.id)
            for item_id in ids.unfinished():
                yield ThreadItemRemovedEvent(item_id=item_id)
            raise CustomStreamError(MODEL_FAILED, allow_retry=True) from error
        finally:
            # If the client went away, this stops the model and any pending tool.
            await events.aclose()

    async def action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: ChatContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        async for event in handle_action(
            store=self.store, thread=thread, action=action, sender=sender, context=context
        ):
            yield event

    async def sync_action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: ChatContext,
    ) -> SyncCustomActionResponse:
        return await handle_sync_action(
            store=self.store, thread=thread, action=action, sender=sender, context=context
        )

    async def add_feedback(
        self,
        thread_id: str,
        item_ids: list[str],
        feedback: FeedbackKind,
        context: ChatContext,
    ) -> None:
        await self.store.save_feedback(thread_id, item_ids, feedback, context)

    async def handle_stream_cancelled(
        self,
        thread: ThreadMetadata,
        pending_items: list[ThreadItem],
        context: ChatContext,
    ) -> None:
        # Unfinished items (a half-streamed answer) are dropped rather than stored;
        # a hidden note tells the model on the next turn that the reply was cut off.
        note = SDKHiddenContextItem(
            id=self.store.generate_item_id("sdk_hidden_context", thread, context),
            thread_id=thread.id,
            created_at=datetime.now(),
            content="The user left before the previous reply finished; it was discarded.",
        )
        await asyncio.shield(self.store.add_thread_item(thread.id, note, context=context))


@cache
def get_chat_server() -> TaskboardChatServer:
    # Here rather than in the app's ready(): the Agents SDK is only imported with
    # the chat server, so management commands start without it.
    configure_tracing()
    configure_logging()
    return TaskboardChatServer()
