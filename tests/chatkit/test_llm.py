"""Model selection follows the settings, and traces are only exported to OpenAI."""

import pytest
from agents import OpenAIChatCompletionsModel, OpenAIResponsesModel, trace
from agents.tracing.traces import NoOpTrace

from chatkit_app.llm import chat_model, configure_tracing
from chatkit_app.offline import OfflineModel


@pytest.fixture(autouse=True)
def restore_tracing():
    yield
    configure_tracing()


@pytest.mark.parametrize(
    ("key", "base_url", "name", "expected", "model"),
    [
        ("", "", "offline", OfflineModel, None),
        ("", "", "gpt-4.1-mini", OfflineModel, None),
        ("sk-test", "", "offline", OfflineModel, None),
        ("sk-test", "", "gpt-4.1-mini", OpenAIResponsesModel, "gpt-4.1-mini"),
        ("sk-test", "", "gpt-5", OpenAIResponsesModel, "gpt-5"),
        ("", "http://127.0.0.1:11434/v1", "llama3", OpenAIChatCompletionsModel, "llama3"),
        ("sk-x", "http://127.0.0.1:8080/v1", "qwen", OpenAIChatCompletionsModel, "qwen"),
    ],
)
def test_model_follows_the_settings(settings, key, base_url, name, expected, model):
    settings.OPENAI_API_KEY = key
    settings.OPENAI_BASE_URL = base_url
    settings.CHATKIT_MODEL = name

    chosen = chat_model()

    assert type(chosen) is expected
    if model:
        assert chosen.model == model


def test_compatible_server_gets_its_base_url(settings):
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = "http://127.0.0.1:11434/v1"
    settings.CHATKIT_MODEL = "llama3"

    chosen = chat_model()

    assert str(chosen._client.base_url) == "http://127.0.0.1:11434/v1/"


@pytest.mark.parametrize(
    ("key", "base_url", "exported"),
    [("", "", False), ("sk-test", "http://127.0.0.1:8080/v1", False), ("sk-test", "", True)],
)
def test_traces_are_exported_only_with_a_key_for_openai(settings, key, base_url, exported):
    settings.OPENAI_API_KEY = key
    settings.OPENAI_BASE_URL = base_url

    configure_tracing()

    assert isinstance(trace("probe"), NoOpTrace) is not exported
