"""The app as a real server for the tests that talk to it over the network.

`prepare_database()` migrates and seeds a database in one process; `Daphne` serves
the app on a free port and waits until `/healthz` answers; `stop_process()` ends a
server and everything it started. The browser, wire, fault and start-up tests share
them, so every server is started, awaited and stopped the same way.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
# Loading the app on a busy two-core machine can take a minute.
START_TIMEOUT = 90.0

PREPARE = """
import django
from django.core.management import call_command

django.setup()
call_command("migrate", "--noinput", verbosity=0)
call_command("seed_demo", verbosity=0)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.1):
    """Call `predicate` until it returns something true, and return that."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def stop_process(process: subprocess.Popen, *, grace: float = 10) -> None:
    """SIGTERM to the process group the server leads, SIGKILL after `grace` seconds."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def prepare_database(env: dict[str, str], *, timeout: float = 400) -> None:
    """Migrate and seed the demo data (alice approves, bob is a member) in one process.

    Minutes, not seconds, of patience: on a busy machine migrate and seed are slow.
    """
    result = subprocess.run(
        [sys.executable, "-c", PREPARE],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "taskboard.settings"},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"migrate + seed_demo failed:\n{result.stderr}"


@dataclass
class Daphne:
    """`daphne taskboard.asgi:application` on a free port, with `env` as its environment."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = START_TIMEOUT) -> "Daphne":
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    *("-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port)),
                    "taskboard.asgi:application",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            # One client for the polling: each httpx.get would build an SSL context anew.
            with httpx.Client(timeout=2, trust_env=False) as client:
                wait_for(
                    lambda: self._answers(client),
                    timeout=timeout,
                    what=f"Daphne to answer:\n{self.log_tail()}",
                    interval=0.2,
                )
        except BaseException:
            self.stop()
            raise
        return self

    def _answers(self, client: httpx.Client) -> bool:
        assert self.process.poll() is None, f"Daphne exited:\n{self.log_tail()}"
        try:
            return client.get(f"{self.url}/healthz").status_code == 200
        except httpx.TransportError:
            return False

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
