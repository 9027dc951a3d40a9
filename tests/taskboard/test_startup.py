"""Start-up as a newcomer meets it: `make run` says where the app is and who to sign
in as once it serves; management commands start without the model machinery."""

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 120


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("OPENAI_API_KEY", None)
    env["CHATKIT_MODEL"] = "offline"
    return env


def _python(code: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


LOADED = """
import sys
{setup}
print(sorted(m for m in ("agents", "openai", "chatkit_app.server") if m in sys.modules))
"""


def test_management_commands_start_without_the_agents_sdk(tmp_path):
    setup = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'taskboard.settings');"
        " django.setup(); from django.core.management import call_command;"
        " call_command('check'); call_command('migrate', verbosity=0);"
        " call_command('seed_demo')"
    )
    out = _python(LOADED.format(setup=setup), _env(tmp_path))
    assert out.splitlines()[-1] == "[]"


def test_the_server_answers_before_the_chat_machinery_is_loaded(tmp_path):
    # The chat server loads on a thread of its own: with that thread held back,
    # importing the app has not touched the Agents SDK or the OpenAI client.
    setup = (
        "import threading; start = threading.Thread.start;"
        " threading.Thread.start = lambda t: None if t.name == 'load-chat-server' else start(t);"
        " import taskboard.asgi"
    )
    out = _python(LOADED.format(setup=setup), _env(tmp_path))
    assert out.splitlines()[-1] == "[]"


def test_the_server_loads_and_builds_the_chat_server_at_start_up(tmp_path):
    # Loaded and built beside serving, before gc.freeze(), not by the first chat
    # request on the event loop.
    setup = (
        "import taskboard.asgi; taskboard.asgi.chat_server_loading.join(60);"
        " from chatkit_app.server import get_chat_server;"
        " print('built', get_chat_server.cache_info().currsize)"
    )
    out = _python(LOADED.format(setup=setup), _env(tmp_path))
    assert "built 1" in out.splitlines()
    assert out.splitlines()[-1] == "['agents', 'chatkit_app.server', 'openai']"


def test_make_run_runs_the_start_up_script():
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert "scripts/run.py --host 127.0.0.1 --port 8123" in dry_run.stdout


def test_run_says_where_the_app_is_and_who_to_sign_in_as_once_it_serves(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "scripts/run.py", "--port", str(port)],
        cwd=ROOT,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in server.stdout], daemon=True
    ).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not any("Taskboard is ready" in line for line in seen):
            assert server.poll() is None, "".join(seen)
            assert time.monotonic() < deadline, "".join(seen)
            with contextlib.suppress(queue.Empty):
                seen.append(lines.get(timeout=1))
        # The moment it says so, the app answers.
        url = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
        time.sleep(0.5)
        while not lines.empty():
            seen.append(lines.get())
        banner = "".join(seen[next(i for i, line in enumerate(seen) if "ready" in line) :])
        assert f"Taskboard is ready at {url}/" in banner
        assert "alice / taskboard-demo  (approver, staff: also opens /admin/)" in banner
        assert "bob / taskboard-demo  (member)" in banner
        assert f"{url}/api/docs" in banner
        # Named once, where the app says it is ready, not also by the seeding before it.
        assert "".join(seen).count("bob / taskboard-demo") == 1
        # And the accounts it names let one in.
        with httpx.Client(base_url=url, timeout=5) as client:
            client.get("/accounts/login/")
            signed_in = client.post(
                "/accounts/login/",
                data={
                    "username": "bob",
                    "password": "taskboard-demo",
                    "csrfmiddlewaretoken": client.cookies["csrftoken"],
                },
            )
            assert signed_in.status_code == 302
            assert client.get("/api/me").json()["username"] == "bob"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
