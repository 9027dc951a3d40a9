"""Which model answers the chat, decided from settings.

- `CHATKIT_MODEL=offline`, or no `OPENAI_API_KEY` and no `OPENAI_BASE_URL`: the
  offline model (`chatkit_app.offline`), which needs no network.
- `OPENAI_API_KEY` without `OPENAI_BASE_URL`: OpenAI's Responses API with `CHATKIT_MODEL`
  (default `gpt-4.1-mini`).
- `OPENAI_BASE_URL`: an OpenAI-compatible server through Chat Completions, the API
  such servers (vLLM, Ollama, LM Studio…) implement; the key may be empty.

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


def tracing_enabled() -> bool:
    return bool(settings.OPENAI_API_KEY) and not settings.OPENAI_BASE_URL


def configure_tracing() -> None:
    """Turn the Agents SDK's trace export off unless it has OpenAI and a key to send to."""
    enabled = tracing_enabled()
    set_tracing_disabled(not enabled)
    if enabled:
        set_tracing_export_api_key(settings.OPENAI_API_KEY)


@cache
def _client(api_key: str, base_url: str) -> AsyncOpenAI:
    # Compatible servers often need no key, but the client insists on one.
    return AsyncOpenAI(api_key=api_key or "unused", base_url=base_url or None)


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
    client = _client(settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL)
    if settings.OPENAI_BASE_URL:
        return OpenAIChatCompletionsModel(model=name, openai_client=client)
    return OpenAIResponsesModel(model=name, openai_client=client)
