"""Taskboard benchmark: `make bench` (or `.venv/bin/python bench/run.py [--quick]`).

Starts the app under Daphne in its deployed configuration (DJANGO_DEBUG=0, the
Dockerfile's command), and, beside it, the reference: the same ChatKit server class
behind FastAPI + uvicorn with an in-memory store (bench/reference_app.py). Seeds a
dedicated database, drives both over HTTP and WebSocket from this process, prints a
table of figures with the targets, and writes the same figures as JSON under
bench/results/. Figures are printed, not asserted: the exit status is 1 only when
requests fail (HTTP errors, error events, wrong answers), 2 when the run breaks.

PostgreSQL (a database `taskboard_bench_<pid>` of its own, dropped at the end) and
Redis (the first empty db from 15 down to 8, emptied at the end) are used when they
answer on 127.0.0.1:5432 and :6379; otherwise a SQLite file in a
temporary directory and the in-memory channel layer. `--backend` forces either.
"""

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS_DIR = ROOT / "bench" / "results"
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "taskboard_bench"
REDIS_URL_BASE = "redis://127.0.0.1:6379"
REDIS_BENCH_DBS = tuple(range(15, 7, -1))
STARTUP_TIMEOUT = 90.0
ASGI_APP = "taskboard.asgi:application"
REFERENCE_APP = "bench.reference_app:app"
MB = 1024 * 1024
# The order in which bench/scenario.py runs its phases; --only picks some.
PHASES = (
    "startup",
    "memory",
    "actions",
    "chat",
    "history",
    "lists",
    "tools",
    "fanout",
    "load",
    "panel",
)
# Phases that need the seeded database and the two servers (startup runs `make run`).
SERVER_PHASES = PHASES[1:]


@dataclass(frozen=True)
class Counts:
    clients: int = 50  # concurrent action clients
    per_client: int = 20  # actions per concurrent client
    rounds: int = 4  # 50-client runs alternate between the servers this many times
    widget_tasks: int = 20  # tasks on each client's task_list widget (a full page)
    sequential: int = 200  # single-client actions, per server
    memory_first: int = 100
    memory_total: int = 2000
    chat_turns: int = 40  # per server
    list_requests: int = 150  # per list kind and history size
    history: tuple[int, ...] = (10, 1000, 10000)
    tasks_total: int = 10000
    tool_turns: int = 20  # per task-list variant
    sockets: int = 100
    changes: int = 20  # fan-out broadcasts
    warmup: int = 10
    block: int = 25  # alternate servers in blocks of this many requests
    load_clients: int = 50  # the load phase: clients at once, each with a board socket
    load_seconds: float = 60.0


FULL = Counts()
QUICK = Counts(
    per_client=6,
    rounds=2,
    sequential=50,
    memory_total=200,
    chat_turns=10,
    list_requests=30,
    history=(10, 100, 1000),
    tasks_total=1000,
    tool_turns=5,
    changes=5,
    warmup=5,
    block=10,
    load_seconds=15.0,
)


# Environment and processes


def port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def services_available() -> bool:
    if not (port_open(5432) and port_open(6379)):
        return False
    try:
        import psycopg
        import redis

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        redis.Redis.from_url(REDIS_URL_BASE, socket_timeout=3).ping()
    except Exception:
        return False
    return True


def empty_redis_db() -> int:
    """A Redis database (8-15) nobody uses, so that concurrent runs do not share groups."""
    import redis

    for number in REDIS_BENCH_DBS:
        if redis.Redis.from_url(f"{REDIS_URL_BASE}/{number}", socket_timeout=5).dbsize() == 0:
            return number
    raise RuntimeError(f"Redis databases {REDIS_BENCH_DBS[-1]}-{REDIS_BENCH_DBS[0]} are all in use")


@dataclass
class Backend:
    label: str
    database_url: str
    redis_url: str
    database_name: str = ""

    def drop(self) -> None:
        """Remove this run's PostgreSQL database and Redis keys."""
        if not self.database_name:
            return
        import psycopg
        import redis

        with contextlib.suppress(Exception):
            redis.Redis.from_url(self.redis_url, socket_timeout=5).flushdb()
        with (
            contextlib.suppress(Exception),
            psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn,
        ):
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')


def choose_backend(choice: str, workdir: Path) -> Backend:
    if choice == "services" or (choice == "auto" and services_available()):
        import psycopg

        # One database per run, so that two runs at once (CI and a developer) never
        # drop each other's data; dropped again at the end.
        name = f"{PG_BENCH_DB}_{os.getpid()}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return Backend(
            "PostgreSQL + Redis",
            f"postgres://postgres@127.0.0.1:5432/{name}",
            f"{REDIS_URL_BASE}/{empty_redis_db()}",
            database_name=name,
        )
    return Backend("SQLite + in-memory channel layer", f"sqlite:///{workdir / 'bench.sqlite3'}", "")


def server_environment(backend: Backend) -> dict[str, str]:
    """The deployed configuration (.env.example) on plain HTTP, offline model, no tracing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="taskboard.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # .env.example's value for plain http://; there is no TLS proxy in front.
        DJANGO_SECURE_COOKIES="0",
        DJANGO_LOG_LEVEL="INFO",
        DATABASE_URL=backend.database_url,
        # Empty rather than unset, so that a developer's .env cannot fill them in.
        REDIS_URL=backend.redis_url,
        OPENAI_API_KEY="",
        OPENAI_BASE_URL="",
        CHATKIT_MODEL="offline",
        # Only the panel phase loads the page: the built-in panel, never the CDN.
        CHATKIT_UI="builtin",
        PYTHONPATH=str(ROOT),
    )
    return env


class Server:
    """A server subprocess in its own process group, logging to a file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path, port: int):
        self.name, self.argv, self.env, self.log_path, self.port = name, argv, env, log, port
        self.url = f"http://{HOST}:{port}"
        self.process: subprocess.Popen | None = None
        self.ps = None

    def start(self) -> None:
        import psutil

        log = open(self.log_path, "wb")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.ps = psutil.Process(self.process.pid)

    async def wait_ready(self) -> None:
        import httpx

        deadline = time.monotonic() + STARTUP_TIMEOUT
        async with httpx.AsyncClient(timeout=2.0, trust_env=False) as http:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited: see {self.log_path}")
                try:
                    if (await http.get(f"{self.url}/healthz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.25)
        raise RuntimeError(f"{self.name} did not answer /healthz in {STARTUP_TIMEOUT:.0f} s")

    def rss(self) -> int:
        return self.ps.memory_info().rss

    def cpu(self) -> float:
        """CPU seconds (user + system) the server process has used so far."""
        times = self.ps.cpu_times()
        return times.user + times.system

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# Figures


@dataclass
class Row:
    figure: str
    label: str
    figures: dict
    target: str = ""
    verdict: str = ""
    note: str = ""


@dataclass
class Report:
    mode: str
    backend: str
    counts: dict
    rows: list[Row] = field(default_factory=list)
    memory: dict = field(default_factory=dict)
    verdicts: dict = field(default_factory=dict)
    load: dict = field(default_factory=dict)
    errors: int = 0

    def add(self, figure: str, label: str, figs, **kw) -> Row:
        row = Row(figure, label, figs.as_dict() if hasattr(figs, "as_dict") else figs, **kw)
        self.rows.append(row)
        self.errors += row.figures.get("errors") or 0
        return row


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def print_table(report: Report) -> None:
    head = (
        f"{'figure':<46} {'n':>6} {'err':>4} {'median':>8} {'p95':>8} {'p99':>8} "
        f"{'req/s':>7} {'cpu/req':>7}  target"
    )
    print()
    print(
        f"Taskboard benchmark · {report.mode} · {report.backend} · latencies in ms, "
        "cpu/req = server CPU ms per request"
    )
    print(head)
    print("-" * len(head))
    for row in report.rows:
        f = row.figures
        if "ratio" in f:
            cells = (
                f"{'':>6} {'':>4} {fmt(f.get('median'), 2) + 'x':>8} "
                f"{fmt(f.get('p95'), 2) + 'x':>8} {fmt(f.get('p99'), 2) + 'x':>8} {'':>7} "
                f"{fmt(f.get('cpu_ms'), 2) + 'x' if f.get('cpu_ms') else '':>7}"
            )
        else:
            cells = (
                f"{f.get('count', ''):>6} {f.get('errors', ''):>4} {fmt(f.get('median')):>8} "
                f"{fmt(f.get('p95')):>8} {fmt(f.get('p99')):>8} {fmt(f.get('throughput')):>7} "
                f"{fmt(f.get('cpu_ms')) if f.get('cpu_ms') else '':>7}"
            )
        target = f"  {row.target} {row.verdict}".rstrip() if row.target else ""
        print(f"{(row.figure + ' ' + row.label)[:46]:<46} {cells}{target}")
        if row.note:
            print(f"{'':<6}{row.note}")
    print("-" * len(head))
    for name, value in report.memory.items():
        print(f"memory: {name}: {value}")
    print()
    if report.mode == "quick":
        print(
            "Short run: few samples, so these verdicts are indicative; "
            "the targets are judged on the full run (make bench)."
        )
    width = max(len(name) for name in report.verdicts) if report.verdicts else 0
    for name, (value, target, result) in report.verdicts.items():
        print(f"{name:<{width}}  {value:<34} target {target:<26} {result}")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts (CI smoke run)")
    parser.add_argument(
        "--backend",
        choices=("auto", "services", "embedded"),
        default="auto",
        help="services: PostgreSQL + Redis; embedded: SQLite + in-memory layer",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory and logs")
    parser.add_argument(
        "--ours-server",
        choices=["daphne", "uvicorn"],
        default="daphne",
        help="ASGI server for the product (uvicorn separates the server's share of a gap)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="processes of ours for the second 50-client run (1: skip it; default 2)",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra setting for both servers, e.g. DJANGO_CONN_MAX_AGE=60 (repeatable)",
    )
    parser.add_argument(
        "--only",
        metavar="PHASE[,PHASE]",
        help="run only these phases, to study one figure: startup, memory, actions, chat, "
        "history, lists, tools, fanout, load, panel (the memory figures need memory first, "
        "on a fresh server)",
    )
    args = parser.parse_args()
    phases = tuple(args.only.split(",")) if args.only else None
    if phases and not set(phases) <= set(PHASES):
        parser.error(f"--only takes phases from: {', '.join(PHASES)}")
    counts = QUICK if args.quick else FULL

    workdir = Path(tempfile.mkdtemp(prefix="taskboard-bench-"))
    servers: list[Server] = []

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    failed = False
    backend = None
    try:
        backend = choose_backend(args.backend, workdir)
        env = server_environment(backend)
        for setting in args.env:
            name, sep, value = setting.partition("=")
            if not sep or not name:
                parser.error(f"--env wants NAME=VALUE, not {setting!r}")
            env[name] = value
        os.environ.update(env)
        import django

        django.setup()
        from bench import scenario

        report = Report(
            mode="quick" if args.quick else "full", backend=backend.label, counts=asdict(counts)
        )
        print(f"Benchmark ({report.mode}) on {backend.label}; work files in {workdir}", flush=True)
        chosen = phases or PHASES
        if "startup" in chosen:
            # First, while nothing else runs: make run's own start-up, on SQLite.
            from bench import startup

            startup.measure(report, workdir, free_port(), warm_runs=2 if args.quick else 3)
        server_phases = tuple(phase for phase in chosen if phase in SERVER_PHASES)
        if server_phases:
            plan = scenario.seed_all(counts, workdir, history="lists" in chosen)
            if "load" in chosen:
                from bench import load

                plan.extra["load"] = load.seed_load(counts.load_clients)
            if "panel" in chosen:
                from bench import panel

                plan.extra["panel"] = panel.prepare(counts, quick=args.quick)

            ours_port, ref_port = free_port(), free_port()
            # The Dockerfile's command: Daphne with its defaults (access log included).
            ours_command = {
                "daphne": ["daphne", "-b", HOST, "-p", str(ours_port), ASGI_APP],
                "uvicorn": ["uvicorn", ASGI_APP, "--host", HOST, "--port", str(ours_port)],
            }[args.ours_server]
            ours = Server(
                args.ours_server.capitalize(),
                [sys.executable, "-m", *ours_command],
                env,
                workdir / f"{args.ours_server}.log",
                ours_port,
            )
            # The samples' command: uvicorn with its defaults (access log included).
            reference = Server(
                "uvicorn reference",
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    REFERENCE_APP,
                    "--host",
                    HOST,
                    "--port",
                    f"{ref_port}",
                ],
                {**env, "BENCH_REFERENCE_SEED": str(plan.reference_seed_path)},
                workdir / "uvicorn.log",
                ref_port,
            )
            servers.extend([ours, reference])
            if "actions" in server_phases and args.processes > 1:
                # More processes of ours for the 50-client phase, sharing the database and
                # Redis; the clients are spread over them in turn.
                for number in range(2, args.processes + 1):
                    port = free_port()
                    extra = Server(
                        f"{args.ours_server.capitalize()} {number}",
                        [
                            sys.executable,
                            "-m",
                            *[
                                str(port) if part == str(ours_port) else part
                                for part in ours_command
                            ],
                        ],
                        env,
                        workdir / f"{args.ours_server}-{number}.log",
                        port,
                    )
                    servers.append(extra)
                    plan.extra.setdefault("ours_more", []).append(extra)
            for server in servers:
                server.start()
            asyncio.run(scenario.measure(report, counts, plan, ours, reference, server_phases))
            if "panel" in chosen:
                # Last, in Chromium: the page's bundle and the panel's Start clicks.
                panel.measure(report, ours.url, plan.extra["panel"])
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        failed = True
        return 130
    except Exception as exc:
        failed = True
        import traceback

        traceback.print_exc()
        for server in servers:
            print(f"--- last lines of {server.log_path.name} ---\n{server.log_tail()}")
        print(f"Benchmark broke: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    finally:
        for server in servers:
            server.stop()
        if backend is not None and not args.keep:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            backend.drop()
        if not args.keep and not failed:
            shutil.rmtree(workdir, ignore_errors=True)

    print_table(report)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    payload = json.dumps(asdict(report), indent=2, default=str)
    (RESULTS_DIR / f"{stamp}-{report.mode}.json").write_text(payload)
    (RESULTS_DIR / f"latest-{report.mode}.json").write_text(payload)
    print(f"Results written to {RESULTS_DIR / f'{stamp}-{report.mode}.json'}")
    if report.errors:
        print(f"{report.errors} request(s) failed; see the err column.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
