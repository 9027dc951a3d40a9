"""Model selection follows the settings, and traces are only exported to OpenAI."""

import os
import subprocess
import sys

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


@pytest.mark.parametrize(
    ("key", "base_url", "api", "expected"),
    [
        ("sk-test", "", "", OpenAIResponsesModel),
        ("", "http://127.0.0.1:8000/v1", "", OpenAIChatCompletionsModel),
        ("", "http://127.0.0.1:8000/v1", "responses", OpenAIResponsesModel),
        ("sk-test", "", "chat_completions", OpenAIChatCompletionsModel),
    ],
)
def test_openai_api_picks_the_api(settings, key, base_url, api, expected):
    settings.OPENAI_API_KEY = key
    settings.OPENAI_BASE_URL = base_url
    settings.OPENAI_API = api
    settings.CHATKIT_MODEL = "some-model"

    assert type(chat_model()) is expected


def test_model_requests_time_out_after_the_setting(settings):
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = ""
    settings.CHATKIT_MODEL = "gpt-4.1-mini"
    settings.CHATKIT_MODEL_TIMEOUT = 7.5

    client = chat_model()._client

    assert client.timeout == 7.5
    assert client.max_retries == 1


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


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("OPENAI_API", "completions", "use responses or chat_completions"),
        ("CHATKIT_MODEL_TIMEOUT", "0", "use seconds > 0"),
    ],
)
def test_a_wrong_model_setting_stops_the_start_with_its_name(settings, name, value, says):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "taskboard.settings", name: value}

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert f"{name}=" in result.stderr and says in result.stderr
