"""Which model answers the chat, decided from settings.

- `CHATKIT_MODEL=offline`, or no `OPENAI_API_KEY` and no `OPENAI_BASE_URL`: the
  offline model (`chatkit_app.offline`), which needs no network.
- `OPENAI_API_KEY` without `OPENAI_BASE_URL`: OpenAI's Responses API with `CHATKIT_MODEL`
  (default `gpt-4.1-mini`).
- `OPENAI_BASE_URL`: an OpenAI-compatible server through Chat Completions, the API
  such servers (vLLM, Ollama, LM Studio…) implement; the key may be empty.
  `OPENAI_API=responses` uses the Responses API there instead (vLLM serves both).

Each model request may wait `CHATKIT_MODEL_TIMEOUT` seconds for a byte and is retried
once (the `openai` client's retry, which honours `retry-after`); after that the user
gets an error with a Retry button (see `server.py`).

Tracing export goes to OpenAI only when talking to OpenAI itself with a key.
"""

import logging
from functools import cache

from agents import (
    Model,
    OpenAIChatCompletionsModel,
    OpenAIResponsesModel,
    set_tracing_disabled,
    set_tracing_export_api_key,
)
from django.conf import settings
from openai import AsyncOpenAI

from chatkit_app.offline import OfflineModel

logger = logging.getLogger(__name__)

OFFLINE = "offline"


def model_name() -> str:
    """The model in use: a model name, or "offline"."""
    name = (settings.CHATKIT_MODEL or OFFLINE).strip()
    if name == OFFLINE:
        return OFFLINE
    if not settings.OPENAI_API_KEY and not settings.OPENAI_BASE_URL:
        return OFFLINE
    return name


RESPONSES = "responses"
CHAT_COMPLETIONS = "chat_completions"


def model_api() -> str:
    """`OPENAI_API`, or by default Chat Completions with a base URL and Responses without."""
    if settings.OPENAI_API:
        return settings.OPENAI_API
    return CHAT_COMPLETIONS if settings.OPENAI_BASE_URL else RESPONSES


def tracing_enabled() -> bool:
    return bool(settings.OPENAI_API_KEY) and not settings.OPENAI_BASE_URL


class SdkModelErrorFilter(logging.Filter):
    """Drop the Agents SDK's own ERROR line for a failed model stream.

    The chat server logs each model failure once itself: a WARNING naming the cause
    for a failed request, a traceback for anything unexpected (`server.py`).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "Error streaming response"


def configure_logging() -> None:
    sdk_logger = logging.getLogger("openai.agents")
    if not any(isinstance(f, SdkModelErrorFilter) for f in sdk_logger.filters):
        sdk_logger.addFilter(SdkModelErrorFilter())


def configure_tracing() -> None:
    """Turn the Agents SDK's trace export off unless it has OpenAI and a key to send to."""
    enabled = tracing_enabled()
    set_tracing_disabled(not enabled)
    if enabled:
        set_tracing_export_api_key(settings.OPENAI_API_KEY)


# One automatic retry: enough for a passing 429 or 502; the user retries after that.
MAX_RETRIES = 1


@cache
def _client(api_key: str, base_url: str, timeout: float) -> AsyncOpenAI:
    # Compatible servers often need no key, but the client insists on one.
    return AsyncOpenAI(
        api_key=api_key or "unused",
        base_url=base_url or None,
        timeout=timeout,
        max_retries=MAX_RETRIES,
    )


@cache
def _offline_model() -> OfflineModel:
    return OfflineModel()


@cache
def _warn_offline_fallback(requested: str) -> None:
    logger.warning(
        "CHATKIT_MODEL=%s needs OPENAI_API_KEY or OPENAI_BASE_URL; using the offline model",
        requested,
    )


def chat_model() -> Model:
    """The model for the next turn, from the current settings."""
    name = model_name()
    if name == OFFLINE:
        if settings.CHATKIT_MODEL not in ("", OFFLINE):
            _warn_offline_fallback(settings.CHATKIT_MODEL)
        return _offline_model()
    client = _client(
        settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL, settings.CHATKIT_MODEL_TIMEOUT
    )
    if model_api() == CHAT_COMPLETIONS:
        return OpenAIChatCompletionsModel(model=name, openai_client=client)
    return OpenAIResponsesModel(model=name, openai_client=client)
