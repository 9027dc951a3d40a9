"""Server processes the fault tests own and break: Redis, a PostgreSQL cluster, Daphne.

Never the machine's shared PostgreSQL and Redis: those are only used, read-write
in a fresh database of their own, where a test needs a service it does not break.
"""

import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import httpx
import psycopg
from websockets.sync.client import ClientConnection, connect

from tests import live_server
from tests.live_server import Daphne, free_port, stop_process, wait_for

SHARED_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
DEMO_PASSWORD = "taskboard-demo"
CSRF_TOKEN = "f" * 32


# Redis


class RedisServer:
    """A `redis-server` on a free port, with nothing persisted; stop and start at will."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.workdir)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.answers, timeout=10, what="redis-server")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None

    def pause(self) -> None:
        """Hang it: connections are still accepted by the kernel, nothing is answered."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


# PostgreSQL


def _postgres_bin(name: str) -> str:
    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"))
    assert found, f"{name} not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
    return found[-1]


class PostgresCluster:
    """A cluster of its own (initdb + pg_ctl) on a free port, in a temporary directory.

    initdb refuses to run as root, so as root the cluster belongs to `postgres`.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="taskboard-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *argv: str, timeout: float = 60) -> None:
        result = subprocess.run(
            [*self.as_user, *argv], capture_output=True, text=True, timeout=timeout
        )
        assert result.returncode == 0, f"{argv[0]} failed:\n{result.stdout}\n{result.stderr}"

    def init(self) -> None:
        self._run(
            _postgres_bin("initdb"),
            *("-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"),
            *("-E", "UTF8", "--locale=C.UTF-8"),
        )
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        (self.root / "options").write_text(options)

    def pg_ctl(self, *args: str) -> None:
        options = (self.root / "options").read_text()
        self._run(
            _postgres_bin("pg_ctl"),
            *("-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30"),
            *args,
        )

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        with suppress(AssertionError):  # already stopped
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def _dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def create_database(admin_url: str, *, template: str | None = None) -> str:
    """A new database on the server `admin_url` names, optionally a copy of `template`."""
    name = f"taskboard_faults_{uuid.uuid4().hex[:10]}"
    clause = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(_dsn(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{clause}')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(database_url: str) -> None:
    admin_url, name = database_url.rsplit("/", 1)
    with psycopg.connect(_dsn(admin_url + "/postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database(template_url: str, admin_url: str = SHARED_POSTGRES) -> Iterator[str]:
    """A copy of the seeded template on a server that is not being broken; dropped afterwards."""
    url = create_database(admin_url, template=template_url.rsplit("/", 1)[1])
    try:
        yield url
    finally:
        drop_database(url)


@dataclass
class AppStack:
    """Daphne processes sharing a copy of the seeded database and a Redis of their own."""

    apps: list[Daphne]
    redis: RedisServer
    database_url: str


@contextmanager
def app_stack(workdir: Path, template_url: str, *, processes: int = 1) -> Iterator[AppStack]:
    with ExitStack() as cleanup:
        redis = RedisServer(workdir)
        redis.start()
        cleanup.callback(redis.stop)
        database_url = cleanup.enter_context(fresh_database(template_url))
        env = app_environment(database_url, redis.url)
        apps = []
        for number in range(processes):
            apps.append(Daphne(env, workdir / f"daphne-{number}.log").start())
            cleanup.callback(apps[-1].stop)
        yield AppStack(apps, redis, database_url)


def copy_database(source_url: str, target_url: str) -> None:
    """pg_dump | psql, for a copy on another server (the broken cluster)."""
    dump = subprocess.run(
        [_postgres_bin("pg_dump"), "--no-owner", "-d", _dsn(source_url)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    subprocess.run(
        [_postgres_bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", _dsn(target_url)],
        input=dump.stdout,
        capture_output=True,
        check=True,
        timeout=120,
    )


def db_query(database_url: str, sql: str, *params) -> list[tuple]:
    dsn = database_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
        return conn.execute(sql, params).fetchall()


# The app


def app_environment(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "OPENAI_", "CHATKIT_"))
    }
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="faults-" + uuid.uuid4().hex * 2,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_LOG_LEVEL="INFO",
        CHATKIT_MODEL="offline",
        # Modest pools: the scale-out test runs two processes on the shared server.
        DJANGO_DB_POOL_SIZE="8",
        OPENAI_API_KEY="",
        OPENAI_BASE_URL="",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def prepare_database(database_url: str) -> None:
    """Migrate and seed the demo data (alice approves, bob is a member), in one process."""
    live_server.prepare_database(app_environment(database_url, ""), timeout=300)


# Clients


class Browser:
    """One signed-in user the way the page talks to the server: session + CSRF cookies."""

    def __init__(self, base_url: str, username: str) -> None:
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=30, trust_env=False)
        page = self.http.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[:500]
        answer = self.http.post(
            "/accounts/login/",
            data={"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token[1]},
        )
        assert answer.status_code == 302, answer.text[:500]
        self.session = self.http.cookies["sessionid"]
        self.http.cookies.set("csrftoken", CSRF_TOKEN)
        self.http.headers["X-CSRFToken"] = CSRF_TOKEN

    def on(self, base_url: str) -> "Browser":
        """The same session talking to another process."""
        other = object.__new__(Browser)
        other.base_url = base_url
        other.session = self.session
        other.http = httpx.Client(
            base_url=base_url,
            timeout=30,
            trust_env=False,
            cookies={"sessionid": self.session, "csrftoken": CSRF_TOKEN},
            headers={"X-CSRFToken": CSRF_TOKEN},
        )
        return other

    def board_socket(self) -> ClientConnection:
        return connect(
            self.base_url.replace("http://", "ws://") + "/ws/board/",
            additional_headers={
                "Cookie": f"sessionid={self.session}",
                "Origin": self.base_url,
            },
            open_timeout=10,
        )

    def chat(self, body: dict) -> tuple[int, list[dict], str]:
        """POST /chatkit; (status, decoded SSE events or [], raw text)."""
        response = self.http.post("/chatkit", content=json.dumps(body).encode())
        events = []
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            for frame in response.text.split("\n\n"):
                data = [line[6:] for line in frame.splitlines() if line.startswith("data: ")]
                if data:
                    events.append(json.loads("\n".join(data)))
        return response.status_code, events, response.text

    def close(self) -> None:
        self.http.close()


def user_input(text: str) -> dict:
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
    }


def widgets_in(events: list[dict]) -> list[dict]:
    return [
        event["item"]
        for event in events
        if event.get("type") == "thread.item.done" and event["item"].get("type") == "widget"
    ]


def board_messages(socket: ClientConnection, *, until, timeout: float = 10.0) -> list[dict]:
    """Messages from a board socket until `until(messages)` holds (AssertionError on timeout)."""
    messages: list[dict] = []
    deadline = time.monotonic() + timeout
    while not until(messages):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"board socket: timed out; got {messages}")
        try:
            messages.append(json.loads(socket.recv(timeout=left)))
        except TimeoutError:
            continue
    return messages
