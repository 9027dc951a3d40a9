"""The web container's start-up path: docker/entrypoint.sh, then Daphne, under DEBUG=0."""

import re
import subprocess
import time

import httpx
import psycopg

from tests.deploy.conftest import PROJECT_ROOT, build_context_copy, entrypoint_env, free_port

DEMO_PASSWORD = "taskboard-demo"


def test_entrypoint_applies_every_migration(running_app):
    result = subprocess.run(
        ["python", "manage.py", "migrate", "--check", "--noinput"],
        cwd=running_app.root,
        env=running_app.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_entrypoint_seeds_demo_data_when_asked(running_app):
    with psycopg.connect(running_app.database_url) as conn:
        users = {
            row[0]: row[1:]
            for row in conn.execute("SELECT username, is_staff, is_superuser FROM auth_user")
        }
        task_count = conn.execute("SELECT count(*) FROM taskboard_task").fetchone()[0]
    assert users == {"alice": (True, False), "bob": (False, False)}
    assert task_count == 12


def test_entrypoint_collects_static_files(running_app):
    collected = running_app.root / "staticfiles"
    assert (collected / "admin" / "css" / "base.css").is_file()
    built = running_app.root / "frontend" / "dist" / "assets"
    built_assets = sorted(p.name for p in built.iterdir())
    assert built_assets
    assert sorted(p.name for p in (collected / "assets").iterdir()) == built_assets


def test_healthz_reports_database_and_redis_ok(running_app):
    response = httpx.get(f"{running_app.base_url}/healthz", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_container_healthcheck_script_passes_against_daphne(running_app):
    result = subprocess.run(
        ["python", "docker/healthcheck.py"],
        cwd=running_app.root,
        env={**running_app.env, "PORT": str(running_app.port)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert '"status": "ok"' in result.stdout


def test_container_healthcheck_script_fails_when_nothing_answers(running_app):
    result = subprocess.run(
        ["python", "docker/healthcheck.py"],
        cwd=running_app.root,
        env={**running_app.env, "PORT": str(free_port())},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "unhealthy" in result.stderr


def test_anonymous_visitor_is_sent_to_the_login_page(running_app):
    response = httpx.get(f"{running_app.base_url}/", timeout=10)
    assert response.status_code == 302
    assert response.headers["location"] == "/accounts/login/?next=/"

    login = httpx.get(f"{running_app.base_url}/accounts/login/?next=/", timeout=10)
    assert login.status_code == 200
    assert 'name="username"' in login.text
    assert 'name="password"' in login.text


def test_signed_in_user_gets_the_board_and_every_asset_it_references(running_app):
    with httpx.Client(base_url=running_app.base_url, timeout=10) as client:
        login_page = client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text)
        signed_in = client.post(
            "/accounts/login/",
            data={
                "username": "bob",
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": token.group(1),
            },
        )
        assert signed_in.status_code == 302, signed_in.text
        assert signed_in.headers["location"] == "/"

        board = client.get("/")
        assert board.status_code == 200
        assert 'id="root"' in board.text
        assert "has not been built" not in board.text

        assets = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', board.text))
        assert any(url.endswith(".js") for url in assets), board.text
        for url in assets:
            response = client.get(url)
            assert response.status_code == 200, url
            collected = running_app.root / "staticfiles" / url.removeprefix("/static/")
            assert response.content == collected.read_bytes(), url


def test_files_are_served_from_the_collected_static_root(running_app):
    response = httpx.get(f"{running_app.base_url}/static/collected-probe.txt", timeout=10)
    assert response.status_code == 200
    assert response.text == "served from STATIC_ROOT\n"


def test_entrypoint_without_seed_migrates_and_runs_the_given_command(tmp_path):
    root = build_context_copy(tmp_path / "app")
    env = entrypoint_env(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    count_users = (
        "from django.contrib.auth.models import User; "
        "from taskboard.models import Task; "
        "print('users', User.objects.count(), 'tasks', Task.objects.count())"
    )
    result = subprocess.run(
        [str(root / "docker" / "entrypoint.sh"), "python", "manage.py", "shell", "-c", count_users],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "users 0 tasks 0"


def test_entrypoint_gives_up_when_the_database_never_answers(tmp_path):
    marker = tmp_path / "command-ran"
    env = entrypoint_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/taskboard",
        DB_WAIT_TIMEOUT="2",
    )
    started = time.monotonic()
    result = subprocess.run(
        [str(PROJECT_ROOT / "docker" / "entrypoint.sh"), "touch", str(marker)],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "database unreachable after 2s" in result.stderr
    assert time.monotonic() - started < 30
    assert not marker.exists()
