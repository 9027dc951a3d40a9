"""Run docker/entrypoint.sh the way the web container does, without Docker.

The image's /app is rebuilt in a temporary directory from the build context as
.dockerignore filters it, plus the built frontend (the image copies it from
the Node stage). The entrypoint then runs there with the project's virtualenv
first on PATH, against the PostgreSQL and Redis of the machine, the services
docker-compose.yml provides in production.

PostgreSQL is used in both test configurations (also when DATABASE_URL is the
SQLite default): the deployment runs on PostgreSQL, and waiting for a database
server is part of what the entrypoint must prove. Every run gets its own
database, dropped afterwards, so it never meets the test suite's database.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest

from tests.live_server import free_port, stop_process

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
START_TIMEOUT_SECONDS = 90


def _dockerignore_patterns() -> list[re.Pattern[str]]:
    """Translate .dockerignore lines (Go filepath.Match plus `**`) into regexes."""
    patterns = []
    for raw in (PROJECT_ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("!"), "exceptions in .dockerignore are not mirrored here"
        line = line.strip("/")
        regex, i = "", 0
        while i < len(line):
            if line.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif line.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif line[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif line[i] == "?":
                regex, i = regex + "[^/]", i + 1
            elif line[i] == "[":
                end = line.index("]", i)
                regex, i = regex + line[i : end + 1], end + 1
            else:
                regex, i = regex + re.escape(line[i]), i + 1
        patterns.append(re.compile(regex + r"\Z"))
    return patterns


def build_context_copy(destination: Path) -> Path:
    """Copy what `COPY . .` puts in the image, then the frontend build."""
    patterns = _dockerignore_patterns()

    def ignored(relative: str) -> bool:
        return any(pattern.match(relative) for pattern in patterns)

    for directory, subdirs, files in os.walk(PROJECT_ROOT):
        base = Path(directory).relative_to(PROJECT_ROOT)
        subdirs[:] = [d for d in subdirs if not ignored((base / d).as_posix())]
        for name in files:
            relative = base / name
            if not ignored(relative.as_posix()):
                (destination / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(PROJECT_ROOT / relative, destination / relative)

    dist = PROJECT_ROOT / "frontend" / "dist"
    assert (dist / ".vite" / "manifest.json").exists(), (
        "the frontend is not built: run `make setup` (npm ci && npm run build in frontend/)"
    )
    shutil.copytree(dist, destination / "frontend" / "dist")
    return destination


def postgres_admin_url() -> str:
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        return urlunsplit(urlsplit(configured)._replace(path="/postgres"))
    return LOCAL_POSTGRES


@pytest.fixture(scope="module")
def entrypoint_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one entrypoint run, dropped afterwards."""
    admin_url = postgres_admin_url()
    name = f"taskboard_entrypoint_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def entrypoint_env(**overrides: str) -> dict[str, str]:
    """A production-like environment: only what a container would get."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "OPENAI_", "CHATKIT_", "SEED_", "DB_WAIT_"))
        and key not in {"DATABASE_URL", "REDIS_URL", "PORT"}
    }
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="entrypoint-test-" + uuid.uuid4().hex * 2,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP in the test, as in the compose default for localhost.
        DJANGO_SECURE_COOKIES="0",
        REDIS_URL=os.environ.get("REDIS_URL") or LOCAL_REDIS,
        DB_WAIT_TIMEOUT="30",
    )
    env.update(overrides)
    return env


@dataclass
class RunningApp:
    root: Path
    base_url: str
    port: int
    env: dict[str, str]
    database_url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture(scope="module")
def running_app(tmp_path_factory, entrypoint_database_url) -> Iterator[RunningApp]:
    """docker/entrypoint.sh with the image's default command, on a free port."""
    root = build_context_copy(tmp_path_factory.mktemp("app"))
    # A file only STATIC_ROOT holds: it is served only if collected files are.
    (root / "staticfiles").mkdir()
    (root / "staticfiles" / "collected-probe.txt").write_text("served from STATIC_ROOT\n")
    port = free_port()
    env = entrypoint_env(DATABASE_URL=entrypoint_database_url, SEED_DEMO="1")
    log = root.parent / "entrypoint.log"
    command = [
        str(root / "docker" / "entrypoint.sh"),
        *("daphne", "-b", "127.0.0.1", "-p", str(port), "taskboard.asgi:application"),
    ]
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd="/",
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    app = RunningApp(
        root=root,
        base_url=f"http://127.0.0.1:{port}",
        port=port,
        env=env,
        database_url=entrypoint_database_url,
        log=log,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"entrypoint exited with {process.returncode}:\n{app.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"Daphne did not answer within the time limit:\n{app.output()}")
            try:
                httpx.get(f"{app.base_url}/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        yield app
    finally:
        stop_process(process, grace=15)
