"""CHATKIT_UI picks the chat panel: the page carries the choice, and `builtin`
never names OpenAI's CDN, so the browser never asks for it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

CDN_SCRIPT = b"cdn.platform.openai.com/deployments/chatkit/chatkit.js"


@pytest.mark.parametrize("mode", ["auto", "openai"])
def test_auto_and_openai_load_the_cdn_script_and_tell_the_page(member_client, settings, mode):
    settings.CHATKIT_UI = mode
    response = member_client.get("/")
    assert response.status_code == 200
    assert CDN_SCRIPT in response.content
    assert f'<script id="chatkit-ui" type="application/json">"{mode}"</script>'.encode() in (
        response.content
    )


def test_builtin_never_names_the_cdn(member_client, settings):
    settings.CHATKIT_UI = "builtin"
    response = member_client.get("/")
    assert response.status_code == 200
    assert b"cdn.platform.openai.com" not in response.content
    assert b'<script id="chatkit-ui" type="application/json">"builtin"</script>' in (
        response.content
    )


def chatkit_ui_setting(value: str | None) -> subprocess.CompletedProcess[str]:
    environment = {key: val for key, val in os.environ.items() if key != "CHATKIT_UI"}
    if value is not None:
        environment["CHATKIT_UI"] = value
    environment["DJANGO_SETTINGS_MODULE"] = "taskboard.settings"
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); "
            "print(settings.CHATKIT_UI)",
        ],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_the_default_is_auto_and_the_value_is_case_insensitive():
    assert chatkit_ui_setting(None).stdout.strip() == "auto"
    assert chatkit_ui_setting(" BuiltIn ").stdout.strip() == "builtin"


def test_an_unknown_value_stops_the_app_with_the_choices():
    result = chatkit_ui_setting("iframe")
    assert result.returncode != 0
    assert "CHATKIT_UI must be one of auto, builtin, openai; got 'iframe'" in result.stderr
