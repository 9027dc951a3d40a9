"""Start-up phase: time from `make run`'s command to the app's first answer.

`make run` runs `scripts/run.py` (migrate, seed_demo, Daphne in one process). This
phase runs that script the way `make run` does, on the embedded defaults (a SQLite
file of its own, the in-memory channel layer, the offline model), and times from
starting the process to the first 200 from /healthz:

- cold: a new database, so every migration runs and the demo data is created;
- warm: the same command again on that database (what every later `make run` pays).

Python's bytecode caches are as the checkout has them, so "cold" is a first run on a
new database, not on a new machine.
"""

import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
RUN_SCRIPT = ROOT / "scripts" / "run.py"
TIMEOUT_SECONDS = 120.0
WARM_TARGET_SECONDS = 10.0


def make_run_environment(database: Path) -> dict[str, str]:
    """`make run` on a clean shell: no settings but the database file."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "DJANGO_", "CHATKIT_", "DATABASE_", "REDIS_"))
    }
    env["DATABASE_URL"] = f"sqlite:///{database}"
    return env


def time_to_first_answer(env: dict[str, str], port: int, log: Path) -> float:
    """Seconds from starting scripts/run.py to the first 200 from /healthz."""
    url = f"http://127.0.0.1:{port}/healthz"
    with log.open("ab") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(RUN_SCRIPT), "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        with httpx.Client(timeout=2.0, trust_env=False) as http:
            while time.perf_counter() - started < TIMEOUT_SECONDS:
                if process.poll() is not None:
                    raise RuntimeError(f"scripts/run.py exited: see {log}")
                try:
                    if http.get(url).status_code == 200:
                        return time.perf_counter() - started
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
        raise RuntimeError(f"scripts/run.py did not answer in {TIMEOUT_SECONDS:.0f} s: see {log}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def measure(report, workdir: Path, port: int, *, warm_runs: int) -> None:
    env = make_run_environment(workdir / "make-run.sqlite3")
    log = workdir / "make-run.log"
    cold = time_to_first_answer(env, port, log)
    warm = [time_to_first_answer(env, port, log) for _ in range(warm_runs)]

    def figs(seconds: list[float]) -> dict:
        ms = [s * 1000 for s in seconds]
        return {"count": len(ms), "errors": 0, "median": statistics.median(ms), "p95": max(ms)}

    note = "make run (scripts/run.py) to the first 200 from /healthz; p95 column: slowest run"
    report.add("0", "start-up, cold: new database · ours", figs([cold]), note=note)
    report.add(
        "0",
        "start-up, warm: again on it · ours",
        figs(warm),
        target=f"≤ {WARM_TARGET_SECONDS:.0f} s",
        verdict="PASS" if max(warm) <= WARM_TARGET_SECONDS else "MISS",
    )
    report.verdicts["0 warm make run"] = (
        f"{statistics.median(warm):.1f} s median, {max(warm):.1f} s slowest (cold {cold:.1f} s)",
        f"≤ {WARM_TARGET_SECONDS:.0f} s to first answer",
        "PASS" if max(warm) <= WARM_TARGET_SECONDS else "MISS",
    )
